import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as linkCrmContact from './linkCrmContact.operation';

export { get, getAll, linkCrmContact };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get one user with all their WPUM fields',
				action: 'Get a user',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List users, e.g. to sync existing users into a CRM once',
				action: 'Get many users',
			},
			{
				name: 'Link CRM Contact',
				value: 'linkCrmContact',
				description: "Store a CRM contact's ID and tags on the WordPress user, so later events carry them",
				action: 'Link a CRM contact to a user',
			},
		],
		default: 'get',
	},
	...get.description,
	...getAll.description,
	...linkCrmContact.description,
];
