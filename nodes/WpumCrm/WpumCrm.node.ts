import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { contactProperties, lookupProperties, operationProperty, optionsProperty } from './actions/properties';
import { router } from './actions/router';
import { crmAdapters, crmCredentials, crmLoadOptions, crmSelectorProperty, crmSettingsProperties } from './adapters';

const OPERATION_WORDS = { upsert: 'Create or update', addTags: 'Add tags', removeTags: 'Remove tags', get: 'Get contact', delete: 'Delete contact' };
const CRM_NAMES = Object.fromEntries(crmAdapters.map((adapter) => [adapter.slug, adapter.displayName]));
/** E.g. "Create or update · HubSpot". */
const SUBTITLE = `={{ (${JSON.stringify(OPERATION_WORDS)}[$parameter["operation"]] || $parameter["operation"]) + " · " + (${JSON.stringify(CRM_NAMES)}[$parameter["crm"]] || $parameter["crm"]) }}`;

export class WpumCrm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WPUM CRM Sync',
		name: 'wpumCrm',
		icon: { light: 'file:wpumCrm.svg', dark: 'file:wpumCrm.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: SUBTITLE,
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
