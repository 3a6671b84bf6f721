import type {
	IDataObject,
	IExecuteFunctions,
	INodeCredentialDescription,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { crmAdapters, crmCredentials } from '../WpumCrm/adapters';
import { readConfig } from './config';
import { associationsProperty } from './description/associations';
import { deferProperty, optionsProperty } from './description/behaviour';
import { crmFieldListSettings, crmProperty, wpumFieldListProperty } from './description/sources';
import { conditionalTagsProperty, tagsProperty } from './description/tags';
import { MappingError } from './errors';
import { mapInput } from './map';
import { loadFieldCatalog } from './methods/catalog';
import { loadOptions } from './methods/loadOptions';
import { type MapperInput, readInput } from './payload';

// Outputs: Sync, then Deferred only while "Defer Until Activation" is on, then Removed.
const OUTPUTS = `={{ [{ type: 'main', displayName: 'Sync' }].concat($parameter.deferUntilActivation ? [{ type: 'main', displayName: 'Deferred' }] : [], [{ type: 'main', displayName: 'Removed' }]) }}`;

/** The WP User Manager credential (for the site's field list) and the picked CRM's credential. */
function mapperCredentials(): INodeCredentialDescription[] {
	return [
		{ name: 'wpUserManagerApi', required: true, displayOptions: { show: { wpumFieldList: ['site'] } } },
		...crmCredentials(),
	];
}

const CRM_NAMES = Object.fromEntries(crmAdapters.map((adapter) => [adapter.slug, adapter.displayName]));
/** E.g. "WPUM fields → HubSpot, deferred until activation". */
const SUBTITLE = `={{ "WPUM fields → " + (${JSON.stringify(CRM_NAMES)}[$parameter["crm"]] || "CRM fields") + ($parameter["deferUntilActivation"] ? ", deferred until activation" : "") }}`;

export class WpumFieldMapper implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WPUM Field Mapper',
		name: 'wpumFieldMapper',
		icon: { light: 'file:wpumFieldMapper.svg', dark: 'file:wpumFieldMapper.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: SUBTITLE,
		description: 'Turn WP User Manager users into CRM contacts: field associations, formats, tags and "Defer until activation"',
		defaults: { name: 'WPUM Field Mapper' },
		inputs: [NodeConnectionTypes.Main],
		outputs: OUTPUTS,
		usableAsTool: true,
		credentials: mapperCredentials(),
		properties: [
			{
				displayName:
					'Input: events from the WP User Manager Trigger, or users from the WP User Manager node ("Get Many Users" maps them as a full sync). Outputs: Sync, Deferred (with Defer Until Activation) and Removed (deleted or rejected users).',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			wpumFieldListProperty,
			crmProperty,
			...crmFieldListSettings(),
			associationsProperty,
			tagsProperty,
			conditionalTagsProperty,
			deferProperty,
			optionsProperty,
		],
	};

	methods = { loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const gateOn = this.getNodeParameter('deferUntilActivation', 0, false) as boolean;
		const catalog = await loadFieldCatalog.call(this, items);
		const sync: INodeExecutionData[] = [];
		const deferred: INodeExecutionData[] = [];
		const removed: INodeExecutionData[] = [];

		for (let i = 0; i < items.length; i++) {
			const pairedItem = { item: i };
			let input: MapperInput | undefined;
			try {
				input = readInput(items[i].json);
				const result = mapInput(input, readConfig.call(this, i), catalog);
				if (result.output === 'sync') sync.push({ json: result.json, pairedItem });
				else if (result.output === 'deferred') deferred.push({ json: result.json, pairedItem });
				else if (result.output === 'removed') removed.push({ json: result.json, pairedItem });
			} catch (error) {
				const userId = input?.user.id;
				const who = userId !== undefined ? `User ${userId}` : `Item ${i + 1}`;
				const fix = error instanceof MappingError ? error.fix : undefined;
				const message = `${who}: ${(error as Error).message}`;
				if (!this.continueOnFail()) {
					throw new NodeOperationError(this.getNode(), message, { itemIndex: i, description: fix });
				}
				const json: IDataObject = { error: message };
				if (fix) json.fix = fix;
				if (userId !== undefined) json.wpUserId = userId;
				if (error instanceof MappingError && error.field) json.field = error.field;
				sync.push({ json, pairedItem });
			}
		}
		return gateOn ? [sync, deferred, removed] : [sync, removed];
	}
}
