import type { IDataObject } from 'n8n-workflow';

import { crmRequestOk } from '../transport';
import { cleanTagNames, findExisting } from './helpers';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmTag } from './types';

/** The API's maximum page size (its default is 20, which is why n8n's own node misses fields). */
const PAGE_SIZE = 100;
const STANDARD_FIELDS: CrmField[] = [
	{ key: 'firstName', label: 'First Name', standard: true },
	{ key: 'lastName', label: 'Last Name', standard: true },
	{ key: 'phone', label: 'Phone', standard: true },
];
const STANDARD_KEYS = STANDARD_FIELDS.map((f) => f.key);

interface CustomField extends CrmField {
	id: string;
}

/** Custom fields are listed once per node run; upserts need their ids. */
const fieldCache = new WeakMap<object, Promise<CustomField[]>>();

async function customFields(ctx: CrmContext): Promise<CustomField[]> {
	let cached = fieldCache.get(ctx);
	if (!cached) {
		cached = (async () => {
			const out: CustomField[] = [];
			for (let offset = 0; ; offset += PAGE_SIZE) {
				const response = await crmRequestOk(ctx, activecampaign, { method: 'GET', path: '/fields', qs: { limit: PAGE_SIZE, offset } });
				const body = response.body as IDataObject;
				const page = (body.fields ?? []) as IDataObject[];
				for (const field of page) {
					// The personalization tag (e.g. COMPANY) is stable across accounts' exports; the id is not.
					out.push({ id: String(field.id), key: String(field.perstag || field.id), label: String(field.title ?? field.perstag), type: String(field.type ?? '') });
				}
				const total = Number(((body.meta ?? {}) as IDataObject).total ?? 0);
				if (!page.length || offset + page.length >= total) return out;
			}
		})();
		fieldCache.set(ctx, cached);
		cached.catch(() => fieldCache.delete(ctx));
	}
	return await cached;
}

async function contactBody(ctx: CrmContext, contact: ContactInput): Promise<IDataObject> {
	const body: IDataObject = { email: contact.email };
	const custom = Object.entries(contact.fields).filter(([key]) => !STANDARD_KEYS.includes(key));
	for (const key of STANDARD_KEYS) if (contact.fields[key] !== undefined) body[key] = contact.fields[key];
	if (custom.length) {
		const fields = await customFields(ctx);
		body.fieldValues = custom.map(([key, value]) => ({
			field: fields.find((f) => f.key === key)?.id ?? key,
			value: Array.isArray(value) ? `||${value.join('||')}||` : value,
		}));
	}
	return body;
}

function toContact(record: IDataObject): CrmContact {
	return { contactId: String(record.id), email: String(record.email ?? ''), contact: record };
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (by.contactId) {
		const response = await crmRequestOk(ctx, activecampaign, { method: 'GET', path: `/contacts/${encodeURIComponent(by.contactId)}` }, [404]);
		const record = (response.body as IDataObject)?.contact as IDataObject | undefined;
		return response.statusCode === 404 || !record ? undefined : toContact(record);
	}
	if (!by.email) return undefined;
	const response = await crmRequestOk(ctx, activecampaign, { method: 'GET', path: '/contacts', qs: { email: by.email } });
	const match = (((response.body as IDataObject).contacts ?? []) as IDataObject[]).find((c) => String(c.email).toLowerCase() === by.email!.toLowerCase());
	return match ? toContact(match) : undefined;
}

/** Tag ids by name (ActiveCampaign links tags by id), created when missing and asked to. */
async function tagIds(ctx: CrmContext, names: string[], create: boolean): Promise<string[]> {
	const ids: string[] = [];
	for (const name of names) {
		const response = await crmRequestOk(ctx, activecampaign, { method: 'GET', path: '/tags', qs: { search: name, limit: PAGE_SIZE } });
		const found = (((response.body as IDataObject).tags ?? []) as IDataObject[]).find((t) => String(t.tag).toLowerCase() === name.toLowerCase());
		if (found) ids.push(String(found.id));
		else if (create) {
			const created = await crmRequestOk(ctx, activecampaign, {
				method: 'POST',
				path: '/tags',
				body: { tag: { tag: name, tagType: 'contact', description: 'Created by WPUM CRM Sync (n8n)' } },
			});
			ids.push(String(((created.body as IDataObject).tag as IDataObject).id));
		}
	}
	return ids;
}

export const activecampaign: CrmAdapter = {
	slug: 'activecampaign',
	displayName: 'ActiveCampaign',
	credentialType: 'wpumActiveCampaignApi',
	tagsAre: 'tags (looked up by name, created when missing)',
	docsUrl: 'https://developers.activecampaign.com/reference/overview',

	baseUrl: (credentials) => `${String(credentials.apiUrl).replace(/\/+$/, '').replace(/\/api\/3$/, '')}/api/3`,

	/** 422s carry `errors: [{ title, detail }]`. */
	errorMessage(response) {
		const errors = ((response.body ?? {}) as IDataObject).errors;
		if (!Array.isArray(errors) || !errors.length) return undefined;
		return (errors as IDataObject[]).map((e) => [e.title, e.detail].filter(Boolean).join(' ')).join('; ');
	},

	async upsert(ctx, contact) {
		const body = await contactBody(ctx, contact);
		const existing = contact.contactId || contact.previousEmail ? await findExisting(contact, (by) => findContact(ctx, by)) : undefined;
		let contactId: string;
		let action: 'created' | 'updated';
		if (existing) {
			// An e-mail change: update that contact by id, since contact/sync would create a new one.
			await crmRequestOk(ctx, activecampaign, { method: 'PUT', path: `/contacts/${existing.contactId}`, body: { contact: body } });
			contactId = existing.contactId;
			action = 'updated';
		} else {
			const response = await crmRequestOk(ctx, activecampaign, { method: 'POST', path: '/contact/sync', body: { contact: body } });
			contactId = String(((response.body as IDataObject).contact as IDataObject).id);
			action = response.statusCode === 201 ? 'created' : 'updated';
		}
		const tags = cleanTagNames(contact.tags);
		if (tags.length) await activecampaign.addTags(ctx, contactId, tags);
		return { contactId, action, email: contact.email };
	},

	async addTags(ctx, contactId, tags) {
		const ids = await tagIds(ctx, cleanTagNames(tags), true);
		const response = await crmRequestOk(ctx, activecampaign, { method: 'GET', path: `/contacts/${contactId}/contactTags` });
		const linked = new Set((((response.body as IDataObject).contactTags ?? []) as IDataObject[]).map((ct) => String(ct.tag)));
		for (const tag of ids) {
			if (linked.has(tag)) continue;
			await crmRequestOk(ctx, activecampaign, { method: 'POST', path: '/contactTags', body: { contactTag: { contact: contactId, tag } } });
		}
	},

	async removeTags(ctx, contactId, tags) {
		const ids = new Set(await tagIds(ctx, cleanTagNames(tags), false));
		if (!ids.size) return;
		const response = await crmRequestOk(ctx, activecampaign, { method: 'GET', path: `/contacts/${contactId}/contactTags` });
		for (const link of ((response.body as IDataObject).contactTags ?? []) as IDataObject[]) {
			if (ids.has(String(link.tag))) await crmRequestOk(ctx, activecampaign, { method: 'DELETE', path: `/contactTags/${link.id}` });
		}
	},

	getContact: findContact,

	async deleteContact(ctx, contactId) {
		await crmRequestOk(ctx, activecampaign, { method: 'DELETE', path: `/contacts/${encodeURIComponent(contactId)}` }, [404]);
	},

	async listFields(ctx) {
		const custom = await customFields(ctx);
		return [...STANDARD_FIELDS, ...custom.map(({ key, label, type }) => ({ key, label, type }))];
	},

	async listTags(ctx) {
		const tags: CrmTag[] = [];
		for (let offset = 0; ; offset += PAGE_SIZE) {
			const response = await crmRequestOk(ctx, activecampaign, { method: 'GET', path: '/tags', qs: { limit: PAGE_SIZE, offset } });
			const body = response.body as IDataObject;
			const page = (body.tags ?? []) as IDataObject[];
			tags.push(...page.map((t) => ({ id: String(t.id), name: String(t.tag) })));
			if (!page.length || offset + page.length >= Number(((body.meta ?? {}) as IDataObject).total ?? 0)) return tags;
		}
	},
};
