import type { IDataObject } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, findExisting, sameEmail, yesNo } from './helpers';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmTag } from './types';
import { asText, isBlank, type ValueOrProblem } from './values';

/**
 * Agile CRM REST API (https://github.com/agilecrm/rest-api): a contact is a list of `properties`
 * (`{type: SYSTEM|CUSTOM, name, subtype?, value}`), found by e-mail with
 * `GET /contacts/search/email/{email}` (204 when there is none), created with `POST /contacts`, changed
 * with the partial `PUT /contacts/edit-properties` (the e-mail too: a property with the same subtype is
 * overwritten), tagged with `PUT /contacts/edit/tags` and `PUT /contacts/delete/tags`. There is no
 * upsert and no batch endpoint: creating an e-mail that exists is refused, so the adapter always looks first.
 */
const DOCS_URL = 'https://github.com/agilecrm/rest-api';

/** SYSTEM properties the node writes (the e-mail is the item's own `email`), and the address parts. */
const SYSTEM_FIELDS: ReadonlyArray<{ key: string; label: string; subtype?: string }> = [
	{ key: 'first_name', label: 'First Name' },
	{ key: 'last_name', label: 'Last Name' },
	{ key: 'company', label: 'Company' },
	{ key: 'title', label: 'Job Title' },
	{ key: 'phone', label: 'Phone (work)', subtype: 'work' },
	{ key: 'website', label: 'Website', subtype: 'URL' },
];
/** Parts of Agile's one `address` property (a JSON text), offered as `address.<part>`. */
const ADDRESS_PARTS: ReadonlyArray<{ part: string; label: string }> = [
	{ part: 'address', label: 'Street Address' },
	{ part: 'city', label: 'City' },
	{ part: 'state', label: 'State' },
	{ part: 'zip', label: 'Zip' },
	{ part: 'country', label: 'Country' },
];
const ADDRESS_PREFIX = 'address.';
/** Agile: "Tag name should start with an alphabet and can not contain special characters other than underscore and space." */
const TAG_NAME = /^\p{L}[\p{L}\p{N}_ ]*$/u;

type Property = IDataObject & { type: 'SYSTEM' | 'CUSTOM'; name: string; value: string | number; subtype?: string };

/** One Agile property (built here so every property has the same shape). */
function prop(type: Property['type'], name: string, value: string | number, subtype?: string): Property {
	return subtype ? { type, name, subtype, value } : { type, name, value };
}

function itemError(ctx: CrmContext, message: string, description: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, { description });
}

// ---- custom field definitions ----------------------------------------------------------------------------

const definitionsPerRun = new WeakMap<object, IDataObject[]>();

/** The account's contact custom fields (one answer, not paged), read once per node run. */
async function definitions(ctx: CrmContext): Promise<IDataObject[]> {
	let list = definitionsPerRun.get(ctx);
	if (!list) {
		const response = await crmRequestOk(ctx, agilecrm, { method: 'GET', path: '/custom-fields/scope', qs: { scope: 'CONTACT' } });
		list = Array.isArray(response.body) ? (response.body as IDataObject[]) : [];
		definitionsPerRun.set(ctx, list);
	}
	return list;
}

/** The options of a LIST field (`field_data`, one per line or `;`-separated). */
function listOptions(definition: IDataObject): string[] {
	return String(definition.field_data ?? '')
		.split(/[;\n]/)
		.map((option) => option.trim())
		.filter(Boolean);
}

// ---- values ---------------------------------------------------------------------------------------------

/**
 * A date as the Unix seconds Agile stores for DATE fields. A date without a time becomes 12:00 UTC of
 * that day, so Agile (which shows it in the account's time zone) shows the same day everywhere.
 */
export function toAgileDate(value: unknown): ValueOrProblem {
	if (typeof value === 'number' && Number.isInteger(value) && value > 0) return { value: value > 1e11 ? Math.floor(value / 1000) : value };
	const text = String(value).trim();
	if (/^\d{9,13}$/.test(text)) return toAgileDate(Number(text));
	const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	if (day) {
		const date = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]), 12));
		if (date.getUTCMonth() === Number(day[2]) - 1 && date.getUTCDate() === Number(day[3])) return { value: date.getTime() / 1000 };
	} else if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text))) {
		return { value: Math.floor(Date.parse(text) / 1000) };
	}
	return { problem: `needs a date (YYYY-MM-DD, an ISO date-time or Unix seconds), not "${text}"` };
}

/** A value as the field's type needs it; blank sends an empty value (Agile takes no null). */
export function agileCustomValue(definition: IDataObject, value: unknown): ValueOrProblem {
	const type = String(definition.field_type ?? 'TEXT').toUpperCase();
	if (type === 'FORMULA') return { problem: 'is a formula field: Agile CRM computes it, so it cannot be written' };
	if (isBlank(value)) return { value: '' };
	const text = asText(value);
	if (text.problem) return text;
	const raw = String(text.value).trim();
	switch (type) {
		case 'NUMBER': {
			const number = Number(raw);
			return raw !== '' && Number.isFinite(number) ? { value: String(number) } : { problem: `needs a number, not "${raw}"` };
		}
		case 'CHECKBOX': {
			const flag = yesNo(value);
			return flag === undefined ? { problem: `needs yes/no (true or false), not "${raw}"` } : { value: flag ? 'on' : 'off' };
		}
		case 'DATE':
			return toAgileDate(typeof value === 'number' ? value : raw);
		case 'LIST': {
			const options = listOptions(definition);
			const option = options.find((o) => o.toLowerCase() === raw.toLowerCase());
			return option !== undefined ? { value: option } : { problem: `needs one of ${options.map((o) => `"${o}"`).join(', ')}, not "${raw}"` };
		}
		case 'CONTACT':
		case 'COMPANY': {
			const ids = (Array.isArray(value) ? value.map(String) : raw.split(',')).map((id) => id.trim()).filter(Boolean);
			return ids.every((id) => /^\d+$/.test(id)) ? { value: JSON.stringify(ids) } : { problem: `needs Agile ${type.toLowerCase()} ids (numbers), not "${raw}"` };
		}
		default:
			return { value: String(text.value) };
	}
}

interface Mapped {
	properties: Property[];
	/** Address parts to merge into the contact's `address` property. */
	address: IDataObject;
}

/** The item's fields as Agile properties; an unknown key or a value that does not fit fails the item here. */
async function mapFields(ctx: CrmContext, contact: ContactInput): Promise<Mapped> {
	const out: Mapped = { properties: [], address: {} };
	const entries = Object.entries(contact.fields ?? {});
	const isStandard = (key: string) => SYSTEM_FIELDS.some((f) => f.key === key) || ADDRESS_PARTS.some((p) => ADDRESS_PREFIX + p.part === key);
	const known = entries.some(([key]) => !isStandard(key)) ? await definitions(ctx) : [];
	for (const [key, raw] of entries) {
		const system = SYSTEM_FIELDS.find((f) => f.key === key);
		const part = ADDRESS_PARTS.find((p) => ADDRESS_PREFIX + p.part === key);
		const definition = system || part ? undefined : known.find((d) => String(d.field_label) === key);
		if (!system && !part && !definition) {
			const valid = [...SYSTEM_FIELDS.map((f) => f.key), ...ADDRESS_PARTS.map((p) => ADDRESS_PREFIX + p.part), ...known.map((d) => String(d.field_label))];
			throw itemError(
				ctx,
				`Agile CRM has no contact field "${key}" (contact ${contact.email})`,
				`Nothing was sent. Valid keys: ${valid.join(', ')}. Custom fields are named by their label, as in Agile CRM's Admin Settings → Custom Fields; pick the field again from the list in the WPUM Field Mapper.`,
			);
		}
		if (definition) {
			const { value, problem } = agileCustomValue(definition, raw);
			if (problem) throw itemError(ctx, `Agile CRM custom field "${key}" ${problem} (contact ${contact.email})`, 'Nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.');
			out.properties.push(prop('CUSTOM', key, value as string | number));
			continue;
		}
		const text = isBlank(raw) ? { value: '' } : asText(raw);
		if (text.problem) throw itemError(ctx, `Agile CRM field "${key}" ${text.problem} (contact ${contact.email})`, 'Nothing was sent for this contact.');
		const value = String(text.value).trim();
		if (part) out.address[part.part] = value;
		else out.properties.push(prop('SYSTEM', system!.key, value, system!.subtype));
	}
	return out;
}

/** Tag names Agile accepts; anything else fails the item before a request, saying what to change. */
function checkedTags(ctx: CrmContext, tags: string[] | undefined, email?: string): string[] {
	const clean = cleanTagNames(tags);
	const bad = clean.filter((tag) => !TAG_NAME.test(tag));
	if (bad.length) {
		throw itemError(
			ctx,
			`Agile CRM does not accept the tag name${bad.length > 1 ? 's' : ''} ${bad.map((t) => `"${t}"`).join(', ')}${email ? ` (contact ${email})` : ''}`,
			'Agile CRM tag names start with a letter and contain only letters, digits, spaces and underscores. Rename the tag in the WPUM Field Mapper (e.g. "wpum-member" → "wpum_member"). Nothing was sent for this contact.',
		);
	}
	return clean;
}

// ---- contacts -------------------------------------------------------------------------------------------

function properties(record: IDataObject): IDataObject[] {
	return Array.isArray(record.properties) ? (record.properties as IDataObject[]) : [];
}

function emailProperties(record: IDataObject): IDataObject[] {
	return properties(record).filter((p) => p.name === 'email');
}

function toContact(record: IDataObject, email?: string): CrmContact {
	const list = emailProperties(record).map((p) => String(p.value ?? ''));
	return { contactId: String(record.id), email: list.find((e) => sameEmail(e, email)) ?? list[0] ?? '', contact: record };
}

/** A contact answer: 200 with the record, 204 (or an empty body) when there is none. */
function recordOf(body: unknown): IDataObject | undefined {
	const record = body as IDataObject | undefined;
	return record && typeof record === 'object' && record.id !== undefined && record.id !== null ? record : undefined;
}

async function byId(ctx: CrmContext, contactId: string): Promise<IDataObject | undefined> {
	const id = contactId.trim();
	if (!/^\d+$/.test(id)) return undefined;
	const response = await crmRequestOk(ctx, agilecrm, { method: 'GET', path: `/contacts/${id}` }, [404]);
	const record = response.statusCode === 404 ? undefined : recordOf(response.body);
	// Agile answers companies on the same route: only a person is a contact here.
	return record && (record.type ?? 'PERSON') === 'PERSON' ? record : undefined;
}

/**
 * The contact with this e-mail. Agile says its data is case-sensitive, so the address is searched as
 * given and, when that finds nothing, in lower case (how WordPress and most forms store it).
 */
async function byEmail(ctx: CrmContext, email: string): Promise<IDataObject | undefined> {
	for (const candidate of [...new Set([email, email.toLowerCase()])]) {
		const response = await crmRequestOk(ctx, agilecrm, { method: 'GET', path: `/contacts/search/email/${encodeURIComponent(candidate)}` });
		const record = recordOf(response.body);
		if (record) return record;
	}
	return undefined;
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (by.contactId) {
		const record = await byId(ctx, by.contactId);
		return record ? toContact(record) : undefined;
	}
	const email = by.email?.trim();
	if (!email) return undefined;
	const record = await byEmail(ctx, email);
	return record ? toContact(record, email) : undefined;
}

/** The `address` property with the mapped parts merged into the contact's current address. */
function addressProperty(mapped: Mapped, record: IDataObject | undefined): Property | undefined {
	if (!Object.keys(mapped.address).length) return undefined;
	let current: IDataObject = {};
	const existing = record ? properties(record).find((p) => p.name === 'address') : undefined;
	try {
		const parsed: unknown = JSON.parse(String(existing?.value ?? '{}'));
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) current = parsed as IDataObject;
	} catch {
		current = {};
	}
	return prop('SYSTEM', 'address', JSON.stringify({ ...current, ...mapped.address }));
}

/** Tags the contact lacks. Agile tag names are case-sensitive, so "VIP" and "vip" are different tags. */
function missingTags(record: IDataObject | undefined, tags: string[]): string[] {
	const have = Array.isArray(record?.tags) ? (record.tags as unknown[]).map(String) : [];
	return tags.filter((tag) => !have.includes(tag));
}

async function putTags(ctx: CrmContext, path: string, contactId: string, tags: string[]): Promise<void> {
	if (!tags.length) return;
	await crmRequestOk(ctx, agilecrm, { method: 'PUT', path, body: { id: contactId, tags } });
}

async function updateContact(ctx: CrmContext, existing: CrmContact, contact: ContactInput, mapped: Mapped, tags: string[]) {
	const record = existing.contact;
	const changes: Property[] = [...mapped.properties];
	const address = addressProperty(mapped, record);
	if (address) changes.push(address);
	if (!emailProperties(record).some((p) => p.value === contact.email)) {
		// The address the contact was found by is overwritten in place: same subtype, new value.
		const found = emailProperties(record).find((p) => sameEmail(String(p.value ?? ''), existing.email));
		const subtype = found ? String(found.subtype ?? '') : 'work';
		changes.push(prop('SYSTEM', 'email', contact.email, subtype));
	}
	if (changes.length) {
		const response = await crmRequest(ctx, agilecrm, { method: 'PUT', path: '/contacts/edit-properties', body: { id: existing.contactId, properties: changes } });
		if (response.statusCode === 404) return undefined;
		if (response.statusCode >= 300) throw crmApiError(ctx, agilecrm, response);
	}
	await putTags(ctx, '/contacts/edit/tags', existing.contactId, missingTags(record, tags));
	return { contactId: existing.contactId, action: 'updated' as const, email: contact.email };
}

async function createContact(ctx: CrmContext, contact: ContactInput, mapped: Mapped, tags: string[]) {
	const props: Property[] = mapped.properties.filter((p) => p.value !== '');
	// Agile needs a first name: the e-mail's local part stands in until one is mapped.
	if (!props.some((p) => p.name === 'first_name')) props.unshift(prop('SYSTEM', 'first_name', contact.email.split('@')[0] || contact.email));
	props.push(prop('SYSTEM', 'email', contact.email, 'work'));
	const address = addressProperty(mapped, undefined);
	if (address) props.push(address);
	const body: IDataObject = { properties: props };
	if (tags.length) body.tags = tags;
	const response = await crmRequestOk(ctx, agilecrm, { method: 'POST', path: '/contacts', body });
	const record = recordOf(response.body);
	if (!record) throw crmApiError(ctx, agilecrm, { ...response, body: 'Agile CRM answered the create without the new contact; look it up by e-mail before retrying.' });
	return { contactId: String(record.id), action: 'created' as const, email: contact.email };
}

async function contactFor(ctx: CrmContext, contactId: string): Promise<IDataObject> {
	const record = await byId(ctx, contactId);
	if (!record) throw crmApiError(ctx, agilecrm, { statusCode: 404, headers: {}, body: `Agile CRM has no contact ${contactId}. Check the stored contact id or look the contact up by e-mail.` });
	return record;
}

export const agilecrm: CrmAdapter = {
	slug: 'agilecrm',
	displayName: 'Agile CRM',
	credentialType: 'wpumAgileCrmApi',
	tagsAre: 'tags (created by name when first used)',
	docsUrl: DOCS_URL,

	baseUrl(credentials) {
		const explicit = String(credentials.baseUrl ?? '').trim();
		if (explicit) return explicit.replace(/\/+$/, '');
		const domain = String(credentials.domain ?? '').trim().replace(/\.agilecrm\.com.*$/i, '').replace(/^https?:\/\//i, '');
		return `https://${domain}.agilecrm.com/dev/api`;
	},

	/** Agile answers errors as plain text (or a short JSON with `message` / `exception message`). */
	errorMessage(response) {
		const body = response.body;
		if (typeof body === 'string') return body.trim().slice(0, 500) || undefined;
		if (body && typeof body === 'object') {
			const record = body as IDataObject;
			const message = record.message ?? record['exception message'];
			if (typeof message === 'string' && message) return message;
		}
		return undefined;
	},

	async upsert(ctx, contact) {
		// Checked first: an unknown key, a value or a tag name that does not fit fails the item before anything is sent.
		const mapped = await mapFields(ctx, contact);
		const tags = checkedTags(ctx, contact.tags, contact.email);
		const existing = await findExisting(contact, (by) => findContact(ctx, by));
		if (existing) {
			const updated = await updateContact(ctx, existing, contact, mapped, tags);
			if (updated) return updated;
			// Deleted in Agile since it was found: create it again.
		}
		return await createContact(ctx, contact, mapped, tags);
	},

	/** Adds the tags the contact lacks; Agile creates a tag the first time it is used. */
	async addTags(ctx, contactId, tags) {
		const wanted = checkedTags(ctx, tags);
		if (!wanted.length) return;
		await putTags(ctx, '/contacts/edit/tags', contactId.trim(), missingTags(await contactFor(ctx, contactId), wanted));
	},

	/** Takes the named tags off the contact (the tags themselves stay in Agile). */
	async removeTags(ctx, contactId, tags) {
		const drop = cleanTagNames(tags);
		if (!drop.length) return;
		const record = await contactFor(ctx, contactId);
		const have = Array.isArray(record.tags) ? (record.tags as unknown[]).map(String) : [];
		await putTags(ctx, '/contacts/delete/tags', contactId.trim(), drop.filter((tag) => have.includes(tag)));
	},

	getContact: findContact,

	async deleteContact(ctx, contactId) {
		const response = await crmRequest(ctx, agilecrm, { method: 'DELETE', path: `/contacts/${contactId.trim()}` });
		if (response.statusCode >= 300 && response.statusCode !== 404) throw crmApiError(ctx, agilecrm, response);
	},

	/** The SYSTEM properties, the address parts, then every contact custom field (by its label). */
	async listFields(ctx) {
		const standard: CrmField[] = [
			...SYSTEM_FIELDS.map((field): CrmField => ({ key: field.key, label: field.label, type: 'text', standard: true })),
			...ADDRESS_PARTS.map((part): CrmField => ({ key: ADDRESS_PREFIX + part.part, label: `Address: ${part.label}`, type: 'text', standard: true })),
		];
		const custom = (await definitions(ctx)).map((d): CrmField => ({ key: String(d.field_label), label: String(d.field_label), type: String(d.field_type ?? 'TEXT').toLowerCase() }));
		return [...standard, ...custom];
	},

	/** Every tag of the account (`GET /tags` answers them all at once). */
	async listTags(ctx) {
		const response = await crmRequestOk(ctx, agilecrm, { method: 'GET', path: '/tags' });
		const rows = Array.isArray(response.body) ? (response.body as IDataObject[]) : [];
		return rows.map((row): CrmTag => ({ id: String(row.tag), name: String(row.tag) }));
	},
};
