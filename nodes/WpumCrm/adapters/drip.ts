import type { IDataObject } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import type { CrmRequest } from '../transport';
import { cleanTagNames, crmSetting, findExisting, sameEmail } from './helpers';
import { tagsForRun } from './tagCache';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmResponse, UpsertResult } from './types';
import { toE164 as e164 } from './values';

/**
 * Drip REST API v2 (https://developer.drip.com/). Subscribers are created or updated with
 * `POST /v2/{account}/subscribers` (`{ subscribers: [one subscriber] }`, always 200), found by Drip id
 * (`id`) or e-mail; `new_email` changes the e-mail of the subscriber found. `tags` and `remove_tags`
 * ride along in the same call. Tags are free strings that Drip creates on first use.
 */

type AttributeType = 'string' | 'boolean' | 'integer' | 'sms' | { oneOf: string[] };

/** The subscriber attributes Drip's create-or-update call takes (besides email, id and tags). */
const STANDARD: Record<string, { label: string; type: AttributeType }> = {
	first_name: { label: 'First Name', type: 'string' },
	last_name: { label: 'Last Name', type: 'string' },
	address1: { label: 'Address 1', type: 'string' },
	address2: { label: 'Address 2', type: 'string' },
	city: { label: 'City', type: 'string' },
	state: { label: 'State / Region', type: 'string' },
	zip: { label: 'Postal Code', type: 'string' },
	country: { label: 'Country', type: 'string' },
	phone: { label: 'Phone', type: 'string' },
	sms_number: { label: 'SMS Number (E.164, US only)', type: 'sms' },
	sms_consent: { label: 'SMS Consent', type: 'boolean' },
	user_id: { label: 'User ID (your database)', type: 'string' },
	time_zone: { label: 'Time Zone (Olson, e.g. Europe/Paris)', type: 'string' },
	ip_address: { label: 'IP Address', type: 'string' },
	lifetime_value: { label: 'Lifetime Value (in cents)', type: 'integer' },
	prospect: { label: 'Prospect (lead scoring)', type: 'boolean' },
	base_lead_score: { label: 'Base Lead Score', type: 'integer' },
	eu_consent: { label: 'EU Consent (GDPR)', type: { oneOf: ['granted', 'denied'] } },
	eu_consent_message: { label: 'EU Consent Message', type: 'string' },
	status: { label: 'Status', type: { oneOf: ['active', 'unsubscribed'] } },
	initial_status: { label: 'Initial Status', type: { oneOf: ['active', 'unsubscribed'] } },
};

const TRUE_WORDS = ['true', '1', 'yes', 'on', 'granted'];
const FALSE_WORDS = ['false', '0', 'no', 'off', 'denied'];
const USER_AGENT = 'n8n-nodes-wp-user-manager (https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager)';

type Converted = { value?: unknown; skip?: boolean; problem?: string };

function textOf(value: unknown): string {
	return Array.isArray(value) ? value.map((v) => String(v)).join(', ') : String(value);
}

/** `+1 (612) 555-1212` → `+16125551212`; undefined when it is not E.164 afterwards. */
export function toE164(value: string): string | undefined {
	const { value: number } = e164(value);
	return typeof number === 'string' ? number : undefined;
}

/**
 * A value in the type Drip documents for the attribute. Empty values clear text attributes and
 * custom fields (`""`); Drip documents no empty value for yes/no, number and choice attributes, so an
 * empty value leaves those as they are.
 */
export function dripValue(key: string, value: unknown): Converted {
	const empty = value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length);
	const type: AttributeType = STANDARD[key]?.type ?? 'string';
	if (empty) return type === 'string' ? { value: '' } : { skip: true };
	if (typeof value === 'object' && !Array.isArray(value)) return { problem: 'needs text, not an object' };
	const text = textOf(value).trim();
	if (type === 'string') return { value: Array.isArray(value) ? textOf(value) : String(value) };
	if (type === 'boolean') {
		if (typeof value === 'boolean') return { value };
		if (TRUE_WORDS.includes(text.toLowerCase())) return { value: true };
		if (FALSE_WORDS.includes(text.toLowerCase())) return { value: false };
		return { problem: `needs yes/no (true or false), not "${text}"` };
	}
	if (type === 'integer') {
		const number = typeof value === 'number' ? value : Number(text);
		return Number.isInteger(number) ? { value: number } : { problem: `needs a whole number, not "${text}"` };
	}
	if (type === 'sms') {
		const number = toE164(text);
		return number ? { value: number } : { problem: `needs a mobile number in E.164 format with its country code (e.g. +16125551212), not "${text}"` };
	}
	const lower = text.toLowerCase();
	const choice = type.oneOf.find((option) => option === lower);
	if (choice) return { value: choice };
	if (type.oneOf.includes('granted') && TRUE_WORDS.includes(lower)) return { value: 'granted' };
	if (type.oneOf.includes('granted') && FALSE_WORDS.includes(lower)) return { value: 'denied' };
	return { problem: `needs one of ${type.oneOf.map((o) => `"${o}"`).join(', ')}, not "${text}"` };
}

/** Custom field names declared in the node setting "Extra Custom Fields". */
function declaredCustomFields(ctx: CrmContext): string[] {
	return String(crmSetting<unknown>(ctx, 'dripCustomFields', '') ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
}

/** The subscriber's attributes and custom fields, converted; a value that does not fit fails the item. */
function subscriberFields(ctx: CrmContext, contact: ContactInput): IDataObject {
	const out: IDataObject = {};
	const custom: IDataObject = {};
	for (const [key, raw] of Object.entries(contact.fields ?? {})) {
		const { value, skip, problem } = dripValue(key, raw);
		if (problem) {
			throw new NodeOperationError(ctx.getNode(), `Drip field ${key} ${problem} (contact ${contact.email})`, {
				description: 'Nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.',
			});
		}
		if (skip) continue;
		if (STANDARD[key]) out[key] = value as IDataObject[string];
		else custom[key] = value as IDataObject[string];
	}
	if (Object.keys(custom).length) out.custom_fields = custom;
	return out;
}

function request(req: CrmRequest): CrmRequest {
	return { ...req, headers: { 'user-agent': USER_AGENT, ...(req.headers ?? {}) } };
}

function toContact(subscriber: IDataObject): CrmContact {
	return { contactId: String(subscriber.id), email: String(subscriber.email ?? ''), contact: subscriber };
}

function firstSubscriber(response: CrmResponse): IDataObject | undefined {
	return (((response.body ?? {}) as IDataObject).subscribers as IDataObject[] | undefined)?.[0];
}

async function findSubscriber(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	const key = by.contactId ?? by.email;
	if (!key) return undefined;
	const response = await crmRequestOk(ctx, drip, request({ method: 'GET', path: `/subscribers/${encodeURIComponent(key)}` }), [404]);
	const subscriber = response.statusCode === 404 ? undefined : firstSubscriber(response);
	return subscriber ? toContact(subscriber) : undefined;
}

/** One create-or-update call; the answer's subscriber, or undefined on 404 (an id Drip no longer has). */
async function postSubscriber(ctx: CrmContext, subscriber: IDataObject, allow404 = false): Promise<IDataObject | undefined> {
	const response = await crmRequest(ctx, drip, request({ method: 'POST', path: '/subscribers', body: { subscribers: [subscriber] } }));
	if (allow404 && response.statusCode === 404) return undefined;
	if (response.statusCode >= 300) throw dripError(ctx, response, subscriber);
	const saved = firstSubscriber(response);
	if (!saved?.id) {
		throw crmApiError(ctx, drip, { statusCode: response.statusCode, headers: response.headers, body: { message: 'Drip answered without the subscriber it saved' } });
	}
	return saved;
}

/** Drip's 422 for a new e-mail that another subscriber already has says what to do about it. */
function dripError(ctx: CrmContext, response: CrmResponse, subscriber: IDataObject): Error {
	const errors = (((response.body ?? {}) as IDataObject).errors ?? []) as IDataObject[];
	if (response.statusCode === 422 && subscriber.new_email && errors.some((e) => e.code === 'uniqueness_error')) {
		return new NodeOperationError(
			ctx.getNode(),
			`Drip cannot change the e-mail of subscriber ${String(subscriber.id ?? subscriber.email)} to ${String(subscriber.new_email)}: another Drip subscriber already has it (${drip.errorMessage!(response)})`,
			{ description: 'Merge or delete one of the two subscribers in Drip (People), then run this item again.' },
		);
	}
	return crmApiError(ctx, drip, response);
}

/** Tag names in the spelling the account already uses ("vip" reuses "VIP"); new names as given. */
async function canonicalTags(ctx: CrmContext, tags: string[] | undefined): Promise<string[]> {
	const names = cleanTagNames(tags);
	if (!names.length) return [];
	const known = await tagsForRun(ctx, drip);
	return names.map((name) => {
		const found = known.find((tag) => tag.name.toLowerCase() === name.toLowerCase());
		if (found) return found.name;
		known.push({ id: name, name });
		return name;
	});
}

export const drip: CrmAdapter = {
	slug: 'drip',
	displayName: 'Drip',
	credentialType: 'wpumDripApi',
	tagsAre: 'tags (created by name when missing)',
	docsUrl: 'https://developer.drip.com/#create-or-update-a-subscriber',

	settings: [
		{
			displayName: 'Extra Custom Fields',
			name: 'dripCustomFields',
			type: 'string',
			default: '',
			placeholder: 'membership_level, favorite_color',
			description:
				'Drip lists only the custom fields some subscriber already has. Name new custom fields here (separated by commas) so this node may create them; any other unknown key fails the item.',
		},
	],

	baseUrl(credentials) {
		const base = String(credentials.baseUrl || 'https://api.getdrip.com/v2').replace(/\/+$/, '');
		return `${base}/${encodeURIComponent(String(credentials.accountId ?? '').trim())}`;
	},

	/** Drip documents only X-RateLimit-Limit/-Remaining; a reset header, when one is sent, is honoured. */
	resetDelayMs(response) {
		const raw = response.headers['x-ratelimit-reset'];
		const value = Number(Array.isArray(raw) ? raw[0] : raw);
		if (response.statusCode !== 429 || !Number.isFinite(value) || value <= 0) return undefined;
		// A Unix time (seconds) or a number of seconds to wait.
		return value > 1_000_000_000 ? Math.max(0, value * 1000 - Date.now()) : value * 1000;
	},

	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		if (!body || typeof body !== 'object') return undefined;
		const errors = (body.errors ?? []) as IDataObject[];
		if (Array.isArray(errors) && errors.length) {
			return errors
				.map((error) => {
					const text = String(error.message ?? error.code ?? 'error');
					return error.attribute ? `${text} (${String(error.code)} on ${String(error.attribute)})` : text;
				})
				.join('; ');
		}
		return typeof body.message === 'string' ? body.message : undefined;
	},

	async upsert(ctx, contact): Promise<UpsertResult> {
		// Converted first: a value that does not fit fails the item before anything is sent.
		const fields = subscriberFields(ctx, contact);
		const tags = await canonicalTags(ctx, contact.tags);
		const payload = (identity: IDataObject): IDataObject => ({ ...identity, ...fields, ...(tags.length ? { tags } : {}) });

		// A stored id: update that subscriber straight away (new_email follows an e-mail change).
		if (contact.contactId) {
			const saved = await postSubscriber(ctx, payload({ id: contact.contactId, new_email: contact.email }), true);
			if (saved) return { contactId: String(saved.id), action: 'updated', email: String(saved.email ?? contact.email) };
		}
		const existing = await findExisting({ ...contact, contactId: undefined }, (by) => findSubscriber(ctx, by));
		if (existing) {
			const identity: IDataObject = { id: existing.contactId };
			if (!sameEmail(existing.email, contact.email)) identity.new_email = contact.email;
			const saved = await postSubscriber(ctx, payload(identity));
			return { contactId: String(saved!.id), action: 'updated', email: String(saved!.email ?? contact.email) };
		}
		const saved = await postSubscriber(ctx, payload({ email: contact.email }));
		return { contactId: String(saved!.id), action: 'created', email: String(saved!.email ?? contact.email) };
	},

	async addTags(ctx, contactId, tags) {
		const names = await canonicalTags(ctx, tags);
		if (names.length) await postSubscriber(ctx, { id: contactId, tags: names });
	},

	async removeTags(ctx, contactId, tags) {
		const names = cleanTagNames(tags);
		if (!names.length) return;
		// Every spelling the account has for the name, so "vip" also takes off "VIP".
		const known = await tagsForRun(ctx, drip);
		const remove = new Set(names);
		for (const tag of known) if (names.some((name) => name.toLowerCase() === tag.name.toLowerCase())) remove.add(tag.name);
		await postSubscriber(ctx, { id: contactId, remove_tags: [...remove] });
	},

	getContact: findSubscriber,

	async deleteContact(ctx, contactId) {
		await crmRequestOk(ctx, drip, request({ method: 'DELETE', path: `/subscribers/${encodeURIComponent(contactId)}` }), [404]);
	},

	// Drip answers with every identifier at once (the route has no paging).
	async listFields(ctx) {
		const response = await crmRequestOk(ctx, drip, request({ method: 'GET', path: '/custom_field_identifiers' }));
		const identifiers = (((response.body ?? {}) as IDataObject).custom_field_identifiers ?? []) as unknown[];
		const fields: CrmField[] = Object.entries(STANDARD).map(([key, { label, type }]) => ({
			key,
			label,
			type: typeof type === 'string' ? type : type.oneOf.join(' | '),
			standard: true,
		}));
		for (const name of [...identifiers.map(String), ...declaredCustomFields(ctx)]) {
			// first_name/last_name may also be listed as legacy custom fields: the attribute wins.
			if (!fields.some((field) => field.key === name)) fields.push({ key: name, label: name, type: 'custom field' });
		}
		return fields;
	},

	// Drip answers with every tag at once (the route has no paging); tags are names, so id = name.
	async listTags(ctx) {
		const response = await crmRequestOk(ctx, drip, request({ method: 'GET', path: '/tags' }));
		const tags = (((response.body ?? {}) as IDataObject).tags ?? []) as unknown[];
		return tags.map((tag) => ({ id: String(tag), name: String(tag) }));
	},
};
