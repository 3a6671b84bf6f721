import type { IDataObject } from 'n8n-workflow';

import { crmRequest, crmRequestOk, crmApiError } from '../transport';
import { cleanTagNames, findExisting, splitFields } from './helpers';
import { tagsNamed } from './tagCache';
import type { CrmAdapter, CrmContact, CrmContext, CrmField, CrmResponse, CrmTag } from './types';

/** Contact columns FluentCRM keeps on the subscriber itself; everything else is a custom field. */
const STANDARD_FIELDS: CrmField[] = [
	{ key: 'first_name', label: 'First Name' },
	{ key: 'last_name', label: 'Last Name' },
	{ key: 'prefix', label: 'Name Prefix' },
	{ key: 'phone', label: 'Phone' },
	{ key: 'address_line_1', label: 'Address Line 1' },
	{ key: 'address_line_2', label: 'Address Line 2' },
	{ key: 'city', label: 'City' },
	{ key: 'state', label: 'State' },
	{ key: 'postal_code', label: 'Postal Code' },
	{ key: 'country', label: 'Country' },
	{ key: 'date_of_birth', label: 'Date of Birth', type: 'date' },
	{ key: 'status', label: 'Status (subscribed, pending, unsubscribed, …)' },
].map((field) => ({ ...field, standard: true }));
const STANDARD_KEYS = STANDARD_FIELDS.map((field) => field.key);
const PAGE_SIZE = 100;

function toContact(subscriber: IDataObject): CrmContact {
	return { contactId: String(subscriber.id), email: String(subscriber.email ?? ''), contact: subscriber };
}

/** FluentCRM answers a missing contact on GET with 422 "Subscriber not found" (404 on PUT/DELETE). */
function isNotFound(response: CrmResponse): boolean {
	return response.statusCode === 404 || (response.statusCode === 422 && /not found/i.test(String((response.body as IDataObject)?.message ?? '')));
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (!by.contactId && !by.email) return undefined;
	// `/subscribers/0?get_by_email=` is FluentCRM's exact e-mail look-up (its `search` also matches names).
	const response = await crmRequest(ctx, fluentcrm, {
		method: 'GET',
		path: `/subscribers/${by.contactId ? encodeURIComponent(by.contactId) : '0'}`,
		qs: by.contactId ? undefined : { get_by_email: by.email },
	});
	if (isNotFound(response)) return undefined;
	if (response.statusCode >= 300) throw crmApiError(ctx, fluentcrm, response);
	const subscriber = (response.body as IDataObject)?.subscriber as IDataObject | undefined;
	return subscriber ? toContact(subscriber) : undefined;
}

async function tagIdsByName(ctx: CrmContext, names: string[], createMissing: boolean): Promise<number[]> {
	const create = async (name: string): Promise<CrmTag> => {
		const response = await crmRequestOk(ctx, fluentcrm, { method: 'POST', path: '/tags', body: { title: name } });
		const body = response.body as IDataObject;
		const created = (body.tag ?? body.lists) as IDataObject;
		return { id: String(created.id), name };
	};
	return (await tagsNamed(ctx, fluentcrm, names, createMissing ? create : undefined)).map((tag) => Number(tag.id));
}

export const fluentcrm: CrmAdapter = {
	slug: 'fluentcrm',
	displayName: 'FluentCRM',
	credentialType: 'wpumFluentCrmApi',
	tagsAre: 'tags (created by name when missing)',
	docsUrl: 'https://developers.fluentcrm.com/rest-api/',

	/** FluentCRM's 422s key messages by field: `{ "email": { "email": "Email is not valid" } }`. */
	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		if (!body || typeof body !== 'object' || typeof body.message === 'string') return undefined;
		const parts = Object.entries(body)
			.filter(([, value]) => value && typeof value === 'object')
			.map(([field, value]) => `${field}: ${Object.values(value as IDataObject).join(', ')}`);
		return parts.length ? parts.join('; ') : undefined;
	},

	baseUrl: (credentials) => `${String(credentials.siteUrl).replace(/\/+$/, '')}/wp-json/fluent-crm/v2`,

	async upsert(ctx, contact) {
		const { standard, custom } = splitFields(contact.fields, STANDARD_KEYS);
		const body: IDataObject = { ...standard, email: contact.email };
		if (Object.keys(custom).length) body.custom_values = custom;
		const tagIds = await tagIdsByName(ctx, cleanTagNames(contact.tags), true);

		const existing = await findExisting(contact, (by) => findContact(ctx, by));
		if (existing) {
			// PUT attaches tags with `attach_tags` (it ignores `tags`) and never touches the status unless mapped.
			if (tagIds.length) body.attach_tags = tagIds;
			await crmRequestOk(ctx, fluentcrm, { method: 'PUT', path: `/subscribers/${existing.contactId}`, body });
			return { contactId: existing.contactId, action: 'updated', email: contact.email };
		}
		// A new contact needs a status; __force_update turns a racing duplicate into an update instead of a 422.
		const response = await crmRequestOk(ctx, fluentcrm, {
			method: 'POST',
			path: '/subscribers',
			body: { status: 'subscribed', ...body, ...(tagIds.length ? { tags: tagIds } : {}), __force_update: 'yes' },
		});
		const result = response.body as IDataObject;
		const subscriber = (result.contact ?? result.subscriber) as IDataObject;
		return {
			contactId: String(subscriber.id),
			action: result.action_type === 'updated' ? 'updated' : 'created',
			email: contact.email,
		};
	},

	async addTags(ctx, contactId, tags) {
		const ids = await tagIdsByName(ctx, cleanTagNames(tags), true);
		if (!ids.length) return;
		await crmRequestOk(ctx, fluentcrm, { method: 'PUT', path: `/subscribers/${contactId}`, body: { attach_tags: ids } });
	},

	async removeTags(ctx, contactId, tags) {
		const ids = await tagIdsByName(ctx, cleanTagNames(tags), false);
		if (!ids.length) return;
		await crmRequestOk(ctx, fluentcrm, { method: 'PUT', path: `/subscribers/${contactId}`, body: { detach_tags: ids } });
	},

	getContact: findContact,

	async deleteContact(ctx, contactId) {
		const response = await crmRequest(ctx, fluentcrm, { method: 'DELETE', path: `/subscribers/${contactId}` });
		if (response.statusCode >= 300 && response.statusCode !== 404) throw crmApiError(ctx, fluentcrm, response);
	},

	async listFields(ctx) {
		const response = await crmRequestOk(ctx, fluentcrm, { method: 'GET', path: '/custom-fields/contacts' });
		const custom = ((response.body as IDataObject).fields ?? []) as IDataObject[];
		return [
			...STANDARD_FIELDS,
			...custom.map((field) => ({ key: String(field.slug), label: String(field.label ?? field.slug), type: String(field.type ?? '') })),
		];
	},

	async listTags(ctx) {
		const tags: CrmTag[] = [];
		for (let page = 1; ; page++) {
			const response = await crmRequestOk(ctx, fluentcrm, { method: 'GET', path: '/tags', qs: { per_page: PAGE_SIZE, page } });
			const paged = ((response.body as IDataObject).tags ?? {}) as IDataObject;
			const rows = (paged.data ?? []) as IDataObject[];
			tags.push(...rows.map((row) => ({ id: String(row.id), name: String(row.title) })));
			if (!rows.length || page >= Number(paged.last_page ?? page)) return tags;
		}
	},
};
