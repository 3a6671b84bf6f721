import type { IDataObject } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, sameEmail, splitFields } from './helpers';
import { tagsForRun } from './tagCache';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmTag } from './types';

/** Kit keeps the first name on the subscriber itself; every other field is a custom field. */
const STANDARD_FIELDS: CrmField[] = [{ key: 'first_name', label: 'First Name', type: 'text', standard: true }];
const STANDARD_KEYS = STANDARD_FIELDS.map((field) => field.key);
const PAGE_SIZE = 1000;

function toContact(subscriber: IDataObject): CrmContact {
	return { contactId: String(subscriber.id), email: String(subscriber.email_address ?? ''), contact: subscriber };
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (by.contactId) {
		const response = await crmRequestOk(ctx, kit, { method: 'GET', path: `/subscribers/${encodeURIComponent(by.contactId)}` }, [404]);
		if (response.statusCode === 404) return undefined;
		return toContact((response.body as IDataObject).subscriber as IDataObject);
	}
	if (!by.email) return undefined;
	// Without status=all, Kit only lists active subscribers and an unsubscribed one would look new.
	const response = await crmRequestOk(ctx, kit, { method: 'GET', path: '/subscribers', qs: { email_address: by.email, status: 'all' } });
	const rows = ((response.body as IDataObject).subscribers ?? []) as IDataObject[];
	const match = rows.find((row) => sameEmail(String(row.email_address), by.email));
	return match ? toContact(match) : undefined;
}

/** Every page of a Kit list route (cursor paging: `after` = the previous page's `end_cursor`). */
async function listAll(ctx: CrmContext, path: string, key: string): Promise<IDataObject[]> {
	const rows: IDataObject[] = [];
	let after: string | undefined;
	for (;;) {
		const qs: IDataObject = { per_page: PAGE_SIZE };
		if (after) qs.after = after;
		const response = await crmRequestOk(ctx, kit, { method: 'GET', path, qs });
		const body = response.body as IDataObject;
		rows.push(...((body[key] ?? []) as IDataObject[]));
		const pagination = (body.pagination ?? {}) as IDataObject;
		if (!pagination.has_next_page || !pagination.end_cursor) return rows;
		after = String(pagination.end_cursor);
	}
}

/** Tag ids by name; Kit's "create tag" answers with the existing tag when the name is taken. */
async function tagIdsByName(ctx: CrmContext, names: string[], createMissing: boolean): Promise<string[]> {
	if (!names.length) return [];
	const existing = await tagsForRun(ctx, kit);
	const ids: string[] = [];
	for (const name of names) {
		const found = existing.find((tag) => tag.name.toLowerCase() === name.toLowerCase());
		if (found) ids.push(found.id);
		else if (createMissing) {
			const response = await crmRequestOk(ctx, kit, { method: 'POST', path: '/tags', body: { name } });
			const id = String(((response.body as IDataObject).tag as IDataObject).id);
			existing.push({ id, name });
			ids.push(id);
		}
	}
	return ids;
}

function subscriberBody(contact: ContactInput): IDataObject {
	const { standard, custom } = splitFields(contact.fields, STANDARD_KEYS);
	const body: IDataObject = { email_address: contact.email, ...standard };
	if (Object.keys(custom).length) body.fields = custom;
	return body;
}

export const kit: CrmAdapter = {
	slug: 'kit',
	displayName: 'Kit',
	credentialType: 'wpumKitApi',
	tagsAre: 'tags (created by name when missing)',
	docsUrl: 'https://developers.kit.com/api-reference/subscribers/create-a-subscriber',

	baseUrl: (credentials) => String(credentials.baseUrl || 'https://api.kit.com/v4').replace(/\/+$/, ''),

	errorMessage(response) {
		const errors = (response.body as IDataObject | undefined)?.errors;
		return Array.isArray(errors) && errors.length ? errors.map(String).join('; ') : undefined;
	},

	async upsert(ctx, contact) {
		const tagIds = await tagIdsByName(ctx, cleanTagNames(contact.tags), true);
		const body = subscriberBody(contact);

		let targetId = contact.contactId;
		if (!targetId && contact.previousEmail && !sameEmail(contact.previousEmail, contact.email)) {
			if (!(await findContact(ctx, { email: contact.email }))) {
				targetId = (await findContact(ctx, { email: contact.previousEmail }))?.contactId;
			}
		}

		let contactId: string | undefined;
		let action: 'created' | 'updated' = 'updated';
		if (targetId) {
			// PUT also changes the e-mail, which keeps one subscriber across e-mail changes.
			const response = await crmRequest(ctx, kit, { method: 'PUT', path: `/subscribers/${encodeURIComponent(targetId)}`, body });
			if (response.statusCode < 300) contactId = targetId;
			else if (response.statusCode !== 404) throw crmApiError(ctx, kit, response);
		}
		if (!contactId) {
			// Kit's create is an upsert by e-mail: 201 when new, 200 when it updated an existing subscriber.
			const response = await crmRequestOk(ctx, kit, { method: 'POST', path: '/subscribers', body });
			contactId = String(((response.body as IDataObject).subscriber as IDataObject).id);
			action = response.statusCode === 201 ? 'created' : 'updated';
		}
		for (const tagId of tagIds) {
			await crmRequestOk(ctx, kit, { method: 'POST', path: `/tags/${tagId}/subscribers/${contactId}` });
		}
		return { contactId, action, email: contact.email };
	},

	async addTags(ctx, contactId, tags) {
		for (const tagId of await tagIdsByName(ctx, cleanTagNames(tags), true)) {
			await crmRequestOk(ctx, kit, { method: 'POST', path: `/tags/${tagId}/subscribers/${encodeURIComponent(contactId)}` });
		}
	},

	async removeTags(ctx, contactId, tags) {
		for (const tagId of await tagIdsByName(ctx, cleanTagNames(tags), false)) {
			await crmRequestOk(ctx, kit, { method: 'DELETE', path: `/tags/${tagId}/subscribers/${encodeURIComponent(contactId)}` }, [404]);
		}
	},

	getContact: findContact,

	/** Kit's API cannot delete a subscriber; the closest it offers is unsubscribing them. */
	async deleteContact(ctx, contactId) {
		const response = await crmRequest(ctx, kit, { method: 'POST', path: `/subscribers/${encodeURIComponent(contactId)}/unsubscribe` });
		if (response.statusCode >= 300 && response.statusCode !== 404) throw crmApiError(ctx, kit, response);
	},

	async listFields(ctx) {
		const custom = await listAll(ctx, '/custom_fields', 'custom_fields');
		return [
			...STANDARD_FIELDS,
			...custom.map((field) => ({ key: String(field.key), label: String(field.label ?? field.key), type: 'text' })),
		];
	},

	async listTags(ctx) {
		const tags = await listAll(ctx, '/tags', 'tags');
		return tags.map((tag): CrmTag => ({ id: String(tag.id), name: String(tag.name) }));
	},
};
