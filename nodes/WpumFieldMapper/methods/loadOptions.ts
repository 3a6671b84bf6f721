import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getFields, getForms, getRoles } from '../../WpUserManager/methods/loadOptions';
import { crmLoadOptions, getCrmFields as listCrmFields } from '../../WpumCrm/adapters';
import { NO_CRM } from '../description/sources';
import { ACCOUNT_FIELDS } from '../fields';

/** The site's WPUM fields (grouped as WPUM groups them), then the account data every user carries. */
export async function getWpumFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const fields = await getFields.call(this);
	const account = ACCOUNT_FIELDS.map((field) => ({
		name: `WordPress account › ${field.label} (${field.type})`,
		value: field.key,
		description: field.key,
	}));
	return [...fields, ...account];
}

/** The picked CRM's contact fields, through the same adapter the WPUM CRM Sync node uses. */
export async function getCrmFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const crm = this.getCurrentNodeParameter('crm') as string | undefined;
	if (!crm || crm === NO_CRM) {
		throw new NodeOperationError(this.getNode(), 'Pick a CRM (and its credential) at the top of this node to list its fields, or type the CRM field key.');
	}
	return await listCrmFields.call(this);
}

export const loadOptions = { ...crmLoadOptions, getWpumFields, getCrmFields, getRoles, getForms };
