import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { contactProperties, lookupProperties, operationProperty, optionsProperty } from './actions/properties';
import { router } from './actions/router';
import { crmCredentials, crmLoadOptions, crmSelectorProperty, crmSettingsProperties } from './adapters';

export class WpumCrm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WPUM CRM Sync',
		name: 'wpumCrm',
		icon: { light: 'file:wpumCrm.svg', dark: 'file:wpumCrm.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + " · " + $parameter["crm"]}}',
		description: 'Create, update, tag, look up or delete WordPress users as contacts in your CRM',
		defaults: { name: 'WPUM CRM Sync' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: crmCredentials(),
		properties: [
			crmSelectorProperty(),
			operationProperty,
			...crmSettingsProperties(),
			...contactProperties,
			...lookupProperties,
			optionsProperty,
		],
	};

	methods = { loadOptions: crmLoadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
