import type { FieldInfo } from '../fields';
import type { FormatName, FormatOptions } from './types';

export interface ResolvedFormat {
	format: Exclude<FormatName, 'auto'>;
	/** Settings Auto imposes, over the association's own. */
	options: Partial<FormatOptions>;
}

const TEXT: ResolvedFormat = { format: 'text', options: {} };
const LIST: ResolvedFormat = { format: 'list', options: { listOutput: 'array' } };

/**
 * What Auto does for each WPUM field type (docs/field-mapper.md lists it):
 * checkbox → true/false, number → number, datepicker → YYYY-MM-DD, multi-value choices → array of
 * values, file → URL (array when the field takes several), repeater → JSON text, the rest → text.
 */
export function resolveAuto(field: FieldInfo, value: unknown): ResolvedFormat {
	switch (field.type) {
		case 'checkbox':
			return { format: 'boolean', options: { booleanStyle: 'boolean' } };
		case 'number':
			return { format: 'number', options: {} };
		case 'datepicker':
			return { format: 'date', options: { dateOutput: 'isoDate' } };
		case 'datetime':
			return { format: 'date', options: { dateOutput: 'isoDateTime' } };
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
			return { format: 'fileUrl', options: { fileOutput: field.multiple || Array.isArray(value) ? 'array' : 'first' } };
		default:
			// text, email, url, telephone, textarea, wysiwyg, hidden, dropdown, radio, video, audio,
			// repeater (as JSON), the primary fields (username, user_email, user_firstname, …) and unknown types.
			return TEXT;
	}
}
