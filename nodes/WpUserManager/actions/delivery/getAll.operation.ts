import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { wpumApiRequestAllPages } from '../../transport';
import { returnAllOrLimit, type OperationResult } from '../common';

export const description: INodeProperties[] = [
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		options: [
			{ name: 'Any', value: '' },
			{ name: 'Failed', value: 'failed', description: 'Gave up after 72 hours of retries' },
			{ name: 'Pending', value: 'pending', description: 'Waiting to be sent or retried' },
			{ name: 'Delivered', value: 'delivered', description: 'Acknowledged by n8n' },
		],
		default: 'failed',
		description: 'Only deliveries in this state',
		displayOptions: { show: { resource: ['delivery'], operation: ['getAll'] } },
	},
	...returnAllOrLimit('delivery', 'getAll'),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const status = this.getNodeParameter('status', itemIndex) as string;
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex) as number);
	const qs: IDataObject = status ? { status } : {};
	return await wpumApiRequestAllPages.call(this, '/deliveries', 'deliveries', qs, limit);
}
