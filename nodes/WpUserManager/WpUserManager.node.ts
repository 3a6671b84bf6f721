import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as delivery from './actions/delivery';
import * as field from './actions/field';
import { router } from './actions/router';
import * as user from './actions/user';
import { credentialTest, listSearch, loadOptions } from './methods';

export class WpUserManager implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WP User Manager',
		name: 'wpUserManager',
		icon: { light: 'file:wpUserManager.svg', dark: 'file:wpUserManager.dark.svg' },
		group: ['transform'],
		version: 1,
		// E.g. "Link CRM contact".
		subtitle:
			'={{ {"user:get": "Get user", "user:getAll": "Get many users", "user:linkCrmContact": "Link CRM contact", "field:getAll": "Get field catalog", "delivery:getAll": "Get deliveries", "delivery:retry": "Retry delivery"}[$parameter["resource"] + ":" + $parameter["operation"]] || $parameter["operation"] }}',
		description: 'Look up WordPress users with their WP User Manager fields, link them to CRM contacts, and manage webhook deliveries',
		defaults: { name: 'WP User Manager' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'wpUserManagerApi', required: true, testedBy: 'wpUserManagerApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'User', value: 'user', description: 'A WordPress user with their WPUM profile' },
					{ name: 'Field', value: 'field', description: 'The WPUM fields your forms and profiles use' },
					{
						name: 'Delivery',
						value: 'delivery',
						description: 'An event the plugin sent (or will send) to n8n',
					},
				],
				default: 'user',
			},
			...user.description,
			...field.description,
			...delivery.description,
		],
	};

	methods = { loadOptions, listSearch, credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
