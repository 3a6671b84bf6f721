import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { wpumApiRequest } from '../../transport';
import { requireId, type OperationResult } from '../common';

const show = { resource: ['user'], operation: ['linkCrmContact'] };

export const description: INodeProperties[] = [
	{
		displayName: 'CRM',
		name: 'crm',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'hubspot',
		description:
			'Short lowercase name of the CRM (letters, digits, - and _), e.g. hubspot, brevo, mailchimp. Later events carry the contact ID under user.crm.&lt;this name&gt;.',
		displayOptions: { show },
	},
	{
		displayName: 'Contact ID',
		name: 'contactId',
		type: 'string',
		required: true,
		default: '',
		description: "The contact's ID in the CRM, usually from the CRM node that created or updated it",
		displayOptions: { show },
	},
	{
		displayName: 'Tags',
		name: 'tags',
		type: 'string',
		default: '',
		placeholder: 'Member, Newsletter',
		description: 'Tags the contact has in the CRM, separated by commas. Leave empty to keep none.',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const userId = requireId.call(this, 'userId', 'User ID', itemIndex);
	const crm = String(this.getNodeParameter('crm', itemIndex)).trim().toLowerCase();
	if (!/^[a-z0-9_-]+$/.test(crm)) {
		throw new NodeOperationError(this.getNode(), `CRM must be a short name like "hubspot", not "${crm}"`, {
			itemIndex,
			description: 'Use only lowercase letters, digits, - and _.',
		});
	}
	const contactId = String(this.getNodeParameter('contactId', itemIndex) ?? '').trim();
	if (!contactId) {
		throw new NodeOperationError(this.getNode(), `Contact ID is empty for WordPress user ${userId}`, {
			itemIndex,
			description: 'Map the contact ID from the CRM node that created or updated the contact.',
		});
	}
	const tagsParameter = this.getNodeParameter('tags', itemIndex, '') as string | string[];
	const tags = (Array.isArray(tagsParameter) ? tagsParameter : String(tagsParameter).split(','))
		.map((tag) => String(tag).trim())
		.filter(Boolean);

	const body: IDataObject = { crm, contact_id: contactId };
	if (tags.length) body.tags = tags;
	return [await wpumApiRequest.call(this, 'POST', `/users/${userId}/crm-link`, body)];
}
