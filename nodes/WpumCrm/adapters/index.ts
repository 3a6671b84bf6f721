/**
 * The CRM adapter registry: every CRM the WPUM CRM Sync node (and the WPUM Field Mapper) can talk to.
 *
 * Adding a CRM: write `./<slug>.ts` exporting a `CrmAdapter`, add ONE import below and ONE entry to
 * `crmAdapters`. Everything else (the CRM selector, the credential per CRM, the CRM's own settings and
 * the field dropdown) is derived from that list.
 *
 * Stable exports for other nodes (the Field Mapper imports these; keep their names and shapes):
 * - `crmAdapters`, `getAdapter(slug)`
 * - `crmSelectorProperty()`: the `crm` options parameter
 * - `crmCredentials()`: one credential per CRM, shown only when that CRM is selected
 * - `crmSettingsProperties()`: CRM-specific parameters (e.g. Mailchimp audience), shown per CRM
 * - `crmLoadOptions`: loadOptions methods, including `getCrmFields` (the CRM's field keys as options)
 */
import type { ILoadOptionsFunctions, INodeCredentialDescription, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { activecampaign } from './activecampaign';
import { fluentcrm } from './fluentcrm';
import { hubspot } from './hubspot';
import { mailchimp } from './mailchimp';
import { brevo } from './brevo';
import { mailerlite } from './mailerlite';
import { kit } from './kit';
import { mautic } from './mautic';
import { intercom } from './intercom';
import { keap } from './keap';
import { klaviyo } from './klaviyo';
import { omnisend } from './omnisend';
import { drip } from './drip';
import { groundhogg } from './groundhogg';
import { customerio } from './customerio';
import { mailjet } from './mailjet';
import { emailoctopus } from './emailoctopus';
import { pipedrive } from './pipedrive';
import { copper } from './copper';
import { jetpackcrm } from './jetpackcrm';
import { capsule } from './capsule';
import { ortto } from './ortto';
import { highlevel } from './highlevel';
import { sender } from './sender';
import { agilecrm } from './agilecrm';
import { bento } from './bento';
import { zohocrm } from './zohocrm';
import type { CrmAdapter } from './types';

export const crmAdapters: CrmAdapter[] = [
	fluentcrm,
	hubspot,
	mailchimp,
	activecampaign,
	brevo,
	mailerlite,
	kit,
	mautic,
	intercom,
	keap,
	klaviyo,
	omnisend,
	drip,
	groundhogg,
	customerio,
	mailjet,
	emailoctopus,
	pipedrive,
	copper,
	capsule,
	jetpackcrm,
	ortto,
	highlevel,
	sender,
	agilecrm,
	bento,
	zohocrm,
];

export function getAdapter(slug: string): CrmAdapter {
	const adapter = crmAdapters.find((candidate) => candidate.slug === slug);
	if (!adapter) {
		throw new Error(`Unknown CRM "${slug}". Known CRMs: ${crmAdapters.map((a) => a.slug).join(', ')}`);
	}
	return adapter;
}

/** The CRM selector. Switching it (and the credential) keeps the rest of a workflow as it is. */
export function crmSelectorProperty(): INodeProperties {
	return {
		displayName: 'CRM',
		name: 'crm',
		type: 'options',
		noDataExpression: true,
		options: crmAdapters.map((adapter) => ({
			name: adapter.displayName,
			value: adapter.slug,
			description: `Tags become ${adapter.tagsAre}`,
		})),
		default: 'fluentcrm',
		description: 'Which CRM to sync contacts with. Each CRM uses its own credential.',
	};
}

export function crmCredentials(): INodeCredentialDescription[] {
	return crmAdapters.map((adapter) => ({
		name: adapter.credentialType,
		required: true,
		displayOptions: { show: { crm: [adapter.slug] } },
	}));
}

/** Each adapter's own settings, shown only while its CRM is selected. */
export function crmSettingsProperties(): INodeProperties[] {
	return crmAdapters.flatMap((adapter) =>
		(adapter.settings ?? []).map((property) => ({
			...property,
			displayOptions: {
				...property.displayOptions,
				show: { ...property.displayOptions?.show, crm: [adapter.slug] },
			},
		})),
	);
}

/** The selected CRM's fields, standard first, as `{ name: label, value: key }`. */
export async function getCrmFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const slug = this.getCurrentNodeParameter('crm') as string | undefined;
	if (!slug) throw new NodeOperationError(this.getNode(), 'Choose a CRM first, then open this list again.');
	const adapter = getAdapter(slug);
	const fields = await adapter.listFields(this);
	return fields.map((field) => ({
		name: `${field.label}${field.standard ? '' : ' (custom)'}`,
		value: field.key,
		description: `Key: ${field.key}${field.type ? ` · ${field.type}` : ''}`,
	}));
}

/** The selected CRM's tags (or lists/groups), for a multi-select. */
export async function getCrmTags(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const slug = this.getCurrentNodeParameter('crm') as string | undefined;
	if (!slug) throw new NodeOperationError(this.getNode(), 'Choose a CRM first, then open this list again.');
	const tags = await getAdapter(slug).listTags(this);
	return tags.map((tag) => ({ name: tag.name, value: tag.name }));
}

export const crmLoadOptions: Record<string, (this: ILoadOptionsFunctions) => Promise<INodePropertyOptions[]>> = Object.assign(
	{ getCrmFields, getCrmTags },
	...crmAdapters.map((adapter) => adapter.loadOptions ?? {}),
);

export type { CrmAdapter } from './types';
