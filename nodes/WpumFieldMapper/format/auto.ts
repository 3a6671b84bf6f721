import type { FieldInfo } from '../fields';
import type { FormatName, FormatOptions } from './types';

export interface ResolvedFormat {
	format: Exclude<FormatName, 'auto'>;
	/** Settings Auto imposes, over the association's own. */
	options: Partial<FormatOptions>;
}

// Shared objects, so the merged settings can be cached per association (format/index.ts).
const TEXT: ResolvedFormat = { format: 'text', options: {} };
const LIST: ResolvedFormat = { format: 'list', options: { listOutput: 'array' } };
const BOOLEAN: ResolvedFormat = { format: 'boolean', options: { booleanStyle: 'boolean' } };
const NUMBER: ResolvedFormat = { format: 'number', options: {} };
const DATE: ResolvedFormat = { format: 'date', options: { dateOutput: 'isoDate' } };
const DATE_TIME: ResolvedFormat = { format: 'date', options: { dateOutput: 'isoDateTime' } };
const FIRST_FILE: ResolvedFormat = { format: 'fileUrl', options: { fileOutput: 'first' } };
const ALL_FILES: ResolvedFormat = { format: 'fileUrl', options: { fileOutput: 'array' } };

/**
 * What Auto does for each WPUM field type (docs/field-mapper.md lists it):
 * checkbox → true/false, number → number, datepicker → YYYY-MM-DD, multi-value choices → array of
 * values, file → URL (array when the field takes several), repeater → JSON text, the rest → text.
 */
export function resolveAuto(field: FieldInfo, value: unknown): ResolvedFormat {
	switch (field.type) {
		case 'checkbox':
			return BOOLEAN;
		case 'number':
			return NUMBER;
		case 'datepicker':
			return DATE;
		case 'datetime':
			return DATE_TIME;
		case 'multiselect':
		case 'multicheckbox':
			return LIST;
		case 'userrole':
		case 'taxonomy':
		case 'user':
			return field.multiple || Array.isArray(value) ? LIST : TEXT;
		case 'file':
		case 'user_avatar':
		case 'user_cover':
			return field.multiple || Array.isArray(value) ? ALL_FILES : FIRST_FILE;
		default:
			// text, email, url, telephone, textarea, wysiwyg, hidden, dropdown, radio, video, audio,
			// repeater (as JSON), the primary fields (username, user_email, user_firstname, …) and unknown types.
			return TEXT;
	}
}
