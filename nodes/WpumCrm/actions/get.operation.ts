import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { CrmAdapter } from '../adapters/types';
import { failedItem } from './failure';
import { readLookup } from './input';

/** Look a contact up by id or e-mail; `found: false` when the CRM has none. */
export async function getContact(this: IExecuteFunctions, adapter: CrmAdapter): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const by = readLookup(this, adapter, items[itemIndex], itemIndex);
			// A stored id may point at a contact deleted since; the e-mail still finds the person.
			const found =
				(by.contactId ? await adapter.getContact(this, { contactId: by.contactId }) : undefined) ??
				(by.email ? await adapter.getContact(this, { email: by.email }) : undefined);
			out.push({
				json: found
					? { crm: adapter.slug, found: true, contactId: found.contactId, email: found.email, contact: found.contact }
					: { crm: adapter.slug, found: false, contactId: by.contactId ?? null, email: by.email ?? null },
				pairedItem: { item: itemIndex },
			});
		} catch (error) {
			out.push(failedItem(this, error, itemIndex));
		}
	}
	return out;
}
