import type { IDataObject } from 'n8n-workflow';

import { isEmpty } from './empty';
import type { Formatter } from './types';

function urlOf(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim() || undefined;
	if (typeof value === 'object' && value !== null && typeof (value as IDataObject).url === 'string') {
		return (value as IDataObject).url as string;
	}
	return undefined;
}

/** File URL: the first file's URL, all URLs as an array, or all joined with the separator. */
export const formatFileUrl: Formatter = (value, context) => {
	if (isEmpty(value)) return undefined;
	const urls = (Array.isArray(value) ? value : [value]).map(urlOf).filter((u): u is string => u !== undefined);
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
