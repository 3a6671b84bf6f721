import type { IDataObject } from 'n8n-workflow';

import { MappingError } from '../errors';
import { isEmpty } from './empty';
import type { FormatContext, Formatter } from './types';

const URL_LIKE = /^https?:\/\/\S+$/i;

/** A file's URL: a string, or `{url}` as WPUM stores several files. */
function urlOf(value: unknown, context: FormatContext): string {
	const url =
		typeof value === 'object' && value !== null && typeof (value as IDataObject).url === 'string'
			? ((value as IDataObject).url as string)
			: value;
	if (typeof url === 'string' && URL_LIKE.test(url.trim())) return url.trim();
	throw new MappingError(
		`The value ${JSON.stringify(value)} of "${context.field.key}" is not a file URL`,
		'Use the File URL format for file, avatar, cover, video and audio fields; choose Text for this one.',
		context.field.key,
	);
}

/** File URL: the first file's URL, all URLs as an array, or all joined with the separator. */
export const formatFileUrl: Formatter = (value, context) => {
	if (isEmpty(value)) return undefined;
	const urls = (Array.isArray(value) ? value : [value]).filter((v) => !isEmpty(v)).map((v) => urlOf(v, context));
	if (urls.length === 0) return undefined;
	switch (context.options.fileOutput) {
		case 'array':
			return urls;
		case 'joined':
			return urls.join(context.options.separator);
		default:
			return urls[0];
	}
};
