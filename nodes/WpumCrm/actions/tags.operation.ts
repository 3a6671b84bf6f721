import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CrmAdapter } from '../adapters/types';
import { failedItem } from './failure';
import { type InputSource, tagList } from './input';

/** The contact id to tag: the one given, or the contact found by e-mail. */
export async function resolveContactId(
	ctx: IExecuteFunctions,
	adapter: CrmAdapter,
	by: { contactId?: string; email?: string },
	itemIndex: number,
): Promise<{ contactId: string; email?: string }> {
	if (by.contactId) return { contactId: by.contactId, email: by.email };
	if (!by.email) {
		throw new NodeOperationError(ctx.getNode(), `Item ${itemIndex + 1} names no contact: give a contact ID or an e-mail`, { itemIndex });
	}
	const found = await adapter.getContact(ctx, { email: by.email });
	if (!found) {
		throw new NodeOperationError(ctx.getNode(), `${adapter.displayName} has no contact with the e-mail ${by.email}`, {
			itemIndex,
			description: 'Run "Upsert Contact" for this person first.',
		});
	}
	return { contactId: found.contactId, email: found.email || by.email };
}

function text(value: unknown): string | undefined {
	const out = value === undefined || value === null ? '' : String(value).trim();
	return out || undefined;
}

/** Add or remove tags (or the CRM's lists/groups) by name on each item's contact. */
export async function changeTags(this: IExecuteFunctions, adapter: CrmAdapter, mode: 'add' | 'remove'): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const source = this.getNodeParameter('inputSource', itemIndex, 'mapper') as InputSource;
			const json = items[itemIndex].json;
			const by =
				source === 'mapper'
					? { contactId: text(json.contactId), email: text(json.email) }
					: { contactId: text(this.getNodeParameter('contactId', itemIndex, '')), email: text(this.getNodeParameter('email', itemIndex, '')) };
			const tags = source === 'mapper' ? tagList(json.tags) : tagList(this.getNodeParameter('tags', itemIndex, ''));
			if (!tags.length) {
				throw new NodeOperationError(this.getNode(), `Item ${itemIndex + 1} names no tags to ${mode}`, {
					itemIndex,
					description: source === 'mapper' ? 'The item\'s "tags" list is empty.' : 'Fill in "Tags" (names, separated by commas).',
				});
			}
			const contact = await resolveContactId(this, adapter, by, itemIndex);
			if (mode === 'add') await adapter.addTags(this, contact.contactId, tags);
			else await adapter.removeTags(this, contact.contactId, tags);
			out.push({
				json: {
					crm: adapter.slug,
					contactId: contact.contactId,
					email: contact.email ?? null,
					[mode === 'add' ? 'tagsAdded' : 'tagsRemoved']: tags,
					wpUserId: json.wpUserId ?? null,
				},
				pairedItem: { item: itemIndex },
			});
		} catch (error) {
			out.push(failedItem(this, error, itemIndex));
		}
	}
	return out;
}
