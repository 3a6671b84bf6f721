import { MappingError } from '../errors';
import { isEmpty } from './empty';
import type { BooleanStyle, Formatter } from './types';

const TRUE_TEXT = new Set(['1', 'true', 'yes', 'on', 'y', 'checked']);
const FALSE_TEXT = new Set(['0', 'false', 'no', 'off', 'n', '']);

const STYLES: Record<BooleanStyle, [unknown, unknown]> = {
	boolean: [true, false],
	yesNo: ['yes', 'no'],
	oneZero: [1, 0],
};

/** Boolean: true/false, yes/no or 1/0. A never-saved checkbox is unchecked, so it sends "false". */
export const formatBoolean: Formatter = (value, context) => {
	const [yes, no] = STYLES[context.options.booleanStyle];
	if (value === null || value === undefined) return context.field.type === 'checkbox' ? no : undefined;
	if (typeof value === 'boolean') return value ? yes : no;
	if (typeof value === 'number') return value !== 0 ? yes : no;
	if (Array.isArray(value)) return value.length > 0 ? yes : no;
	if (typeof value === 'string') {
		const text = value.trim().toLowerCase();
		if (TRUE_TEXT.has(text)) return yes;
		if (FALSE_TEXT.has(text)) return isEmpty(value) && context.field.type !== 'checkbox' ? undefined : no;
	}
	throw new MappingError(
		`The value ${JSON.stringify(value)} of "${context.field.key}" is neither yes nor no`,
		'Use the Boolean format only for checkboxes and yes/no fields; choose Text for this one.',
		context.field.key,
	);
};
