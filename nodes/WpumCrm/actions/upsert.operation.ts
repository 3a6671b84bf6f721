import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ContactInput, CrmAdapter, CrmField, UpsertResult } from '../adapters/types';
import { failedItem } from './failure';
import { crmFields } from './fieldCache';
import { assertKnownFields, readContact } from './input';

function outputItem(adapter: CrmAdapter, contact: ContactInput, result: UpsertResult, itemIndex: number): INodeExecutionData {
	return {
		json: {
			crm: adapter.slug,
			contactId: result.contactId,
			action: result.action,
			email: result.email,
			wpUserId: contact.wpUserId ?? null,
		},
		pairedItem: { item: itemIndex },
	};
}

type Entry = { itemIndex: number; contact: ContactInput };

/**
 * Batches of at most `size` in which no e-mail appears twice (vendors refuse or mishandle duplicate
 * ids in one batch); a repeated contact goes into a later batch, so its last item is applied last.
 */
export function batchesWithoutDuplicates(entries: Entry[], size: number): Entry[][] {
	const batches: Entry[][] = [];
	const lastBatchOf = new Map<string, number>();
	for (const entry of entries) {
		const key = entry.contact.email.toLowerCase();
		let index = (lastBatchOf.get(key) ?? -1) + 1;
		while (batches[index] && batches[index].length >= size) index++;
		(batches[index] ??= []).push(entry);
		lastBatchOf.set(key, index);
	}
	return batches;
}

/**
 * Create or update each item's contact. Every item is checked (e-mail, field keys) before anything
 * is sent; where the CRM has a batch endpoint the valid items go in batches of its maximum size.
 */
export async function upsert(this: IExecuteFunctions, adapter: CrmAdapter): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: Array<INodeExecutionData | undefined> = new Array(items.length);
	const ready: Entry[] = [];
	let fields: CrmField[] | undefined;
	let refreshed = false;

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const contact = readContact(this, adapter, items[itemIndex], itemIndex);
			const keys = Object.keys(contact.fields);
			if (keys.length) {
				fields ??= await crmFields(this, adapter);
				// A key the cached list lacks may be a field created in the CRM since: read the list again, once a run.
				if (!refreshed && keys.some((key) => !fields!.some((field) => field.key === key))) {
					fields = await crmFields(this, adapter, true);
					refreshed = true;
				}
				assertKnownFields(this, adapter, contact, fields, itemIndex);
			}
			ready.push({ itemIndex, contact });
		} catch (error) {
			out[itemIndex] = failedItem(this, error, itemIndex);
		}
	}

	if (adapter.upsertBatch && adapter.batchSize && ready.length > 1) {
		for (const batch of batchesWithoutDuplicates(ready, adapter.batchSize)) {
			let results;
			try {
				results = await adapter.upsertBatch(this, batch.map((entry) => entry.contact));
			} catch (error) {
				for (const entry of batch) out[entry.itemIndex] = failedItem(this, error, entry.itemIndex);
				continue;
			}
			batch.forEach((entry, position) => {
				const result = results[position];
				if (result?.ok) {
					out[entry.itemIndex] = outputItem(adapter, entry.contact, result.result, entry.itemIndex);
					return;
				}
				const message = result ? result.error : 'no result returned for this contact';
				const error = new NodeOperationError(this.getNode(), `${adapter.displayName} rejected ${entry.contact.email}: ${message}`, {
					itemIndex: entry.itemIndex,
					description: 'The other contacts of the batch were saved. Fix this contact\'s data and run it again.',
				});
				out[entry.itemIndex] = failedItem(this, error, entry.itemIndex);
			});
		}
	} else {
		for (const entry of ready) {
			try {
				const result = await adapter.upsert(this, entry.contact);
				out[entry.itemIndex] = outputItem(adapter, entry.contact, result, entry.itemIndex);
			} catch (error) {
				out[entry.itemIndex] = failedItem(this, error, entry.itemIndex);
			}
		}
	}
	for (const entry of ready) {
		const done = out[entry.itemIndex];
		if (!entry.contact.removedTags?.length || !done || done.json.error !== undefined) continue;
		try {
			await adapter.removeTags(this, String(done.json.contactId), entry.contact.removedTags);
		} catch (error) {
			out[entry.itemIndex] = failedItem(this, error, entry.itemIndex);
		}
	}
	return out.filter((item): item is INodeExecutionData => item !== undefined);
}
