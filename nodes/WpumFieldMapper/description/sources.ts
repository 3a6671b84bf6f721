import type { INodeProperties } from 'n8n-workflow';

import { crmAdapters, crmSettingsProperties } from '../../WpumCrm/adapters';

/** `crm` value meaning "no CRM picked": CRM field keys are typed. */
export const NO_CRM = 'none';

export const wpumFieldListProperty: INodeProperties = {
	displayName: 'WPUM Fields',
	name: 'wpumFieldList',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Pick From the Site',
			value: 'site',
			description:
				"A dropdown of the site's fields, grouped as WP User Manager groups them (needs a WP User Manager API credential). Field types also tell Auto how to format.",
		},
		{
			name: 'Type Field Keys',
			value: 'typed',
			description: 'Type each key (e.g. first_name, wpum_company) or use an expression. Auto then guesses the type from the value.',
		},
	],
	default: 'site',
};

export const crmProperty: INodeProperties = {
	displayName: 'CRM',
	name: 'crm',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Any CRM (Type Field Keys)',
			value: NO_CRM,
			description: "Type the CRM's field keys; use this to feed n8n's own CRM nodes",
		},
		...crmAdapters.map((adapter) => ({
			name: adapter.displayName,
			value: adapter.slug,
			description: `A dropdown of ${adapter.displayName}'s contact fields (needs its credential); adds the stored ${adapter.displayName} contact ID to each item`,
		})),
	],
	default: NO_CRM,
	description: 'The CRM the fields are for',
};

/**
 * The CRM settings the field dropdown cannot do without (e.g. the Mailchimp audience whose merge
 * fields it lists): the required ones that depend only on the CRM picked. The CRM Sync node's other
 * settings (new-member status, batching, lists per operation) have no meaning here.
 */
export function crmFieldListSettings(): INodeProperties[] {
	return crmSettingsProperties().filter((property) => {
		const conditions = { ...property.displayOptions?.show, ...property.displayOptions?.hide };
		return property.required === true && Object.keys(conditions).every((key) => key === 'crm');
	});
}
