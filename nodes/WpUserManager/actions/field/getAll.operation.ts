import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { wpumApiRequest } from '../../transport';
import type { OperationResult } from '../common';

export const description: INodeProperties[] = [];

export async function execute(this: IExecuteFunctions): Promise<OperationResult> {
	const catalog = (await wpumApiRequest.call(this, 'GET', '/fields')) as { source?: string; fields?: IDataObject[] };
	return (catalog.fields ?? []).map((field) => ({ ...field, source: catalog.source }));
}
