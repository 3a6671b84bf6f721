import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, findExisting } from './helpers';
import { tagsNamed } from './tagCache';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmResponse, CrmTag } from './types';

/**
 * Groundhogg (WordPress CRM plugin), REST API v4 under `{site}/wp-json/gh/v4`.
 *
 * A contact has `data` (the columns of its table: e-mail, names, opt-in status) and `meta` (everything
 * else: phone, address, company, birthday and the custom properties of Groundhogg → Contacts →
 * Custom Fields). Tags are applied by id with `add_tags` / `remove_tags` on `PATCH /contacts/{id}`.
 */

/** Contact columns (`data`); everything else is `meta`. */
const DATA_FIELDS: CrmField[] = [
	{ key: 'first_name', label: 'First Name' },
	{ key: 'last_name', label: 'Last Name' },
	{ key: 'optin_status', label: 'Opt-in Status (unconfirmed, confirmed, unsubscribed, …)' },
].map((field) => ({ ...field, standard: true }));
const DATA_KEYS = DATA_FIELDS.map((field) => field.key);

/** Meta keys every Groundhogg contact record has a place for (Groundhogg's contact editor and field map). */
// [meta key, label, type]: tuples, as `{ key: 'street_address_1' }` reads like a secret to the community-node linter.
const STANDARD_META: CrmField[] = (
	[
		['primary_phone', 'Primary Phone', 'tel'],
		['primary_phone_extension', 'Primary Phone Extension', 'tel'],
		['mobile_phone', 'Mobile Phone', 'tel'],
		['birthday', 'Birthday', 'date'],
		['street_address_1', 'Address Line 1', 'text'],
		['street_address_2', 'Address Line 2', 'text'],
		['city', 'City', 'text'],
		['postal_zip', 'Postal/Zip Code', 'text'],
		['region', 'Province/State/Region', 'text'],
		['country', 'Country (2-letter code)', 'country'],
		['company_name', 'Company Name', 'text'],
		['job_title', 'Job Title', 'text'],
		['company_address', 'Company Address', 'text'],
		['company_phone', 'Company Phone', 'tel'],
		['lead_source', 'Lead Source', 'text'],
		['source_page', 'Signup Page', 'url'],
	] as const
).map(([key, label, type]) => ({ key, label, type, standard: true }));

/** Groundhogg's opt-in statuses (its `Preferences` constants). */
const OPTIN_STATUSES: Record<string, number> = {
	unconfirmed: 1,
	confirmed: 2,
	unsubscribed: 3,
	weekly: 4,
	monthly: 5,
	bounced: 6,
	hard_bounce: 6,
	spam: 7,
	complained: 8,
	blocked: 9,
};

const TAG_PAGE_SIZE = 100;

/** A custom property as `GET /properties` lists it. */
interface GroundhoggProperty {
	id?: string;
	name: string;
	label?: string;
	type?: string;
	options?: string[];
	multiple?: boolean;
	/** Decimal places of a number field; Groundhogg rounds to them. */
	decimals?: number;
}

/** The account's custom properties, read once per node run. */
const propertiesPerRun = new WeakMap<object, GroundhoggProperty[]>();

async function customProperties(ctx: CrmContext): Promise<GroundhoggProperty[]> {
	let properties = propertiesPerRun.get(ctx);
	if (!properties) {
		const response = await crmRequestOk(ctx, groundhogg, { method: 'GET', path: '/properties' });
		const items = ((response.body as IDataObject)?.items ?? []) as IDataObject[];
		properties = (Array.isArray(items) ? items : (Object.values(items) as IDataObject[]))
			.filter((item) => item && typeof item === 'object' && item.name)
			.map((item) => ({
				id: item.id === undefined ? undefined : String(item.id),
				name: String(item.name),
				label: item.label === undefined ? undefined : String(item.label),
				type: item.type === undefined ? 'text' : String(item.type),
				options: Array.isArray(item.options) ? (item.options as unknown[]).map(String) : undefined,
				multiple: item.multiple === true || item.multiple === 1 || item.multiple === '1',
				decimals: item.decimals === undefined ? undefined : Number(item.decimals),
			}));
		propertiesPerRun.set(ctx, properties);
	}
	return properties;
}

// ---- values ---------------------------------------------------------------------------------------

type Converted = { value: unknown; problem?: undefined } | { value?: undefined; problem: string };

/** A list from an array or a comma-separated string. */
const listOf = (value: unknown): string[] =>
	(Array.isArray(value) ? value : String(value).split(',')).map((v) => String(v).trim()).filter(Boolean);

function asText(value: unknown, joiner = ', '): string {
	return Array.isArray(value) ? value.map(String).join(joiner) : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` from a date, an ISO date-time or a Unix time (seconds); undefined when it is none of them. */
function toDate(value: unknown): string | undefined {
	const text = String(value).trim();
	if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
	const iso = /^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}/.exec(text);
	if (iso) return iso[1];
	if (/^\d{9,11}$/.test(text)) {
		const date = new Date(Number(text) * 1000);
		return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
	}
	return undefined;
}

/** `YYYY-MM-DD HH:MM:SS` from an ISO date-time (as written, no time-zone shift) or a date. */
function toDateTime(value: unknown): string | undefined {
	const text = String(value).trim();
	const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text);
	if (!match || !/^(\d{4}-\d{2}-\d{2})([T ].*)?$/.test(text)) return undefined;
	return `${match[1]} ${match[2] ?? '00'}:${match[3] ?? '00'}:${match[4] ?? '00'}`;
}

function toTime(value: unknown): string | undefined {
	const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(String(value).trim());
	if (!match || Number(match[1]) > 23) return undefined;
	return `${pad(Number(match[1]))}:${match[2]}:${match[3] ?? '00'}`;
}

function option(options: string[], wanted: string): string | undefined {
	return options.find((o) => o === wanted) ?? options.find((o) => o.toLowerCase() === wanted.toLowerCase());
}

/**
 * A value as Groundhogg stores it for this field type. Groundhogg does not refuse a value that does not
 * fit: it stores `0` for text in a number field, an empty date for an unreadable one, nothing for an
 * option it does not have. So a value that cannot be converted fails the item instead.
 */
function convert(type: string, value: unknown, property?: GroundhoggProperty): Converted {
	const multi = type === 'checkboxes' || (type === 'dropdown' && property?.multiple);
	if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) {
		return { value: multi ? [] : '' };
	}
	const text = asText(value).trim();
	switch (type) {
		case 'number': {
			const number = typeof value === 'number' ? value : Number(text);
			if (!Number.isFinite(number) || text === '') return { problem: `needs a number, not "${text}"` };
			// Groundhogg rounds to the field's decimals (0 unless set): 2.5 would become 3 without a word.
			const decimals = property?.decimals ?? 0;
			if (property && Number(number.toFixed(decimals)) !== number) {
				return { problem: `allows ${decimals} decimal place(s) (set in Groundhogg → Contacts → Custom Fields), not "${text}"` };
			}
			return { value: number };
		}
		case 'date': {
			const date = toDate(value);
			return date ? { value: date } : { problem: `needs a date as YYYY-MM-DD, not "${text}"` };
		}
		case 'datetime': {
			const dateTime = toDateTime(value);
			return dateTime ? { value: dateTime } : { problem: `needs a date and time as YYYY-MM-DD HH:MM:SS, not "${text}"` };
		}
		case 'time': {
			const time = toTime(value);
			return time ? { value: time } : { problem: `needs a time as HH:MM, not "${text}"` };
		}
		case 'email':
		case 'custom_email':
			return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) ? { value: text } : { problem: `needs an e-mail address, not "${text}"` };
		case 'country':
			return { value: /^[a-z]{2}$/i.test(text) ? text.toUpperCase() : text };
		case 'textarea':
			return { value: asText(value, '\n') };
		case 'radio':
		case 'dropdown':
		case 'checkboxes': {
			const options = property?.options ?? [];
			if (multi) {
				const picked = listOf(value).map((wanted) => ({ wanted, found: option(options, wanted) }));
				const missing = picked.filter((p) => p.found === undefined).map((p) => `"${p.wanted}"`);
				if (missing.length) return { problem: `has no option ${missing.join(', ')} (options: ${options.map((o) => `"${o}"`).join(', ')})` };
				return { value: picked.map((p) => p.found) };
			}
			const found = option(options, text);
			return found !== undefined ? { value: found } : { problem: `needs one of ${options.map((o) => `"${o}"`).join(', ')}, not "${text}"` };
		}
		default:
			return { value: typeof value === 'number' || typeof value === 'boolean' ? String(value) : text };
	}
}

function optinStatus(value: unknown): Converted {
	const text = asText(value).trim().toLowerCase().replace(/[\s-]+/g, '_');
	if (/^[1-9]$/.test(text)) return { value: Number(text) };
	if (text in OPTIN_STATUSES) return { value: OPTIN_STATUSES[text] };
	return { problem: `needs one of ${Object.keys(OPTIN_STATUSES).join(', ')} (or 1–9), not "${asText(value)}"` };
}

/** The contact's fields split into Groundhogg's `data` and `meta`, each value in the shape its field needs. */
async function contactBody(ctx: CrmContext, contact: ContactInput): Promise<{ data: IDataObject; meta: IDataObject }> {
	const data: IDataObject = {};
	const meta: IDataObject = {};
	const entries = Object.entries(contact.fields ?? {});
	const properties = entries.some(([key]) => !DATA_KEYS.includes(key) && !STANDARD_META.some((f) => f.key === key))
		? await customProperties(ctx)
		: [];
	for (const [key, raw] of entries) {
		let converted: Converted;
		if (key === 'optin_status') {
			if (raw === null || raw === undefined || raw === '') continue; // an opt-in status cannot be cleared
			converted = optinStatus(raw);
		} else if (DATA_KEYS.includes(key)) {
			converted = convert('text', raw);
		} else {
			const property = properties.find((p) => p.name === key);
			converted = convert(property?.type ?? STANDARD_META.find((f) => f.key === key)?.type ?? 'text', raw, property);
		}
		if (converted.problem !== undefined) {
			throw new NodeOperationError(ctx.getNode(), `Groundhogg field ${key} ${converted.problem} (contact ${contact.email})`, {
				description:
					'Groundhogg would store an empty or wrong value without an error, so nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.',
			});
		}
		(DATA_KEYS.includes(key) ? data : meta)[key] = converted.value as IDataObject[string];
	}
	return { data, meta };
}

// ---- contacts -------------------------------------------------------------------------------------

function toContact(item: IDataObject): CrmContact {
	const data = (item.data ?? {}) as IDataObject;
	return { contactId: String(item.ID ?? data.ID), email: String(data.email ?? ''), contact: item };
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (by.contactId) {
		if (!/^\d+$/.test(by.contactId)) return undefined; // Groundhogg's contact ids are numbers; anything else is another CRM's id
		const response = await crmRequestOk(ctx, groundhogg, { method: 'GET', path: `/contacts/${by.contactId}` }, [404]);
		if (response.statusCode === 404) return undefined;
		const item = (response.body as IDataObject)?.item as IDataObject | undefined;
		return item ? toContact(item) : undefined;
	}
	if (!by.email) return undefined;
	// `email` is the contact query's exact e-mail filter (`search` would also match parts of addresses).
	const response = await crmRequestOk(ctx, groundhogg, { method: 'GET', path: '/contacts', qs: { email: by.email, limit: 10 } });
	const items = ((response.body as IDataObject)?.items ?? []) as IDataObject[];
	const wanted = by.email.trim().toLowerCase();
	const found = items.find((item) => String(((item.data ?? {}) as IDataObject).email ?? '').toLowerCase() === wanted);
	return found ? toContact(found) : undefined;
}

/** Groundhogg's 409: the new e-mail already belongs to another contact. */
function emailTakenError(ctx: CrmContext, contact: ContactInput, contactId: string): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`Groundhogg already has another contact with the e-mail ${contact.email}, so contact ${contactId}'s e-mail cannot change to it`,
		{
			description:
				'Nothing was changed. Merge the two contacts in Groundhogg (open the contact → Actions → Merge) or delete the other one, then run this item again.',
		},
	);
}

// ---- tags -----------------------------------------------------------------------------------------

/** Tag ids for these names (case-insensitive), creating missing tags when asked. Ids, not names, so a tag named "2024" is not taken for tag id 2024. */
async function tagIdsByName(ctx: CrmContext, names: string[], createMissing: boolean): Promise<number[]> {
	const create = async (name: string): Promise<CrmTag> => {
		const response = await crmRequestOk(ctx, groundhogg, { method: 'POST', path: '/tags', body: { data: { tag_name: name } } });
		const item = (response.body as IDataObject).item as IDataObject;
		const id = Number(item?.ID ?? ((item?.data ?? {}) as IDataObject).tag_id);
		if (!Number.isInteger(id) || id <= 0) {
			throw crmApiError(ctx, groundhogg, { statusCode: 500, headers: {}, body: { message: `Groundhogg did not return the new tag "${name}"` } });
		}
		return { id: String(id), name: String(((item.data ?? {}) as IDataObject).tag_name ?? name) };
	};
	return (await tagsNamed(ctx, groundhogg, names, createMissing ? create : undefined)).map((tag) => Number(tag.id));
}

async function patchContact(ctx: CrmContext, contactId: string, body: IDataObject): Promise<CrmResponse> {
	return await crmRequest(ctx, groundhogg, { method: 'PATCH', path: `/contacts/${contactId}`, body });
}

export const groundhogg: CrmAdapter = {
	slug: 'groundhogg',
	displayName: 'Groundhogg',
	credentialType: 'wpumGroundhoggApi',
	tagsAre: 'tags (created by name when missing)',
	docsUrl: 'https://help.groundhogg.io/article/515-rest-api-v4-contacts',

	/** WordPress REST errors: `{ code, message, data: { status } }`; the code says more than the status for some. */
	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		if (!body || typeof body !== 'object' || typeof body.message !== 'string') return undefined;
		const code = typeof body.code === 'string' && body.code !== 'error' ? ` (${body.code})` : '';
		return `${body.message}${code}`;
	},

	baseUrl: (credentials) => `${String(credentials.siteUrl).replace(/\/+$/, '')}/wp-json/gh/v4`,

	async upsert(ctx, contact) {
		// Checked first: a value Groundhogg would mangle fails the item before anything (even a tag) is created.
		const { data, meta } = await contactBody(ctx, contact);
		const tagIds = await tagIdsByName(ctx, cleanTagNames(contact.tags), true);

		// Groundhogg makes a contact for every new WordPress user itself, so a registration usually finds one.
		const existing = await findExisting(contact, (by) => findContact(ctx, by));
		if (existing) {
			const body: IDataObject = { data: { ...data, email: contact.email } };
			if (Object.keys(meta).length) body.meta = meta;
			if (tagIds.length) body.add_tags = tagIds;
			const response = await patchContact(ctx, existing.contactId, body);
			if (response.statusCode < 300) return { contactId: existing.contactId, action: 'updated', email: contact.email };
			if (response.statusCode === 409) throw emailTakenError(ctx, contact, existing.contactId);
			if (response.statusCode !== 404) throw crmApiError(ctx, groundhogg, response);
			// Deleted since we looked: create it again below.
		}

		// POST /contacts with an e-mail Groundhogg knows updates that contact (no duplicate if one appeared meanwhile).
		const body: IDataObject = { data: { ...data, email: contact.email } };
		if (Object.keys(meta).length) body.meta = meta;
		if (tagIds.length) body.tags = tagIds;
		const response = await crmRequestOk(ctx, groundhogg, { method: 'POST', path: '/contacts', body });
		const item = (response.body as IDataObject)?.item as IDataObject | undefined;
		const id = item ? toContact(item).contactId : '';
		if (!/^\d+$/.test(id) || id === '0') {
			throw crmApiError(ctx, groundhogg, { statusCode: response.statusCode, headers: {}, body: { message: `Groundhogg did not return a contact for ${contact.email}` } });
		}
		return { contactId: id, action: 'created', email: contact.email };
	},

	async addTags(ctx, contactId, tags) {
		const ids = await tagIdsByName(ctx, cleanTagNames(tags), true);
		if (!ids.length) return;
		const response = await patchContact(ctx, contactId, { add_tags: ids });
		if (response.statusCode >= 300) throw crmApiError(ctx, groundhogg, response);
	},

	async removeTags(ctx, contactId, tags) {
		const ids = await tagIdsByName(ctx, cleanTagNames(tags), false);
		// An empty PATCH would be answered 401 "No changes were made."
		if (!ids.length) return;
		const response = await patchContact(ctx, contactId, { remove_tags: ids });
		if (response.statusCode >= 300) throw crmApiError(ctx, groundhogg, response);
	},

	getContact: findContact,

	async deleteContact(ctx, contactId) {
		const response = await crmRequest(ctx, groundhogg, { method: 'DELETE', path: `/contacts/${contactId}` });
		if (response.statusCode >= 300 && response.statusCode !== 404) throw crmApiError(ctx, groundhogg, response);
	},

	// `GET /properties` returns every custom property in one answer (the route has no paging).
	async listFields(ctx) {
		propertiesPerRun.delete(ctx);
		const custom = (await customProperties(ctx))
			.filter((property) => !DATA_KEYS.includes(property.name) && !STANDARD_META.some((f) => f.key === property.name))
			.map((property): CrmField => ({ key: property.name, label: property.label || property.name, type: property.type }));
		return [...DATA_FIELDS, ...STANDARD_META, ...custom];
	},

	async listTags(ctx) {
		const tags: CrmTag[] = [];
		for (let offset = 0; ; offset += TAG_PAGE_SIZE) {
			const response = await crmRequestOk(ctx, groundhogg, {
				method: 'GET',
				path: '/tags',
				qs: { limit: TAG_PAGE_SIZE, offset, orderby: 'tag_id', order: 'ASC' },
			});
			const body = response.body as IDataObject;
			const items = (body.items ?? []) as IDataObject[];
			const rows = Array.isArray(items) ? items : (Object.values(items) as IDataObject[]);
			for (const row of rows) {
				const data = (row.data ?? {}) as IDataObject;
				tags.push({ id: String(row.ID ?? data.tag_id), name: String(data.tag_name ?? '') });
			}
			if (rows.length < TAG_PAGE_SIZE || offset + TAG_PAGE_SIZE >= Number(body.total_items ?? 0)) return tags;
		}
	},
};
