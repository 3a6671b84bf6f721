import { isEmpty } from './empty';
import { scalarText, valuesOrLabels } from './labels';
import type { Formatter } from './types';

/** Text: strings as they are, several values joined with the separator, rows of a repeater as JSON. */
export const formatText: Formatter = (value, context) => {
	if (isEmpty(value)) return undefined;
	if (Array.isArray(value)) {
		const rowsOfObjects = value.some((v) => typeof v === 'object' && v !== null);
		if (rowsOfObjects) return JSON.stringify(value);
		return valuesOrLabels(value, context).join(context.options.separator);
	}
	if (context.options.useLabels) return valuesOrLabels([value], context)[0];
	return scalarText(value);
};
