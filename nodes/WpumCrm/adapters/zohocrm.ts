import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, sameEmail, yesNo } from './helpers';
import { tagsForRun } from './tagCache';
import type { BatchItemResult, ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmResponse, UpsertResult } from './types';
import { asText, isBlank, type ValueOrProblem } from './values';

/**
 * Zoho CRM REST API v8, Contacts module (https://www.zoho.com/crm/developer/docs/api/v8/). OAuth2 only:
 * n8n signs each request with the access token; when Zoho says INVALID_TOKEN the shared transport has
 * n8n refresh it (`isTokenExpired`) and sends the request again.
 */
const API = '/crm/v8';
const MODULE = 'Contacts';
/** Upsert, insert and update take at most 100 records per call. */
const RECORD_LIMIT = 100;
/** Field types the API computes or that hold references; they cannot be written with plain values. */
const NOT_WRITABLE = ['autonumber', 'formula', 'ownerlookup', 'lookup', 'multiselectlookup', 'fileupload', 'imageupload', 'profileimage', 'subform', 'rollup_summary'];
/** Zoho's API domain per accounts server, for credentials whose token data lacks `api_domain`. */
const API_DOMAINS: Record<string, string> = {
	'accounts.zoho.com': 'https://www.zohoapis.com',
	'accounts.zoho.eu': 'https://www.zohoapis.eu',
	'accounts.zoho.in': 'https://www.zohoapis.in',
	'accounts.zoho.com.au': 'https://www.zohoapis.com.au',
	'accounts.zoho.jp': 'https://www.zohoapis.jp',
	'accounts.zohocloud.ca': 'https://www.zohoapis.ca',
};

interface ZohoField extends IDataObject {
	api_name: string;
	data_type: string;
}

type RecordOutcome = { ok: true; id: string; action: 'created' | 'updated' } | { ok: false; error: string; code: string; apiName?: string };

function apiDomain(credentials: ICredentialDataDecryptedObject): string {
	const token = (credentials.oauthTokenData ?? {}) as IDataObject;
	if (credentials.baseUrl) return String(credentials.baseUrl);
	if (token.api_domain) return String(token.api_domain);
	const host = String(credentials.accountsServer ?? 'https://accounts.zoho.com').replace(/^https?:\/\//, '').replace(/\/.*$/, '');
	return API_DOMAINS[host] ?? 'https://www.zohoapis.com';
}

/** `message (CODE, field X, expected Y)` from one Zoho error object. */
function describe(error: IDataObject): string {
	const details = (error.details ?? {}) as IDataObject;
	const parts = [String(error.code ?? 'error')];
	if (details.api_name) parts.push(`field ${String(details.api_name)}`);
	if (details.expected_data_type) parts.push(`expected ${String(details.expected_data_type)}`);
	if (details.maximum_length) parts.push(`at most ${String(details.maximum_length)} characters`);
	return `${String(error.message ?? 'no details given')} (${parts.join(', ')})`;
}

function firstRecordResult(body: unknown): IDataObject | undefined {
	const data = (body as IDataObject | undefined)?.data;
	return Array.isArray(data) && data.length ? (data[0] as IDataObject) : undefined;
}

function errorCode(response: CrmResponse): string | undefined {
	const body = response.body as IDataObject | undefined;
	const code = body && typeof body === 'object' ? (body.code ?? firstRecordResult(body)?.code) : undefined;
	return code === undefined ? undefined : String(code);
}

/** The module's fields with their types and picklist values, read once per node run. */
const fieldsPerRun = new WeakMap<object, ZohoField[]>();

async function moduleFields(ctx: CrmContext): Promise<ZohoField[]> {
	let fields = fieldsPerRun.get(ctx);
	if (!fields) {
		const response = await crmRequestOk(ctx, zohocrm, { method: 'GET', path: `${API}/settings/fields`, qs: { module: MODULE } });
		fields = ((response.body as IDataObject).fields ?? []) as ZohoField[];
		fieldsPerRun.set(ctx, fields);
	}
	return fields;
}

function isWritable(field: ZohoField): boolean {
	return field.read_only !== true && field.field_read_only !== true && !NOT_WRITABLE.includes(field.data_type) && field.api_name !== 'id';
}

type PickListValue = { display_value?: string; actual_value?: string };

function pickOption(field: ZohoField, text: string): string | undefined {
	const options = (field.pick_list_values ?? []) as PickListValue[];
	const wanted = text.trim().toLowerCase();
	const found = options.find((o) => String(o.actual_value).toLowerCase() === wanted || String(o.display_value).toLowerCase() === wanted);
	return found ? String(found.actual_value) : undefined;
}

function optionList(field: ZohoField): string {
	return ((field.pick_list_values ?? []) as PickListValue[])
		.filter((o) => o.actual_value !== '-None-')
		.map((o) => `"${String(o.display_value)}"`)
		.join(', ');
}

/** `yyyy-MM-ddTHH:mm:ss±HH:mm`, the only date-time shape Zoho accepts (here always in UTC). */
function zohoDateTime(value: unknown): string | undefined {
	const time = typeof value === 'number' ? value : Date.parse(String(value));
	if (!Number.isFinite(time)) return undefined;
	return new Date(time).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/**
 * A value in the shape the field's data type needs (https://www.zoho.com/crm/developer/docs/api/v8/field-meta.html).
 * Zoho refuses a record with a value of the wrong type, so a value that cannot be converted fails the
 * item before anything is sent. Blank clears the field (`null`).
 */
export function zohoValue(field: ZohoField, value: unknown): ValueOrProblem {
	if (isBlank(value)) return { value: null };
	const text = asText(value);
	switch (field.data_type) {
		case 'integer':
		case 'bigint': {
			const number = Number(text.value);
			return text.value !== undefined && Number.isInteger(number) && String(text.value).trim() !== ''
				? { value: number }
				: { problem: `needs a whole number, not ${JSON.stringify(value)}` };
		}
		case 'double':
		case 'currency':
		case 'decimal':
		case 'percent': {
			const number = typeof value === 'number' ? value : Number(String(text.value ?? '').trim());
			return Number.isFinite(number) && String(text.value ?? '').trim() !== ''
				? { value: number }
				: { problem: `needs a number, not ${JSON.stringify(value)}` };
		}
		case 'boolean': {
			const flag = yesNo(value);
			return flag === undefined ? { problem: `needs yes/no (true or false), not ${JSON.stringify(value)}` } : { value: flag };
		}
		case 'date': {
			const raw = String(text.value ?? '').trim();
			const day = /^\d{4}-\d{2}-\d{2}/.exec(raw)?.[0];
			return day && !Number.isNaN(Date.parse(day)) ? { value: day } : { problem: `needs a date as YYYY-MM-DD, not ${JSON.stringify(value)}` };
		}
		case 'datetime': {
			const stamp = zohoDateTime(typeof value === 'number' ? value : text.value);
			return stamp ? { value: stamp } : { problem: `needs a date and time (ISO 8601), not ${JSON.stringify(value)}` };
		}
		case 'picklist': {
			const option = text.value === undefined ? undefined : pickOption(field, String(text.value));
			return option !== undefined ? { value: option } : { problem: `needs one of ${optionList(field)}, not ${JSON.stringify(value)}` };
		}
		case 'multiselectpicklist': {
			const items = (Array.isArray(value) ? value.map(String) : String(text.value ?? '').split(',')).map((s) => s.trim()).filter(Boolean);
			const chosen = items.map((item) => pickOption(field, item));
			const unknown = items.filter((_item, i) => chosen[i] === undefined);
			return unknown.length
				? { problem: `takes only ${optionList(field)}, not ${unknown.map((u) => `"${u}"`).join(', ')}` }
				: { value: chosen };
		}
		default:
			return text;
	}
}

/** The contact as a Zoho record: converted field values plus Email. */
async function recordFor(ctx: CrmContext, contact: ContactInput): Promise<IDataObject> {
	const record: IDataObject = {};
	if (Object.keys(contact.fields).length) {
		const fields = await moduleFields(ctx);
		for (const [key, raw] of Object.entries(contact.fields)) {
			const field = fields.find((f) => f.api_name === key);
			const { value, problem } = field ? zohoValue(field, raw) : asText(raw);
			if (problem) {
				throw new NodeOperationError(ctx.getNode(), `Zoho CRM field ${key} ${problem} (contact ${contact.email})`, {
					description: 'Zoho CRM refuses a record with a value of the wrong type, so nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.',
				});
			}
			record[key] = value as IDataObject[string];
		}
	}
	record.Email = contact.email;
	return record;
}

/** Contacts need a last name; one Zoho would create without it gets the part of the e-mail before "@". */
function withFallbackLastName(record: IDataObject): IDataObject {
	return { ...record, Last_Name: String(record.Email).split('@')[0] || String(record.Email) };
}

function outcome(result: IDataObject | undefined, created: boolean): RecordOutcome {
	if (!result) return { ok: false, error: 'Zoho CRM returned no result for this record', code: 'NO_RESULT' };
	if (result.status === 'success') {
		const details = (result.details ?? {}) as IDataObject;
		return { ok: true, id: String(details.id), action: result.action === 'update' || !created ? 'updated' : 'created' };
	}
	const details = (result.details ?? {}) as IDataObject;
	return { ok: false, error: describe(result), code: String(result.code), apiName: details.api_name ? String(details.api_name) : undefined };
}

/** Posts records to a multi-record route and reads Zoho's per-record answers, in order. */
async function writeRecords(ctx: CrmContext, path: string, body: IDataObject, created: boolean): Promise<RecordOutcome[]> {
	const records = body.data as IDataObject[];
	const response = await crmRequest(ctx, zohocrm, { method: 'POST', path, body });
	const data = (response.body as IDataObject | undefined)?.data;
	if (![200, 201, 202, 207, 400].includes(response.statusCode) || !Array.isArray(data) || data.length !== records.length) {
		throw crmApiError(ctx, zohocrm, response);
	}
	return (data as IDataObject[]).map((result) => outcome(result, created));
}

/**
 * Upsert by Email (Zoho's duplicate check for Contacts), up to 100 records in one synchronous call. A
 * record Zoho would create but that has no Last_Name (mandatory) comes back MANDATORY_NOT_FOUND; those
 * are created in one insert call with the fallback last name, so an existing contact's last name is
 * never overwritten by the fallback.
 */
async function upsertRecords(ctx: CrmContext, records: IDataObject[]): Promise<RecordOutcome[]> {
	const results = await writeRecords(ctx, `${API}/${MODULE}/upsert`, { data: records, duplicate_check_fields: ['Email'] }, true);
	const lacking = results.flatMap((r, i) => (!r.ok && r.code === 'MANDATORY_NOT_FOUND' && r.apiName === 'Last_Name' ? [i] : []));
	if (lacking.length) {
		const inserted = await writeRecords(ctx, `${API}/${MODULE}`, { data: lacking.map((i) => withFallbackLastName(records[i])) }, true);
		lacking.forEach((i, n) => (results[i] = inserted[n]));
	}
	return results;
}

/** Update one record by id; `notFound` when the id no longer exists. */
async function updateById(ctx: CrmContext, id: string, record: IDataObject): Promise<{ ok: boolean; notFound?: boolean; response: CrmResponse }> {
	const response = await crmRequest(ctx, zohocrm, { method: 'PUT', path: `${API}/${MODULE}/${encodeURIComponent(id)}`, body: { data: [record] } });
	const result = firstRecordResult(response.body);
	if (response.statusCode < 300 && result?.status === 'success') return { ok: true, response };
	const details = (result?.details ?? {}) as IDataObject;
	const notFound = response.statusCode === 404 || (result?.code === 'INVALID_DATA' && (details.api_name === 'id' || details.id === id));
	return { ok: false, notFound, response };
}

function toContact(record: IDataObject): CrmContact {
	return { contactId: String(record.id), email: String(record.Email ?? ''), contact: record };
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (by.contactId) {
		const response = await crmRequestOk(ctx, zohocrm, { method: 'GET', path: `${API}/${MODULE}/${encodeURIComponent(by.contactId)}` }, [400, 404]);
		// 204 (no content) or INVALID_DATA: no such record.
		const record = response.statusCode === 200 ? firstRecordResult(response.body) : undefined;
		return record && record.id !== undefined ? toContact(record) : undefined;
	}
	if (!by.email) return undefined;
	const response = await crmRequestOk(ctx, zohocrm, { method: 'GET', path: `${API}/${MODULE}/search`, qs: { email: by.email } });
	if (response.statusCode === 204) return undefined;
	// `email=` also matches the secondary e-mail; only the contact whose Email it is counts.
	const records = ((response.body as IDataObject | undefined)?.data ?? []) as IDataObject[];
	const record = records.find((r) => sameEmail(String(r.Email ?? ''), by.email));
	return record ? toContact(record) : undefined;
}

/**
 * The contact an id-based update must reach: the stored id, else (on an e-mail change Zoho has not
 * seen yet) the contact that still has the previous e-mail. Undefined: upsert by e-mail.
 */
async function updateTarget(ctx: CrmContext, contact: ContactInput): Promise<string | undefined> {
	if (contact.contactId) return contact.contactId;
	if (!contact.previousEmail || sameEmail(contact.previousEmail, contact.email)) return undefined;
	if (await findContact(ctx, { email: contact.email })) return undefined;
	return (await findContact(ctx, { email: contact.previousEmail }))?.contactId;
}

function failed(ctx: CrmContext, email: string, error: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `Zoho CRM rejected ${email}: ${error}`, {
		description: 'Check the value against the field in Zoho CRM (Setup → Customization → Modules and Fields → Contacts), or the association in the WPUM Field Mapper.',
	});
}

async function upsertOne(ctx: CrmContext, contact: ContactInput): Promise<UpsertResult> {
	const record = await recordFor(ctx, contact);
	let targetId = await updateTarget(ctx, contact);
	if (targetId) {
		const updated = await updateById(ctx, targetId, record);
		if (updated.ok) return { contactId: targetId, action: 'updated', email: contact.email };
		if (!updated.notFound) throw crmApiError(ctx, zohocrm, updated.response);
		// The stored id is gone: follow the previous e-mail, else upsert by e-mail.
		targetId = await updateTarget(ctx, { ...contact, contactId: undefined });
		if (targetId) {
			const again = await updateById(ctx, targetId, record);
			if (again.ok) return { contactId: targetId, action: 'updated', email: contact.email };
			if (!again.notFound) throw crmApiError(ctx, zohocrm, again.response);
		}
	}
	const [result] = await upsertRecords(ctx, [record]);
	if (!result.ok) throw failed(ctx, contact.email, result.error);
	return { contactId: result.id, action: result.action, email: contact.email };
}

/** Existing tags by name (case-insensitive), creating the missing ones when asked. */
async function tagRefs(ctx: CrmContext, names: string[], createMissing: boolean): Promise<IDataObject[]> {
	const known = await tagsForRun(ctx, zohocrm);
	const missing = names.filter((name) => !known.some((tag) => tag.name.toLowerCase() === name.toLowerCase()));
	if (missing.length && createMissing) {
		const response = await crmRequestOk(ctx, zohocrm, {
			method: 'POST',
			path: `${API}/settings/tags`,
			qs: { module: MODULE },
			body: { tags: missing.map((name) => ({ name })) },
		});
		const results = ((response.body as IDataObject).tags ?? []) as IDataObject[];
		results.forEach((result, i) => {
			const details = (result.details ?? {}) as IDataObject;
			if (result.status === 'success') known.push({ id: String(details.id), name: String(details.name ?? missing[i]) });
			else if (result.code !== 'DUPLICATE_DATA') throw failed(ctx, `tag "${missing[i]}"`, describe(result));
		});
		if (results.some((r) => r.code === 'DUPLICATE_DATA')) known.push(...(await zohocrm.listTags(ctx)).filter((t) => !known.some((k) => k.id === t.id)));
	}
	return names.flatMap((name) => {
		const tag = known.find((t) => t.name.toLowerCase() === name.toLowerCase());
		return tag ? [{ id: tag.id, name: tag.name }] : [];
	});
}

async function tagAction(ctx: CrmContext, contactId: string, action: 'add_tags' | 'remove_tags', tags: IDataObject[]): Promise<void> {
	if (!tags.length) return;
	const response = await crmRequest(ctx, zohocrm, { method: 'POST', path: `${API}/${MODULE}/${encodeURIComponent(contactId)}/actions/${action}`, body: { tags } });
	const result = firstRecordResult(response.body);
	if (response.statusCode >= 300 || (result && result.status !== 'success')) throw crmApiError(ctx, zohocrm, response);
}

export const zohocrm: CrmAdapter = {
	slug: 'zohocrm',
	displayName: 'Zoho CRM',
	credentialType: 'wpumZohoCrmOAuth2Api',
	isTokenExpired: (response) => response.statusCode === 401 && errorCode(response) === 'INVALID_TOKEN',
	tagsAre: 'record tags (created by name when missing)',
	batchSize: RECORD_LIMIT,
	docsUrl: 'https://www.zoho.com/crm/developer/docs/api/v8/upsert-records.html',

	baseUrl: (credentials) => apiDomain(credentials).replace(/\/+$/, ''),

	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		if (!body || typeof body !== 'object') return undefined;
		if (typeof body.code === 'string') return describe(body);
		const record = firstRecordResult(body);
		return record && record.status === 'error' ? describe(record) : undefined;
	},

	upsert: async (ctx, contact) => {
		const result = await upsertOne(ctx, contact);
		await zohocrm.addTags(ctx, result.contactId, contact.tags ?? []);
		return result;
	},

	/** One upsert call for the contacts keyed by e-mail; those with a stored id or an e-mail change go one by one. */
	async upsertBatch(ctx, contacts) {
		const results: BatchItemResult[] = new Array(contacts.length);
		const byEmail: Array<{ index: number; record: IDataObject }> = [];
		for (const [index, contact] of contacts.entries()) {
			try {
				if (contact.contactId || (contact.previousEmail && !sameEmail(contact.previousEmail, contact.email))) {
					results[index] = { ok: true, result: await zohocrm.upsert(ctx, contact) };
				} else byEmail.push({ index, record: await recordFor(ctx, contact) });
			} catch (error) {
				results[index] = { ok: false, error: (error as Error).message };
			}
		}
		if (!byEmail.length) return results;
		const saved = await upsertRecords(ctx, byEmail.map((entry) => entry.record));
		for (const [n, { index }] of byEmail.entries()) {
			const result = saved[n];
			const contact = contacts[index];
			if (!result.ok) {
				results[index] = { ok: false, error: result.error };
				continue;
			}
			try {
				await zohocrm.addTags(ctx, result.id, contact.tags ?? []);
				results[index] = { ok: true, result: { contactId: result.id, action: result.action, email: contact.email } };
			} catch (error) {
				results[index] = { ok: false, error: `saved as ${result.id}, but its tags failed: ${(error as Error).message}` };
			}
		}
		return results;
	},

	async addTags(ctx, contactId, tags) {
		const names = cleanTagNames(tags);
		if (!names.length) return;
		await tagAction(ctx, contactId, 'add_tags', await tagRefs(ctx, names, true));
	},

	async removeTags(ctx, contactId, tags) {
		const names = cleanTagNames(tags);
		if (!names.length) return;
		await tagAction(ctx, contactId, 'remove_tags', await tagRefs(ctx, names, false));
	},

	getContact: findContact,

	async deleteContact(ctx, contactId) {
		const response = await crmRequest(ctx, zohocrm, { method: 'DELETE', path: `${API}/${MODULE}`, qs: { ids: contactId } });
		const result = firstRecordResult(response.body);
		if (result?.status === 'success') return;
		// INVALID_DATA for the id: the record is already gone.
		if (result?.code === 'INVALID_DATA') return;
		throw crmApiError(ctx, zohocrm, response);
	},

	// GET /settings/fields has no paging: one answer carries every field of the module.
	async listFields(ctx) {
		const fields = await moduleFields(ctx);
		return fields
			.filter((field) => isWritable(field) && field.api_name !== 'Email')
			.map(
				(field): CrmField => ({
					key: field.api_name,
					label: String(field.display_label ?? field.field_label ?? field.api_name),
					type: field.data_type,
					standard: field.custom_field !== true,
				}),
			)
			.sort((a, b) => Number(b.standard) - Number(a.standard));
	},

	// GET /settings/tags has no paging either (a module holds at most 200 tags, by edition).
	async listTags(ctx) {
		const response = await crmRequestOk(ctx, zohocrm, { method: 'GET', path: `${API}/settings/tags`, qs: { module: MODULE } });
		const tags = ((response.body as IDataObject | undefined)?.tags ?? []) as IDataObject[];
		return tags.map((tag) => ({ id: String(tag.id), name: String(tag.name) }));
	},
};
