import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { wpumApiRequest } from '../../transport';
import { requireId, type OperationResult } from '../common';

export const description: INodeProperties[] = [
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '12',
		description: 'The WordPress user ID (a number)',
		displayOptions: { show: { resource: ['user'], operation: ['get', 'linkCrmContact'] } },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const userId = requireId.call(this, 'userId', 'User ID', itemIndex);
	return [await wpumApiRequest.call(this, 'GET', `/users/${userId}`)];
}
