import type { IDataObject } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, crmSetting, findExisting, sameEmail } from './helpers';
import type { BatchItemResult, ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmTag, UpsertResult } from './types';

const CONTACTS = '/crm/v3/objects/contacts';
const PROPERTIES = '/crm/v3/properties/contacts';
const DEFAULT_TAGS_PROPERTY = 'wpum_tags';
const READ_PROPERTIES = ['email', 'firstname', 'lastname'];

function tagsProperty(ctx: CrmContext): string {
	return String(crmSetting(ctx, 'hubspotTagsProperty', DEFAULT_TAGS_PROPERTY) || DEFAULT_TAGS_PROPERTY).trim();
}

function splitValue(value: unknown): string[] {
	return String(value ?? '').split(';').map((v) => v.trim()).filter(Boolean);
}

/** HubSpot takes strings; multi-select values are `;`-separated. */
function toProperties(contact: ContactInput): IDataObject {
	const properties: IDataObject = {};
	for (const [key, value] of Object.entries(contact.fields)) {
		if (value === undefined) continue;
		properties[key] = Array.isArray(value) ? value.join(';') : value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
	}
	properties.email = contact.email;
	return properties;
}

function toContact(record: IDataObject): CrmContact {
	const properties = (record.properties ?? {}) as IDataObject;
	return { contactId: String(record.id), email: String(properties.email ?? ''), contact: record };
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }, extra: string[] = []): Promise<CrmContact | undefined> {
	const id = by.contactId ?? by.email;
	if (!id) return undefined;
	const response = await crmRequestOk(
		ctx,
		hubspot,
		{
			method: 'GET',
			path: `${CONTACTS}/${encodeURIComponent(id)}`,
			qs: { properties: [...READ_PROPERTIES, tagsProperty(ctx), ...extra].join(','), ...(by.contactId ? {} : { idProperty: 'email' }) },
		},
		[404],
	);
	return response.statusCode === 404 ? undefined : toContact(response.body as IDataObject);
}

/**
 * HubSpot has no tags: they live in a multiple-checkbox contact property (default `wpum_tags`). The
 * property is created on first use and each new tag name becomes one of its options.
 */
async function ensureTagOptions(ctx: CrmContext, names: string[]): Promise<void> {
	if (!names.length) return;
	const name = tagsProperty(ctx);
	const response = await crmRequestOk(ctx, hubspot, { method: 'GET', path: `${PROPERTIES}/${encodeURIComponent(name)}` }, [404]);
	const option = (label: string, displayOrder: number) => ({ label, value: label, displayOrder, hidden: false });
	if (response.statusCode === 404) {
		await crmRequestOk(ctx, hubspot, {
			method: 'POST',
			path: PROPERTIES,
			body: {
				name,
				label: 'WP User Manager tags',
				type: 'enumeration',
				fieldType: 'checkbox',
				groupName: 'contactinformation',
				description: 'Tags set by the WPUM CRM Sync node for n8n',
				options: names.map((label, i) => option(label, i)),
			},
		});
		return;
	}
	const existing = (((response.body as IDataObject).options ?? []) as IDataObject[]).map((o) => o as IDataObject);
	const known = new Set(existing.map((o) => String(o.value).toLowerCase()));
	const missing = names.filter((label) => !known.has(label.toLowerCase()));
	if (!missing.length) return;
	await crmRequestOk(ctx, hubspot, {
		method: 'PATCH',
		path: `${PROPERTIES}/${encodeURIComponent(name)}`,
		body: { options: [...existing, ...missing.map((label, i) => option(label, existing.length + i))] },
	});
}

/** Existing option values, matched case-insensitively so "vip" reuses the option "VIP". */
async function canonicalTags(ctx: CrmContext, names: string[]): Promise<string[]> {
	const options = await hubspot.listTags(ctx);
	return names.map((name) => options.find((o) => o.name.toLowerCase() === name.toLowerCase())?.id ?? name);
}

function mergeTags(current: unknown, add: string[], remove: string[] = []): string {
	const drop = new Set(remove.map((t) => t.toLowerCase()));
	const out = splitValue(current).filter((t) => !drop.has(t.toLowerCase()));
	for (const tag of add) if (!out.some((t) => t.toLowerCase() === tag.toLowerCase())) out.push(tag);
	return out.join(';');
}

async function writeContact(ctx: CrmContext, existing: CrmContact | undefined, properties: IDataObject): Promise<UpsertResult> {
	if (existing) {
		await crmRequestOk(ctx, hubspot, { method: 'PATCH', path: `${CONTACTS}/${existing.contactId}`, body: { properties } });
		return { contactId: existing.contactId, action: 'updated', email: String(properties.email) };
	}
	const response = await crmRequest(ctx, hubspot, { method: 'POST', path: CONTACTS, body: { properties } });
	if (response.statusCode === 409) {
		// Created by someone else since we looked: HubSpot names the existing id in its message.
		const id = /Existing ID: (\d+)/.exec(String((response.body as IDataObject)?.message ?? ''))?.[1];
		if (id) return await writeContact(ctx, { contactId: id, email: String(properties.email), contact: {} }, properties);
	}
	if (response.statusCode >= 300) throw crmApiError(ctx, hubspot, response);
	return { contactId: String((response.body as IDataObject).id), action: 'created', email: String(properties.email) };
}

/** Per-contact errors of a 207 batch answer, matched by e-mail (HubSpot names the input in `context` or the message). */
function batchError(errors: IDataObject[], email: string): string {
	const lower = email.toLowerCase();
	const own = errors.find((error) => JSON.stringify(error.context ?? {}).toLowerCase().includes(lower) || String(error.message ?? '').toLowerCase().includes(lower));
	return String((own ?? errors[0])?.message ?? 'HubSpot did not save this contact and gave no reason');
}

export const hubspot: CrmAdapter = {
	slug: 'hubspot',
	displayName: 'HubSpot',
	credentialType: 'wpumHubSpotApi',
	tagsAre: 'options of a multiple-checkbox contact property (default "wpum_tags", created when missing)',
	batchSize: 100,
	docsUrl: 'https://developers.hubspot.com/docs/api/crm/contacts',
	settings: [
		{
			displayName: 'Tags Property',
			name: 'hubspotTagsProperty',
			type: 'string',
			default: DEFAULT_TAGS_PROPERTY,
			description:
				'HubSpot has no tags. Tags are stored as options of this multiple-checkbox contact property (internal name), which is created on first use.',
		},
	],

	baseUrl: (credentials) => String(credentials.baseUrl || 'https://api.hubapi.com').replace(/\/+$/, ''),

	/**
	 * HubSpot sends no Retry-After. Its 10-second window passes quickly (backoff is right), but the
	 * daily limit lasts until midnight in the account's time zone: report a day so the run stops
	 * waiting at once with the rate-limit message instead of burning its wait budget.
	 */
	resetDelayMs(response) {
		const policy = String(((response.body ?? {}) as IDataObject).policyName ?? '');
		return response.statusCode === 429 && policy === 'DAILY' ? 24 * 60 * 60 * 1000 : undefined;
	},

	async upsert(ctx, contact) {
		const tags = cleanTagNames(contact.tags);
		await ensureTagOptions(ctx, tags);
		const existing = await findExisting(contact, (by) => findContact(ctx, by));
		const properties = toProperties(contact);
		if (tags.length) {
			const current = existing ? ((existing.contact.properties ?? {}) as IDataObject)[tagsProperty(ctx)] : '';
			properties[tagsProperty(ctx)] = mergeTags(current, await canonicalTags(ctx, tags));
		}
		return await writeContact(ctx, existing, properties);
	},

	/**
	 * `batch/upsert` keyed by e-mail, 100 per call. Contacts that carry a contact id or a previous
	 * e-mail (an e-mail change) go one by one, because batch upsert by e-mail would create a new contact.
	 */
	async upsertBatch(ctx, contacts) {
		const results: BatchItemResult[] = new Array(contacts.length);
		const byEmail: number[] = [];
		for (const [i, contact] of contacts.entries()) {
			if (contact.contactId || (contact.previousEmail && !sameEmail(contact.previousEmail, contact.email))) {
				try {
					results[i] = { ok: true, result: await hubspot.upsert(ctx, contact) };
				} catch (error) {
					results[i] = { ok: false, error: (error as Error).message };
				}
			} else byEmail.push(i);
		}
		if (!byEmail.length) return results;

		const prop = tagsProperty(ctx);
		const allTags = cleanTagNames(byEmail.flatMap((i) => contacts[i].tags ?? []));
		const currentTags = new Map<string, unknown>();
		if (allTags.length) {
			await ensureTagOptions(ctx, allTags);
			const tagged = byEmail.filter((i) => contacts[i].tags?.length);
			const read = await crmRequestOk(ctx, hubspot, {
				method: 'POST',
				path: `${CONTACTS}/batch/read`,
				body: { idProperty: 'email', properties: ['email', prop], inputs: tagged.map((i) => ({ id: contacts[i].email })) },
			});
			for (const record of ((read.body as IDataObject).results ?? []) as IDataObject[]) {
				const properties = (record.properties ?? {}) as IDataObject;
				currentTags.set(String(properties.email).toLowerCase(), properties[prop]);
			}
		}
		const canonical = allTags.length ? await canonicalTags(ctx, allTags) : [];
		const canon = (tag: string) => canonical[allTags.findIndex((t) => t.toLowerCase() === tag.toLowerCase())] ?? tag;

		const inputs = byEmail.map((i) => {
			const properties = toProperties(contacts[i]);
			const tags = cleanTagNames(contacts[i].tags);
			if (tags.length) properties[prop] = mergeTags(currentTags.get(contacts[i].email.toLowerCase()), tags.map(canon));
			return { idProperty: 'email', id: contacts[i].email, properties };
		});
		const response = await crmRequest(ctx, hubspot, { method: 'POST', path: `${CONTACTS}/batch/upsert`, body: { inputs } });
		if (response.statusCode !== 200 && response.statusCode !== 207) {
			// The whole batch was refused (e.g. one invalid value fails it): try each contact alone.
			if (response.statusCode !== 400) throw crmApiError(ctx, hubspot, response);
			for (const i of byEmail) {
				try {
					results[i] = { ok: true, result: await hubspot.upsert(ctx, contacts[i]) };
				} catch (error) {
					results[i] = { ok: false, error: (error as Error).message };
				}
			}
			return results;
		}
		const body = response.body as IDataObject;
		const saved = new Map<string, IDataObject>();
		for (const record of (body.results ?? []) as IDataObject[]) {
			saved.set(String(((record.properties ?? {}) as IDataObject).email ?? '').toLowerCase(), record);
		}
		const errors = (body.errors ?? []) as IDataObject[];
		for (const i of byEmail) {
			const record = saved.get(contacts[i].email.toLowerCase());
			results[i] = record
				? { ok: true, result: { contactId: String(record.id), action: record.new ? 'created' : 'updated', email: contacts[i].email } }
				: { ok: false, error: batchError(errors, contacts[i].email) };
		}
		return results;
	},

	async addTags(ctx, contactId, tags) {
		const names = cleanTagNames(tags);
		if (!names.length) return;
		await ensureTagOptions(ctx, names);
		const contact = await findContact(ctx, { contactId });
		if (!contact) throw new Error(`HubSpot has no contact with ID ${contactId}`);
		const prop = tagsProperty(ctx);
		const value = mergeTags(((contact.contact.properties ?? {}) as IDataObject)[prop], await canonicalTags(ctx, names));
		await crmRequestOk(ctx, hubspot, { method: 'PATCH', path: `${CONTACTS}/${contactId}`, body: { properties: { [prop]: value } } });
	},

	async removeTags(ctx, contactId, tags) {
		const names = cleanTagNames(tags);
		if (!names.length) return;
		const contact = await findContact(ctx, { contactId });
		if (!contact) throw new Error(`HubSpot has no contact with ID ${contactId}`);
		const prop = tagsProperty(ctx);
		const value = mergeTags(((contact.contact.properties ?? {}) as IDataObject)[prop], [], names);
		await crmRequestOk(ctx, hubspot, { method: 'PATCH', path: `${CONTACTS}/${contactId}`, body: { properties: { [prop]: value } } });
	},

	getContact: (ctx, by) => findContact(ctx, by),

	async deleteContact(ctx, contactId) {
		await crmRequestOk(ctx, hubspot, { method: 'DELETE', path: `${CONTACTS}/${encodeURIComponent(contactId)}` }, [404]);
	},

	async listFields(ctx) {
		const response = await crmRequestOk(ctx, hubspot, { method: 'GET', path: PROPERTIES });
		const prop = tagsProperty(ctx);
		return (((response.body as IDataObject).results ?? []) as IDataObject[])
			.filter((p) => !((p.modificationMetadata ?? {}) as IDataObject).readOnlyValue && !p.calculated && p.name !== prop)
			.map(
				(p): CrmField => ({ key: String(p.name), label: String(p.label ?? p.name), type: String(p.fieldType ?? p.type ?? ''), standard: p.hubspotDefined === true }),
			);
	},

	async listTags(ctx) {
		const response = await crmRequestOk(ctx, hubspot, { method: 'GET', path: `${PROPERTIES}/${encodeURIComponent(tagsProperty(ctx))}` }, [404]);
		if (response.statusCode === 404) return [];
		return (((response.body as IDataObject).options ?? []) as IDataObject[]).map((o): CrmTag => ({ id: String(o.value), name: String(o.label ?? o.value) }));
	},
};
