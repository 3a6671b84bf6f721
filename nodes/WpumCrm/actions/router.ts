import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getAdapter } from '../adapters';
import { deleteContact } from './delete.operation';
import { getContact } from './get.operation';
import { changeTags } from './tags.operation';
import { upsert } from './upsert.operation';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const adapter = getAdapter(this.getNodeParameter('crm', 0) as string);
	const operation = this.getNodeParameter('operation', 0) as string;
	switch (operation) {
		case 'upsert':
			return [await upsert.call(this, adapter)];
		case 'addTags':
			return [await changeTags.call(this, adapter, 'add')];
		case 'removeTags':
			return [await changeTags.call(this, adapter, 'remove')];
		case 'get':
			return [await getContact.call(this, adapter)];
		case 'delete':
			return [await deleteContact.call(this, adapter)];
		default:
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
}
