import type { IDataObject } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, findExisting, mergeTagNames, sameEmail, yesNo } from './helpers';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmResponse, CrmTag } from './types';

/**
 * Copper's Developer API (https://developer.copper.com/): People are contacts, the e-mail address is a
 * unique key of a person, tags are a plain list of strings on the person, custom fields are addressed
 * by their definition id.
 */
const DEFAULT_BASE_URL = 'https://api.copper.com/developer_api/v1';
/** Custom fields are offered as `cf_<definition id>`: the id is what Copper's API addresses them by. */
const CUSTOM_PREFIX = 'cf_';
/** `POST /people/search` returns at most 200 people a page. */
const SEARCH_PAGE_SIZE = 200;
/** Copper's own data types a custom field value can be written for (Connect fields link records). */
const WRITABLE_TYPES = ['String', 'Text', 'URL', 'Dropdown', 'MultiSelect', 'Date', 'Checkbox', 'Float', 'Percentage', 'Currency'];

type StandardType = 'name' | 'text' | 'phone' | 'website' | 'address';

/** Person fields the node writes besides custom fields (the e-mail is the item's own `email`). */
const STANDARD_FIELDS: ReadonlyArray<{ key: string; label: string; type: StandardType }> = [
	{ key: 'first_name', label: 'First Name', type: 'name' },
	{ key: 'last_name', label: 'Last Name', type: 'name' },
	{ key: 'title', label: 'Title', type: 'text' },
	{ key: 'details', label: 'Details (Description)', type: 'text' },
	{ key: 'phone_number', label: 'Phone Number', type: 'phone' },
	{ key: 'website', label: 'Website', type: 'website' },
	{ key: 'street', label: 'Street', type: 'address' },
	{ key: 'city', label: 'City', type: 'address' },
	{ key: 'state', label: 'State', type: 'address' },
	{ key: 'postal_code', label: 'Postal Code', type: 'address' },
	{ key: 'country', label: 'Country', type: 'address' },
];

// ---- custom field definitions ----------------------------------------------------------------------

const definitionsPerRun = new WeakMap<object, IDataObject[]>();

/** Every custom field definition of the account (one answer, no paging), read once per node run. */
async function definitions(ctx: CrmContext): Promise<IDataObject[]> {
	let list = definitionsPerRun.get(ctx);
	if (!list) {
		const response = await crmRequestOk(ctx, copper, { method: 'GET', path: '/custom_field_definitions' });
		list = Array.isArray(response.body) ? (response.body as IDataObject[]) : [];
		definitionsPerRun.set(ctx, list);
	}
	return list;
}

function personDefinitions(all: IDataObject[]): IDataObject[] {
	return all.filter((d) => Array.isArray(d.available_on) && (d.available_on as string[]).includes('person') && WRITABLE_TYPES.includes(String(d.data_type)));
}

// ---- values ----------------------------------------------------------------------------------------

type Converted = { value?: unknown; problem?: string };

function isBlank(value: unknown): boolean {
	return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

function asText(value: unknown): string {
	return Array.isArray(value) ? value.map(String).join(', ') : String(value);
}

function listOf(value: unknown): string[] {
	const raw = Array.isArray(value) ? value.map(String) : String(value).split(',');
	return raw.map((part) => part.trim()).filter(Boolean);
}

/** A date (YYYY-MM-DD, an ISO date-time or a Unix timestamp) as the Unix timestamp in seconds Copper stores. */
export function toCopperDate(value: unknown): Converted {
	if (typeof value === 'number' && Number.isFinite(value)) return { value: Math.trunc(value > 1e11 ? value / 1000 : value) };
	const text = String(value).trim();
	if (/^\d+$/.test(text)) return toCopperDate(Number(text));
	const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	const time = day ? Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
	if (Number.isNaN(time)) return { problem: `needs a date as YYYY-MM-DD (or a Unix timestamp), not "${text}"` };
	return { value: Math.floor(time / 1000) };
}

function optionsText(options: IDataObject[]): string {
	return options.map((o) => `"${String(o.name)}"`).join(', ');
}

function findOption(options: IDataObject[], wanted: string): IDataObject | undefined {
	const text = wanted.trim();
	return options.find((o) => String(o.id) === text) ?? options.find((o) => String(o.name).toLowerCase() === text.toLowerCase());
}

/** A value in the shape the custom field's data type needs; an empty value clears the field (null). */
function customValue(definition: IDataObject, value: unknown): Converted {
	if (isBlank(value)) return { value: null };
	const options = (definition.options ?? []) as IDataObject[];
	switch (String(definition.data_type)) {
		case 'Dropdown': {
			const option = findOption(options, asText(value));
			return option ? { value: Number(option.id) } : { problem: `needs one of ${optionsText(options)}, not "${asText(value)}"` };
		}
		case 'MultiSelect': {
			const ids: number[] = [];
			for (const wanted of listOf(value)) {
				const option = findOption(options, wanted);
				if (!option) return { problem: `takes only ${optionsText(options)}, not "${wanted}"` };
				if (!ids.includes(Number(option.id))) ids.push(Number(option.id));
			}
			return { value: ids };
		}
		case 'Date':
			return toCopperDate(value);
		case 'Checkbox': {
			const flag = yesNo(value);
			if (flag !== undefined) return { value: flag };
			return { problem: `needs yes/no (true or false), not "${asText(value)}"` };
		}
		case 'Float':
		case 'Percentage':
		case 'Currency': {
			const text = asText(value).trim().replace(/%$/, '');
			const number = typeof value === 'number' ? value : Number(text);
			return Number.isFinite(number) && text !== '' ? { value: number } : { problem: `needs a number, not "${asText(value)}"` };
		}
		default:
			return { value: asText(value) };
	}
}

interface PersonFields {
	/** Top-level person keys (title, details, address) ready to send. */
	body: IDataObject;
	address?: IDataObject;
	first?: string;
	last?: string;
	phone?: string;
	website?: string;
}

function itemError(ctx: CrmContext, message: string, description: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, { description });
}

/**
 * The item's fields as Copper person values. Unknown keys and values that do not fit their custom
 * field fail the item here, before anything is sent.
 */
async function personFields(ctx: CrmContext, contact: ContactInput): Promise<PersonFields> {
	const out: PersonFields = { body: {} };
	const entries = Object.entries(contact.fields ?? {});
	if (!entries.length) return out;
	const custom: IDataObject[] = [];
	const address: IDataObject = {};
	const known = entries.some(([key]) => key.startsWith(CUSTOM_PREFIX)) ? personDefinitions(await definitions(ctx)) : [];
	for (const [key, raw] of entries) {
		const standard = STANDARD_FIELDS.find((field) => field.key === key);
		const definition = key.startsWith(CUSTOM_PREFIX) ? known.find((d) => String(d.id) === key.slice(CUSTOM_PREFIX.length)) : undefined;
		if (!standard && !definition) {
			const all = known.length ? known : personDefinitions(await definitions(ctx));
			const valid = [...STANDARD_FIELDS.map((f) => f.key), ...all.map((d) => `${CUSTOM_PREFIX}${String(d.id)} (${String(d.name)})`)];
			throw itemError(ctx, `Copper has no person field "${key}" (contact ${contact.email})`, `Nothing was sent. Valid keys: ${valid.join(', ')}. Pick the field again from the list in the WPUM Field Mapper.`);
		}
		if (definition) {
			const { value, problem } = customValue(definition, raw);
			if (problem) {
				throw itemError(ctx, `Copper custom field "${String(definition.name)}" (${key}) ${problem} (contact ${contact.email})`, 'Nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.');
			}
			custom.push({ custom_field_definition_id: Number(definition.id), value: value as IDataObject[string] });
			continue;
		}
		const text = isBlank(raw) ? '' : asText(raw).trim();
		if (standard!.type === 'address') address[key] = text;
		else if (standard!.type === 'text') out.body[key] = text === '' ? null : text;
		else if (key === 'first_name') out.first = text;
		else if (key === 'last_name') out.last = text;
		else if (key === 'phone_number' && text) out.phone = text;
		else if (key === 'website' && text) out.website = text;
	}
	if (custom.length) out.body.custom_fields = custom;
	if (Object.keys(address).length) out.address = address;
	return out;
}

/** Copper's person `name` from first and last name (the parts it shows as first_name/last_name). */
function composedName(fields: PersonFields, existing: IDataObject | undefined, email: string): string | undefined {
	if (fields.first === undefined && fields.last === undefined) return existing ? undefined : email;
	const first = fields.first ?? String(existing?.first_name ?? '');
	const last = fields.last ?? String(existing?.last_name ?? '');
	return [first, last].map((part) => part.trim()).filter(Boolean).join(' ') || String(existing?.name ?? '') || email;
}

/** Adds `value` (when the person lacks it) to a Copper list of `{<key>, category}` entries. */
function withEntry(current: unknown, key: 'number' | 'url', value: string | undefined, category: string): IDataObject[] | undefined {
	if (!value) return undefined;
	const list = Array.isArray(current) ? (current as IDataObject[]) : [];
	if (list.some((entry) => String(entry[key]) === value)) return undefined;
	return [{ [key]: value, category }, ...list.map((entry) => ({ [key]: entry[key], category: entry.category }))];
}

// ---- people ----------------------------------------------------------------------------------------

function primaryEmail(person: IDataObject): string {
	const list = (person.emails ?? []) as IDataObject[];
	return String(list[0]?.email ?? '');
}

function toContact(person: IDataObject, email?: string): CrmContact {
	const list = ((person.emails ?? []) as IDataObject[]).map((entry) => String(entry.email));
	return { contactId: String(person.id), email: list.find((e) => sameEmail(e, email)) ?? primaryEmail(person), contact: person };
}

async function byEmail(ctx: CrmContext, email: string): Promise<CrmContact | undefined> {
	const response = await crmRequestOk(ctx, copper, { method: 'POST', path: '/people/fetch_by_email', body: { email } }, [404]);
	return response.statusCode === 404 ? undefined : toContact(response.body as IDataObject, email);
}

async function findPerson(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (by.contactId) {
		if (!/^\d+$/.test(by.contactId.trim())) return undefined;
		const response = await crmRequestOk(ctx, copper, { method: 'GET', path: `/people/${by.contactId.trim()}` }, [404]);
		return response.statusCode === 404 ? undefined : toContact(response.body as IDataObject);
	}
	const email = by.email?.trim();
	if (!email) return undefined;
	// Copper documents the e-mail as a unique key but not how it compares case; WordPress keeps it as typed.
	const found = await byEmail(ctx, email);
	if (found || email === email.toLowerCase()) return found;
	return await byEmail(ctx, email.toLowerCase());
}

/** Copper's 422 when the new e-mail already belongs to another person. */
function isEmailTaken(response: CrmResponse): boolean {
	return response.statusCode === 422 && /email/i.test(copper.errorMessage?.(response) ?? '') && /taken|exist|unique|already/i.test(copper.errorMessage?.(response) ?? '');
}

function emailTakenError(ctx: CrmContext, contact: ContactInput, response: CrmResponse): NodeOperationError {
	return itemError(
		ctx,
		`Copper already has another person with the e-mail ${contact.email}, so this person cannot take it`,
		`Nothing was changed (Copper: ${copper.errorMessage?.(response) ?? 'e-mail taken'}). Merge the two people in Copper (People → select both → Merge), then run this item again.`,
	);
}

async function updatePerson(ctx: CrmContext, existing: CrmContact, contact: ContactInput, fields: PersonFields) {
	const person = existing.contact;
	const body: IDataObject = { ...fields.body };
	const name = composedName(fields, person, contact.email);
	if (name !== undefined && name !== person.name) body.name = name;
	if (fields.address) body.address = { ...((person.address ?? {}) as IDataObject), ...fields.address };
	const phones = withEntry(person.phone_numbers, 'number', fields.phone, 'work');
	if (phones) body.phone_numbers = phones;
	const websites = withEntry(person.websites, 'url', fields.website, 'personal');
	if (websites) body.websites = websites;
	// Lists are replaced as a whole: the new e-mail takes the place of the one found, others stay.
	const emails = ((person.emails ?? []) as IDataObject[]).map((entry) => ({ email: String(entry.email), category: String(entry.category ?? 'work') }));
	if (!emails.some((entry) => entry.email === contact.email)) {
		const at = emails.findIndex((entry) => sameEmail(entry.email, existing.email));
		const category = at >= 0 ? emails[at].category : 'work';
		const others = emails.filter((entry, i) => i !== at && !sameEmail(entry.email, contact.email));
		body.emails = [{ email: contact.email, category }, ...others];
	}
	const tags = mergeTagNames(person.tags, cleanTagNames(contact.tags));
	if (tags) body.tags = tags;
	const done = { contactId: existing.contactId, action: 'updated' as const, email: contact.email };
	if (!Object.keys(body).length) return done;
	const response = await crmRequest(ctx, copper, { method: 'PUT', path: `/people/${existing.contactId}`, body });
	if (response.statusCode === 404) return undefined;
	if (isEmailTaken(response)) throw emailTakenError(ctx, contact, response);
	if (response.statusCode >= 300) throw crmApiError(ctx, copper, response);
	return done;
}

async function createPerson(ctx: CrmContext, contact: ContactInput, fields: PersonFields) {
	const body: IDataObject = { name: composedName(fields, undefined, contact.email), emails: [{ email: contact.email, category: 'work' }] };
	for (const [key, value] of Object.entries(fields.body)) if (value !== null || key === 'custom_fields') body[key] = value;
	if (fields.address) body.address = fields.address;
	if (fields.phone) body.phone_numbers = [{ number: fields.phone, category: 'work' }];
	if (fields.website) body.websites = [{ url: fields.website, category: 'personal' }];
	const tags = cleanTagNames(contact.tags);
	if (tags.length) body.tags = tags;
	const response = await crmRequest(ctx, copper, { method: 'POST', path: '/people', body });
	if (isEmailTaken(response)) throw emailTakenError(ctx, contact, response);
	if (response.statusCode >= 300) throw crmApiError(ctx, copper, response);
	return { contactId: String((response.body as IDataObject).id), action: 'created' as const, email: contact.email };
}

async function changeTags(ctx: CrmContext, contactId: string, change: (current: string[]) => string[] | undefined): Promise<void> {
	const found = await findPerson(ctx, { contactId });
	if (!found) {
		throw crmApiError(ctx, copper, { statusCode: 404, headers: {}, body: { message: `Copper has no person ${contactId}` } });
	}
	const current = Array.isArray(found.contact.tags) ? (found.contact.tags as unknown[]).map(String) : [];
	const tags = change(current);
	if (!tags) return;
	await crmRequestOk(ctx, copper, { method: 'PUT', path: `/people/${contactId}`, body: { tags } });
}

export const copper: CrmAdapter = {
	slug: 'copper',
	displayName: 'Copper',
	credentialType: 'wpumCopperApi',
	tagsAre: 'person tags (created by name when first used)',
	docsUrl: 'https://developer.copper.com/',

	baseUrl: (credentials) => String(credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, ''),

	/** `{ success: false, status, message }`; bulk answers and some 422s carry `error` instead. */
	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		if (!body || typeof body !== 'object') return undefined;
		if (typeof body.message === 'string' && body.message) return body.message;
		if (typeof body.error === 'string' && body.error) return body.error;
		return undefined;
	},

	async upsert(ctx, contact) {
		// Checked first: an unknown key or a value that does not fit fails the item before anything is sent.
		const fields = await personFields(ctx, contact);
		const existing = await findExisting(contact, (by) => findPerson(ctx, by));
		if (existing) {
			const updated = await updatePerson(ctx, existing, contact, fields);
			if (updated) return updated;
			// Deleted in Copper since it was found: create it again.
		}
		return await createPerson(ctx, contact, fields);
	},

	/** Copper keeps tags as a list on the person: read it, add the missing names, write the whole list. */
	async addTags(ctx, contactId, tags) {
		const add = cleanTagNames(tags);
		if (!add.length) return;
		await changeTags(ctx, contactId, (current) => mergeTagNames(current, add));
	},

	/** Writes the person's list without these names (case-insensitive); tags themselves are never deleted. */
	async removeTags(ctx, contactId, tags) {
		const drop = cleanTagNames(tags).map((tag) => tag.toLowerCase());
		if (!drop.length) return;
		await changeTags(ctx, contactId, (current) => {
			const kept = current.filter((tag) => !drop.includes(tag.toLowerCase()));
			return kept.length === current.length ? undefined : kept;
		});
	},

	getContact: findPerson,

	async deleteContact(ctx, contactId) {
		const response = await crmRequest(ctx, copper, { method: 'DELETE', path: `/people/${contactId}` });
		if (response.statusCode >= 300 && response.statusCode !== 404) throw crmApiError(ctx, copper, response);
	},

	/** The person fields, then every custom field available on people (Copper lists them in one answer). */
	async listFields(ctx) {
		const standard = STANDARD_FIELDS.map((field): CrmField => ({ key: field.key, label: field.label, type: field.type === 'name' ? 'text' : field.type, standard: true }));
		const custom = personDefinitions(await definitions(ctx)).map(
			(d): CrmField => ({ key: `${CUSTOM_PREFIX}${String(d.id)}`, label: String(d.name), type: String(d.data_type) }),
		);
		return [...standard, ...custom];
	},

	/**
	 * Copper has no tag objects: tags exist on records only. The tags in use are read from every person,
	 * 200 a page (`POST /people/search`), to the last page; only the editor's tag dropdown calls this.
	 */
	async listTags(ctx) {
		const tags = new Map<string, CrmTag>();
		for (let page = 1; ; page++) {
			const response = await crmRequestOk(ctx, copper, {
				method: 'POST',
				path: '/people/search',
				body: { page_number: page, page_size: SEARCH_PAGE_SIZE, sort_by: 'date_created', sort_direction: 'asc' },
			});
			const rows = Array.isArray(response.body) ? (response.body as IDataObject[]) : [];
			for (const row of rows) {
				for (const tag of (row.tags ?? []) as unknown[]) {
					const name = String(tag);
					if (!tags.has(name.toLowerCase())) tags.set(name.toLowerCase(), { id: name, name });
				}
			}
			if (rows.length < SEARCH_PAGE_SIZE) return [...tags.values()].sort((a, b) => a.name.localeCompare(b.name));
		}
	},
};
