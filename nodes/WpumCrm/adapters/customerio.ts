/**
 * Customer.io (Journeys). Writes go through the Track API (`track.customer.io`, HTTP basic auth with
 * the Site ID and Track API key); reads go through the App API (`api.customer.io`, bearer App API key),
 * because the Track API cannot read people. The credential sends each API its own authorization.
 *
 * The contact id is Customer.io's `cio_id`: assigned by Customer.io, never changed, and the only
 * identifier through which the Track API may change a person's e-mail (`PUT /customers/cio_<id>`).
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { NodeOperationError, sleep } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import type { CrmRequest } from '../transport';
import { cleanTagNames, crmSetting, sameEmail } from './helpers';
import { tagsForRun } from './tagCache';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmResponse, CrmTag, UpsertResult } from './types';

const TRACK_DEFAULT = 'https://track.customer.io';
const APP_DEFAULT = 'https://api.customer.io';
/** Documented Track API limits (bytes). */
const MAX_NAME_BYTES = 150;
const MAX_VALUE_BYTES = 1000;
const MAX_ATTRIBUTES = 300;
/** Waits (ms) for a person just created through the Track API to show in the App API. */
export const READ_BACK_WAITS_MS = [250, 500, 1000, 2000, 4000];

/** Attributes offered first in the field list: reserved ones Customer.io gives a meaning, and the usual names. */
const STANDARD_FIELDS: ReadonlyArray<{ key: string; label: string; type: string }> = [
	{ key: 'first_name', label: 'First Name', type: 'text' },
	{ key: 'last_name', label: 'Last Name', type: 'text' },
	{ key: 'created_at', label: 'Created At (Unix time)', type: 'timestamp' },
	{ key: 'unsubscribed', label: 'Unsubscribed (all messages)', type: 'boolean' },
	{ key: 'timezone', label: 'Time Zone (IANA, e.g. Europe/Paris)', type: 'text' },
];
/** Keys the node manages itself or Customer.io reserves for other data: never free attributes. */
const RESERVED = ['id', 'email', 'cio_id', 'anonymous_id', '_update', '_timestamp', 'cio_relationships', 'cio_subscription_preferences'];

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

function trackBase(credentials: ICredentialDataDecryptedObject): string {
	return String(credentials.trackBaseUrl || TRACK_DEFAULT).replace(/\/+$/, '');
}

function appBase(credentials: ICredentialDataDecryptedObject): string {
	return String(credentials.appBaseUrl || APP_DEFAULT).replace(/\/+$/, '');
}

// ---- requests --------------------------------------------------------------------------------------

/** The body of an answer; Customer.io's error bodies come in a few shapes. */
function bodyOf(response: CrmResponse): IDataObject {
	let body = response.body;
	if (typeof body === 'string' && body.trim()) {
		const raw = body;
		try {
			body = JSON.parse(raw) as unknown;
		} catch {
			return { message: raw };
		}
	}
	return body && typeof body === 'object' && !Array.isArray(body) ? (body as IDataObject) : {};
}

/** `{"meta":{"errors":[...]}}` (Track 400), `{"meta":{"error":"..."}}`, `{"errors":[{"detail":...}]}`. */
function customerioMessage(response: CrmResponse): string | undefined {
	const body = bodyOf(response);
	const meta = (body.meta ?? {}) as IDataObject;
	if (Array.isArray(meta.errors) && meta.errors.length) return meta.errors.map(String).join('; ');
	if (typeof meta.error === 'string' && meta.error) return meta.error;
	if (Array.isArray(body.errors) && body.errors.length) {
		return (body.errors as unknown[])
			.map((error) => (error && typeof error === 'object' ? String((error as IDataObject).detail ?? (error as IDataObject).message ?? JSON.stringify(error)) : String(error)))
			.join('; ');
	}
	return undefined;
}

async function track(ctx: CrmContext, request: CrmRequest, allow: number[] = []): Promise<CrmResponse> {
	return await crmRequestOk(ctx, customerio, request, allow);
}

async function app(ctx: CrmContext, request: CrmRequest, allow: number[] = []): Promise<CrmResponse> {
	const response = await crmRequestOk(ctx, customerioApp, request, allow);
	return { ...response, body: bodyOf(response) };
}

// ---- fields and values ------------------------------------------------------------------------------

/** Custom attribute names from the node setting "Custom Attributes" (comma-separated free text). */
function declaredAttributes(ctx: CrmContext): string[] {
	const raw = crmSetting<unknown>(ctx, 'customerioCustomAttributes', '');
	const list = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(',');
	const out: string[] = [];
	for (const entry of list) {
		const name = entry.trim();
		if (!name || out.includes(name) || RESERVED.includes(name) || STANDARD_FIELDS.some((field) => field.key === name)) continue;
		out.push(name);
	}
	return out;
}

type Converted = { value?: string | number | boolean; problem?: string };

function isScalar(value: unknown): value is string | number | boolean {
	return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function bytes(text: string): number {
	return Buffer.byteLength(text, 'utf8');
}

/** A date, ISO date-time or Unix time (seconds or milliseconds) as whole Unix seconds. */
export function toUnixSeconds(value: unknown): Converted {
	if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()))) {
		const number = Number(value);
		return { value: Math.floor(number > 1e11 ? number / 1000 : number) };
	}
	if (typeof value === 'string') {
		const text = value.trim();
		const parsed = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
		if (!Number.isNaN(parsed)) return { value: Math.floor(parsed / 1000) };
	}
	return { problem: `needs a date (YYYY-MM-DD, an ISO date-time or a Unix time), not ${JSON.stringify(value)}` };
}

/**
 * A value as the Track API takes it: text, whole numbers and true/false (its schema allows nothing
 * else). Lists become text joined with ", ", decimals become text, an empty value `""` (which clears).
 */
export function attributeValue(key: string, value: unknown): Converted {
	if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return { value: '' };
	let converted: Converted;
	if (key === 'created_at') converted = toUnixSeconds(value);
	else if (key === 'unsubscribed') {
		const word = String(value).trim().toLowerCase();
		if (typeof value === 'boolean') converted = { value };
		else if (TRUE_WORDS.includes(word)) converted = { value: true };
		else if (FALSE_WORDS.includes(word)) converted = { value: false };
		else converted = { problem: `needs yes/no (true or false), not ${JSON.stringify(value)}` };
	} else if (typeof value === 'number') converted = Number.isInteger(value) ? { value } : { value: String(value) };
	else if (isScalar(value)) converted = { value };
	else if (Array.isArray(value) && value.every(isScalar)) converted = { value: value.map(String).join(', ') };
	else converted = { problem: `needs text, a number, true/false or a list of those, not ${JSON.stringify(value)}` };
	if (typeof converted.value === 'string' && bytes(converted.value) > MAX_VALUE_BYTES) {
		return { problem: `is ${bytes(converted.value)} bytes long; Customer.io takes at most ${MAX_VALUE_BYTES} bytes per attribute value` };
	}
	return converted;
}

/**
 * The contact's fields as Track API attributes. A key outside the standard list and the "Custom
 * Attributes" setting never gets here (the node checks keys first); a value Customer.io would refuse
 * or drop fails the item here, before anything is sent.
 */
export function trackAttributes(ctx: CrmContext, contact: ContactInput): IDataObject {
	const out: IDataObject = {};
	const entries = Object.entries(contact.fields ?? {});
	if (entries.length > MAX_ATTRIBUTES) {
		throw new NodeOperationError(ctx.getNode(), `Customer.io takes at most ${MAX_ATTRIBUTES} attributes per call; ${contact.email} has ${entries.length}`);
	}
	for (const [key, raw] of entries) {
		if (RESERVED.includes(key)) {
			throw new NodeOperationError(ctx.getNode(), `"${key}" is reserved in Customer.io and cannot be written as an attribute (contact ${contact.email})`, {
				description: 'The node sets the e-mail and the ID itself. Map this value to another attribute in the WPUM Field Mapper.',
			});
		}
		if (bytes(key) > MAX_NAME_BYTES) {
			throw new NodeOperationError(ctx.getNode(), `Customer.io attribute names may be at most ${MAX_NAME_BYTES} bytes long: "${key.slice(0, 40)}…"`);
		}
		const { value, problem } = attributeValue(key, raw);
		if (problem) {
			throw new NodeOperationError(ctx.getNode(), `Customer.io attribute ${key} ${problem} (contact ${contact.email})`, {
				description: 'Nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.',
			});
		}
		out[key] = value as IDataObject[string];
	}
	return out;
}

// ---- people -----------------------------------------------------------------------------------------

interface Person {
	cioId: string;
	/** The person's `id` identifier, when they have one. */
	id?: string;
	email: string;
	record: IDataObject;
}

function text(value: unknown): string | undefined {
	return value === undefined || value === null || value === '' ? undefined : String(value);
}

/** A person from `GET /v1/customers/{id}/attributes` (`{ customer: { id, identifiers, attributes } }`). */
function personFromAttributes(body: IDataObject): Person | undefined {
	const customer = (body.customer ?? {}) as IDataObject;
	const identifiers = (customer.identifiers ?? {}) as IDataObject;
	const attributes = (customer.attributes ?? {}) as IDataObject;
	const cioId = text(identifiers.cio_id) ?? text(attributes.cio_id) ?? text(customer.cio_id);
	if (!cioId) return undefined;
	return {
		cioId,
		id: text(identifiers.id) ?? text(customer.id) ?? text(attributes.id),
		email: text(identifiers.email) ?? text(attributes.email) ?? text(customer.email) ?? '',
		record: customer,
	};
}

/** One person by an App API identifier type; undefined on 404. */
async function personBy(ctx: CrmContext, idType: 'cio_id' | 'id', value: string): Promise<Person | undefined> {
	const response = await app(ctx, { method: 'GET', path: `/v1/customers/${encodeURIComponent(value)}/attributes`, qs: { id_type: idType } }, [404]);
	return response.statusCode === 404 ? undefined : personFromAttributes(response.body as IDataObject);
}

/** The person with this e-mail (`GET /v1/customers?email=`), the exact match first. */
async function personByEmail(ctx: CrmContext, email: string): Promise<Person | undefined> {
	const response = await app(ctx, { method: 'GET', path: '/v1/customers', qs: { email: email.trim() } });
	const rows = ((response.body as IDataObject).results ?? []) as IDataObject[];
	const row = rows.find((candidate) => sameEmail(String(candidate.email ?? ''), email)) ?? rows[0];
	if (!row || !text(row.cio_id)) return undefined;
	return { cioId: String(row.cio_id), id: text(row.id), email: String(row.email ?? email), record: row };
}

/** The `id` identifier this contact should carry: the WordPress user ID (with the prefix), if enabled. */
function customerId(ctx: CrmContext, contact: ContactInput): string | undefined {
	if (!crmSetting<boolean>(ctx, 'customerioUseWpUserId', true)) return undefined;
	const wpUserId = text(contact.wpUserId)?.trim();
	if (!wpUserId) return undefined;
	return `${String(crmSetting<string>(ctx, 'customerioIdPrefix', '') ?? '').trim()}${wpUserId}`;
}

/**
 * The person this upsert must update, found the way that never duplicates: stored cio_id, else the
 * WordPress user ID (`id`), else the e-mail, else the previous e-mail. Also says who owns the new
 * e-mail, when that was looked up.
 */
async function resolvePerson(ctx: CrmContext, contact: ContactInput, id: string | undefined): Promise<{ person?: Person; emailOwner?: Person | null }> {
	if (contact.contactId) {
		const person = await personBy(ctx, 'cio_id', contact.contactId);
		if (person) return { person };
	}
	if (id) {
		const person = await personBy(ctx, 'id', id);
		if (person) return { person };
	}
	const byEmail = await personByEmail(ctx, contact.email);
	if (byEmail) return { person: byEmail, emailOwner: byEmail };
	if (contact.previousEmail && !sameEmail(contact.previousEmail, contact.email)) {
		const person = await personByEmail(ctx, contact.previousEmail);
		if (person) return { person, emailOwner: null };
	}
	return { emailOwner: null };
}

/** Reads back the cio_id of a person just created: the Track API answers before the App API shows it. */
async function readBack(ctx: CrmContext, contact: ContactInput, id: string | undefined): Promise<Person> {
	for (let attempt = 0; ; attempt++) {
		const person = id ? await personBy(ctx, 'id', id) : await personByEmail(ctx, contact.email);
		if (person) return person;
		if (attempt >= READ_BACK_WAITS_MS.length) break;
		await sleep(READ_BACK_WAITS_MS[attempt]);
	}
	const seconds = READ_BACK_WAITS_MS.reduce((sum, ms) => sum + ms, 0) / 1000;
	throw new NodeOperationError(ctx.getNode(), `Customer.io accepted ${contact.email} but its App API did not show the person within ${seconds} s, so there is no contact ID to return`, {
		description:
			'The person was sent and will appear in Customer.io. Run this item again later: it then finds the person by e-mail, updates it and returns its ID (nothing is duplicated).',
	});
}

function toContact(person: Person): CrmContact {
	return { contactId: person.cioId, email: person.email, contact: person.record };
}

// ---- manual segments (what our tags become) ----------------------------------------------------------

/** Manual segments by name, created (App API) when missing and `createMissing` is set. */
async function segmentIdsByName(ctx: CrmContext, names: string[], createMissing: boolean): Promise<string[]> {
	if (!names.length) return [];
	const existing = await tagsForRun(ctx, customerio);
	const ids: string[] = [];
	for (const name of names) {
		const found = existing.find((segment) => segment.name.toLowerCase() === name.toLowerCase());
		if (found) {
			ids.push(found.id);
			continue;
		}
		if (!createMissing) continue;
		const response = await app(ctx, {
			method: 'POST',
			path: '/v1/segments',
			body: { segment: { name, description: 'Tag set by the WPUM CRM Sync node for n8n' } },
		});
		const id = String(((response.body as IDataObject).segment as IDataObject).id);
		existing.push({ id, name });
		ids.push(id);
	}
	return ids;
}

async function changeMembership(ctx: CrmContext, action: 'add_customers' | 'remove_customers', segmentId: string, cioId: string): Promise<void> {
	await track(ctx, {
		method: 'POST',
		path: `/api/v1/segments/${encodeURIComponent(segmentId)}/${action}`,
		qs: { id_type: 'cio_id' },
		body: { ids: [cioId] },
	});
}

// ---- the adapter ----------------------------------------------------------------------------------------

export const customerio: CrmAdapter = {
	slug: 'customerio',
	displayName: 'Customer.io',
	credentialType: 'wpumCustomerIoApi',
	tagsAre: 'manual segments (created by name when missing)',
	docsUrl: 'https://docs.customer.io/integrations/api/track/',

	settings: [
		{
			displayName: 'Custom Attributes',
			name: 'customerioCustomAttributes',
			type: 'string',
			default: '',
			placeholder: 'plan, company',
			displayOptions: { show: { operation: ['upsert'] } },
			description:
				'Names of the Customer.io attributes this node may write besides first_name, last_name, created_at, unsubscribed and timezone, separated by commas. Customer.io has no list of attributes, so name them here; any other key fails the item (a typo would otherwise create a stray attribute).',
		},
		{
			displayName: 'Use WordPress User ID as ID',
			name: 'customerioUseWpUserId',
			type: 'boolean',
			default: true,
			displayOptions: { show: { operation: ['upsert'] } },
			description:
				'Whether new people get the WordPress user ID as their Customer.io ID identifier (people who already have an ID keep it). The node then also finds a person by it, so an e-mail change never duplicates them.',
		},
		{
			displayName: 'ID Prefix',
			name: 'customerioIdPrefix',
			type: 'string',
			default: '',
			placeholder: 'shop-',
			displayOptions: { show: { operation: ['upsert'], customerioUseWpUserId: [true] } },
			description: 'Put before the WordPress user ID, so several WordPress sites can share one Customer.io workspace',
		},
	],

	baseUrl: trackBase,
	errorMessage: customerioMessage,

	async upsert(ctx, contact): Promise<UpsertResult> {
		// Checked first: a value Customer.io would refuse fails the item before anything (even a segment) is created.
		const attributes = trackAttributes(ctx, contact);
		const id = customerId(ctx, contact);
		if (id && bytes(id) > MAX_NAME_BYTES) {
			throw new NodeOperationError(ctx.getNode(), `The Customer.io ID "${id}" is longer than ${MAX_NAME_BYTES} bytes`);
		}
		const segmentIds = await segmentIdsByName(ctx, cleanTagNames(contact.tags), true);
		const { person, emailOwner } = await resolvePerson(ctx, contact, id);

		let target: Person;
		let action: UpsertResult['action'];
		if (person) {
			if (!sameEmail(person.email, contact.email)) {
				// Customer.io would answer 200 and fail the change later ("Attribute Update Failure"): check first.
				const owner = emailOwner === undefined ? await personByEmail(ctx, contact.email) : emailOwner;
				if (owner && owner.cioId !== person.cioId) {
					throw new NodeOperationError(
						ctx.getNode(),
						`Customer.io already has another person with the e-mail ${contact.email} (cio_id ${owner.cioId}), so person ${person.cioId} cannot change to it`,
						{ description: 'Nothing was changed. Merge the two people in Customer.io (or delete the other one), then run this item again.' },
					);
				}
			}
			const body: IDataObject = { ...attributes, email: contact.email };
			if (id && !person.id) body.id = id;
			await track(ctx, { method: 'PUT', path: `/api/v1/customers/cio_${encodeURIComponent(person.cioId)}`, body });
			target = { ...person, email: contact.email };
			action = 'updated';
		} else {
			const identifier = id ?? contact.email;
			await track(ctx, { method: 'PUT', path: `/api/v1/customers/${encodeURIComponent(identifier)}`, body: { ...attributes, email: contact.email } });
			target = await readBack(ctx, contact, id);
			action = 'created';
		}
		for (const segmentId of segmentIds) await changeMembership(ctx, 'add_customers', segmentId, target.cioId);
		return { contactId: target.cioId, action, email: contact.email };
	},

	async addTags(ctx, contactId, tags) {
		for (const segmentId of await segmentIdsByName(ctx, cleanTagNames(tags), true)) await changeMembership(ctx, 'add_customers', segmentId, contactId);
	},

	async removeTags(ctx, contactId, tags) {
		for (const segmentId of await segmentIdsByName(ctx, cleanTagNames(tags), false)) await changeMembership(ctx, 'remove_customers', segmentId, contactId);
	},

	async getContact(ctx, by) {
		if (by.contactId) {
			const person = await personBy(ctx, 'cio_id', by.contactId);
			return person ? toContact(person) : undefined;
		}
		if (!by.email) return undefined;
		const found = await personByEmail(ctx, by.email);
		if (!found) return undefined;
		// The e-mail search returns identifiers only: read the attributes too.
		return toContact((await personBy(ctx, 'cio_id', found.cioId)) ?? found);
	},

	async deleteContact(ctx, contactId) {
		const response = await crmRequest(ctx, customerio, { method: 'DELETE', path: `/api/v1/customers/cio_${encodeURIComponent(contactId)}` });
		if (response.statusCode >= 300 && response.statusCode !== 404) throw crmApiError(ctx, customerio, response);
	},

	/**
	 * Customer.io has no attribute schema: the standard attributes, then the names in the "Custom
	 * Attributes" setting. No request is made, so there is nothing to page.
	 */
	async listFields(ctx) {
		const standard = STANDARD_FIELDS.map((field): CrmField => ({ key: field.key, label: field.label, type: field.type, standard: true }));
		const custom = declaredAttributes(ctx).map((name): CrmField => ({ key: name, label: name, type: 'attribute' }));
		return [...standard, ...custom];
	},

	/** Manual segments (data-driven ones cannot take people through the API). The App API lists all in one answer. */
	async listTags(ctx) {
		const response = await app(ctx, { method: 'GET', path: '/v1/segments' });
		return (((response.body as IDataObject).segments ?? []) as IDataObject[])
			.filter((segment) => segment.type === 'manual')
			.map((segment): CrmTag => ({ id: String(segment.id), name: String(segment.name ?? '') }));
	},
};

/** The same CRM seen through the App API: its base URL, same credential (which sends the bearer key there). */
const customerioApp: CrmAdapter = { ...customerio, baseUrl: appBase };
