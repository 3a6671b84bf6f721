import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import type { CrmRequest } from '../transport';
import { cleanTagNames, crmSetting, sameEmail } from './helpers';
import { tagsForRun } from './tagCache';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmResponse, CrmTag } from './types';
import { asText, declaredNames, isBlank, isScalar, toE164 as e164 } from './values';

/** The API revision this adapter's request and answer shapes follow (sent as the `revision` header). */
export const KLAVIYO_REVISION = '2026-07-15';
/** Klaviyo speaks JSON:API; its spec documents only this media type for request bodies. */
const JSON_API = 'application/vnd.api+json';
/** `GET /api/lists` returns at most 10 lists per page. */
const LIST_PAGE_SIZE = 10;
/** Custom properties are keyed `properties.<name>` so they never collide with a standard attribute. */
const CUSTOM_PREFIX = 'properties.';

/** Klaviyo's standard profile attributes (the e-mail is the item's own `email`, not a field). */
const STANDARD_FIELDS: ReadonlyArray<{ attribute: string; label: string; type: string }> = [
	{ attribute: 'first_name', label: 'First Name', type: 'string' },
	{ attribute: 'last_name', label: 'Last Name', type: 'string' },
	{ attribute: 'phone_number', label: 'Phone Number (E.164)', type: 'phone' },
	{ attribute: 'organization', label: 'Organization', type: 'string' },
	{ attribute: 'title', label: 'Job Title', type: 'string' },
	{ attribute: 'locale', label: 'Locale (e.g. en-US)', type: 'locale' },
	{ attribute: 'image', label: 'Image URL', type: 'string' },
	{ attribute: 'external_id', label: 'External ID', type: 'string' },
	{ attribute: 'location.address1', label: 'Address Line 1', type: 'string' },
	{ attribute: 'location.address2', label: 'Address Line 2', type: 'string' },
	{ attribute: 'location.city', label: 'City', type: 'string' },
	{ attribute: 'location.region', label: 'Region (State/Province)', type: 'string' },
	{ attribute: 'location.zip', label: 'Zip Code', type: 'string' },
	{ attribute: 'location.country', label: 'Country', type: 'string' },
	{ attribute: 'location.timezone', label: 'Time Zone (IANA)', type: 'string' },
	{ attribute: 'location.latitude', label: 'Latitude', type: 'number' },
	{ attribute: 'location.longitude', label: 'Longitude', type: 'number' },
	{ attribute: 'location.ip', label: 'IP Address', type: 'string' },
];

/** The JSON:API document of an answer (n8n may hand `application/vnd.api+json` over unparsed). */
function documentOf(response: CrmResponse): IDataObject {
	let body = response.body;
	if (typeof body === 'string' && body.trim()) {
		try {
			body = JSON.parse(body) as unknown;
		} catch {
			return {};
		}
	}
	return body && typeof body === 'object' && !Array.isArray(body) ? (body as IDataObject) : {};
}

function withHeaders(request: CrmRequest): CrmRequest {
	const headers: IDataObject = { revision: KLAVIYO_REVISION, accept: JSON_API, ...(request.headers ?? {}) };
	if (request.body !== undefined) headers['content-type'] = JSON_API;
	return { ...request, headers };
}

async function call(ctx: CrmContext, request: CrmRequest): Promise<CrmResponse> {
	const response = await crmRequest(ctx, klaviyo, withHeaders(request));
	return { ...response, body: documentOf(response) };
}

async function callOk(ctx: CrmContext, request: CrmRequest, allow: number[] = []): Promise<CrmResponse> {
	const response = await crmRequestOk(ctx, klaviyo, withHeaders(request), allow);
	return { ...response, body: documentOf(response) };
}

/** A JSON:API filter string value: double quotes, with `\` and `"` escaped. */
function quoted(value: string): string {
	return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

// ---- fields and values ------------------------------------------------------------------------------

/** Custom property names from the node setting "Custom Properties" (comma-separated free text). */
function declaredProperties(ctx: CrmContext): string[] {
	return declaredNames(ctx, 'klaviyoCustomProperties', CUSTOM_PREFIX);
}

type Converted = { value?: unknown; clear?: boolean; problem?: string };

/** A phone number in E.164, the only form Klaviyo accepts. */
export function toE164(value: unknown): Converted {
	return e164(value, '+15005550006');
}

function convertStandard(key: string, value: unknown): Converted {
	if (isBlank(value)) return { clear: true };
	const type = STANDARD_FIELDS.find((field) => field.attribute === key)?.type;
	if (type === 'phone') return toE164(value);
	if (type === 'number') {
		const number = typeof value === 'number' ? value : Number(String(value).trim());
		return Number.isFinite(number) && String(value).trim() !== '' ? { value: number } : { problem: `needs a number, not "${String(value)}"` };
	}
	const text = asText(value);
	// WordPress locales are written en_US; Klaviyo wants the BCP 47 form en-US.
	if (type === 'locale' && typeof text.value === 'string') return { value: text.value.replace(/_/g, '-') };
	return text;
}

/** Custom properties keep text, numbers, true/false and lists of those (Klaviyo stores lists as lists). */
function convertCustom(value: unknown): Converted {
	if (isBlank(value)) return { clear: true };
	if (isScalar(value)) return { value };
	if (Array.isArray(value) && value.every(isScalar)) return { value };
	return { problem: `needs text, a number, true/false or a list of those, not ${JSON.stringify(value)}` };
}

/**
 * The contact's fields as profile-import attributes. Empty values clear: `null` for standard
 * attributes, `meta.patch_properties.unset` for custom properties. A value Klaviyo would refuse (or
 * store in a form segments cannot use) fails the item here, before anything is sent.
 */
export function profileAttributes(ctx: CrmContext, contact: ContactInput): { attributes: IDataObject; unset: string[] } {
	const attributes: IDataObject = {};
	const location: IDataObject = {};
	const properties: IDataObject = {};
	const unset: string[] = [];
	for (const [key, raw] of Object.entries(contact.fields ?? {})) {
		const custom = key.startsWith(CUSTOM_PREFIX);
		if (!custom && !STANDARD_FIELDS.some((field) => field.attribute === key)) {
			throw new NodeOperationError(ctx.getNode(), `Klaviyo has no profile attribute "${key}" (contact ${contact.email})`, {
				description: `Use a standard attribute (${STANDARD_FIELDS.map((f) => f.attribute).join(', ')}) or a custom property as properties.<name>.`,
			});
		}
		const converted = custom ? convertCustom(raw) : convertStandard(key, raw);
		if (converted.problem) {
			throw new NodeOperationError(ctx.getNode(), `Klaviyo ${custom ? 'custom property' : 'attribute'} ${key} ${converted.problem} (contact ${contact.email})`, {
				description: 'Nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.',
			});
		}
		const value = converted.clear ? null : (converted.value as IDataObject[string]);
		if (custom) {
			const name = key.slice(CUSTOM_PREFIX.length);
			if (converted.clear) unset.push(name);
			else properties[name] = value;
		} else if (key.startsWith('location.')) {
			location[key.slice('location.'.length)] = value;
		} else {
			attributes[key] = value;
		}
	}
	if (Object.keys(location).length) attributes.location = location;
	if (Object.keys(properties).length) attributes.properties = properties;
	return { attributes, unset };
}

// ---- profiles -------------------------------------------------------------------------------------

function toContact(resource: IDataObject): CrmContact {
	const attributes = (resource.attributes ?? {}) as IDataObject;
	return { contactId: String(resource.id), email: String(attributes.email ?? ''), contact: resource };
}

async function findProfile(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (by.contactId) {
		const response = await callOk(ctx, { method: 'GET', path: `/api/profiles/${encodeURIComponent(by.contactId)}` }, [404]);
		if (response.statusCode === 404) return undefined;
		return toContact(((response.body as IDataObject).data ?? {}) as IDataObject);
	}
	if (!by.email) return undefined;
	// Klaviyo keeps e-mail addresses in lower case; the filter compares exactly.
	const response = await callOk(ctx, {
		method: 'GET',
		path: '/api/profiles',
		qs: { filter: `equals(email,${quoted(by.email.trim().toLowerCase())})`, 'page[size]': 1 },
	});
	const rows = ((response.body as IDataObject).data ?? []) as IDataObject[];
	return rows.length ? toContact(rows[0]) : undefined;
}

/** The profile this upsert must update by id: the stored id, else (on an e-mail change) the previous e-mail's. */
async function targetProfileId(ctx: CrmContext, contact: ContactInput): Promise<string | undefined> {
	if (contact.contactId) {
		const byId = await findProfile(ctx, { contactId: contact.contactId });
		if (byId) return byId.contactId;
	}
	if (contact.previousEmail && !sameEmail(contact.previousEmail, contact.email)) {
		if (await findProfile(ctx, { email: contact.email })) return undefined;
		return (await findProfile(ctx, { email: contact.previousEmail }))?.contactId;
	}
	return undefined;
}

function firstError(response: CrmResponse): IDataObject | undefined {
	const errors = (response.body as IDataObject | undefined)?.errors;
	return Array.isArray(errors) && errors.length ? (errors[0] as IDataObject) : undefined;
}

/** Klaviyo's 409: the new e-mail already belongs to another profile. */
function duplicateProfileError(ctx: CrmContext, contact: ContactInput, response: CrmResponse): NodeOperationError {
	const meta = (firstError(response)?.meta ?? {}) as IDataObject;
	const other = meta.duplicate_profile_id ? ` (profile ${String(meta.duplicate_profile_id)})` : '';
	return new NodeOperationError(
		ctx.getNode(),
		`Klaviyo already has another profile with the e-mail ${contact.email}${other}, so this contact's e-mail cannot change to it`,
		{
			description:
				'Nothing was changed. Merge the two profiles in Klaviyo (Profiles → the profile → Merge) or delete the other one, then run this item again.',
		},
	);
}

// ---- lists (what our tags become) -------------------------------------------------------------------

/** Klaviyo has no tags on profiles: each tag name is a list with that name, created when missing. */
async function listIdsByName(ctx: CrmContext, names: string[], createMissing: boolean): Promise<string[]> {
	if (!names.length) return [];
	const existing = await tagsForRun(ctx, klaviyo);
	const ids: string[] = [];
	for (const name of names) {
		const found = existing.find((list) => list.name.toLowerCase() === name.toLowerCase());
		if (found) {
			ids.push(found.id);
			continue;
		}
		if (!createMissing) continue;
		const response = await callOk(ctx, { method: 'POST', path: '/api/lists', body: { data: { type: 'list', attributes: { name } } } });
		const id = String(((response.body as IDataObject).data as IDataObject).id);
		existing.push({ id, name });
		ids.push(id);
	}
	return ids;
}

async function changeMembership(ctx: CrmContext, method: 'POST' | 'DELETE', listId: string, profileId: string): Promise<void> {
	await callOk(ctx, {
		method,
		path: `/api/lists/${encodeURIComponent(listId)}/relationships/profiles`,
		body: { data: [{ type: 'profile', id: profileId }] },
	});
}

/** Lists chosen in the node's "Add to List Names or IDs" setting. */
function chosenListIds(ctx: CrmContext): string[] {
	const chosen = crmSetting<unknown>(ctx, 'klaviyoListIds', []);
	return (Array.isArray(chosen) ? chosen : String(chosen).split(',')).map((id) => String(id).trim()).filter(Boolean);
}

async function getKlaviyoLists(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const lists = await klaviyo.listTags(this);
	return lists.map((list) => ({ name: list.name, value: list.id }));
}

export const klaviyo: CrmAdapter = {
	slug: 'klaviyo',
	displayName: 'Klaviyo',
	credentialType: 'wpumKlaviyoApi',
	tagsAre: 'lists (created by name when missing)',
	docsUrl: 'https://developers.klaviyo.com/en/reference/create_or_update_profile',

	settings: [
		{
			displayName: 'Custom Properties',
			name: 'klaviyoCustomProperties',
			type: 'string',
			default: '',
			placeholder: 'plan, favorite_color',
			displayOptions: { show: { operation: ['upsert'] } },
			description:
				'Names of the Klaviyo custom profile properties this node may write, separated by commas. Klaviyo has no list of them, so name them here; they are offered as properties.&lt;name&gt; in the field lists, and any other key fails the item (a typo would otherwise create a stray property).',
		},
		{
			displayName: 'Add to List Names or IDs',
			name: 'klaviyoListIds',
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getKlaviyoLists', loadOptionsDependsOn: ['crm'] },
			default: [],
			displayOptions: { show: { operation: ['upsert'] } },
			description:
				'Klaviyo lists every upserted profile joins, besides the lists named by its tags. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
	],
	loadOptions: { getKlaviyoLists },

	baseUrl: (credentials) => String(credentials.baseUrl || 'https://a.klaviyo.com').replace(/\/+$/, ''),

	/** Klaviyo sends `Retry-After` on 429 (the transport reads it); `RateLimit-Reset` (seconds) is the fallback. */
	resetDelayMs(response) {
		const value = response.headers['ratelimit-reset'];
		const reset = Number(Array.isArray(value) ? value[0] : value);
		return value !== undefined && Number.isFinite(reset) && reset >= 0 ? reset * 1000 : undefined;
	},

	errorMessage(response) {
		const errors = documentOf(response).errors;
		if (!Array.isArray(errors) || !errors.length) return undefined;
		return (errors as IDataObject[])
			.map((error) => {
				const text = String(error.detail || error.title || error.code || 'error');
				const pointer = (error.source as IDataObject | undefined)?.pointer;
				return pointer ? `${text} (${String(pointer)})` : text;
			})
			.join('; ');
	},

	async upsert(ctx, contact) {
		// Checked first: a value Klaviyo would refuse fails the item before anything (even a list) is created.
		const { attributes, unset } = profileAttributes(ctx, contact);
		const listIds = [...new Set([...chosenListIds(ctx), ...(await listIdsByName(ctx, cleanTagNames(contact.tags), true))])];
		const targetId = await targetProfileId(ctx, contact);

		const data: IDataObject = { type: 'profile', attributes: { ...attributes, email: contact.email } };
		if (targetId) data.id = targetId;
		if (unset.length) data.meta = { patch_properties: { unset } };
		const response = await call(ctx, { method: 'POST', path: '/api/profile-import', body: { data } });
		if (response.statusCode === 409) throw duplicateProfileError(ctx, contact, response);
		if (response.statusCode >= 300) throw crmApiError(ctx, klaviyo, response);
		const profileId = String(((response.body as IDataObject).data as IDataObject).id);
		for (const listId of listIds) await changeMembership(ctx, 'POST', listId, profileId);
		// 201: Klaviyo created the profile; 200: it updated one (found by id or by e-mail).
		return { contactId: profileId, action: response.statusCode === 201 ? 'created' : 'updated', email: contact.email };
	},

	async addTags(ctx, contactId, tags) {
		for (const listId of await listIdsByName(ctx, cleanTagNames(tags), true)) await changeMembership(ctx, 'POST', listId, contactId);
	},

	async removeTags(ctx, contactId, tags) {
		for (const listId of await listIdsByName(ctx, cleanTagNames(tags), false)) await changeMembership(ctx, 'DELETE', listId, contactId);
	},

	getContact: findProfile,

	/** Klaviyo has no DELETE for profiles: a data-privacy deletion job deletes it (asynchronously, for good). */
	async deleteContact(ctx, contactId) {
		const response = await call(ctx, {
			method: 'POST',
			path: '/api/data-privacy-deletion-jobs',
			body: { data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: { type: 'profile', id: contactId, attributes: {} } } } } },
		});
		if (response.statusCode >= 300 && response.statusCode !== 404) throw crmApiError(ctx, klaviyo, response);
	},

	/**
	 * Klaviyo has no field schema: the standard profile attributes, then the custom properties named in
	 * the "Custom Properties" setting. No request is made, so there is nothing to page.
	 */
	async listFields(ctx) {
		const standard = STANDARD_FIELDS.map((field): CrmField => ({ key: field.attribute, label: field.label, type: field.type, standard: true }));
		const custom = declaredProperties(ctx).map((name): CrmField => ({ key: `${CUSTOM_PREFIX}${name}`, label: name, type: 'custom property' }));
		return [...standard, ...custom];
	},

	/** Every list, following `links.next` (10 per page, Klaviyo's maximum) to the end. */
	async listTags(ctx) {
		const lists: CrmTag[] = [];
		let cursor: string | undefined;
		for (;;) {
			const qs: IDataObject = { 'fields[list]': 'name', 'page[size]': LIST_PAGE_SIZE };
			if (cursor) qs['page[cursor]'] = cursor;
			const response = await callOk(ctx, { method: 'GET', path: '/api/lists', qs });
			const body = response.body as IDataObject;
			const rows = (body.data ?? []) as IDataObject[];
			lists.push(...rows.map((row) => ({ id: String(row.id), name: String((row.attributes as IDataObject | undefined)?.name ?? '') })));
			const next = (body.links as IDataObject | undefined)?.next;
			const nextCursor = typeof next === 'string' && next ? new URL(next).searchParams.get('page[cursor]') : null;
			if (!nextCursor || nextCursor === cursor || !rows.length) return lists;
			cursor = nextCursor;
		}
	},
};
