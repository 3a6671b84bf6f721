import type { IDataObject } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, findExisting, msUntilUtcMidnight, sameEmail } from './helpers';
import { tagsForRun } from './tagCache';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmTag } from './types';

/**
 * Pipedrive API v2 (persons, person fields, person search), authenticated by an API token in the
 * `x-api-token` header. Pipedrive has no upsert and no batch write for persons: a person is found
 * (stored id, then an exact e-mail search, then the previous e-mail) and PATCHed, else POSTed.
 * Custom fields go in `custom_fields` under their 40-character field codes; option fields take
 * option ids. Our tags are person labels: options of the system field `label_ids`, set on the person
 * as `label_ids` (the whole list, so an update merges with the labels the person already has).
 */
const V2 = '/api/v2';
/** Pipedrive's maximum `limit` for cursor-paged lists. */
const PAGE_LIMIT = 500;
/** The person field whose options are the labels. */
const LABEL_FIELD = 'label_ids';

/** Fields of the person object itself (not custom fields) this adapter writes, and how. */
const PERSON_FIELDS: Array<CrmField & { kind: 'name' | 'text' | 'id' | 'phone' | 'marketing' }> = [
	{ key: 'name', label: 'Name (full name)', type: 'varchar', standard: true, kind: 'name' },
	{ key: 'first_name', label: 'First Name (joined into Name)', type: 'varchar', standard: true, kind: 'name' },
	{ key: 'last_name', label: 'Last Name (joined into Name)', type: 'varchar', standard: true, kind: 'name' },
	{ key: 'phone', label: 'Phone (primary)', type: 'phone', standard: true, kind: 'phone' },
	{ key: 'owner_id', label: 'Owner (user ID)', type: 'user', standard: true, kind: 'id' },
	{ key: 'org_id', label: 'Organization (ID)', type: 'org', standard: true, kind: 'id' },
	{ key: 'visible_to', label: 'Visible To (1, 3, 5 or 7)', type: 'visible_to', standard: true, kind: 'id' },
	{ key: 'marketing_status', label: 'Marketing Status (Campaigns)', type: 'status', standard: true, kind: 'marketing' },
];
const MARKETING_STATUSES = ['no_consent', 'unsubscribed', 'subscribed', 'archived'];
const YES = ['true', 'yes', 'y', '1', 'on', 'checked'];
const NO = ['false', 'no', 'n', '0', 'off', 'unchecked'];

/** Person fields as `GET /api/v2/personFields` returns them, read once per node run. */
const personFieldsPerRun = new WeakMap<object, IDataObject[]>();

async function personFields(ctx: CrmContext): Promise<IDataObject[]> {
	const known = personFieldsPerRun.get(ctx);
	if (known) return known;
	const all: IDataObject[] = [];
	let cursor: string | undefined;
	do {
		const qs: IDataObject = { limit: PAGE_LIMIT };
		if (cursor) qs.cursor = cursor;
		const response = await crmRequestOk(ctx, pipedrive, { method: 'GET', path: `${V2}/personFields`, qs });
		const body = (response.body ?? {}) as IDataObject;
		all.push(...((body.data ?? []) as IDataObject[]));
		const next = (body.additional_data as IDataObject | undefined)?.next_cursor;
		cursor = typeof next === 'string' && next ? next : undefined;
	} while (cursor);
	personFieldsPerRun.set(ctx, all);
	return all;
}

type Options = Array<{ id: number; label: string }>;

function optionsOf(field: IDataObject | undefined): Options {
	return ((field?.options ?? []) as IDataObject[]).map((option) => ({ id: Number(option.id), label: String(option.label ?? option.id) }));
}

function flat(value: unknown): string {
	if (Array.isArray(value)) return value.map((part) => flat(part)).join(', ');
	if (value !== null && typeof value === 'object') return JSON.stringify(value);
	return String(value).trim();
}

function blank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && !value.length);
}

function wholeNumber(value: unknown): number | undefined {
	const number = typeof value === 'number' ? value : /^-?\d+$/.test(flat(value)) ? Number(flat(value)) : NaN;
	return Number.isSafeInteger(number) ? number : undefined;
}

function decimal(value: unknown): number | undefined {
	const text = flat(value).replace(/\s/g, '');
	const number = typeof value === 'number' ? value : text === '' ? NaN : Number(text);
	return Number.isFinite(number) ? number : undefined;
}

/** The `YYYY-MM-DD` part of a date or ISO date-time. */
function isoDay(value: unknown): string | undefined {
	const found = /^(\d{4})-(\d{2})-(\d{2})(?=$|[T ])/.exec(flat(value));
	return found ? `${found[1]}-${found[2]}-${found[3]}` : undefined;
}

function clock(text: string): string | undefined {
	const found = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
	if (!found || Number(found[1]) > 23 || Number(found[2]) > 59) return undefined;
	return `${found[1].padStart(2, '0')}:${found[2]}:${found[3] ?? '00'}`;
}

/** Two halves of a range written as `a/b`, `a..b` or `a - b`. */
function halves(text: string): [string, string] | undefined {
	const parts = text.split(/\s*(?:\/|\.\.|\s-\s|–)\s*/);
	return parts.length === 2 && parts[0] && parts[1] ? [parts[0], parts[1]] : undefined;
}

function pickOption(options: Options, wanted: unknown): { id: number; label: string } | undefined {
	const text = flat(wanted).toLowerCase();
	return options.find((option) => String(option.id) === text) ?? options.find((option) => option.label.toLowerCase() === text);
}

/**
 * A custom field value in the shape API v2 takes for the field's type (see the v2 migration guide);
 * `problem` says why it cannot be written. An empty value is `null`, which clears the field.
 */
export function pipedriveCustomValue(field: IDataObject, value: unknown): { value?: unknown; problem?: string } {
	if (blank(value)) return { value: null };
	const text = flat(value);
	const options = optionsOf(field);
	const optionList = () => options.map((option) => `"${option.label}" (${option.id})`).join(', ') || 'none: add options in Pipedrive first';
	switch (String(field.field_type)) {
		case 'varchar':
		case 'varchar_auto':
		case 'varchar_options':
		case 'text':
		case 'phone':
			return { value: text };
		case 'int':
		case 'user':
		case 'org':
		case 'people':
		case 'deal':
		case 'project': {
			const number = wholeNumber(value);
			return number === undefined ? { problem: `needs a whole number (an ID for ${String(field.field_type)} fields), not "${text}"` } : { value: number };
		}
		case 'double': {
			const number = decimal(value);
			return number === undefined ? { problem: `needs a number, not "${text}"` } : { value: number };
		}
		case 'monetary': {
			const found = /^(-?[\d.\s]+?)\s*([A-Za-z]{3})?$/.exec(text);
			const amount = typeof value === 'number' ? value : found ? decimal(found[1]) : undefined;
			if (amount === undefined) return { problem: `needs an amount such as 250 or "250 EUR", not "${text}"` };
			return { value: found?.[2] ? { value: amount, currency: found[2].toUpperCase() } : { value: amount } };
		}
		case 'boolean': {
			if (typeof value === 'boolean') return { value };
			if (YES.includes(text.toLowerCase())) return { value: true };
			if (NO.includes(text.toLowerCase())) return { value: false };
			return { problem: `needs yes or no, not "${text}"` };
		}
		case 'date': {
			const day = isoDay(value);
			return day ? { value: day } : { problem: `needs a date as YYYY-MM-DD, not "${text}"` };
		}
		case 'daterange': {
			const pair = halves(text);
			const from = pair && isoDay(pair[0]);
			const until = pair && isoDay(pair[1]);
			return from && until ? { value: { value: from, until } } : { problem: `needs two dates as YYYY-MM-DD/YYYY-MM-DD, not "${text}"` };
		}
		case 'time': {
			const time = clock(text);
			return time ? { value: { value: time } } : { problem: `needs a time as HH:MM, not "${text}"` };
		}
		case 'timerange': {
			const pair = halves(text);
			const from = pair && clock(pair[0]);
			const until = pair && clock(pair[1]);
			return from && until ? { value: { value: from, until } } : { problem: `needs two times as HH:MM/HH:MM, not "${text}"` };
		}
		case 'address':
			return { value: { value: text } };
		case 'enum': {
			const option = pickOption(options, value);
			return option ? { value: option.id } : { problem: `needs one of ${optionList()}, not "${text}"` };
		}
		case 'set': {
			const wanted = (Array.isArray(value) ? value : text.split(',')).map((one) => flat(one)).filter(Boolean);
			const missing = wanted.filter((one) => !pickOption(options, one));
			if (missing.length) return { problem: `takes options from ${optionList()}, not "${missing.join('", "')}"` };
			return { value: [...new Set(wanted.map((one) => pickOption(options, one)!.id))] };
		}
		default:
			return { problem: `is a ${String(field.field_type)} field, which this node cannot write` };
	}
}

/** What an upsert sends besides e-mail and labels, converted and checked before any request. */
interface PersonWrite {
	body: IDataObject;
	custom: IDataObject;
	name?: string;
	phone?: string | null;
}

async function convert(ctx: CrmContext, contact: ContactInput): Promise<PersonWrite> {
	const write: PersonWrite = { body: {}, custom: {} };
	const fail = (key: string, problem: string) =>
		new NodeOperationError(ctx.getNode(), `Pipedrive field ${key} ${problem} (contact ${contact.email})`, {
			description: 'Nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.',
		});
	const names: Record<string, string> = {};
	for (const [key, value] of Object.entries(contact.fields)) {
		const own = PERSON_FIELDS.find((field) => field.key === key);
		if (own?.kind === 'name') names[key] = blank(value) ? '' : flat(value);
		else if (own?.kind === 'phone') write.phone = blank(value) ? null : flat(value);
		else if (own?.kind === 'marketing') {
			if (blank(value)) continue;
			const status = flat(value).toLowerCase().replace(/[\s-]+/g, '_');
			if (!MARKETING_STATUSES.includes(status)) throw fail(key, `needs one of ${MARKETING_STATUSES.join(', ')}, not "${flat(value)}"`);
			write.body.marketing_status = status;
		} else if (own) {
			if (blank(value)) continue;
			const id = wholeNumber(value);
			if (id === undefined) throw fail(key, `needs a whole-number ID, not "${flat(value)}"`);
			write.body[key] = id;
		} else {
			const field = (await personFields(ctx)).find((candidate) => candidate.field_code === key && candidate.is_custom_field === true);
			// The node checks keys against listFields first; this guards direct adapter use.
			if (!field) throw fail(key, 'is not a custom person field of this Pipedrive company');
			const { value: converted, problem } = pipedriveCustomValue(field, value);
			if (problem) throw fail(key, problem);
			write.custom[key] = converted as IDataObject[string];
		}
	}
	const joined = [names.first_name, names.last_name].filter(Boolean).join(' ');
	if (names.name) write.name = names.name;
	else if (joined) write.name = joined;
	return write;
}

function toContact(person: IDataObject): CrmContact {
	const emails = (person.emails ?? []) as IDataObject[];
	const primary = emails.find((entry) => entry.primary === true) ?? emails[0];
	return { contactId: String(person.id), email: String(primary?.value ?? ''), contact: person };
}

async function personById(ctx: CrmContext, id: string): Promise<IDataObject | undefined> {
	if (!/^\d+$/.test(id)) return undefined;
	const response = await crmRequestOk(ctx, pipedrive, { method: 'GET', path: `${V2}/persons/${id}` }, [404, 410]);
	if (response.statusCode >= 400) return undefined;
	const person = (response.body as IDataObject)?.data as IDataObject | undefined;
	return person && person.is_deleted !== true ? person : undefined;
}

/** The id of the person with exactly this e-mail (the oldest when Pipedrive holds duplicates). */
async function idByEmail(ctx: CrmContext, email: string): Promise<string | undefined> {
	const response = await crmRequestOk(ctx, pipedrive, {
		method: 'GET',
		path: `${V2}/persons/search`,
		qs: { term: email.trim(), fields: 'email', exact_match: true, limit: 100 },
	});
	const items = (((response.body as IDataObject)?.data as IDataObject | undefined)?.items ?? []) as IDataObject[];
	const ids = items
		.map((entry) => (entry.item ?? {}) as IDataObject)
		.filter((item) => ((item.emails ?? []) as unknown[]).some((address) => sameEmail(String(address), email)))
		.map((item) => Number(item.id))
		.sort((a, b) => a - b);
	return ids.length ? String(ids[0]) : undefined;
}

async function findPerson(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	const id = by.contactId ?? (by.email ? await idByEmail(ctx, by.email) : undefined);
	const person = id ? await personById(ctx, id) : undefined;
	return person ? toContact(person) : undefined;
}

/** Label (option) ids for these names; missing labels are added to the `label_ids` field when `create` is set. */
async function labelIds(ctx: CrmContext, names: string[], create: boolean): Promise<number[]> {
	if (!names.length) return [];
	const labels = await tagsForRun(ctx, pipedrive);
	const ids: number[] = [];
	const missing: string[] = [];
	for (const name of names) {
		const found = labels.find((label) => label.name.toLowerCase() === name.toLowerCase());
		if (found) ids.push(Number(found.id));
		else if (create) missing.push(name);
	}
	if (missing.length) {
		const response = await crmRequestOk(ctx, pipedrive, {
			method: 'POST',
			path: `${V2}/personFields/${LABEL_FIELD}/options`,
			body: missing.map((label) => ({ label })),
		});
		for (const option of ((response.body as IDataObject)?.data ?? []) as IDataObject[]) {
			labels.push({ id: String(option.id), name: String(option.label) });
			ids.push(Number(option.id));
		}
	}
	return [...new Set(ids)];
}

function currentLabels(person: IDataObject): number[] {
	return ((person.label_ids ?? []) as unknown[]).map(Number).filter(Number.isFinite);
}

/** The person's e-mail list with `email` as the primary address, replacing `replaced` (the old primary). */
function emailsWith(person: IDataObject, email: string, replaced: string[]): IDataObject[] | undefined {
	const current = ((person.emails ?? []) as IDataObject[]).map((entry) => ({ ...entry }));
	const primary = current.find((entry) => entry.primary === true);
	if (primary && sameEmail(String(primary.value), email)) return undefined;
	const kept = current.filter((entry) => !sameEmail(String(entry.value), email) && !replaced.some((old) => sameEmail(String(entry.value), old)) && entry !== primary);
	return [
		{ value: email, primary: true, label: String(primary?.label ?? 'work') },
		...kept.map((entry) => ({ value: String(entry.value), primary: false, label: String(entry.label ?? 'other') })),
	];
}

function phonesWith(person: IDataObject | undefined, phone: string | null): IDataObject[] {
	const others = ((person?.phones ?? []) as IDataObject[])
		.filter((entry) => entry.primary !== true)
		.map((entry) => ({ value: String(entry.value), primary: false, label: String(entry.label ?? 'other') }));
	return phone ? [{ value: phone, primary: true, label: 'work' }, ...others] : others;
}

async function patchPerson(ctx: CrmContext, id: string, body: IDataObject): Promise<void> {
	await crmRequestOk(ctx, pipedrive, { method: 'PATCH', path: `${V2}/persons/${id}`, body });
}

export const pipedrive: CrmAdapter = {
	slug: 'pipedrive',
	displayName: 'Pipedrive',
	credentialType: 'wpumPipedriveApi',
	tagsAre: 'person labels (created by name when missing)',
	docsUrl: 'https://developers.pipedrive.com/docs/api/v1/Persons',

	baseUrl: (credentials) =>
		String(credentials.baseUrl || 'https://api.pipedrive.com')
			.trim()
			.replace(/\/+$/, '')
			.replace(/\/(api\/)?v[12]$/, ''),

	resetDelayMs(response) {
		// Burst limit: x-ratelimit-reset is the seconds left in the 2-second window. A 429 with the daily
		// POST/PUT allowance at 0 (x-daily-requests-left) lasts until the daily reset: the transport then
		// stops at once with its "still rate-limiting" message instead of retrying for minutes.
		if (response.statusCode === 429 && String(response.headers['x-daily-requests-left'] ?? '').trim() === '0') return msUntilUtcMidnight(); // the budget resets at the server's midnight; UTC is assumed
		const reset = Number(response.headers['x-ratelimit-reset']);
		return Number.isFinite(reset) && reset >= 0 ? Math.max(reset, 0.25) * 1000 : undefined;
	},

	errorMessage(response) {
		const body = response.body as IDataObject | string | undefined;
		if (typeof body === 'string' && /cloudflare/i.test(body)) {
			return 'access denied by Pipedrive\'s firewall after repeated rate-limit answers; wait, then lower how often the workflow runs';
		}
		if (!body || typeof body !== 'object' || typeof body.error !== 'string') return undefined;
		return body.code ? `${body.error} (${String(body.code)})` : body.error;
	},

	async upsert(ctx, contact) {
		// Converted first: a value Pipedrive would refuse fails the item before any label is created.
		const write = await convert(ctx, contact);
		const labels = await labelIds(ctx, cleanTagNames(contact.tags), true);
		const existing = await findExisting(contact, (by) => findPerson(ctx, by));

		if (existing) {
			const person = existing.contact;
			const body: IDataObject = { ...write.body };
			if (write.name) body.name = write.name;
			const emails = emailsWith(person, contact.email, contact.previousEmail ? [contact.previousEmail] : []);
			if (emails) body.emails = emails;
			if (write.phone !== undefined) body.phones = phonesWith(person, write.phone);
			const merged = [...new Set([...currentLabels(person), ...labels])];
			if (merged.length !== currentLabels(person).length) body.label_ids = merged;
			if (Object.keys(write.custom).length) body.custom_fields = write.custom;
			if (Object.keys(body).length) await patchPerson(ctx, existing.contactId, body);
			return { contactId: existing.contactId, action: 'updated', email: contact.email };
		}

		const body: IDataObject = {
			...write.body,
			// Pipedrive requires a name; the e-mail stands in until the mapper sends one.
			name: write.name || contact.email,
			emails: [{ value: contact.email, primary: true, label: 'work' }],
		};
		if (write.phone) body.phones = phonesWith(undefined, write.phone);
		if (labels.length) body.label_ids = labels;
		const custom = Object.fromEntries(Object.entries(write.custom).filter(([, value]) => value !== null));
		if (Object.keys(custom).length) body.custom_fields = custom;
		const response = await crmRequestOk(ctx, pipedrive, { method: 'POST', path: `${V2}/persons`, body });
		const id = ((response.body as IDataObject)?.data as IDataObject | undefined)?.id;
		if (id === undefined || id === null) {
			throw crmApiError(ctx, pipedrive, { statusCode: response.statusCode, headers: {}, body: { error: 'Pipedrive created the person but sent no id back' } });
		}
		return { contactId: String(id), action: 'created', email: contact.email };
	},

	async addTags(ctx, contactId, tags) {
		const wanted = await labelIds(ctx, cleanTagNames(tags), true);
		if (!wanted.length) return;
		const person = await personById(ctx, contactId);
		if (!person) throw new NodeOperationError(ctx.getNode(), `Pipedrive has no person with ID ${contactId}`, { description: 'Sync the contact first (operation "Create or Update").' });
		const current = currentLabels(person);
		const merged = [...new Set([...current, ...wanted])];
		if (merged.length !== current.length) await patchPerson(ctx, contactId, { label_ids: merged });
	},

	async removeTags(ctx, contactId, tags) {
		const unwanted = await labelIds(ctx, cleanTagNames(tags), false);
		if (!unwanted.length) return;
		const person = await personById(ctx, contactId);
		if (!person) return;
		const current = currentLabels(person);
		const kept = current.filter((id) => !unwanted.includes(id));
		if (kept.length !== current.length) await patchPerson(ctx, contactId, { label_ids: kept });
	},

	getContact: findPerson,

	async deleteContact(ctx, contactId) {
		const response = await crmRequest(ctx, pipedrive, { method: 'DELETE', path: `${V2}/persons/${encodeURIComponent(contactId)}` });
		if (response.statusCode >= 300 && response.statusCode !== 404 && response.statusCode !== 410) throw crmApiError(ctx, pipedrive, response);
	},

	async listFields(ctx) {
		const custom = (await personFields(ctx))
			.filter((field) => field.is_custom_field === true)
			.map((field): CrmField => ({ key: String(field.field_code), label: String(field.field_name ?? field.field_code), type: String(field.field_type ?? ''), standard: false }));
		return [...PERSON_FIELDS.map(({ key, label, type, standard }) => ({ key, label, type, standard })), ...custom];
	},

	async listTags(ctx) {
		const field = (await personFields(ctx)).find((candidate) => candidate.field_code === LABEL_FIELD);
		return optionsOf(field).map((option): CrmTag => ({ id: String(option.id), name: option.label }));
	},
};
