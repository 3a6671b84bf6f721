import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['field'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List every WPUM field: its key, label, type, group and choices',
				action: 'Get many fields',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
];
