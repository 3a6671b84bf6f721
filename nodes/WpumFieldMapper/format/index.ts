import type { FieldInfo } from '../fields';
import { resolveAuto, type ResolvedFormat } from './auto';
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

/** The empty form of a format's output. */
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

// Auto's settings merged over an association's, computed once per association and resolved format.
const merged = new WeakMap<FormatOptions, WeakMap<ResolvedFormat, FormatOptions>>();

function withAuto(options: FormatOptions, resolved: ResolvedFormat): FormatOptions {
	let byResolved = merged.get(options);
	if (!byResolved) merged.set(options, (byResolved = new WeakMap()));
	let result = byResolved.get(resolved);
	if (!result) byResolved.set(resolved, (result = { ...options, ...resolved.options }));
	return result;
}

function resolve(format: FormatName, options: FormatOptions, field: FieldInfo, value: unknown): [Exclude<FormatName, 'auto'>, FormatOptions] {
	if (format !== 'auto') return [format, options];
	const resolved = resolveAuto(field, value);
	return [resolved.format, withAuto(options, resolved)];
}

/** Applies an association's format (Auto resolved by the field's WPUM type); `undefined` when the value is blank. */
export function applyFormat(format: FormatName, options: FormatOptions, field: FieldInfo, value: unknown, labels: unknown): unknown {
	const [concrete, effective] = resolve(format, options, field, value);
	return FORMATTERS[concrete](value, { field, labels, options: effective });
}

/** What "Send empty to clear" sends for a blank value: the empty form of the format's output. */
export function clearValue(format: FormatName, options: FormatOptions, field: FieldInfo, value: unknown): unknown {
	const [concrete, effective] = resolve(format, options, field, value);
	return emptyValue(concrete, effective);
}
