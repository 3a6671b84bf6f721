import type { IDataObject } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import type { CrmRequest } from '../transport';
import { chunk, cleanTagNames, crmSetting, findExisting, sameEmail } from './helpers';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmResponse, CrmTag } from './types';
import { asText, declaredNames, isBlank, isScalar, toE164 as e164 } from './values';

/**
 * Omnisend's current API (https://api-docs.omnisend.com/reference/contacts): the date-versioned
 * `https://api.omnisend.com/api` that replaced v5, with `Authorization: Omnisend-API-Key …` and this
 * version in the `Omnisend-Version` header of every request.
 */
export const OMNISEND_VERSION = '2026-03-15';
/** Custom properties are keyed `customProperties.<name>` so they never collide with a standard field. */
const CUSTOM_PREFIX = 'customProperties.';
/** `GET /contacts` returns at most 250 contacts a page. */
const CONTACT_PAGE_SIZE = 250;
/** `POST/DELETE /contacts/tags` take at most 100 tags a call. */
const TAGS_PER_CALL = 100;

type FieldType = 'text' | 'phone' | 'countryCode' | 'gender' | 'date';

/** Omnisend's standard contact fields (the e-mail is the item's own `email`, not a field). */
const STANDARD_FIELDS: ReadonlyArray<{ key: string; label: string; type: FieldType }> = [
	{ key: 'firstName', label: 'First Name', type: 'text' },
	{ key: 'lastName', label: 'Last Name', type: 'text' },
	{ key: 'phone', label: 'Phone (E.164)', type: 'phone' },
	{ key: 'address', label: 'Address', type: 'text' },
	{ key: 'city', label: 'City', type: 'text' },
	{ key: 'state', label: 'State or Region', type: 'text' },
	{ key: 'postalCode', label: 'Postal Code', type: 'text' },
	{ key: 'country', label: 'Country', type: 'text' },
	{ key: 'countryCode', label: 'Country Code (ISO 3166-1 alpha-2)', type: 'countryCode' },
	{ key: 'gender', label: 'Gender (m or f)', type: 'gender' },
	{ key: 'birthdate', label: 'Birthdate (YYYY-MM-DD)', type: 'date' },
];

function withVersion(request: CrmRequest): CrmRequest {
	return { ...request, headers: { 'Omnisend-Version': OMNISEND_VERSION, ...(request.headers ?? {}) } };
}

async function call(ctx: CrmContext, request: CrmRequest): Promise<CrmResponse> {
	return await crmRequest(ctx, omnisend, withVersion(request));
}

async function callOk(ctx: CrmContext, request: CrmRequest, allow: number[] = []): Promise<CrmResponse> {
	return await crmRequestOk(ctx, omnisend, withVersion(request), allow);
}

// ---- fields and values ------------------------------------------------------------------------------

/** Custom property names from the node setting "Custom Properties" (comma-separated free text). */
function declaredProperties(ctx: CrmContext): string[] {
	return declaredNames(ctx, 'omnisendCustomProperties', CUSTOM_PREFIX);
}

type Converted = { value?: unknown; skip?: boolean; problem?: string };

/** A phone number in E.164, the only form Omnisend documents for phone identifiers. */
export function toE164(value: unknown): Converted {
	return e164(value, '+14155550123');
}

const GENDERS: Record<string, 'm' | 'f'> = { m: 'm', male: 'm', man: 'm', f: 'f', female: 'f', woman: 'f' };

/**
 * A standard field's value in the form Omnisend documents. An empty value clears a text field (sent
 * as ""); gender, birthdate, country code and phone have a fixed format that "" would break, so an
 * empty value leaves them as they are.
 */
function convertStandard(type: FieldType, value: unknown): Converted {
	if (isBlank(value)) return type === 'text' ? { value: '' } : { skip: true };
	switch (type) {
		case 'phone':
			return toE164(value);
		case 'countryCode': {
			const code = String(value).trim();
			return /^[A-Za-z]{2}$/.test(code) ? { value: code.toUpperCase() } : { problem: `needs a two-letter ISO country code (e.g. US), not "${code}"` };
		}
		case 'gender': {
			const gender = GENDERS[String(value).trim().toLowerCase()];
			return gender ? { value: gender } : { problem: `needs m or f (male or female), not "${String(value)}"` };
		}
		case 'date': {
			const match = /^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(String(value).trim());
			return match ? { value: match[1] } : { problem: `needs a date as YYYY-MM-DD, not "${String(value)}"` };
		}
		default:
			return asText(value);
	}
}

/** Custom properties keep text, numbers, true/false and lists of those; empty clears with "". */
function convertCustom(value: unknown): Converted {
	if (isBlank(value)) return { value: '' };
	if (isScalar(value)) return { value };
	if (Array.isArray(value) && value.every(isScalar)) return { value };
	return { problem: `needs text, a number, true/false or a list of those, not ${JSON.stringify(value)}` };
}

/**
 * The item's fields as an Omnisend contact body (without identifiers and tags) plus its phone. A value
 * Omnisend would refuse fails the item here, before anything is sent.
 */
export function contactFields(ctx: CrmContext, contact: ContactInput): { body: IDataObject; phone?: string } {
	const body: IDataObject = {};
	const custom: IDataObject = {};
	let phone: string | undefined;
	for (const [key, raw] of Object.entries(contact.fields ?? {})) {
		const isCustom = key.startsWith(CUSTOM_PREFIX) && key.length > CUSTOM_PREFIX.length;
		const standard = STANDARD_FIELDS.find((field) => field.key === key);
		if (!isCustom && !standard) {
			throw new NodeOperationError(ctx.getNode(), `Omnisend has no contact field "${key}" (contact ${contact.email})`, {
				description: `Use a standard field (${STANDARD_FIELDS.map((f) => f.key).join(', ')}) or a custom property as customProperties.<name>.`,
			});
		}
		const converted = isCustom ? convertCustom(raw) : convertStandard(standard!.type, raw);
		if (converted.problem) {
			throw new NodeOperationError(ctx.getNode(), `Omnisend ${isCustom ? 'custom property' : 'field'} ${key} ${converted.problem} (contact ${contact.email})`, {
				description: 'Nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.',
			});
		}
		if (converted.skip) continue;
		if (isCustom) custom[key.slice(CUSTOM_PREFIX.length)] = converted.value as IDataObject[string];
		else if (key === 'phone') phone = String(converted.value);
		else body[key] = converted.value as IDataObject[string];
	}
	if (Object.keys(custom).length) body.customProperties = custom;
	return { body, phone };
}

// ---- contacts ---------------------------------------------------------------------------------------

function toContact(record: IDataObject): CrmContact {
	const identifiers = (record.identifiers ?? []) as IDataObject[];
	const email = record.email ?? identifiers.find((identifier) => identifier.type === 'email')?.id ?? '';
	return { contactId: String(record.id), email: String(email), contact: record };
}

async function byEmail(ctx: CrmContext, email: string): Promise<CrmContact | undefined> {
	const response = await callOk(ctx, { method: 'GET', path: '/contacts', qs: { email, limit: 1 } });
	const rows = ((response.body as IDataObject | undefined)?.contacts ?? []) as IDataObject[];
	return rows.length ? toContact(rows[0]) : undefined;
}

/**
 * A contact by id, or by e-mail. Omnisend compares e-mail identifiers case-sensitively, so an address
 * not found as given is looked up again in lower case (the form WordPress usually stores).
 */
async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (by.contactId) {
		const response = await callOk(ctx, { method: 'GET', path: `/contacts/${encodeURIComponent(by.contactId)}` }, [404]);
		return response.statusCode === 404 ? undefined : toContact(response.body as IDataObject);
	}
	const email = by.email?.trim();
	if (!email) return undefined;
	const found = await byEmail(ctx, email);
	if (found || email === email.toLowerCase()) return found;
	return await byEmail(ctx, email.toLowerCase());
}

/** Tags in `add` the contact lacks (case-insensitive), appended to the tags it has. */
function mergedTags(current: unknown, add: string[]): string[] | undefined {
	const have = Array.isArray(current) ? current.map(String) : [];
	const missing = add.filter((tag) => !have.some((t) => t.toLowerCase() === tag.toLowerCase()));
	return missing.length ? [...have, ...missing] : undefined;
}

function emailStatusForNew(ctx: CrmContext): 'subscribed' | 'nonSubscribed' {
	return crmSetting<string>(ctx, 'omnisendEmailStatus', 'nonSubscribed') === 'subscribed' ? 'subscribed' : 'nonSubscribed';
}

/** Omnisend's 409: the new e-mail (or phone) already belongs to another contact. */
function identifierTakenError(ctx: CrmContext, contact: ContactInput, response: CrmResponse): NodeOperationError {
	const detail = omnisend.errorMessage?.(response);
	return new NodeOperationError(ctx.getNode(), `Omnisend already has another contact with the e-mail ${contact.email} (or the phone number), so this contact cannot take it`, {
		description: `Nothing was changed${detail ? ` (Omnisend: ${detail})` : ''}. Delete or change the other contact in Omnisend (Audience → Contacts), then run this item again.`,
	});
}

async function updateContact(ctx: CrmContext, existing: CrmContact, contact: ContactInput, fields: IDataObject, phone: string | undefined) {
	const body: IDataObject = { ...fields };
	const identifiers: IDataObject[] = [];
	// Changing the e-mail: the new address replaces the contact's e-mail identifier (no welcome message).
	if (!sameEmail(existing.email, contact.email)) identifiers.push({ type: 'email', id: contact.email, sendWelcomeMessage: false });
	if (phone && !((existing.contact.phone ?? []) as string[]).includes(phone)) identifiers.push({ type: 'phone', id: phone, sendWelcomeMessage: false });
	if (identifiers.length) body.identifiers = identifiers;
	// Omnisend replaces the whole tag list on a write: send the tags the contact has plus the new ones.
	const tags = mergedTags(existing.contact.tags, cleanTagNames(contact.tags));
	if (tags) body.tags = tags;
	if (!Object.keys(body).length) return { contactId: existing.contactId, action: 'updated' as const, email: contact.email };

	const response = await call(ctx, { method: 'PATCH', path: `/contacts/${encodeURIComponent(existing.contactId)}`, body });
	if (response.statusCode === 409) throw identifierTakenError(ctx, contact, response);
	if (response.statusCode === 404) return undefined;
	if (response.statusCode >= 300) throw crmApiError(ctx, omnisend, response);
	return { contactId: existing.contactId, action: 'updated' as const, email: contact.email };
}

async function createContact(ctx: CrmContext, contact: ContactInput, fields: IDataObject, phone: string | undefined) {
	const email: IDataObject = {
		type: 'email',
		id: contact.email,
		sendWelcomeMessage: crmSetting<unknown>(ctx, 'omnisendSendWelcome', false) === true,
	};
	if (emailStatusForNew(ctx) === 'subscribed') {
		email.channels = { email: { status: 'subscribed', statusChangedAt: new Date().toISOString() } };
	}
	const identifiers: IDataObject[] = [email];
	if (phone) identifiers.push({ type: 'phone', id: phone, sendWelcomeMessage: false });
	const body: IDataObject = { identifiers, ...fields };
	const tags = cleanTagNames(contact.tags);
	if (tags.length) body.tags = tags;
	const response = await callOk(ctx, { method: 'POST', path: '/contacts', body });
	const id = (response.body as IDataObject | undefined)?.id;
	if (!id) throw crmApiError(ctx, omnisend, { ...response, body: { detail: 'Omnisend saved the contact but did not return its id' } });
	// 201: created; 200: Omnisend found a contact with this e-mail and updated it (upsert).
	return { contactId: String(id), action: response.statusCode === 201 ? ('created' as const) : ('updated' as const), email: contact.email };
}

async function changeTags(ctx: CrmContext, method: 'POST' | 'DELETE', contactId: string, tags: string[]): Promise<void> {
	for (const part of chunk(cleanTagNames(tags), TAGS_PER_CALL)) {
		await callOk(ctx, { method, path: '/contacts/tags', body: { contactIDs: [contactId], tags: part } });
	}
}

export const omnisend: CrmAdapter = {
	slug: 'omnisend',
	displayName: 'Omnisend',
	credentialType: 'wpumOmnisendApi',
	tagsAre: 'contact tags (created by name when first used)',
	docsUrl: 'https://api-docs.omnisend.com/reference/contacts',

	settings: [
		{
			displayName: 'Custom Properties',
			name: 'omnisendCustomProperties',
			type: 'string',
			default: '',
			placeholder: 'plan, favorite_color',
			displayOptions: { show: { operation: ['upsert'] } },
			description:
				'Names of the Omnisend custom properties this node may write, separated by commas. Omnisend has no list of them, so name them here; they are offered as customProperties.&lt;name&gt; in the field lists, and any other key fails the item (a typo would otherwise create a stray property).',
		},
		{
			displayName: 'Email Status for New Contacts',
			name: 'omnisendEmailStatus',
			type: 'options',
			options: [
				{ name: 'Not Subscribed (Omnisend Default)', value: 'nonSubscribed' },
				{ name: 'Subscribed', value: 'subscribed' },
			],
			default: 'nonSubscribed',
			displayOptions: { show: { operation: ['upsert'] } },
			description:
				'E-mail channel status of contacts this node creates. Choose Subscribed only if your users agreed to marketing e-mails. Existing contacts keep their status.',
		},
		{
			displayName: 'Send Welcome Message',
			name: 'omnisendSendWelcome',
			type: 'boolean',
			default: false,
			displayOptions: { show: { operation: ['upsert'] } },
			description: "Whether Omnisend's welcome workflow (when you turned it on in Omnisend) may greet contacts this node creates",
		},
	],

	baseUrl: (credentials) => String(credentials.baseUrl || 'https://api.omnisend.com/api').replace(/\/+$/, ''),

	/**
	 * On 429 Omnisend's problem body says `retryAfter` (seconds); its `X-Rate-Limit-Reset` header gives
	 * the seconds left in the current one-minute window. Without either the transport backs off.
	 */
	resetDelayMs(response) {
		if (response.statusCode !== 429) return undefined;
		const retryAfter = Number(((response.body ?? {}) as IDataObject).retryAfter);
		if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
		const value = response.headers['x-rate-limit-reset'];
		if (value === undefined || value === null || value === '') return undefined;
		const reset = Number(Array.isArray(value) ? value[0] : value);
		return Number.isFinite(reset) && reset >= 0 ? reset * 1000 : undefined;
	},

	/** RFC 9457 problem details: `detail` (else `title`), then each field error. */
	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		if (!body || typeof body !== 'object') return undefined;
		const main = String(body.detail || body.title || '');
		const errors = Array.isArray(body.errors)
			? (body.errors as IDataObject[]).map((error) => `${String(error.field ?? '')}: ${String(error.message ?? error.code ?? 'invalid')}`)
			: [];
		const text = [main, errors.join('; ')].filter(Boolean).join(' — ');
		return text || (typeof body.error === 'string' ? body.error : undefined);
	},

	async upsert(ctx, contact) {
		// Checked first: a value Omnisend would refuse fails the item before anything is sent.
		const { body: fields, phone } = contactFields(ctx, contact);
		const existing = await findExisting(contact, (by) => findContact(ctx, by));
		if (existing) {
			const updated = await updateContact(ctx, existing, contact, fields, phone);
			if (updated) return updated;
			// Deleted in Omnisend since it was found: create it again.
		}
		return await createContact(ctx, contact, fields, phone);
	},

	/** `POST /contacts/tags`: Omnisend tags the contact asynchronously (202), creating unknown tags. */
	async addTags(ctx, contactId, tags) {
		await changeTags(ctx, 'POST', contactId, tags);
	},

	/** `DELETE /contacts/tags` (202, asynchronous); tags themselves are never deleted. */
	async removeTags(ctx, contactId, tags) {
		await changeTags(ctx, 'DELETE', contactId, tags);
	},

	getContact: findContact,

	/**
	 * Omnisend's API cannot delete a contact: "Delete Contact" unsubscribes its e-mail channel, so no
	 * campaign or automation reaches it. Delete the contact in Omnisend's app to remove the record.
	 */
	async deleteContact(ctx, contactId) {
		const found = await findContact(ctx, { contactId });
		if (!found) return;
		const response = await call(ctx, {
			method: 'PATCH',
			path: `/contacts/${encodeURIComponent(contactId)}`,
			body: {
				identifiers: [
					{
						type: 'email',
						id: found.email,
						sendWelcomeMessage: false,
						channels: { email: { status: 'unsubscribed', statusChangedAt: new Date().toISOString() } },
					},
				],
			},
		});
		if (response.statusCode >= 300 && response.statusCode !== 404) throw crmApiError(ctx, omnisend, response);
	},

	/**
	 * Omnisend has no field schema: its standard fields, then the custom properties named in the
	 * "Custom Properties" setting. No request is made, so there is nothing to page.
	 */
	async listFields(ctx) {
		const standard = STANDARD_FIELDS.map((field): CrmField => ({ key: field.key, label: field.label, type: field.type, standard: true }));
		const custom = declaredProperties(ctx).map((name): CrmField => ({ key: `${CUSTOM_PREFIX}${name}`, label: name, type: 'custom property' }));
		return [...standard, ...custom];
	},

	/**
	 * Omnisend has no route that lists tags: they exist on contacts only. The tags in use are read from
	 * every contact, 250 a page, following `paging.cursors.after` to the end (one request per 250
	 * contacts; only the editor's tag dropdown calls this).
	 */
	async listTags(ctx) {
		const tags = new Map<string, CrmTag>();
		let after: string | undefined;
		for (;;) {
			const qs: IDataObject = { limit: CONTACT_PAGE_SIZE };
			if (after) qs.after = after;
			const response = await callOk(ctx, { method: 'GET', path: '/contacts', qs });
			const body = (response.body ?? {}) as IDataObject;
			for (const row of (body.contacts ?? []) as IDataObject[]) {
				for (const tag of (row.tags ?? []) as string[]) {
					const name = String(tag);
					if (!tags.has(name.toLowerCase())) tags.set(name.toLowerCase(), { id: name, name });
				}
			}
			const paging = (body.paging ?? {}) as IDataObject;
			const next = ((paging.cursors ?? {}) as IDataObject).after;
			if (paging.hasMore !== true || typeof next !== 'string' || !next || next === after) {
				return [...tags.values()].sort((a, b) => a.name.localeCompare(b.name));
			}
			after = next;
		}
	},
};
