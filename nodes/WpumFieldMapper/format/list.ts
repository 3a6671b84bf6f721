import { isEmpty } from './empty';
import { valuesOrLabels } from './labels';
import type { Formatter } from './types';

/** List: every value (or its label) as an array, or joined into one text with the separator. */
export const formatList: Formatter = (value, context) => {
	if (isEmpty(value)) return undefined;
	const values = (Array.isArray(value) ? value : [value]).filter((v) => !isEmpty(v));
	if (values.length === 0) return undefined;
	const items = valuesOrLabels(values, context);
	return context.options.listOutput === 'joined' ? items.join(context.options.separator) : items;
};
