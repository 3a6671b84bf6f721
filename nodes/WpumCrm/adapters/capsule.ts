import type { IDataObject } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, epochResetDelayMs, findExisting, nextLinkUrl, sameEmail, yesNo } from './helpers';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmTag } from './types';
import { asText, isBlank, type ValueOrProblem } from './values';

/**
 * Capsule CRM API v2 (https://developer.capsulecrm.com/v2/): contacts are parties of type person, found
 * by the global search and matched on their e-mail addresses; custom fields are addressed by definition
 * id; tags are named objects added by name and removed by id with `_delete`. No batch endpoint.
 */
const DEFAULT_BASE_URL = 'https://api.capsulecrm.com/api/v2';
/** Custom fields are offered as `field_<definition id>`. */
const CUSTOM_PREFIX = 'field_';
/** Largest `perPage` Capsule accepts on its listings and searches. */
const PER_PAGE = 100;
/** Tags and custom field values are in a party only when asked for. */
const EMBED = 'tags,fields';

/** Person keys the node writes besides custom fields (the e-mail is the item's own `email`). */
const STANDARD_FIELDS: ReadonlyArray<{ key: string; label: string }> = [
	{ key: 'firstName', label: 'First Name' },
	{ key: 'lastName', label: 'Last Name' },
	{ key: 'jobTitle', label: 'Job Title' },
	{ key: 'about', label: 'About' },
	{ key: 'phoneNumber', label: 'Phone Number' },
];

// ---- paging and definitions --------------------------------------------------------------------------

/** Every row of a Capsule listing (`{<key>: [...]}`), following `Link: rel="next"` to the last page. */
async function allPages(ctx: CrmContext, path: string, key: string, qs: IDataObject = {}): Promise<IDataObject[]> {
	const rows: IDataObject[] = [];
	for (let page = 1; ; page++) {
		const response = await crmRequestOk(ctx, capsule, { method: 'GET', path, qs: { ...qs, page, perPage: PER_PAGE } });
		const list = ((response.body as IDataObject | undefined)?.[key] ?? []) as IDataObject[];
		rows.push(...list);
		if (!nextLinkUrl(response.headers) || !list.length) return rows;
	}
}

const definitionsPerRun = new WeakMap<object, IDataObject[]>();

/** The party custom field definitions a person can hold (not organisation-only), read once per node run. */
async function definitions(ctx: CrmContext): Promise<IDataObject[]> {
	let list = definitionsPerRun.get(ctx);
	if (!list) {
		list = (await allPages(ctx, '/parties/fields/definitions', 'definitions')).filter((d) => d.captureRule !== 'organisation');
		definitionsPerRun.set(ctx, list);
	}
	return list;
}

// ---- values ---------------------------------------------------------------------------------------------

/** A date as Capsule's `YYYY-MM-DD` (an ISO date-time keeps its date part). */
export function toCapsuleDate(value: unknown): ValueOrProblem {
	const text = String(value).trim();
	const day = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(text);
	if (day) {
		const date = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
		if (date.getUTCMonth() === Number(day[2]) - 1 && date.getUTCDate() === Number(day[3])) return { value: `${day[1]}-${day[2]}-${day[3]}` };
	}
	return { problem: `needs a date as YYYY-MM-DD, not "${text}"` };
}

/** A value in the shape the definition's type needs; blank means "clear the field" (null). */
function customValue(definition: IDataObject, value: unknown): ValueOrProblem {
	if (isBlank(value)) return { value: null };
	const text = asText(value);
	if (text.problem) return text;
	switch (String(definition.type)) {
		case 'number': {
			const number = typeof value === 'number' ? value : Number(String(text.value).trim());
			return Number.isFinite(number) && String(text.value).trim() !== '' ? { value: number } : { problem: `needs a number, not "${String(text.value)}"` };
		}
		case 'boolean': {
			const flag = yesNo(value);
			return flag === undefined ? { problem: `needs yes/no (true or false), not "${String(text.value)}"` } : { value: flag };
		}
		case 'date':
			return toCapsuleDate(text.value);
		case 'list': {
			const options = ((definition.options ?? []) as unknown[]).map(String);
			const wanted = String(text.value).trim().toLowerCase();
			const option = options.find((o) => o.toLowerCase() === wanted);
			return option !== undefined ? { value: option } : { problem: `needs one of ${options.map((o) => `"${o}"`).join(', ')}, not "${String(text.value)}"` };
		}
		default:
			return text;
	}
}

interface PartyFields {
	/** firstName, lastName, jobTitle, about: ready to send. */
	body: IDataObject;
	phone?: string;
	custom: Array<{ definition: IDataObject; value: unknown }>;
}

function itemError(ctx: CrmContext, message: string, description: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, { description });
}

/** The item's fields as Capsule values; an unknown key or a value that does not fit fails the item here. */
async function partyFields(ctx: CrmContext, contact: ContactInput): Promise<PartyFields> {
	const out: PartyFields = { body: {}, custom: [] };
	const entries = Object.entries(contact.fields ?? {});
	const known = entries.some(([key]) => !STANDARD_FIELDS.some((f) => f.key === key)) ? await definitions(ctx) : [];
	for (const [key, raw] of entries) {
		const standard = STANDARD_FIELDS.some((field) => field.key === key);
		const definition = key.startsWith(CUSTOM_PREFIX) ? known.find((d) => String(d.id) === key.slice(CUSTOM_PREFIX.length)) : undefined;
		if (!standard && !definition) {
			const valid = [...STANDARD_FIELDS.map((f) => f.key), ...known.map((d) => `${CUSTOM_PREFIX}${String(d.id)} (${String(d.name)})`)];
			throw itemError(ctx, `Capsule has no person field "${key}" (contact ${contact.email})`, `Nothing was sent. Valid keys: ${valid.join(', ')}. Pick the field again from the list in the WPUM Field Mapper.`);
		}
		if (definition) {
			const { value, problem } = customValue(definition, raw);
			if (problem) {
				throw itemError(ctx, `Capsule custom field "${String(definition.name)}" (${key}) ${problem} (contact ${contact.email})`, 'Nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.');
			}
			out.custom.push({ definition, value });
			continue;
		}
		const text = isBlank(raw) ? { value: '' } : asText(raw);
		if (text.problem) throw itemError(ctx, `Capsule field "${key}" ${text.problem} (contact ${contact.email})`, 'Nothing was sent for this contact.');
		const value = String(text.value).trim();
		if (key === 'phoneNumber') out.phone = value || undefined;
		else out.body[key] = value === '' ? null : value;
	}
	return out;
}

// ---- parties --------------------------------------------------------------------------------------------

function emailEntries(party: IDataObject): IDataObject[] {
	return Array.isArray(party.emailAddresses) ? (party.emailAddresses as IDataObject[]) : [];
}

function toContact(party: IDataObject, email?: string): CrmContact {
	const list = emailEntries(party).map((entry) => String(entry.address ?? ''));
	return { contactId: String(party.id), email: list.find((e) => sameEmail(e, email)) ?? list[0] ?? '', contact: party };
}

async function byId(ctx: CrmContext, contactId: string): Promise<IDataObject | undefined> {
	const id = contactId.trim();
	if (!/^\d+$/.test(id)) return undefined;
	const response = await crmRequestOk(ctx, capsule, { method: 'GET', path: `/parties/${id}`, qs: { embed: EMBED } }, [404]);
	return response.statusCode === 404 ? undefined : ((response.body as IDataObject).party as IDataObject);
}

/**
 * The person with this e-mail. Capsule's search is its global search (names, e-mails, phones, …), not an
 * exact match: every page is read until a person with exactly this address (any case) turns up.
 */
async function byEmail(ctx: CrmContext, email: string): Promise<IDataObject | undefined> {
	for (let page = 1; ; page++) {
		const response = await crmRequestOk(ctx, capsule, { method: 'GET', path: '/parties/search', qs: { q: email, embed: EMBED, page, perPage: PER_PAGE } });
		const parties = ((response.body as IDataObject | undefined)?.parties ?? []) as IDataObject[];
		const found = parties.find((party) => party.type === 'person' && emailEntries(party).some((entry) => sameEmail(String(entry.address ?? ''), email)));
		if (found) return found;
		if (!nextLinkUrl(response.headers) || !parties.length) return undefined;
	}
}

async function findParty(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (by.contactId) {
		const party = await byId(ctx, by.contactId);
		return party ? toContact(party) : undefined;
	}
	const email = by.email?.trim();
	if (!email) return undefined;
	const party = await byEmail(ctx, email);
	return party ? toContact(party, email) : undefined;
}

/** Custom field values to send: existing values are updated (or deleted) by their own id. */
function fieldChanges(custom: PartyFields['custom'], current: IDataObject[]): IDataObject[] {
	const out: IDataObject[] = [];
	for (const { definition, value } of custom) {
		const existing = current.find((entry) => String((entry.definition as IDataObject | undefined)?.id) === String(definition.id));
		if (value === null) {
			if (existing) out.push({ id: existing.id, _delete: true });
		} else if (existing) {
			if (existing.value !== value) out.push({ id: existing.id, definition: { id: definition.id }, value: value as IDataObject[string] });
		} else {
			out.push({ definition: { id: definition.id }, value: value as IDataObject[string] });
		}
	}
	return out;
}

/** `{name}` entries for the tags the party lacks (case-insensitive). */
function missingTags(party: IDataObject | undefined, tags: string[]): IDataObject[] {
	const have = (Array.isArray(party?.tags) ? (party.tags as IDataObject[]) : []).map((tag) => String(tag.name).toLowerCase());
	return tags.filter((tag) => !have.includes(tag.toLowerCase())).map((name) => ({ name }));
}

async function updateParty(ctx: CrmContext, existing: CrmContact, contact: ContactInput, fields: PartyFields) {
	const party = existing.contact;
	const body: IDataObject = {};
	for (const [key, value] of Object.entries(fields.body)) if ((party[key] ?? null) !== value) body[key] = value;
	const emails = emailEntries(party);
	if (!emails.some((entry) => entry.address === contact.email)) {
		// The address it was found by changes in place (same entry id); without one, the new address is added.
		const found = emails.find((entry) => sameEmail(String(entry.address ?? ''), existing.email));
		body.emailAddresses = [found ? { id: found.id, address: contact.email } : { address: contact.email }];
	}
	const phones = Array.isArray(party.phoneNumbers) ? (party.phoneNumbers as IDataObject[]) : [];
	if (fields.phone && !phones.some((entry) => entry.number === fields.phone)) body.phoneNumbers = [{ number: fields.phone }];
	const changes = fieldChanges(fields.custom, Array.isArray(party.fields) ? (party.fields as IDataObject[]) : []);
	if (changes.length) body.fields = changes;
	const tags = missingTags(party, cleanTagNames(contact.tags));
	if (tags.length) body.tags = tags;
	const done = { contactId: existing.contactId, action: 'updated' as const, email: contact.email };
	if (!Object.keys(body).length) return done;
	const response = await crmRequest(ctx, capsule, { method: 'PUT', path: `/parties/${existing.contactId}`, body: { party: body } });
	if (response.statusCode === 404) return undefined;
	if (response.statusCode >= 300) throw crmApiError(ctx, capsule, response);
	return done;
}

async function createParty(ctx: CrmContext, contact: ContactInput, fields: PartyFields) {
	const body: IDataObject = { type: 'person' };
	for (const [key, value] of Object.entries(fields.body)) if (value !== null) body[key] = value;
	// Capsule needs a first or a last name for a person: the e-mail stands in until one is mapped.
	if (!body.firstName && !body.lastName) body.firstName = contact.email;
	body.emailAddresses = [{ address: contact.email }];
	if (fields.phone) body.phoneNumbers = [{ number: fields.phone }];
	const custom = fieldChanges(fields.custom, []);
	if (custom.length) body.fields = custom;
	const tags = missingTags(undefined, cleanTagNames(contact.tags));
	if (tags.length) body.tags = tags;
	const response = await crmRequestOk(ctx, capsule, { method: 'POST', path: '/parties', body: { party: body } });
	const party = (response.body as IDataObject).party as IDataObject;
	return { contactId: String(party.id), action: 'created' as const, email: contact.email };
}

async function partyFor(ctx: CrmContext, contactId: string): Promise<IDataObject> {
	const party = await byId(ctx, contactId);
	if (!party) throw crmApiError(ctx, capsule, { statusCode: 404, headers: {}, body: { message: `Capsule has no party ${contactId}. Check the stored contact id or look the contact up by e-mail.` } });
	return party;
}

export const capsule: CrmAdapter = {
	slug: 'capsule',
	displayName: 'Capsule',
	credentialType: 'wpumCapsuleApi',
	tagsAre: 'party tags (created by name when first used)',
	docsUrl: 'https://developer.capsulecrm.com/v2/',

	baseUrl: (credentials) => String(credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, ''),

	/** Capsule's 429 carries `X-RateLimit-Reset` (Unix seconds) and no Retry-After. */
	resetDelayMs: (response) => epochResetDelayMs(response.headers['x-ratelimit-reset'] ?? response.headers['X-RateLimit-Reset']),

	/** `{message, errors: [{message, resource, field}]}`; the rate-limit answer carries `error`. */
	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		if (!body || typeof body !== 'object') return undefined;
		const details = (Array.isArray(body.errors) ? (body.errors as IDataObject[]) : [])
			.map((error) => `${String(error.message ?? '')}${error.field ? ` (${String(error.field)})` : ''}`)
			.filter(Boolean);
		const message = typeof body.message === 'string' ? body.message : typeof body.error === 'string' ? body.error : '';
		return [message, details.join('; ')].filter(Boolean).join(': ') || undefined;
	},

	async upsert(ctx, contact) {
		// Checked first: an unknown key or a value that does not fit fails the item before anything is sent.
		const fields = await partyFields(ctx, contact);
		const existing = await findExisting(contact, (by) => findParty(ctx, by));
		if (existing) {
			const updated = await updateParty(ctx, existing, contact, fields);
			if (updated) return updated;
			// Deleted in Capsule since it was found: create it again.
		}
		return await createParty(ctx, contact, fields);
	},

	/** Adds the tags the party lacks by name; Capsule creates a tag that does not exist yet. */
	async addTags(ctx, contactId, tags) {
		const add = missingTags(await partyFor(ctx, contactId), cleanTagNames(tags));
		if (!add.length) return;
		await crmRequestOk(ctx, capsule, { method: 'PUT', path: `/parties/${contactId.trim()}`, body: { party: { tags: add } } });
	},

	/** Takes the named tags off the party by their ids (`_delete`); the tags themselves stay in Capsule. */
	async removeTags(ctx, contactId, tags) {
		const drop = cleanTagNames(tags).map((tag) => tag.toLowerCase());
		if (!drop.length) return;
		const party = await partyFor(ctx, contactId);
		const current = Array.isArray(party.tags) ? (party.tags as IDataObject[]) : [];
		const off = current.filter((tag) => drop.includes(String(tag.name).toLowerCase())).map((tag) => ({ id: tag.id, _delete: true }));
		if (!off.length) return;
		await crmRequestOk(ctx, capsule, { method: 'PUT', path: `/parties/${contactId.trim()}`, body: { party: { tags: off } } });
	},

	getContact: findParty,

	async deleteContact(ctx, contactId) {
		const response = await crmRequest(ctx, capsule, { method: 'DELETE', path: `/parties/${contactId.trim()}` });
		if (response.statusCode >= 300 && response.statusCode !== 404) throw crmApiError(ctx, capsule, response);
	},

	/** The person fields, then every party custom field a person can hold, 100 a page to the last page. */
	async listFields(ctx) {
		const standard = STANDARD_FIELDS.map((field): CrmField => ({ key: field.key, label: field.label, type: 'text', standard: true }));
		const custom = (await definitions(ctx)).map((d): CrmField => ({ key: `${CUSTOM_PREFIX}${String(d.id)}`, label: String(d.name), type: String(d.type) }));
		return [...standard, ...custom];
	},

	/** Every party tag, 100 a page to the last page. */
	async listTags(ctx) {
		const rows = await allPages(ctx, '/parties/tags', 'tags');
		return rows.map((tag): CrmTag => ({ id: String(tag.id), name: String(tag.name) }));
	},
};
