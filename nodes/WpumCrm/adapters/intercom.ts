import type { IDataObject } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, crmSetting, sameEmail } from './helpers';
import { tagsForRun } from './tagCache';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmResponse, CrmTag, UpsertResult } from './types';

/**
 * Intercom (REST API 2.16; the credential sends `Intercom-Version: 2.16`). Intercom has no upsert:
 * the contact is found (stored id, then external_id = the WordPress user id, then e-mail, then the
 * previous e-mail) and updated with PUT, else created with POST. Search is eventually consistent (a
 * new contact can take minutes to show up), so a create that Intercom answers with 409 "already
 * exists with id=…" updates that contact instead.
 */

/** Standard contact attributes the create/update payloads accept, with the type the spec gives them. */
const STANDARD_FIELDS: Record<string, { label: string; type: string }> = {
	name: { label: 'Name', type: 'string' },
	phone: { label: 'Phone', type: 'string' },
	avatar: { label: 'Avatar (image URL)', type: 'string' },
	owner_id: { label: 'Owner (admin ID)', type: 'id' },
	unsubscribed_from_emails: { label: 'Unsubscribed From Emails', type: 'boolean' },
	signed_up_at: { label: 'Signed Up At', type: 'date' },
	last_seen_at: { label: 'Last Seen At', type: 'date' },
};
const SEARCH_PAGE_SIZE = 50;
const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

/** The workspace's contact data attributes, read once per node run. */
const attributesPerRun = new WeakMap<object, IDataObject[]>();

async function contactAttributes(ctx: CrmContext): Promise<IDataObject[]> {
	let attributes = attributesPerRun.get(ctx);
	if (!attributes) {
		const response = await crmRequestOk(ctx, intercom, { method: 'GET', path: '/data_attributes', qs: { model: 'contact' } });
		attributes = (((response.body as IDataObject).data ?? []) as IDataObject[]).filter((a) => a.model === undefined || a.model === 'contact');
		attributesPerRun.set(ctx, attributes);
	}
	return attributes;
}

function isWritableCustom(attribute: IDataObject): boolean {
	return attribute.custom === true && attribute.api_writable !== false && attribute.archived !== true;
}

function role(ctx: CrmContext): 'user' | 'lead' {
	return crmSetting<string>(ctx, 'intercomRole', 'user') === 'lead' ? 'lead' : 'user';
}

/** The external_id this contact gets: the WordPress user id (with the optional prefix), users only. */
function externalIdFor(ctx: CrmContext, contact: ContactInput): string | undefined {
	if (role(ctx) !== 'user' || !crmSetting(ctx, 'intercomUseExternalId', true)) return undefined;
	const id = contact.wpUserId === undefined || contact.wpUserId === null ? '' : String(contact.wpUserId).trim();
	if (!id) return undefined;
	return `${String(crmSetting(ctx, 'intercomExternalIdPrefix', '') ?? '').trim()}${id}`;
}

/** Unix seconds from a number (seconds, or milliseconds when that large) or a date text. */
function toTimestamp(value: unknown, text: string): number | undefined {
	const numeric = typeof value === 'number' ? value : /^\d+$/.test(text) ? Number(text) : undefined;
	if (numeric !== undefined) return Number.isFinite(numeric) ? Math.round(numeric > 1e11 ? numeric / 1000 : numeric) : undefined;
	const parsed = Date.parse(text);
	return Number.isNaN(parsed) ? undefined : Math.floor(parsed / 1000);
}

/**
 * A value in the shape the attribute's type needs: integers and floats as numbers, yes/no words as
 * booleans, dates as Unix seconds, list attributes as one of their options, lists of values joined
 * for text. An empty value becomes null, which clears the attribute.
 */
export function intercomValue(type: string, options: string[] | undefined, value: unknown): { value?: unknown; problem?: string } {
	if (value === null || value === undefined || value === '') return { value: null };
	const text = Array.isArray(value) ? value.map(String).join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value);
	const trimmed = text.trim();
	switch (type) {
		case 'integer': {
			const number = typeof value === 'number' ? value : Number(trimmed);
			return Number.isInteger(number) && trimmed !== '' ? { value: number } : { problem: `needs a whole number, not "${text}"` };
		}
		case 'float': {
			const number = typeof value === 'number' ? value : Number(trimmed);
			return Number.isFinite(number) && trimmed !== '' ? { value: number } : { problem: `needs a number, not "${text}"` };
		}
		case 'boolean': {
			if (typeof value === 'boolean') return { value };
			const word = trimmed.toLowerCase();
			if (TRUE_WORDS.includes(word)) return { value: true };
			if (FALSE_WORDS.includes(word)) return { value: false };
			return { problem: `needs yes/no (true or false), not "${text}"` };
		}
		case 'date': {
			const seconds = toTimestamp(value, trimmed);
			return seconds === undefined ? { problem: `needs a date (YYYY-MM-DD, ISO 8601 or Unix seconds), not "${text}"` } : { value: seconds };
		}
		case 'id':
			return { value: trimmed };
		default: {
			if (options?.length) {
				const option = options.find((o) => o.toLowerCase() === trimmed.toLowerCase());
				return option !== undefined ? { value: option } : { problem: `needs one of ${options.map((o) => `"${o}"`).join(', ')}, not "${text}"` };
			}
			return { value: text };
		}
	}
}

/** The item's fields as Intercom's top-level attributes and `custom_attributes`, converted to their types. */
async function valuesFor(ctx: CrmContext, contact: ContactInput): Promise<{ standard: IDataObject; custom: IDataObject }> {
	const out = { standard: {} as IDataObject, custom: {} as IDataObject };
	if (!Object.keys(contact.fields).length) return out;
	const attributes = await contactAttributes(ctx);
	for (const [key, raw] of Object.entries(contact.fields)) {
		const standard = STANDARD_FIELDS[key];
		const custom = standard ? undefined : attributes.find((a) => isWritableCustom(a) && a.name === key);
		const type = standard?.type ?? String(custom?.data_type ?? 'string');
		const options = custom && Array.isArray(custom.options) && custom.options.length ? (custom.options as unknown[]).map(String) : undefined;
		const { value, problem } = intercomValue(type, options, raw);
		if (problem) {
			throw new NodeOperationError(ctx.getNode(), `Intercom attribute ${key} ${problem} (contact ${contact.email})`, {
				description: 'Nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.',
			});
		}
		(standard ? out.standard : out.custom)[key] = value as IDataObject[string];
	}
	return out;
}

function toContact(body: IDataObject): CrmContact {
	return { contactId: String(body.id), email: String(body.email ?? ''), contact: body };
}

/** `</contacts/{id}>; rel="canonical"` of a 410 (merged contact) answer. */
function canonicalId(response: CrmResponse): string | undefined {
	const link = response.headers.link ?? response.headers.Link;
	return /<[^>]*\/contacts\/([^/>]+)>/.exec(String(Array.isArray(link) ? link[0] : (link ?? '')))?.[1];
}

/** GET a contact; a merged contact (410) is followed to the contact it was merged into. */
async function readContact(ctx: CrmContext, path: string, hops = 0): Promise<CrmContact | undefined> {
	const response = await crmRequestOk(ctx, intercom, { method: 'GET', path }, [404, 410]);
	if (response.statusCode === 404) return undefined;
	if (response.statusCode === 410) {
		const id = canonicalId(response);
		return id && hops < 3 ? await readContact(ctx, `/contacts/${encodeURIComponent(id)}`, hops + 1) : undefined;
	}
	return toContact(response.body as IDataObject);
}

/**
 * Contacts with this e-mail, exactly (case-insensitive). The search asks for the address as given and
 * in lower case, in case Intercom compares it case-sensitively. Users come first when the node
 * creates users (a lead may share a user's e-mail), leads first otherwise.
 */
async function searchByEmail(ctx: CrmContext, email: string): Promise<CrmContact | undefined> {
	const lower = email.toLowerCase();
	const query =
		lower === email
			? { field: 'email', operator: '=', value: email }
			: { operator: 'OR', value: [{ field: 'email', operator: '=', value: email }, { field: 'email', operator: '=', value: lower }] };
	const response = await crmRequestOk(ctx, intercom, {
		method: 'POST',
		path: '/contacts/search',
		body: { query, pagination: { per_page: SEARCH_PAGE_SIZE } },
	});
	const matches = (((response.body as IDataObject).data ?? []) as IDataObject[]).filter((c) => sameEmail(String(c.email ?? ''), email));
	const wanted = role(ctx);
	const best = matches.find((c) => c.role === wanted) ?? matches[0];
	return best ? toContact(best) : undefined;
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (by.contactId) return await readContact(ctx, `/contacts/${encodeURIComponent(by.contactId)}`);
	if (by.email) return await searchByEmail(ctx, by.email);
	return undefined;
}

/** The contact an upsert updates: stored id, else external_id, else e-mail, else previous e-mail. */
async function findTarget(ctx: CrmContext, contact: ContactInput, externalId: string | undefined): Promise<CrmContact | undefined> {
	if (contact.contactId) {
		const byId = await findContact(ctx, { contactId: contact.contactId });
		if (byId) return byId;
	}
	if (externalId) {
		const byExternalId = await readContact(ctx, `/contacts/find_by_external_id/${encodeURIComponent(externalId)}`);
		if (byExternalId) return byExternalId;
	}
	const byEmail = await searchByEmail(ctx, contact.email);
	if (byEmail) return byEmail;
	if (contact.previousEmail && !sameEmail(contact.previousEmail, contact.email)) return await searchByEmail(ctx, contact.previousEmail);
	return undefined;
}

/** The id in Intercom's 409 "A contact matching those details already exists with id=…". */
function conflictId(response: CrmResponse): { id: string; archived: boolean } | undefined {
	const message = intercom.errorMessage?.(response) ?? '';
	const id = /already exists with id=([A-Za-z0-9]+)/.exec(message)?.[1];
	return id ? { id, archived: /archived contact/i.test(message) } : undefined;
}

function payload(values: { standard: IDataObject; custom: IDataObject }, email: string): IDataObject {
	const body: IDataObject = { ...values.standard, email };
	if (Object.keys(values.custom).length) body.custom_attributes = values.custom;
	return body;
}

async function updateContact(ctx: CrmContext, id: string, body: IDataObject): Promise<CrmResponse> {
	return await crmRequest(ctx, intercom, { method: 'PUT', path: `/contacts/${encodeURIComponent(id)}`, body });
}

/** Tag ids by name (case-insensitive), creating missing tags with `POST /tags` when asked. */
async function tagIdsByName(ctx: CrmContext, names: string[], createMissing: boolean): Promise<string[]> {
	if (!names.length) return [];
	const existing = await tagsForRun(ctx, intercom);
	const ids: string[] = [];
	for (const name of names) {
		const found = existing.find((tag) => tag.name.toLowerCase() === name.toLowerCase());
		if (found) {
			ids.push(found.id);
			continue;
		}
		if (!createMissing) continue;
		const response = await crmRequestOk(ctx, intercom, { method: 'POST', path: '/tags', body: { name } });
		const created = { id: String((response.body as IDataObject).id), name: String((response.body as IDataObject).name ?? name) };
		existing.push(created);
		ids.push(created.id);
	}
	return ids;
}

/** Tag ids already on the contact, from its record when that lists them all. */
function appliedTagIds(record: IDataObject | undefined): Set<string> {
	const tags = (record?.tags ?? {}) as IDataObject;
	if (tags.has_more === true || !Array.isArray(tags.data)) return new Set();
	return new Set((tags.data as IDataObject[]).map((tag) => String(tag.id)));
}

async function attachTags(ctx: CrmContext, contactId: string, tagIds: string[], skip = new Set<string>()): Promise<void> {
	for (const id of tagIds) {
		if (skip.has(id)) continue;
		await crmRequestOk(ctx, intercom, { method: 'POST', path: `/contacts/${encodeURIComponent(contactId)}/tags`, body: { id } });
	}
}

async function upsertContact(ctx: CrmContext, contact: ContactInput): Promise<UpsertResult> {
	// Checked first: a value that does not fit its attribute fails the item before anything is sent.
	const values = await valuesFor(ctx, contact);
	const externalId = externalIdFor(ctx, contact);
	let target = await findTarget(ctx, contact, externalId);
	let action: UpsertResult['action'] = 'updated';
	let contactId: string | undefined;
	let record: IDataObject | undefined;

	const update = async (existing: CrmContact): Promise<boolean> => {
		const body = payload(values, contact.email);
		// external_id is set once, on a user that has none; an existing one is never overwritten.
		if (externalId && existing.contact.role === 'user' && !existing.contact.external_id) body.external_id = externalId;
		const response = await updateContact(ctx, existing.contactId, body);
		if (response.statusCode === 404) return false;
		if (response.statusCode >= 300) throw crmApiError(ctx, intercom, response);
		contactId = existing.contactId;
		record = response.body as IDataObject;
		return true;
	};

	if (!target || !(await update(target))) {
		const body: IDataObject = { role: role(ctx), ...payload(values, contact.email) };
		if (externalId) body.external_id = externalId;
		const response = await crmRequest(ctx, intercom, { method: 'POST', path: '/contacts', body });
		const conflict = response.statusCode === 409 ? conflictId(response) : undefined;
		if (conflict) {
			// Search had not caught up with a recent contact (or it is archived): update that one.
			if (conflict.archived) {
				await crmRequestOk(ctx, intercom, { method: 'POST', path: `/contacts/${encodeURIComponent(conflict.id)}/unarchive` });
			}
			target = await findContact(ctx, { contactId: conflict.id });
			if (!target || !(await update(target))) throw crmApiError(ctx, intercom, response);
		} else if (response.statusCode >= 300) {
			throw crmApiError(ctx, intercom, response);
		} else {
			action = 'created';
			record = response.body as IDataObject;
			contactId = String(record.id);
		}
	}

	const tagIds = await tagIdsByName(ctx, cleanTagNames(contact.tags), true);
	await attachTags(ctx, contactId!, tagIds, appliedTagIds(record));
	return { contactId: contactId!, action, email: contact.email };
}

export const intercom: CrmAdapter = {
	slug: 'intercom',
	displayName: 'Intercom',
	credentialType: 'wpumIntercomApi',
	tagsAre: 'tags (created by name when missing)',
	docsUrl: 'https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts',

	settings: [
		{
			displayName: 'Contact Role',
			name: 'intercomRole',
			type: 'options',
			options: [
				{ name: 'User', value: 'user', description: 'Registered users (the usual choice for WordPress users)' },
				{ name: 'Lead', value: 'lead', description: 'Prospects; leads get no external ID' },
			],
			default: 'user',
			displayOptions: { show: { operation: ['upsert'] } },
			description: 'Role of the contacts the node creates. Existing contacts keep their role.',
		},
		{
			displayName: 'Use WordPress User ID as External ID',
			name: 'intercomUseExternalId',
			type: 'boolean',
			default: true,
			displayOptions: { show: { operation: ['upsert'], intercomRole: ['user'] } },
			description:
				'Whether new users get the WordPress user ID as their Intercom external ID. The node then finds the contact by it, so an e-mail change updates the same contact even without a stored contact ID.',
		},
		{
			displayName: 'External ID Prefix',
			name: 'intercomExternalIdPrefix',
			type: 'string',
			default: '',
			placeholder: 'e.g. shop-',
			displayOptions: { show: { operation: ['upsert'], intercomRole: ['user'], intercomUseExternalId: [true] } },
			description:
				'Put before the WordPress user ID. Give each site its own prefix when several WordPress sites sync into one Intercom workspace, so user 12 of one site is not user 12 of another.',
		},
	],

	baseUrl: (credentials) => String(credentials.baseUrl || 'https://api.intercom.io').replace(/\/+$/, ''),

	/** `X-RateLimit-Reset` is the Unix time (seconds) when the window resets; Intercom sends no Retry-After. */
	resetDelayMs(response) {
		const reset = Number(response.headers['x-ratelimit-reset'] ?? response.headers['X-RateLimit-Reset']);
		if (!Number.isFinite(reset) || reset <= 0) return undefined;
		const delay = reset * 1000 - Date.now();
		// A reset already past (clocks differ): back off instead of retrying at once.
		return delay > 0 ? delay : undefined;
	},

	/** Intercom's `error.list`: each error's message with its code. */
	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		const errors = body && typeof body === 'object' && Array.isArray(body.errors) ? (body.errors as IDataObject[]) : [];
		const parts = errors.map((error) => (error.message ? `${String(error.message)} (${String(error.code)})` : String(error.code ?? ''))).filter(Boolean);
		return parts.length ? parts.join('; ') : undefined;
	},

	upsert: upsertContact,

	async addTags(ctx, contactId, tags) {
		const tagIds = await tagIdsByName(ctx, cleanTagNames(tags), true);
		await attachTags(ctx, contactId, tagIds);
	},

	/** Takes off only the tags the contact has; tags themselves are never deleted. */
	async removeTags(ctx, contactId, tags) {
		const tagIds = await tagIdsByName(ctx, cleanTagNames(tags), false);
		if (!tagIds.length) return;
		const path = `/contacts/${encodeURIComponent(contactId)}/tags`;
		const current = await crmRequestOk(ctx, intercom, { method: 'GET', path });
		const applied = new Set((((current.body as IDataObject).data ?? []) as IDataObject[]).map((tag) => String(tag.id)));
		for (const id of tagIds) {
			if (applied.has(id)) await crmRequestOk(ctx, intercom, { method: 'DELETE', path: `${path}/${encodeURIComponent(id)}` });
		}
	},

	getContact: findContact,

	async deleteContact(ctx, contactId) {
		await crmRequestOk(ctx, intercom, { method: 'DELETE', path: `/contacts/${encodeURIComponent(contactId)}` }, [404]);
	},

	// Intercom returns every data attribute in one response (the route has no paging).
	async listFields(ctx) {
		const attributes = await contactAttributes(ctx);
		const standard = Object.entries(STANDARD_FIELDS)
			.filter(([name]) => attributes.some((a) => a.custom !== true && a.name === name && a.api_writable !== false))
			.map(([key, field]): CrmField => ({ key, label: field.label, type: field.type, standard: true }));
		const custom = attributes.filter(isWritableCustom).map(
			(a): CrmField => ({
				key: String(a.name),
				label: String(a.label ?? a.name),
				type: Array.isArray(a.options) && a.options.length ? `list: ${(a.options as unknown[]).map(String).join(', ')}` : String(a.data_type ?? 'string'),
			}),
		);
		return [...standard, ...custom];
	},

	// Intercom returns every tag of the workspace in one response (the route has no paging).
	async listTags(ctx) {
		const response = await crmRequestOk(ctx, intercom, { method: 'GET', path: '/tags' });
		return (((response.body as IDataObject).data ?? []) as IDataObject[]).map((tag): CrmTag => ({ id: String(tag.id), name: String(tag.name) }));
	},
};
