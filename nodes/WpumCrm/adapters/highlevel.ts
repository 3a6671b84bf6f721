import type { IDataObject } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, findExisting, msUntilUtcMidnight, sameEmail, yesNo } from './helpers';
import { asText, isBlank, type ValueOrProblem } from './values';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmResponse, CrmTag, UpsertResult } from './types';

/**
 * HighLevel (LeadConnector API v2, https://marketplace.gohighlevel.com/docs/): every call is scoped to a
 * Location (sub-account) whose id the credential carries. Tags are plain names on the contact, created
 * in the location when first used. Custom fields are offered by their `fieldKey` (`contact.<name>`) and
 * sent as `customFields: [{ id, field_value }]`.
 */
const DEFAULT_BASE_URL = 'https://services.leadconnectorhq.com';
/** Custom field types a value can be written to (file uploads, text-box lists and signatures cannot). */
const WRITABLE_TYPES = ['TEXT', 'LARGE_TEXT', 'NUMERICAL', 'PHONE', 'MONETORY', 'CHECKBOX', 'SINGLE_OPTIONS', 'MULTIPLE_OPTIONS', 'DATE', 'RADIO', 'EMAIL'];

type StandardKind = 'text' | 'nullable' | 'country' | 'date' | 'boolean';

/** Contact properties of the upsert/update bodies the node writes (the e-mail is the item's own). */
const STANDARD_FIELDS: ReadonlyArray<{ key: string; label: string; kind: StandardKind }> = [
	{ key: 'firstName', label: 'First Name', kind: 'nullable' },
	{ key: 'lastName', label: 'Last Name', kind: 'nullable' },
	{ key: 'name', label: 'Full Name', kind: 'nullable' },
	{ key: 'phone', label: 'Phone', kind: 'nullable' },
	{ key: 'companyName', label: 'Company Name', kind: 'nullable' },
	{ key: 'address1', label: 'Street Address', kind: 'nullable' },
	{ key: 'city', label: 'City', kind: 'nullable' },
	{ key: 'state', label: 'State', kind: 'nullable' },
	{ key: 'postalCode', label: 'Postal Code', kind: 'text' },
	{ key: 'country', label: 'Country (2-letter code)', kind: 'country' },
	{ key: 'website', label: 'Website', kind: 'nullable' },
	{ key: 'timezone', label: 'Time Zone', kind: 'nullable' },
	{ key: 'dateOfBirth', label: 'Date of Birth', kind: 'date' },
	{ key: 'gender', label: 'Gender', kind: 'text' },
	{ key: 'source', label: 'Source', kind: 'text' },
	{ key: 'dnd', label: 'Do Not Disturb (all channels)', kind: 'boolean' },
];

async function locationId(ctx: CrmContext): Promise<string> {
	const credentials = await ctx.getCredentials(highlevel.credentialType);
	const id = String(credentials.locationId ?? '').trim();
	if (!id) {
		throw new NodeOperationError(ctx.getNode(), 'The HighLevel credential has no Location ID', {
			description: 'Open the HighLevel credential and fill in the sub-account\'s Location ID (Settings → Business Profile).',
		});
	}
	return id;
}

// ---- custom fields ---------------------------------------------------------------------------------

const customFieldsPerRun = new WeakMap<object, IDataObject[]>();

/** The location's contact custom fields (one answer, the route has no paging), read once per node run. */
async function customFields(ctx: CrmContext): Promise<IDataObject[]> {
	let list = customFieldsPerRun.get(ctx);
	if (!list) {
		const location = await locationId(ctx);
		const response = await crmRequestOk(ctx, highlevel, {
			method: 'GET',
			path: `/locations/${encodeURIComponent(location)}/customFields`,
			qs: { model: 'contact' },
		});
		const all = ((response.body as IDataObject)?.customFields ?? []) as IDataObject[];
		list = all.filter((field) => (field.model ?? 'contact') === 'contact' && WRITABLE_TYPES.includes(String(field.dataType)));
		customFieldsPerRun.set(ctx, list);
	}
	return list;
}

function listOf(value: unknown): string[] {
	const raw = Array.isArray(value) ? value.map(String) : String(value).split(',');
	return raw.map((part) => part.trim()).filter(Boolean);
}

function optionsText(options: string[]): string {
	return options.map((option) => `"${option}"`).join(', ');
}

/** A date as YYYY-MM-DD from YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, an ISO date-time or a Unix timestamp. */
export function toHighLevelDate(value: unknown): ValueOrProblem {
	if (typeof value === 'number' && Number.isFinite(value)) {
		return { value: new Date(value > 1e11 ? value : value * 1000).toISOString().slice(0, 10) };
	}
	const text = String(value).trim();
	if (/^\d{9,}$/.test(text)) return toHighLevelDate(Number(text));
	const day = /^(\d{4})[-/._](\d{2})[-/._](\d{2})(?:T.*)?$/.exec(text);
	if (day && !Number.isNaN(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])))) {
		const date = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
		if (date.getUTCMonth() === Number(day[2]) - 1) return { value: `${day[1]}-${day[2]}-${day[3]}` };
	}
	return { problem: `needs a date as YYYY-MM-DD, not "${text}"` };
}

/** A value in the shape the custom field's data type takes; an empty value clears the field. */
function customValue(field: IDataObject, value: unknown): ValueOrProblem {
	const options = ((field.picklistOptions ?? []) as unknown[]).map(String);
	const multiple = ['MULTIPLE_OPTIONS', 'CHECKBOX'].includes(String(field.dataType));
	if (isBlank(value)) return { value: multiple ? [] : '' };
	const pick = (wanted: string) => options.find((option) => option.toLowerCase() === wanted.trim().toLowerCase());
	switch (String(field.dataType)) {
		case 'NUMERICAL':
		case 'MONETORY': {
			const text = asText(value).value === undefined ? '' : String(asText(value).value).trim();
			const number = typeof value === 'number' ? value : Number(text);
			return Number.isFinite(number) && text !== '' ? { value: number } : { problem: `needs a number, not ${JSON.stringify(value)}` };
		}
		case 'SINGLE_OPTIONS':
		case 'RADIO': {
			const text = asText(value);
			if (text.problem) return text;
			const option = pick(String(text.value));
			return option !== undefined ? { value: option } : { problem: `needs one of ${optionsText(options)}, not "${String(text.value)}"` };
		}
		case 'MULTIPLE_OPTIONS':
		case 'CHECKBOX': {
			const chosen: string[] = [];
			for (const wanted of listOf(value)) {
				const option = pick(wanted);
				if (option === undefined) return { problem: `takes only ${optionsText(options)}, not "${wanted}"` };
				if (!chosen.includes(option)) chosen.push(option);
			}
			return { value: chosen };
		}
		case 'DATE':
			return toHighLevelDate(value);
		default:
			return asText(value);
	}
}

function standardValue(kind: StandardKind, value: unknown): ValueOrProblem {
	if (isBlank(value)) return { value: kind === 'nullable' || kind === 'date' ? null : kind === 'boolean' ? false : '' };
	switch (kind) {
		case 'boolean': {
			const flag = yesNo(value);
			return flag === undefined ? { problem: `needs yes/no (true or false), not ${JSON.stringify(value)}` } : { value: flag };
		}
		case 'date':
			return toHighLevelDate(value);
		case 'country': {
			const code = String(value).trim().toUpperCase();
			return /^[A-Z]{2}$/.test(code) ? { value: code } : { problem: `needs a 2-letter country code (e.g. US, GB, DE), not "${String(value)}"` };
		}
		default: {
			const text = asText(value);
			return text.problem ? text : { value: String(text.value).trim() };
		}
	}
}

/**
 * The item's fields as HighLevel contact properties plus `customFields`. A value that does not fit its
 * field fails the item here, before anything is sent (the node has already refused unknown keys).
 */
async function contactBody(ctx: CrmContext, contact: ContactInput): Promise<IDataObject> {
	const body: IDataObject = {};
	const entries = Object.entries(contact.fields ?? {});
	const custom: IDataObject[] = [];
	const known = entries.some(([key]) => !STANDARD_FIELDS.some((field) => field.key === key)) ? await customFields(ctx) : [];
	for (const [key, raw] of entries) {
		const standard = STANDARD_FIELDS.find((field) => field.key === key);
		const field = standard ? undefined : known.find((candidate) => candidate.fieldKey === key);
		const { value, problem } = standard ? standardValue(standard.kind, raw) : field ? customValue(field, raw) : { problem: 'is not a contact field of this location' };
		if (problem) {
			const name = field ? `custom field "${String(field.name)}" (${key})` : `field ${key}`;
			throw new NodeOperationError(ctx.getNode(), `HighLevel ${name} ${problem} (contact ${contact.email})`, {
				description: 'Nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.',
			});
		}
		if (field) custom.push({ id: String(field.id), field_value: value as IDataObject[string] });
		else body[key] = value as IDataObject[string];
	}
	if (custom.length) body.customFields = custom;
	return body;
}

// ---- contacts --------------------------------------------------------------------------------------

function toContact(record: IDataObject): CrmContact {
	return { contactId: String(record.id), email: String(record.email ?? ''), contact: record };
}

/** A 400/404/422 that says the contact does not exist (the docs list no 404 for these routes). */
function isMissing(response: CrmResponse): boolean {
	return [400, 404, 422].includes(response.statusCode) && /not\s*found|does not exist|invalid contact ?id/i.test(highlevel.errorMessage?.(response) ?? '');
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (by.contactId) {
		const response = await crmRequest(ctx, highlevel, { method: 'GET', path: `/contacts/${encodeURIComponent(by.contactId.trim())}` });
		if (isMissing(response)) return undefined;
		if (response.statusCode >= 300) throw crmApiError(ctx, highlevel, response);
		const record = (response.body as IDataObject)?.contact as IDataObject | undefined;
		return record ? toContact(record) : undefined;
	}
	const email = by.email?.trim();
	if (!email) return undefined;
	const response = await crmRequestOk(ctx, highlevel, {
		method: 'GET',
		path: '/contacts/search/duplicate',
		qs: { locationId: await locationId(ctx), email },
	});
	const record = (response.body as IDataObject)?.contact as IDataObject | null | undefined;
	return record && record.id ? toContact(record) : undefined;
}

/** HighLevel's 400 when another contact of the location already has this e-mail. */
function isDuplicate(response: CrmResponse): boolean {
	return response.statusCode === 400 && /duplicat/i.test(highlevel.errorMessage?.(response) ?? '');
}

async function updateContact(ctx: CrmContext, existing: CrmContact, contact: ContactInput, body: IDataObject): Promise<UpsertResult | undefined> {
	const changes: IDataObject = { ...body };
	if (existing.email !== contact.email) changes.email = contact.email;
	const done: UpsertResult = { contactId: existing.contactId, action: 'updated', email: contact.email };
	if (!Object.keys(changes).length) return done;
	const response = await crmRequest(ctx, highlevel, { method: 'PUT', path: `/contacts/${encodeURIComponent(existing.contactId)}`, body: changes });
	if (isMissing(response)) return undefined;
	if (isDuplicate(response)) {
		throw new NodeOperationError(ctx.getNode(), `HighLevel already has another contact with the e-mail ${contact.email}, so this contact cannot take it`, {
			description: `Nothing was changed (HighLevel: ${highlevel.errorMessage?.(response) ?? 'duplicate'}). Merge the two contacts in HighLevel (Contacts → select both → Merge), then run this item again.`,
		});
	}
	if (response.statusCode >= 300) throw crmApiError(ctx, highlevel, response);
	return done;
}

async function upsertByEmail(ctx: CrmContext, contact: ContactInput, body: IDataObject): Promise<UpsertResult> {
	const response = await crmRequestOk(ctx, highlevel, {
		method: 'POST',
		path: '/contacts/upsert',
		body: { ...body, locationId: await locationId(ctx), email: contact.email },
	});
	const answer = response.body as IDataObject;
	const record = (answer?.contact ?? {}) as IDataObject;
	return { contactId: String(record.id), action: answer?.new === true ? 'created' : 'updated', email: contact.email };
}

export const highlevel: CrmAdapter = {
	slug: 'highlevel',
	displayName: 'HighLevel',
	credentialType: 'wpumHighLevelApi',
	tagsAre: 'contact tags (created by name when first used)',
	docsUrl: 'https://marketplace.gohighlevel.com/docs/ghl/contacts/upsert-contact',

	baseUrl: (credentials) => String(credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, ''),

	/**
	 * HighLevel sends no reset time: the burst limit (X-RateLimit-Max per X-RateLimit-Interval-Milliseconds)
	 * is a rolling window, so the transport's backoff rides it out. A spent daily quota
	 * (X-RateLimit-Daily-Remaining: 0) waits for the next day, which the "Max Rate-Limit Wait" option
	 * turns into a clear error instead of a hang.
	 */
	resetDelayMs(response) {
		if (response.statusCode !== 429) return undefined;
		const daily = response.headers['x-ratelimit-daily-remaining'];
		return daily !== undefined && Number(daily) <= 0 ? msUntilUtcMidnight() : undefined;
	},

	/** `{ statusCode, message }`, where a validation error's `message` is a list of sentences. */
	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		if (!body || typeof body !== 'object') return undefined;
		if (Array.isArray(body.message)) return body.message.map(String).join('; ') || undefined;
		if (typeof body.message === 'string' && body.message) return body.message;
		if (typeof body.error === 'string' && body.error) return body.error;
		return undefined;
	},

	async upsert(ctx, contact) {
		// Checked first: a value that does not fit its field fails the item before anything is sent.
		const body = await contactBody(ctx, contact);
		let result: UpsertResult | undefined;
		// A stored id or an e-mail change: update that contact by id (the upsert route would match by the
		// new e-mail only and create a second contact). Otherwise the upsert route decides.
		if (contact.contactId || (contact.previousEmail && !sameEmail(contact.previousEmail, contact.email))) {
			const existing = await findExisting(contact, (by) => findContact(ctx, by));
			if (existing) result = await updateContact(ctx, existing, contact, body);
		}
		result ??= await upsertByEmail(ctx, contact, body);
		// Tags go through the tag route: `tags` in the upsert body would replace all the contact's tags.
		const tags = cleanTagNames(contact.tags);
		if (tags.length) await highlevel.addTags(ctx, result.contactId, tags);
		return result;
	},

	async addTags(ctx, contactId, tags) {
		const names = cleanTagNames(tags);
		if (!names.length) return;
		await crmRequestOk(ctx, highlevel, { method: 'POST', path: `/contacts/${encodeURIComponent(contactId)}/tags`, body: { tags: names } });
	},

	async removeTags(ctx, contactId, tags) {
		const names = cleanTagNames(tags);
		if (!names.length) return;
		await crmRequestOk(ctx, highlevel, { method: 'DELETE', path: `/contacts/${encodeURIComponent(contactId)}/tags`, body: { tags: names } });
	},

	getContact: findContact,

	async deleteContact(ctx, contactId) {
		const response = await crmRequest(ctx, highlevel, { method: 'DELETE', path: `/contacts/${encodeURIComponent(contactId)}` });
		if (response.statusCode >= 300 && !isMissing(response)) throw crmApiError(ctx, highlevel, response);
	},

	/** The contact properties, then the location's writable contact custom fields (one answer, no paging). */
	async listFields(ctx) {
		const standard = STANDARD_FIELDS.map((field): CrmField => ({ key: field.key, label: field.label, type: field.kind === 'nullable' ? 'text' : field.kind, standard: true }));
		const custom = (await customFields(ctx)).map(
			(field): CrmField => ({ key: String(field.fieldKey), label: String(field.name), type: String(field.dataType) }),
		);
		return [...standard, ...custom];
	},

	/** The location's tags (`GET /locations/{id}/tags` answers all of them at once; it takes no paging). */
	async listTags(ctx) {
		const location = await locationId(ctx);
		const response = await crmRequestOk(ctx, highlevel, { method: 'GET', path: `/locations/${encodeURIComponent(location)}/tags` });
		const rows = ((response.body as IDataObject)?.tags ?? []) as IDataObject[];
		return rows.map((row): CrmTag => ({ id: String(row.id), name: String(row.name) })).sort((a, b) => a.name.localeCompare(b.name));
	},
};
