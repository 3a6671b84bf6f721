import { MappingError } from '../errors';
import { isEmpty } from './empty';
import type { Formatter } from './types';

/** Number: numbers as they are, numeric text parsed, a checkbox as 1 / 0. */
export const formatNumber: Formatter = (value, context) => {
	if (isEmpty(value)) return undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'boolean') return value ? 1 : 0;
	if (typeof value === 'string') {
		const text = value.trim().replace(/\s/g, '');
		if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return Number(text);
	}
	throw new MappingError(
		`The value ${JSON.stringify(value)} of "${context.field.key}" is not a number`,
		'Choose the Text format for this association, or correct the value in WordPress.',
		context.field.key,
	);
};
