import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { wpumApiRequest } from '../../transport';
import { requireId, type OperationResult } from '../common';

export const description: INodeProperties[] = [
	{
		displayName: 'Delivery ID',
		name: 'deliveryId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '345',
		description: 'The ID of the delivery to send again (from Get Many, or the plugin\'s admin page)',
		displayOptions: { show: { resource: ['delivery'], operation: ['retry'] } },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const deliveryId = requireId.call(this, 'deliveryId', 'Delivery ID', itemIndex);
	return [await wpumApiRequest.call(this, 'POST', `/deliveries/${deliveryId}/retry`)];
}
