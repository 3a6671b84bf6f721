import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { wpumApiRequest } from '../../transport';
import { requireId, type OperationResult } from '../common';

export const description: INodeProperties[] = [
	{
		displayName: 'User',
		name: 'userId',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description: 'The WordPress user: pick one from the list or enter their numeric ID',
		displayOptions: { show: { resource: ['user'], operation: ['get', 'linkCrmContact'] } },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchUsers', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '12',
				validation: [
					{ type: 'regex', properties: { regex: '^\\s*[0-9]+\\s*$', errorMessage: 'Enter the numeric WordPress user ID, e.g. 12' } },
				],
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const userId = requireId.call(this, 'userId', 'User ID', itemIndex);
	return [await wpumApiRequest.call(this, 'GET', `/users/${userId}`)];
}
