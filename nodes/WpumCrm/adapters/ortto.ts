/**
 * Ortto (formerly Autopilot) through its v1 API (https://help.ortto.com/developer/latest/api-reference/):
 * people are created and updated with `POST /v1/person/merge` (1 to 100 people per call, synchronous
 * with `async: false`, one `{person_id, status}` per person, in order), read with `POST /v1/person/get`
 * (filters) and `POST /v1/person/get-by-ids`, archived then deleted with `PUT /v1/person/archive` and
 * `DELETE /v1/person/delete`. Tags are names in the merge (`tags`, `unset_tags`), created on first use.
 * Field keys are Ortto field ids, whose prefix says the value type (`str::first`, `int:cm:rating`, ...).
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, findExisting, sameEmail, yesNo } from './helpers';
import { tagsForRun } from './tagCache';
import type { BatchItemResult, ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmTag, UpsertResult } from './types';
import { asText, isBlank, isScalar, toE164, type ValueOrProblem } from './values';

const DOCS = 'https://help.ortto.com/developer/latest/api-reference/';
const EMAIL = 'str::email';
const PERSON_ID = 'str::person_id';
/** Built-in person fields the merge endpoint documents (the e-mail is the contact's own `email`). */
const STANDARD_FIELDS: Array<[string, string]> = [
	['str::first', 'First name'],
	['str::last', 'Last name'],
	['phn::phone', 'Phone number'],
	['geo::city', 'City'],
	['geo::region', 'Region'],
	['geo::country', 'Country'],
	['str::postal', 'Postal code'],
	['dtz::b', 'Birthday'],
	['str::ei', 'External ID'],
	['str::language', 'Language'],
	['bol::gdpr', 'GDPR'],
	['bol::p', 'Email subscription permission'],
	['bol::sp', 'SMS subscription permission'],
];
const READ_FIELDS = [EMAIL, 'str::first', 'str::last', 'tags'];
/** Documented field limits: strings 255 characters, long text 4,000. */
const MAX_STRING = 255;
const MAX_TEXT = 4000;

/** The account's custom person fields (`{field: {id, name, display_type}}`), read once per node run. */
const customFieldsPerRun = new WeakMap<object, IDataObject[]>();

async function customFields(ctx: CrmContext): Promise<IDataObject[]> {
	let rows = customFieldsPerRun.get(ctx);
	if (!rows) {
		// One answer carries every custom field (Ortto caps them at 100-200 per account); no paging exists.
		const response = await crmRequestOk(ctx, ortto, { method: 'POST', path: '/v1/person/custom-field/get', body: {} });
		rows = ((((response.body ?? {}) as IDataObject).fields ?? []) as IDataObject[]).map((row) => (row.field ?? row) as IDataObject);
		customFieldsPerRun.set(ctx, rows);
	}
	return rows;
}

/** `YYYY-MM-DD` (or an ISO date-time) as Ortto's date object. */
function dateObject(value: unknown): ValueOrProblem {
	const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value ?? '').trim());
	if (!isScalar(value) || !match) return { problem: `needs a date as YYYY-MM-DD, not ${JSON.stringify(value)}` };
	return { value: { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]), timezone: 'UTC' } };
}

function textOfAtMost(value: unknown, max: number): ValueOrProblem {
	const text = asText(value);
	if (text.problem) return text;
	return String(text.value).length > max ? { problem: `takes at most ${max} characters, not ${String(text.value).length}` } : text;
}

/**
 * A value in the shape the field id's type prefix needs (see "Person field type abbreviations" in the
 * merge reference). Decimal fields carry the number times 1,000, as Ortto documents.
 */
export function orttoValue(key: string, value: unknown, displayType?: string): ValueOrProblem {
	if (isBlank(value)) return { value: null };
	const type = key.split(':')[0];
	switch (type) {
		case 'str':
			return textOfAtMost(value, MAX_STRING);
		case 'txt':
			return textOfAtMost(value, MAX_TEXT);
		case 'int': {
			const number = typeof value === 'number' ? value : Number(String(value).trim());
			if (!isScalar(value) || typeof value === 'boolean' || !Number.isFinite(number)) return { problem: `needs a number, not ${JSON.stringify(value)}` };
			if (displayType === 'decimal') return { value: Math.round(number * 1000) };
			return Number.isInteger(number) ? { value: number } : { problem: `needs a whole number, not ${JSON.stringify(value)}` };
		}
		case 'bol': {
			const yes = yesNo(value);
			return yes === undefined ? { problem: `needs yes/no (true or false), not ${JSON.stringify(value)}` } : { value: yes };
		}
		case 'phn': {
			const phone = toE164(value, '+61401234567');
			return phone.problem ? phone : { value: { phone: String(phone.value).slice(1), parse_with_country_code: true } };
		}
		case 'geo': {
			const name = textOfAtMost(value, MAX_STRING);
			return name.problem ? name : { value: { name: name.value } };
		}
		case 'dtz':
			return dateObject(value);
		case 'sst': {
			const list = Array.isArray(value) ? value : String(value).split(',');
			if (!list.every(isScalar)) return { problem: `needs a list of texts, not ${JSON.stringify(value)}` };
			return { value: list.map((entry) => String(entry).trim()).filter(Boolean) };
		}
		case 'tme': {
			const time = Date.parse(String(value));
			return isScalar(value) && !Number.isNaN(time) ? { value: new Date(time).toISOString() } : { problem: `needs a date and time, not ${JSON.stringify(value)}` };
		}
		default:
			return { problem: `has the type "${type}", which this node cannot write` };
	}
}

/** The contact's fields as Ortto person fields (plus the e-mail), converted to each field's type. */
async function personFields(ctx: CrmContext, contact: ContactInput): Promise<IDataObject> {
	const entries = Object.entries(contact.fields ?? {}).filter(([key]) => key !== EMAIL && key !== PERSON_ID);
	const decimals = entries.some(([key]) => key.startsWith('int:'))
		? new Set((await customFields(ctx)).filter((f) => f.display_type === 'decimal').map((f) => String(f.id)))
		: new Set<string>();
	const out: IDataObject = {};
	for (const [key, raw] of entries) {
		const { value, problem } = orttoValue(key, raw, decimals.has(key) ? 'decimal' : undefined);
		if (problem) {
			throw new NodeOperationError(ctx.getNode(), `Ortto field ${key} ${problem} (contact ${contact.email})`, {
				description: 'Nothing was sent for this contact. Change the value, or map it to an Ortto field of the right type in the WPUM Field Mapper.',
			});
		}
		out[key] = value as IDataObject[string];
	}
	out[EMAIL] = contact.email;
	return out;
}

/** Tag names in the spelling the account already uses ("vip" reuses "VIP"); new names as given. */
async function canonicalTags(ctx: CrmContext, names: string[]): Promise<string[]> {
	const clean = cleanTagNames(names);
	if (!clean.length) return clean;
	const known = await tagsForRun(ctx, ortto);
	return clean.map((name) => known.find((tag) => tag.name.toLowerCase() === name.toLowerCase())?.name ?? name);
}

function toContact(record: IDataObject): CrmContact {
	const fields = (record.fields ?? {}) as IDataObject;
	return { contactId: String(record.id), email: String(fields[EMAIL] ?? ''), contact: record };
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (by.contactId) {
		const response = await crmRequestOk(ctx, ortto, {
			method: 'POST',
			path: '/v1/person/get-by-ids',
			body: { contact_ids: [by.contactId], fields: READ_FIELDS },
		});
		const found = (((response.body ?? {}) as IDataObject).contacts ?? []) as IDataObject[];
		const record = found.find((c) => String(c.id) === by.contactId);
		return record ? toContact(record) : undefined;
	}
	if (!by.email) return undefined;
	const response = await crmRequestOk(ctx, ortto, {
		method: 'POST',
		path: '/v1/person/get',
		body: { limit: 1, offset: 0, fields: READ_FIELDS, filter: { '$str::is': { field_id: EMAIL, value: by.email.trim() } } },
	});
	const found = (((response.body ?? {}) as IDataObject).contacts ?? []) as IDataObject[];
	const record = found.find((c) => sameEmail(String(((c.fields ?? {}) as IDataObject)[EMAIL] ?? ''), by.email));
	return record ? toContact(record) : undefined;
}

type Person = { fields: IDataObject; tags?: string[]; unset_tags?: string[] };

/** One merge call; `byId` merges on `str::person_id` (which must then be the only merge key). */
async function merge(ctx: CrmContext, people: Person[], byId: boolean) {
	return await crmRequest(ctx, ortto, {
		method: 'POST',
		path: '/v1/person/merge',
		body: {
			people: people as unknown as IDataObject[],
			async: false,
			merge_by: byId ? [PERSON_ID] : [EMAIL],
			merge_strategy: 2,
			find_strategy: 0,
			...(byId ? { skip_non_existing: true } : {}),
		},
	});
}

/** The per-person answer of a merge as an upsert result, or the reason Ortto gave for that person. */
function personResult(row: IDataObject | undefined, email: string): BatchItemResult {
	const status = String(row?.status ?? '');
	if (row?.person_id && (status === 'created' || status === 'merged')) {
		return { ok: true, result: { contactId: String(row.person_id), action: status === 'created' ? 'created' : 'updated', email } };
	}
	const reason = row?.error ? String(row.error) : status ? `status "${status}"` : 'no answer for this person';
	return { ok: false, error: `Ortto did not save ${email}: ${reason}` };
}

async function mergeOne(ctx: CrmContext, person: Person, byId: boolean, email: string): Promise<UpsertResult> {
	const response = await merge(ctx, [person], byId);
	if (response.statusCode >= 300) throw crmApiError(ctx, ortto, response);
	const outcome = personResult((((response.body ?? {}) as IDataObject).people as IDataObject[] | undefined)?.[0], email);
	if (!outcome.ok) {
		throw new NodeOperationError(ctx.getNode(), outcome.error, {
			description: 'Check the e-mail address and the values sent; a suppressed e-mail must be removed from the suppression list in Ortto first.',
		});
	}
	return outcome.result;
}

/** Whether this contact must be found first (stored id or e-mail change) instead of merged by e-mail. */
function needsLookup(contact: ContactInput): boolean {
	return !!contact.contactId || (!!contact.previousEmail && !sameEmail(contact.previousEmail, contact.email));
}

async function tagChange(ctx: CrmContext, contactId: string, tags: string[], remove: boolean): Promise<void> {
	const names = remove ? cleanTagNames(tags) : await canonicalTags(ctx, tags);
	if (!names.length) return;
	const person: Person = { fields: { [PERSON_ID]: contactId }, ...(remove ? { unset_tags: names } : { tags: names }) };
	const response = await merge(ctx, [person], true);
	if (response.statusCode >= 300) throw crmApiError(ctx, ortto, response);
	const row = (((response.body ?? {}) as IDataObject).people as IDataObject[] | undefined)?.[0];
	if (String(row?.status ?? '') !== 'merged') throw new Error(`Ortto has no person with ID ${contactId} (answer: ${JSON.stringify(row ?? {})})`);
}

export const ortto: CrmAdapter = {
	slug: 'ortto',
	displayName: 'Ortto',
	credentialType: 'wpumOrttoApi',
	tagsAre: 'tags (created by name when missing)',
	batchSize: 100,
	docsUrl: DOCS,

	baseUrl: (credentials) => String(credentials.baseUrl || 'https://api.ap3api.com').replace(/\/+$/, ''),

	/** Ortto's 429 says when to come back in its body: `{"error": {"code": "rate-limit", "try-in-seconds": 10}}`. */
	resetDelayMs(response) {
		const error = ((response.body ?? {}) as IDataObject).error as IDataObject | undefined;
		const seconds = Number(error && typeof error === 'object' ? error['try-in-seconds'] : NaN);
		return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
	},

	errorMessage(response) {
		const error = ((response.body ?? {}) as IDataObject).error;
		if (typeof error === 'string' && error) return error;
		if (error && typeof error === 'object' && (error as IDataObject).message) return String((error as IDataObject).message);
		return undefined;
	},

	async upsert(ctx, contact) {
		const fields = await personFields(ctx, contact);
		const tags = await canonicalTags(ctx, contact.tags ?? []);
		const person: Person = { fields, ...(tags.length ? { tags } : {}) };
		if (!needsLookup(contact)) return await mergeOne(ctx, person, false, contact.email);
		const existing = await findExisting(contact, (by) => findContact(ctx, by));
		if (!existing) return await mergeOne(ctx, person, false, contact.email);
		const result = await mergeOne(ctx, { ...person, fields: { ...fields, [PERSON_ID]: existing.contactId } }, true, contact.email);
		return { ...result, action: 'updated' };
	},

	/**
	 * One merge by e-mail for up to 100 contacts. Contacts with a stored id or an e-mail change go one
	 * by one (merging them by e-mail would create a second person); a whole call refused with 400 is
	 * retried one by one so only the bad contact fails.
	 */
	async upsertBatch(ctx, contacts) {
		const results: BatchItemResult[] = new Array(contacts.length);
		const alone = async (i: number) => {
			try {
				results[i] = { ok: true, result: await ortto.upsert(ctx, contacts[i]) };
			} catch (error) {
				results[i] = { ok: false, error: (error as Error).message };
			}
		};
		const byEmail: number[] = [];
		const people: Person[] = [];
		for (const [i, contact] of contacts.entries()) {
			if (needsLookup(contact)) {
				await alone(i);
				continue;
			}
			try {
				const tags = await canonicalTags(ctx, contact.tags ?? []);
				people.push({ fields: await personFields(ctx, contact), ...(tags.length ? { tags } : {}) });
				byEmail.push(i);
			} catch (error) {
				results[i] = { ok: false, error: (error as Error).message };
			}
		}
		if (!byEmail.length) return results;
		const response = await merge(ctx, people, false);
		if (response.statusCode === 400) {
			for (const i of byEmail) await alone(i);
			return results;
		}
		if (response.statusCode >= 300) throw crmApiError(ctx, ortto, response);
		const rows = (((response.body ?? {}) as IDataObject).people ?? []) as IDataObject[];
		byEmail.forEach((i, n) => (results[i] = personResult(rows[n], contacts[i].email)));
		return results;
	},

	addTags: (ctx, contactId, tags) => tagChange(ctx, contactId, tags, false),
	removeTags: (ctx, contactId, tags) => tagChange(ctx, contactId, tags, true),

	getContact: (ctx, by) => findContact(ctx, by),

	/** Ortto deletes only archived people: archive, then delete (both take up to 100 ids). */
	async deleteContact(ctx, contactId) {
		await crmRequestOk(ctx, ortto, { method: 'PUT', path: '/v1/person/archive', body: { inclusion_ids: [contactId] } });
		await crmRequestOk(ctx, ortto, { method: 'DELETE', path: '/v1/person/delete', body: { inclusion_ids: [contactId] } });
	},

	async listFields(ctx) {
		const standard = STANDARD_FIELDS.map(([key, label]): CrmField => ({ key, label, type: key.split(':')[0], standard: true }));
		const custom = (await customFields(ctx)).map(
			(field): CrmField => ({ key: String(field.id), label: String(field.name ?? field.id), type: String(field.display_type ?? ''), standard: false }),
		);
		return [...standard, ...custom];
	},

	/** `POST /v1/tags/get` answers every tag at once (an array; no paging is documented). */
	async listTags(ctx) {
		const response = await crmRequestOk(ctx, ortto, { method: 'POST', path: '/v1/tags/get', body: {} });
		const body = response.body as IDataObject[] | IDataObject | undefined;
		const rows = Array.isArray(body) ? body : (((body ?? {}) as IDataObject).tags as IDataObject[] | undefined) ?? [];
		return rows.map((tag): CrmTag => ({ id: String(tag.id), name: String(tag.name) }));
	},
};
