import type { INodeProperties } from 'n8n-workflow';

import * as getAll from './getAll.operation';
import * as retry from './retry.operation';

export { getAll, retry };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['delivery'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the events the plugin sent or still has to send',
				action: 'Get many deliveries',
			},
			{
				name: 'Retry',
				value: 'retry',
				description: 'Send a failed or pending delivery again now',
				action: 'Retry a delivery',
			},
		],
		default: 'getAll',
	},
	...getAll.description,
	...retry.description,
];
