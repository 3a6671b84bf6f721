import type { FormatContext } from './types';

/** The option label for one stored value: from the payload's field_labels, else the catalog's options. */
function labelOf(value: unknown, index: number, context: FormatContext): string {
	const { labels, field } = context;
	if (Array.isArray(labels) && typeof labels[index] === 'string') return labels[index];
	if (typeof labels === 'string' && index === 0) return labels;
	const option = field.options?.find((o) => o.value === String(value));
	return option ? option.label : String(value);
}

/** The values as strings, or their labels when the association asks for labels. */
export function valuesOrLabels(values: unknown[], context: FormatContext): string[] {
	return values.map((value, index) =>
		context.options.useLabels ? labelOf(value, index, context) : scalarText(value),
	);
}

/** A scalar as text; objects (repeater rows) as JSON. */
export function scalarText(value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'object' && value !== null) return JSON.stringify(value);
	return String(value);
}
