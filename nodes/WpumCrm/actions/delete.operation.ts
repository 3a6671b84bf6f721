import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CrmAdapter } from '../adapters/types';
import { failedItem } from './failure';
import { readLookup } from './input';

/** Delete a contact, only when the user switched on "Confirm Delete". */
export async function deleteContact(this: IExecuteFunctions, adapter: CrmAdapter): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			if (!this.getNodeParameter('confirmDelete', itemIndex, false)) {
				throw new NodeOperationError(this.getNode(), `Deleting contacts in ${adapter.displayName} is switched off`, {
					itemIndex,
					description: 'Turn on "Confirm Delete" to allow this node to delete contacts. Deleted contacts cannot be restored.',
				});
			}
			const by = readLookup(this, adapter, items[itemIndex], itemIndex);
			let contactId = by.contactId;
			if (!contactId) {
				const found = await adapter.getContact(this, { email: by.email });
				if (!found) {
					out.push({ json: { crm: adapter.slug, deleted: false, contactId: null, email: by.email ?? null, reason: 'not found' }, pairedItem: { item: itemIndex } });
					continue;
				}
				contactId = found.contactId;
			}
			await adapter.deleteContact(this, contactId);
			out.push({ json: { crm: adapter.slug, deleted: true, contactId, email: by.email ?? null }, pairedItem: { item: itemIndex } });
		} catch (error) {
			out.push(failedItem(this, error, itemIndex));
		}
	}
	return out;
}
