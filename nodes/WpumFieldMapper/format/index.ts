import type { FieldInfo } from '../fields';
import { resolveAuto } from './auto';
import { formatBoolean } from './boolean';
import { formatDate } from './date';
import { formatFileUrl } from './fileUrl';
import { formatList } from './list';
import { formatNumber } from './number';
import { formatText } from './text';
import type { FormatName, FormatOptions, Formatter } from './types';

export { isEmpty } from './empty';
export { DEFAULT_FORMAT_OPTIONS } from './types';
export type { FormatName, FormatOptions } from './types';

const FORMATTERS: Record<Exclude<FormatName, 'auto'>, Formatter> = {
	text: formatText,
	number: formatNumber,
	boolean: formatBoolean,
	date: formatDate,
	list: formatList,
	fileUrl: formatFileUrl,
};

/** What "Send empty to clear" sends for a blank value: the empty form of the format's output. */
function emptyValue(format: Exclude<FormatName, 'auto'>, options: FormatOptions): unknown {
	switch (format) {
		case 'number':
		case 'boolean':
		case 'date':
			return null;
		case 'list':
			return options.listOutput === 'array' ? [] : '';
		case 'fileUrl':
			return options.fileOutput === 'array' ? [] : '';
		default:
			return '';
	}
}

export interface FormattedValue {
	/** `undefined` when the value is blank. */
	value: unknown;
	/** What to send instead, to clear the CRM field, when the value is blank. */
	empty: unknown;
}

/** Applies an association's format (resolving Auto by the field's WPUM type) to one value. */
export function applyFormat(
	format: FormatName,
	options: FormatOptions,
	field: FieldInfo,
	value: unknown,
	labels: unknown,
): FormattedValue {
	let concrete: Exclude<FormatName, 'auto'>;
	let effective = options;
	if (format === 'auto') {
		const resolved = resolveAuto(field, value);
		concrete = resolved.format;
		effective = { ...options, ...resolved.options };
	} else {
		concrete = format;
	}
	const formatted = FORMATTERS[concrete](value, { field, labels, options: effective });
	return { value: formatted, empty: formatted === undefined ? emptyValue(concrete, effective) : undefined };
}
