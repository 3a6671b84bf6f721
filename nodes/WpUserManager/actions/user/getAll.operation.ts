import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { wpumApiRequestAllPages } from '../../transport';
import { returnAllOrLimit, type OperationResult } from '../common';

export const description: INodeProperties[] = [
	...returnAllOrLimit('user', 'getAll'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: ['user'], operation: ['getAll'] } },
		options: [
			{
				displayName: 'Registered After',
				name: 'registeredAfter',
				type: 'dateTime',
				default: '',
				description: 'Only users who signed up after this moment',
			},
			{
				displayName: 'Role Name or ID',
				name: 'role',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getRoles' },
				default: '',
				description:
					'Only users with this role. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Active', value: 'active' },
					{ name: 'Pending Approval', value: 'pending_approval' },
					{ name: 'Pending E-Mail Verification', value: 'pending_verification' },
				],
				default: 'active',
				description: 'Only users with this account status',
			},
			{
				displayName: 'Updated After',
				name: 'updatedAfter',
				type: 'dateTime',
				default: '',
				description: 'Only users whose profile changed after this moment (useful for a nightly catch-up sync)',
			},
		],
	},
];

function isoUtc(this: IExecuteFunctions, value: unknown, label: string, itemIndex: number): string {
	const date = new Date(String(value));
	if (Number.isNaN(date.getTime())) {
		throw new NodeOperationError(this.getNode(), `"${label}" is not a date: "${String(value)}"`, {
			itemIndex,
			description: 'Pick a date in the date picker or use an ISO 8601 date such as 2026-01-31T00:00:00Z.',
		});
	}
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex) as number);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;

	const qs: IDataObject = {};
	if (filters.role) qs.role = filters.role;
	if (filters.status) qs.status = filters.status;
	if (filters.registeredAfter) qs.registered_after = isoUtc.call(this, filters.registeredAfter, 'Registered After', itemIndex);
	if (filters.updatedAfter) qs.updated_after = isoUtc.call(this, filters.updatedAfter, 'Updated After', itemIndex);

	return await wpumApiRequestAllPages.call(this, '/users', 'users', qs, limit);
}
