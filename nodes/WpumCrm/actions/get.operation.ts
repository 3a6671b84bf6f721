import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CrmAdapter } from '../adapters/types';
import { failedItem } from './failure';

/** Look a contact up by e-mail or id; `found: false` when the CRM has none. */
export async function getContact(this: IExecuteFunctions, adapter: CrmAdapter): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const lookupBy = this.getNodeParameter('lookupBy', itemIndex, 'email') as 'email' | 'contactId';
			const value = String(this.getNodeParameter(lookupBy === 'email' ? 'lookupEmail' : 'lookupContactId', itemIndex, '')).trim();
			if (!value) {
				throw new NodeOperationError(this.getNode(), `Item ${itemIndex + 1}: fill in the ${lookupBy === 'email' ? 'e-mail' : 'contact ID'} to look up`, { itemIndex });
			}
			const found = await adapter.getContact(this, lookupBy === 'email' ? { email: value } : { contactId: value });
			out.push({
				json: found
					? { crm: adapter.slug, found: true, contactId: found.contactId, email: found.email, contact: found.contact }
					: { crm: adapter.slug, found: false, contactId: lookupBy === 'contactId' ? value : null, email: lookupBy === 'email' ? value : null },
				pairedItem: { item: itemIndex },
			});
		} catch (error) {
			out.push(failedItem(this, error, itemIndex));
		}
	}
	return out;
}
