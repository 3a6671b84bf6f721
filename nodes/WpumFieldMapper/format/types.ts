import type { FieldInfo } from '../fields';

export type FormatName = 'auto' | 'text' | 'number' | 'boolean' | 'date' | 'list' | 'fileUrl';

export type BooleanStyle = 'boolean' | 'yesNo' | 'oneZero';
export type DateOutput = 'isoDate' | 'isoDateTime' | 'unixSeconds' | 'unixMilliseconds' | 'pattern';
export type ListOutput = 'array' | 'joined';
export type FileOutput = 'first' | 'array' | 'joined';

/** An association's format settings; each format reads only its own. */
export interface FormatOptions {
	booleanStyle: BooleanStyle;
	dateOutput: DateOutput;
	/** Output pattern when dateOutput is `pattern` (yyyy, MM, dd, …). */
	datePattern: string;
	/** How the site stores the date when it is not YYYY-MM-DD; empty = recognise common forms. */
	dateInputPattern: string;
	listOutput: ListOutput;
	separator: string;
	/** Send option labels instead of stored values (choice fields). */
	useLabels: boolean;
	fileOutput: FileOutput;
}

export const DEFAULT_FORMAT_OPTIONS: FormatOptions = {
	booleanStyle: 'boolean',
	dateOutput: 'isoDate',
	datePattern: '',
	dateInputPattern: '',
	listOutput: 'array',
	separator: ', ',
	useLabels: false,
	fileOutput: 'first',
};

export interface FormatContext {
	field: FieldInfo;
	/** `user.field_labels[key]`: the option label(s) of the stored value(s). */
	labels: unknown;
	options: FormatOptions;
}

/** Turns a normalized WPUM value into what the CRM gets; returns `undefined` when there is nothing to send. */
export type Formatter = (value: unknown, context: FormatContext) => unknown;
