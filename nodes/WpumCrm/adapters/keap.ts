import type { IDataObject } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, crmSetting, findExisting, sameEmail } from './helpers';
import { tagsForRun } from './tagCache';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmResponse, CrmTag, UpsertResult } from './types';

/**
 * Keap (Infusionsoft) REST v2: contacts, tags and the contact model under `/rest/v2`, authenticated by
 * a Personal Access Token or Service Account Key in `X-Keap-API-Key`.
 */
const V2 = '/rest/v2';
/** Keap's maximum `page_size`. */
const PAGE_SIZE = 1000;
/** Contact properties read back, so that an update can merge the arrays Keap replaces wholesale. */
const READ_FIELDS = ['id', 'email_addresses', 'given_name', 'family_name', 'phone_numbers', 'addresses', 'custom_fields', 'tag_ids'].join(',');

/** Plain contact properties (Keap's own names) and how to convert them. */
const SCALAR_FIELDS: Array<{ key: string; label: string; type: 'text' | 'date' }> = [
	{ key: 'given_name', label: 'First Name', type: 'text' },
	{ key: 'family_name', label: 'Last Name', type: 'text' },
	{ key: 'middle_name', label: 'Middle Name', type: 'text' },
	{ key: 'preferred_name', label: 'Preferred Name', type: 'text' },
	{ key: 'prefix', label: 'Name Prefix', type: 'text' },
	{ key: 'suffix', label: 'Name Suffix', type: 'text' },
	{ key: 'job_title', label: 'Job Title', type: 'text' },
	{ key: 'website', label: 'Website', type: 'text' },
	{ key: 'birth_date', label: 'Birthday', type: 'date' },
	{ key: 'anniversary_date', label: 'Anniversary', type: 'date' },
	{ key: 'spouse_name', label: 'Spouse Name', type: 'text' },
	{ key: 'contact_type', label: 'Contact Type', type: 'text' },
	{ key: 'time_zone', label: 'Time Zone', type: 'text' },
	{ key: 'preferred_locale', label: 'Preferred Locale', type: 'text' },
];
/** Phone slots, written into `phone_numbers` (other slots are kept). */
const PHONE_FIELDS = [
	{ key: 'phone1', label: 'Phone 1', slot: 'PHONE1' },
	{ key: 'phone2', label: 'Phone 2', slot: 'PHONE2' },
];
/** The billing address's parts, written into the BILLING entry of `addresses` (other entries are kept). */
const BILLING_FIELDS = [
	{ key: 'billing_line1', label: 'Billing Address Line 1', part: 'line1' },
	{ key: 'billing_line2', label: 'Billing Address Line 2', part: 'line2' },
	{ key: 'billing_locality', label: 'Billing City', part: 'locality' },
	{ key: 'billing_region_code', label: 'Billing Region Code (e.g. US-AZ)', part: 'region_code' },
	{ key: 'billing_postal_code', label: 'Billing Postal Code', part: 'postal_code' },
	{ key: 'billing_country_code', label: 'Billing Country Code (ISO 3166-1 alpha-3, e.g. USA)', part: 'country_code' },
];
const STANDARD_FIELDS: CrmField[] = [
	...SCALAR_FIELDS.map((f) => ({ key: f.key, label: f.label, type: f.type, standard: true })),
	...PHONE_FIELDS.map((f) => ({ key: f.key, label: f.label, type: 'phone', standard: true })),
	...BILLING_FIELDS.map((f) => ({ key: f.key, label: f.label, type: 'address', standard: true })),
];

/** The contact model's custom fields (id, field_name, label, field_type, options), read once per node run. */
const modelPerRun = new WeakMap<object, IDataObject[]>();

async function customFieldsOf(ctx: CrmContext): Promise<IDataObject[]> {
	let fields = modelPerRun.get(ctx);
	if (!fields) {
		const response = await crmRequestOk(ctx, keap, { method: 'GET', path: `${V2}/contacts/model` });
		fields = (((response.body as IDataObject).custom_fields ?? []) as IDataObject[]).filter(
			(field) => field.record_type === undefined || field.record_type === 'CONTACT',
		);
		modelPerRun.set(ctx, fields);
	}
	return fields;
}

/** The key a custom field goes by: its `field_name` (stable, what Keap filters by), else its id. */
function customKey(field: IDataObject): string {
	return String(field.field_name || field.id);
}

function isEmpty(value: unknown): boolean {
	return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

function asText(value: unknown): string {
	if (Array.isArray(value)) return value.map(String).join(', ');
	if (value !== null && typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

function asDate(text: string): string | undefined {
	const match = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/.exec(text.trim());
	return match ? match[1] : undefined;
}

/**
 * A custom field value as Keap takes it for the field's type (`content` of `{id, content}`); an empty
 * value is `null`, which clears the field.
 */
export function customContent(field: IDataObject, value: unknown): { content?: unknown; problem?: string } {
	if (isEmpty(value)) return { content: null };
	const text = asText(value).trim();
	const options = ((field.options ?? []) as IDataObject[]).map((o) => ({ id: String(o.id), label: String(o.label ?? o.id) }));
	const option = (one: string) => options.find((o) => o.id === one || o.label.toLowerCase() === one.toLowerCase());
	const choices = () => options.map((o) => `"${o.label}"`).join(', ');
	switch (String(field.field_type ?? 'TEXT')) {
		case 'WHOLE_NUMBER':
		case 'YEAR': {
			const number = typeof value === 'number' ? value : Number(text);
			return Number.isInteger(number) && text !== '' ? { content: number } : { problem: `needs a whole number, not "${text}"` };
		}
		case 'DECIMAL_NUMBER':
		case 'CURRENCY':
		case 'PERCENT': {
			const number = typeof value === 'number' ? value : Number(text.replace(/%$/, ''));
			return Number.isFinite(number) && text !== '' ? { content: number } : { problem: `needs a number, not "${text}"` };
		}
		case 'YES_NO': {
			if (typeof value === 'boolean') return { content: value };
			if (TRUE_WORDS.includes(text.toLowerCase())) return { content: true };
			if (FALSE_WORDS.includes(text.toLowerCase())) return { content: false };
			return { problem: `needs yes/no (true or false), not "${text}"` };
		}
		case 'DATE': {
			const date = asDate(text);
			return date ? { content: date } : { problem: `needs a date as YYYY-MM-DD, not "${text}"` };
		}
		case 'DATE_TIME': {
			const time = Date.parse(text);
			return Number.isNaN(time) ? { problem: `needs a date and time (ISO 8601), not "${text}"` } : { content: new Date(time).toISOString() };
		}
		case 'DROPDOWN':
		case 'RADIO': {
			if (!options.length) return { content: text };
			const found = option(text);
			return found ? { content: found.label } : { problem: `needs one of ${choices()}, not "${text}"` };
		}
		case 'LIST_BOX': {
			const wanted = (Array.isArray(value) ? value.map(String) : text.split(',')).map((v) => v.trim()).filter(Boolean);
			if (!options.length) return { content: wanted.join(',') };
			const missing = wanted.filter((one) => !option(one));
			if (missing.length) return { problem: `needs options from ${choices()}, not "${missing.join('", "')}"` };
			return { content: wanted.map((one) => option(one)!.label).join(',') };
		}
		default:
			return { content: text };
	}
}

/** What an upsert writes, converted and checked before anything is sent. */
interface KeapWrite {
	scalars: IDataObject;
	phones: Map<string, string>;
	billing: Map<string, string>;
	custom: Map<string, unknown>;
}

async function convert(ctx: CrmContext, contact: ContactInput): Promise<KeapWrite> {
	const write: KeapWrite = { scalars: {}, phones: new Map(), billing: new Map(), custom: new Map() };
	const fail = (key: string, problem: string) =>
		new NodeOperationError(ctx.getNode(), `Keap field ${key} ${problem} (contact ${contact.email})`, {
			description: 'Nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.',
		});
	for (const [key, value] of Object.entries(contact.fields)) {
		const scalar = SCALAR_FIELDS.find((f) => f.key === key);
		const phone = PHONE_FIELDS.find((f) => f.key === key);
		const billing = BILLING_FIELDS.find((f) => f.key === key);
		if (scalar) {
			if (isEmpty(value)) write.scalars[key] = '';
			else if (scalar.type === 'date') {
				const date = asDate(asText(value));
				if (!date) throw fail(key, `needs a date as YYYY-MM-DD, not "${asText(value)}"`);
				write.scalars[key] = date;
			} else write.scalars[key] = asText(value);
		} else if (phone) write.phones.set(phone.slot, isEmpty(value) ? '' : asText(value).trim());
		else if (billing) write.billing.set(billing.part, isEmpty(value) ? '' : asText(value).trim());
		else {
			const field = (await customFieldsOf(ctx)).find((f) => customKey(f) === key);
			// The node checks keys against listFields first; this only guards direct adapter use.
			if (!field) throw fail(key, 'is not a field of this Keap account');
			const { content, problem } = customContent(field, value);
			if (problem) throw fail(key, problem);
			write.custom.set(String(field.id), content);
		}
	}
	return write;
}

/** Request-side copies of Keap's array entries (the read side carries extra, read-only properties). */
function phoneEntries(current: IDataObject[], phones: Map<string, string>): IDataObject[] {
	const out = current
		.filter((p) => !phones.has(String(p.field)))
		.map((p) => {
			const entry: IDataObject = { field: p.field, number: p.number };
			if (p.extension) entry.extension = p.extension;
			if (p.type) entry.type = p.type;
			return entry;
		});
	for (const [slot, number] of phones) if (number) out.push({ field: slot, number });
	return out;
}

const ADDRESS_PARTS = ['line1', 'line2', 'locality', 'region_code', 'postal_code', 'country_code', 'zip_code', 'zip_four'];

function addressEntries(current: IDataObject[], billing: Map<string, string>): IDataObject[] {
	const copy = (address: IDataObject): IDataObject => {
		const entry: IDataObject = { field: address.field };
		for (const part of ADDRESS_PARTS) if (address[part] !== undefined && address[part] !== null && address[part] !== '') entry[part] = address[part];
		return entry;
	};
	const out = current.filter((a) => a.field !== 'BILLING').map(copy);
	const entry = copy(current.find((a) => a.field === 'BILLING') ?? { field: 'BILLING' });
	for (const [part, value] of billing) {
		if (value) entry[part] = value;
		else delete entry[part];
		// A postal code written anew replaces the US-only pair Keap may hold.
		if (part === 'postal_code') delete entry.zip_code;
	}
	if (Object.keys(entry).length > 1) out.push(entry);
	return out;
}

function customEntries(current: IDataObject[], custom: Map<string, unknown>): IDataObject[] {
	const out = current
		.filter((c) => !custom.has(String(c.id)) && c.content !== null && c.content !== undefined)
		.map((c) => ({ id: String(c.id), content: c.content }));
	for (const [id, content] of custom) out.push({ id, content: content as IDataObject[string] });
	return out;
}

function primaryEmail(record: IDataObject): string {
	const emails = (record.email_addresses ?? []) as IDataObject[];
	return String((emails.find((e) => e.field === 'EMAIL1') ?? emails[0])?.email ?? '');
}

function toContact(record: IDataObject): CrmContact {
	return { contactId: String(record.id), email: primaryEmail(record), contact: record };
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (by.contactId) {
		const response = await crmRequestOk(
			ctx,
			keap,
			{ method: 'GET', path: `${V2}/contacts/${encodeURIComponent(by.contactId)}`, qs: { fields: READ_FIELDS } },
			[404],
		);
		return response.statusCode === 404 ? undefined : toContact(response.body as IDataObject);
	}
	if (!by.email) return undefined;
	const response = await crmRequestOk(ctx, keap, {
		method: 'GET',
		path: `${V2}/contacts`,
		qs: { filter: `email==${by.email.trim()}`, fields: READ_FIELDS, page_size: 10 },
	});
	const rows = ((response.body as IDataObject).contacts ?? []) as IDataObject[];
	// The filter may match other e-mail slots and prefixes: keep exact matches, the primary one first.
	const exact = rows.filter((row) => ((row.email_addresses ?? []) as IDataObject[]).some((e) => sameEmail(String(e.email ?? ''), by.email)));
	const match = exact.find((row) => sameEmail(primaryEmail(row), by.email)) ?? exact[0];
	return match ? toContact(match) : undefined;
}

/** Tag ids by name (case-insensitive); missing tags are created when `createMissing`. */
async function tagIdsByName(ctx: CrmContext, names: string[], createMissing: boolean): Promise<string[]> {
	if (!names.length) return [];
	const existing = await tagsForRun(ctx, keap);
	const ids: string[] = [];
	for (const name of names) {
		const found = existing.find((tag) => tag.name.toLowerCase() === name.toLowerCase());
		if (found) ids.push(found.id);
		else if (createMissing) {
			const response = await crmRequestOk(ctx, keap, { method: 'POST', path: `${V2}/tags`, body: { name } });
			const id = String((response.body as IDataObject).id);
			existing.push({ id, name });
			ids.push(id);
		}
	}
	return ids;
}

/** Keap answers a per-contact status; one that says the contact is missing or the call failed is an error. */
const FAILED_RESULT = /FAIL|NOT_FOUND|DOES_NOT_EXIST|NO_PERMISSION|INVALID|ERROR/i;

async function applyTag(ctx: CrmContext, tagId: string, contactId: string): Promise<void> {
	const response = await crmRequestOk(ctx, keap, {
		method: 'POST',
		path: `${V2}/tags/${encodeURIComponent(tagId)}/contacts:applyTags`,
		body: { contact_ids: [contactId] },
	});
	const results = ((response.body as IDataObject | undefined)?.results ?? {}) as IDataObject;
	const result = results[contactId];
	if (typeof result === 'string' && FAILED_RESULT.test(result)) {
		throw crmApiError(ctx, keap, { statusCode: response.statusCode, headers: {}, body: { message: `tag ${tagId} not applied to contact ${contactId}: ${result}` } });
	}
}

function optInReason(ctx: CrmContext): string {
	return String(crmSetting(ctx, 'keapOptInReason', '') ?? '').trim();
}

function emailEntry(ctx: CrmContext, email: string): IDataObject {
	const entry: IDataObject = { email, field: 'EMAIL1' };
	const reason = optInReason(ctx);
	if (reason) entry.opt_in_reason = reason;
	return entry;
}

/** PATCH of the changed properties only (`update_mask`); arrays Keap replaces are merged with what it has. */
async function updateContact(ctx: CrmContext, existing: CrmContact, contact: ContactInput, write: KeapWrite): Promise<CrmResponse | undefined> {
	const record = existing.contact;
	const body: IDataObject = { ...write.scalars };
	const emails = (record.email_addresses ?? []) as IDataObject[];
	if (!emails.some((e) => sameEmail(String(e.email ?? ''), contact.email))) {
		body.email_addresses = [
			...emails.filter((e) => e.field !== 'EMAIL1' && e.email).map((e) => ({ email: e.email, field: e.field })),
			emailEntry(ctx, contact.email),
		];
	}
	if (write.phones.size) body.phone_numbers = phoneEntries((record.phone_numbers ?? []) as IDataObject[], write.phones);
	if (write.billing.size) body.addresses = addressEntries((record.addresses ?? []) as IDataObject[], write.billing);
	if (write.custom.size) body.custom_fields = customEntries((record.custom_fields ?? []) as IDataObject[], write.custom);
	if (!Object.keys(body).length) return undefined;
	return await crmRequest(ctx, keap, {
		method: 'PATCH',
		path: `${V2}/contacts/${encodeURIComponent(existing.contactId)}`,
		qs: { update_mask: Object.keys(body).join(',') },
		body,
	});
}

async function createContact(ctx: CrmContext, contact: ContactInput, write: KeapWrite): Promise<UpsertResult> {
	const body: IDataObject = { email_addresses: [emailEntry(ctx, contact.email)] };
	for (const [key, value] of Object.entries(write.scalars)) if (value !== '') body[key] = value;
	if (write.phones.size) {
		const phones = phoneEntries([], write.phones);
		if (phones.length) body.phone_numbers = phones;
	}
	if (write.billing.size) {
		const addresses = addressEntries([], write.billing);
		if (addresses.length) body.addresses = addresses;
	}
	const custom = customEntries([], write.custom).filter((c) => c.content !== null);
	if (custom.length) body.custom_fields = custom;
	// duplicate_option=Email: should the contact appear between our look-up and this call, Keap updates it.
	const response = await crmRequestOk(ctx, keap, { method: 'POST', path: `${V2}/contacts`, qs: { duplicate_option: 'Email' }, body });
	return {
		contactId: String((response.body as IDataObject).id),
		action: response.statusCode === 201 ? 'created' : 'updated',
		email: contact.email,
	};
}

function header(response: CrmResponse, name: string): string | undefined {
	const value = response.headers[name];
	if (value === undefined || value === null || value === '') return undefined;
	return Array.isArray(value) ? String(value[0]) : String(value);
}

/** Milliseconds to the next 00:00 UTC, when Keap's daily quota resets. */
function untilMidnightUtc(now: number): number {
	const next = new Date(now);
	next.setUTCHours(24, 0, 0, 0);
	return next.getTime() - now;
}

export const keap: CrmAdapter = {
	slug: 'keap',
	displayName: 'Keap',
	credentialType: 'wpumKeapApi',
	tagsAre: 'tags (created by name when missing)',
	docsUrl: 'https://developer.keap.com/docs/restv2/',

	settings: [
		{
			displayName: 'Opt-In Reason',
			name: 'keapOptInReason',
			type: 'string',
			default: '',
			displayOptions: { show: { operation: ['upsert'] } },
			placeholder: 'e.g. Registered on example.com',
			description:
				'Sent with every e-mail address the node writes (new contacts and changed e-mails); Keap then marks the address as opted in, so it can receive marketing. Leave empty when your users have not agreed to marketing e-mails.',
		},
	],

	baseUrl: (credentials) => String(credentials.baseUrl || 'https://api.keap.com/crm').replace(/\/+$/, ''),

	/**
	 * Keap sends no Retry-After. Its per-minute throttle is a rolling window (Keap advises exponential
	 * backoff, which the transport does). When the daily quota is spent (`x-keap-product-quota-available`
	 * 0) it only comes back at its expiry time or 00:00 UTC: report that, so the run stops waiting at once.
	 */
	resetDelayMs(response) {
		if (response.statusCode !== 429) return undefined;
		const available = header(response, 'x-keap-product-quota-available');
		if (available === undefined || Number(available) > 0) return undefined;
		const now = Date.now();
		const expiry = Number(header(response, 'x-keap-product-quota-expiry-time'));
		if (Number.isFinite(expiry) && expiry > 0) {
			const at = expiry > 1e12 ? expiry : expiry * 1000;
			if (at > now) return at - now;
		}
		return untilMidnightUtc(now);
	},

	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		if (!body || typeof body !== 'object') return undefined;
		const fault = body.fault as IDataObject | undefined;
		if (fault && typeof fault.faultstring === 'string') return fault.faultstring;
		if (typeof body.message !== 'string' || !body.message) return undefined;
		return body.status && typeof body.status === 'string' ? `${body.message} (${body.status})` : body.message;
	},

	async upsert(ctx, contact) {
		// Converted first: a value Keap would refuse fails the item before anything (even a tag) is created.
		const write = await convert(ctx, contact);
		const tagIds = await tagIdsByName(ctx, cleanTagNames(contact.tags), true);
		const existing = await findExisting(contact, (by) => findContact(ctx, by));

		let result: UpsertResult | undefined;
		let applied = new Set<string>();
		if (existing) {
			const response = await updateContact(ctx, existing, contact, write);
			if (!response || response.statusCode < 300) {
				result = { contactId: existing.contactId, action: 'updated', email: contact.email };
				applied = new Set(((existing.contact.tag_ids ?? []) as unknown[]).map(String));
			} else if (response.statusCode !== 404) throw crmApiError(ctx, keap, response);
		}
		result ??= await createContact(ctx, contact, write);
		for (const tagId of tagIds) if (!applied.has(tagId)) await applyTag(ctx, tagId, result.contactId);
		return result;
	},

	async addTags(ctx, contactId, tags) {
		for (const tagId of await tagIdsByName(ctx, cleanTagNames(tags), true)) await applyTag(ctx, tagId, contactId);
	},

	async removeTags(ctx, contactId, tags) {
		for (const tagId of await tagIdsByName(ctx, cleanTagNames(tags), false)) {
			await crmRequestOk(
				ctx,
				keap,
				{ method: 'POST', path: `${V2}/tags/${encodeURIComponent(tagId)}/contacts:removeTags`, body: { contact_ids: [contactId] } },
				[404],
			);
		}
	},

	getContact: findContact,

	async deleteContact(ctx, contactId) {
		await crmRequestOk(ctx, keap, { method: 'DELETE', path: `${V2}/contacts/${encodeURIComponent(contactId)}` }, [404]);
	},

	// The contact model lists every custom field in one answer (the route has no paging).
	async listFields(ctx) {
		const custom = await customFieldsOf(ctx);
		return [
			...STANDARD_FIELDS,
			...custom.map((field): CrmField => ({ key: customKey(field), label: String(field.label ?? customKey(field)), type: String(field.field_type ?? '') })),
		];
	},

	async listTags(ctx) {
		const tags: CrmTag[] = [];
		const seen = new Set<string>();
		let token: string | undefined;
		for (;;) {
			const qs: IDataObject = { page_size: PAGE_SIZE };
			if (token) qs.page_token = token;
			const response = await crmRequestOk(ctx, keap, { method: 'GET', path: `${V2}/tags`, qs });
			const body = response.body as IDataObject;
			const rows = (body.tags ?? []) as IDataObject[];
			tags.push(...rows.map((row) => ({ id: String(row.id), name: String(row.name) })));
			token = body.next_page_token ? String(body.next_page_token) : undefined;
			// Stop on the last page, and never loop on a token Keap hands back twice.
			if (!token || !rows.length || seen.has(token)) return tags;
			seen.add(token);
		}
	},
};
