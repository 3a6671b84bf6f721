/**
 * Drip REST API v2, as far as the adapter uses it. Drip publishes no OpenAPI file in ../shared/specs;
 * this fake follows Drip's own API reference (https://developer.drip.com/, source
 * https://github.com/DripEmail/api-docs):
 * - Authentication (https://developer.drip.com/#authentication): HTTP basic auth, the API token as
 *   username and an empty password; 401 for a request without valid credentials.
 * - Errors (https://developer.drip.com/#errors): `{ errors: [{ code, attribute?, message }] }`; 422 for
 *   validation errors (`presence_error`, `email_error`, `sms_error`, `uniqueness_error`,
 *   `format_error`, …), 403 `authorization_error`, 404 `not_found_error`.
 * - Create or update a subscriber (https://developer.drip.com/#create-or-update-a-subscriber):
 *   `POST /v2/{account}/subscribers` with `{ subscribers: [ {...} ] }`; the subscriber is found by
 *   `id` or `email` (one of email/id/visitor_uuid is required); `new_email` changes the e-mail of the
 *   subscriber found (or names a new subscriber when none is found by `email`); `tags` adds,
 *   `remove_tags` removes; `custom_fields` is an object; answers 200 `{ links, subscribers: [one] }`.
 *   Argument types as the reference lists them (`sms_consent`/`prospect` booleans, `lifetime_value`/
 *   `base_lead_score` integers, `eu_consent` granted|denied, `status`/`initial_status`
 *   active|unsubscribed, `sms_number` E.164, US only).
 * - Fetch a subscriber (https://developer.drip.com/#fetch-a-subscriber):
 *   `GET /v2/{account}/subscribers/{id_or_email}` → `{ links, subscribers: [one] }`, 404 when missing.
 * - Delete a subscriber (https://developer.drip.com/#delete-a-subscriber): 204.
 * - Tags (https://developer.drip.com/#list-all-tags-used-in-an-account): `GET /v2/{account}/tags` →
 *   `{ tags: ["Customer", …] }`, unpaged.
 * - Custom fields (https://developer.drip.com/#list-all-custom-field-identifiers-used-in-an-account):
 *   `GET /v2/{account}/custom_field_identifiers` → `{ custom_field_identifiers: [...] }`, unpaged;
 *   identifiers "used in the account", so a custom field first written by an upsert appears there.
 * - Accounts (https://developer.drip.com/#fetch-an-account): `GET /v2/accounts/{account}` →
 *   `{ links, accounts: [one] }` (the credential test).
 * - Rate limiting (https://developer.drip.com/#rate-limiting): 3,600 requests per hour; every answer
 *   carries `X-RateLimit-Limit` and `X-RateLimit-Remaining`; over the limit Drip answers 429
 *   `{ "message": "API rate limit exceeded. Please try again in an hour.", "documentation": … }`
 *   (no Retry-After).
 * Not documented, chosen here: the 401 body (Drip's usual errors shape), 403 for an account the token
 * may not use, and that undocumented arguments are ignored (recorded in `docViolations`).
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, basicAuth, type FakeContact, FakeCrm, type RouteHandler } from './base';

export const DRIP_TOKEN = 'drip-test-token-0123456789abcdef';
export const DRIP_ACCOUNT = '9999999';

type ArgType = 'string' | 'email' | 'boolean' | 'integer' | 'sms' | 'object' | 'strings' | string[];

/** The arguments of "Create or update a subscriber", with their documented types. */
const SUBSCRIBER_ARGS: Record<string, ArgType> = {
	email: 'email',
	id: 'string',
	visitor_uuid: 'string',
	new_email: 'email',
	first_name: 'string',
	last_name: 'string',
	address1: 'string',
	address2: 'string',
	city: 'string',
	state: 'string',
	zip: 'string',
	country: 'string',
	phone: 'string',
	sms_number: 'sms',
	sms_consent: 'boolean',
	user_id: 'string',
	time_zone: 'string',
	lifetime_value: 'integer',
	ip_address: 'string',
	custom_fields: 'object',
	tags: 'strings',
	remove_tags: 'strings',
	prospect: 'boolean',
	potential_lead: 'boolean',
	base_lead_score: 'integer',
	eu_consent: ['granted', 'denied'],
	eu_consent_message: 'string',
	status: ['active', 'unsubscribed'],
	initial_status: ['active', 'unsubscribed'],
};
/** Arguments that identify the subscriber or its tags, not stored as attributes. */
const NOT_ATTRIBUTES = ['email', 'id', 'visitor_uuid', 'new_email', 'custom_fields', 'tags', 'remove_tags', 'potential_lead'];
const STRING_ATTRIBUTES = Object.entries(SUBSCRIBER_ARGS)
	.filter(([key, type]) => (type === 'string' || type === 'sms') && !NOT_ATTRIBUTES.includes(key))
	.map(([key]) => key);

export interface DripError {
	code: string;
	attribute?: string;
	message: string;
}

const label = (attribute: string) => attribute.charAt(0).toUpperCase() + attribute.slice(1).replace(/_/g, ' ');

/** The errors Drip documents for a subscriber object, in its own shape. */
export function subscriberErrors(subscriber: Record<string, unknown>): { errors: DripError[]; undocumented: string[] } {
	const errors: DripError[] = [];
	const undocumented: string[] = [];
	for (const [key, value] of Object.entries(subscriber)) {
		const type = SUBSCRIBER_ARGS[key];
		if (!type) {
			undocumented.push(key);
			continue;
		}
		const bad = (code: string, message: string) => errors.push({ code, attribute: key, message: `${label(key)} ${message}` });
		if (Array.isArray(type)) {
			if (typeof value !== 'string' || !type.includes(value)) bad('format_error', `must be one of ${type.join(', ')}`);
		} else if (type === 'email') {
			if (typeof value !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) bad('email_error', 'is invalid');
		} else if (type === 'sms') {
			if (typeof value !== 'string' || !/^\+1\d{10}$/.test(value)) bad('sms_error', 'must be a valid US mobile number with E.164 formatting');
		} else if (type === 'boolean') {
			if (typeof value !== 'boolean') bad('format_error', 'must be true or false');
		} else if (type === 'integer') {
			if (!Number.isInteger(value)) bad('format_error', 'must be an integer');
		} else if (type === 'object') {
			if (!value || typeof value !== 'object' || Array.isArray(value)) bad('format_error', 'must be an object');
		} else if (type === 'strings') {
			if (!Array.isArray(value) || value.some((tag) => typeof tag !== 'string')) bad('format_error', 'must be an array of strings');
		} else if (typeof value !== 'string') {
			bad('format_error', 'must be a string');
		}
	}
	if (subscriber.email === undefined && subscriber.id === undefined && subscriber.visitor_uuid === undefined) {
		errors.push({ code: 'presence_error', attribute: 'email', message: 'Email is required' });
	}
	return { errors, undocumented };
}

export class DripFake extends FakeCrm {
	protected readonly prefix = '/v2';
	/** Requests that break Drip's reference (rejected, or carrying arguments it does not document). */
	readonly docViolations: Array<{ method: string; path: string; errors: string[] }> = [];
	/** Custom fields by subscriber id. */
	readonly customFields = new Map<string, Record<string, unknown>>();
	private readonly answered: number[] = [];

	constructor() {
		super();
		this.rateLimit = { max: 3600, windowMs: 3_600_000 };
	}

	protected authorize(req: RecordedRequest): boolean {
		const auth = basicAuth(req);
		return auth?.user === DRIP_TOKEN && auth.password === '';
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, { errors: [{ code: 'authentication_error', message: 'You must be authenticated to access this resource' }] });
	}

	protected throttled(res: ServerResponse): void {
		this.json(res, 429, {
			message: 'API rate limit exceeded. Please try again in an hour.',
			documentation: 'https://www.getdrip.com/docs/rest-api#rate-limting',
		});
	}

	protected serverError(res: ServerResponse, status: number): void {
		this.json(res, status, { errors: [{ code: 'server_error', message: 'Something went wrong' }] });
	}

	protected notFound(res: ServerResponse): void {
		this.json(res, 404, { errors: [{ code: 'not_found_error', message: 'The resource you requested was not found' }] });
	}

	/** Every answer carries the documented X-RateLimit-Limit/-Remaining headers. */
	protected json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		const now = Date.now();
		while (this.answered.length && this.answered[0] <= now - this.rateLimit.windowMs) this.answered.shift();
		if (status !== 429) this.answered.push(now);
		const remaining = status === 429 ? 0 : Math.max(0, this.rateLimit.max - this.answered.length);
		super.json(res, status, body, { 'x-ratelimit-limit': String(this.rateLimit.max), 'x-ratelimit-remaining': String(remaining), ...headers });
	}

	/** Account-scoped routes: `/v2/{account}/…`, 403 for an account this token may not use. */
	private accountRoute(method: string, path: string, handler: RouteHandler): void {
		this.route(method, `/:account${path}`, (req, res, params) => {
			if (params.account !== DRIP_ACCOUNT) {
				return this.json(res, 403, { errors: [{ code: 'authorization_error', message: 'You are not authorized to access this resource' }] });
			}
			return handler(req, res, params);
		});
	}

	private reject(req: RecordedRequest, res: ServerResponse, status: number, errors: DripError[]): void {
		this.docViolations.push({ method: req.method, path: req.path, errors: errors.map((e) => e.message) });
		this.json(res, status, { errors });
	}

	// ---- test helpers -------------------------------------------------------------------------

	/** A subscriber created outside the node (e.g. by a Drip form). */
	addSubscriber(email: string, fields: Record<string, unknown> = {}, tags: string[] = []): FakeContact {
		const contact = this.createContact(email, fields, this.subscriberId());
		for (const tag of tags) contact.tags.add(this.ensureTag(tag));
		return contact;
	}

	customOf(email: string): Record<string, unknown> | undefined {
		const contact = this.findByEmail(email);
		return contact ? this.customFields.get(contact.id) ?? {} : undefined;
	}

	// ---- Drip's behaviour -----------------------------------------------------------------------

	/** Drip ids are opaque strings such as "z1togz2hcjrkpp5treip". */
	private subscriberId(): string {
		return `z${this.newId().padStart(6, '0')}drip`;
	}

	/** Tags are free strings, created on first use (matched as written). */
	private ensureTag(name: string): string {
		const found = [...this.tags.values()].find((tag) => tag.name === name);
		if (!found) {
			const id = this.newId();
			this.tags.set(id, { id, name });
		}
		return name;
	}

	private lookup(key: string): FakeContact | undefined {
		return key.includes('@') ? this.findByEmail(key) : this.contacts.get(key);
	}

	private subscriberJson(contact: FakeContact) {
		return {
			id: contact.id,
			status: String(contact.fields.status ?? 'active'),
			email: contact.email,
			...Object.fromEntries(STRING_ATTRIBUTES.map((key) => [key, contact.fields[key] ?? null])),
			...Object.fromEntries(Object.entries(contact.fields).filter(([key]) => !STRING_ATTRIBUTES.includes(key))),
			custom_fields: { ...(this.customFields.get(contact.id) ?? {}) },
			tags: [...contact.tags],
			created_at: new Date(contact.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
			href: `https://api.getdrip.com/v2/${DRIP_ACCOUNT}/subscribers/${contact.id}`,
			links: { account: DRIP_ACCOUNT },
		};
	}

	private subscribersAnswer(res: ServerResponse, contact: FakeContact): void {
		this.json(res, 200, {
			links: { 'subscribers.account': 'https://api.getdrip.com/v2/accounts/{subscribers.account}' },
			subscribers: [this.subscriberJson(contact)],
		});
	}

	private createOrUpdate(req: RecordedRequest, res: ServerResponse): void {
		if (!String(req.headers['content-type'] ?? '').includes('json')) {
			return this.reject(req, res, 422, [{ code: 'format_error', message: 'Parameters must be serialized in JSON' }]);
		}
		const list = asObject(req.body).subscribers;
		if (!Array.isArray(list) || list.length === 0) {
			return this.reject(req, res, 422, [{ code: 'presence_error', attribute: 'subscribers', message: 'Subscribers is required' }]);
		}
		if (list.length > 1) {
			// The reference sends one subscriber here and points to the batch API for several.
			return this.reject(req, res, 422, [{ code: 'length_error', attribute: 'subscribers', message: 'Use the batch API to create or update several subscribers' }]);
		}
		const input = asObject(list[0]);
		const { errors, undocumented } = subscriberErrors(input);
		if (errors.length) return this.reject(req, res, 422, errors);
		if (undocumented.length) {
			this.docViolations.push({ method: req.method, path: req.path, errors: undocumented.map((key) => `undocumented argument ${key} (ignored)`) });
		}

		let contact = input.id !== undefined ? this.contacts.get(String(input.id)) : input.email ? this.findByEmail(String(input.email)) : undefined;
		if (!contact && input.id !== undefined) return this.notFound(res);
		const newEmail = input.new_email as string | undefined;
		if (contact && newEmail && newEmail.toLowerCase() !== contact.email.toLowerCase()) {
			const other = this.findByEmail(newEmail);
			if (other && other.id !== contact.id) {
				return this.json(res, 422, { errors: [{ code: 'uniqueness_error', attribute: 'email', message: 'Email is already taken' }] });
			}
			contact.email = newEmail;
		}
		if (!contact) {
			if (input.visitor_uuid !== undefined && input.email === undefined) return this.notFound(res);
			contact = this.createContact(newEmail ?? String(input.email), {}, this.subscriberId());
		}
		for (const [key, value] of Object.entries(input)) {
			if (!NOT_ATTRIBUTES.includes(key) && SUBSCRIBER_ARGS[key]) contact.fields[key] = value;
		}
		const custom = asObject(input.custom_fields);
		if (Object.keys(custom).length) {
			this.customFields.set(contact.id, { ...(this.customFields.get(contact.id) ?? {}), ...custom });
			for (const key of Object.keys(custom)) if (!this.fields.some((f) => f.key === key)) this.fields.push({ key, label: key });
		}
		for (const tag of (input.tags as string[] | undefined) ?? []) contact.tags.add(this.ensureTag(tag));
		for (const tag of (input.remove_tags as string[] | undefined) ?? []) contact.tags.delete(tag);
		this.subscribersAnswer(res, contact);
	}

	protected routes(): void {
		this.route('GET', '/accounts/:account', (_req, res, { account }) => {
			if (account !== DRIP_ACCOUNT) {
				return this.json(res, 403, { errors: [{ code: 'authorization_error', message: 'You are not authorized to access this resource' }] });
			}
			this.json(res, 200, {
				links: { 'accounts.broadcasts': 'https://api.getdrip.com/v2/{accounts.id}/broadcasts' },
				accounts: [{ id: DRIP_ACCOUNT, name: 'Acme, Inc.', url: 'www.acme.com', primary_email: 'john@acme.com', created_at: '2013-06-21T10:31:58Z' }],
			});
		});

		this.accountRoute('POST', '/subscribers', (req, res) => this.createOrUpdate(req, res));

		this.accountRoute('GET', '/subscribers/:key', (_req, res, { key }) => {
			const contact = this.lookup(key);
			if (!contact) return this.notFound(res);
			this.subscribersAnswer(res, contact);
		});

		this.accountRoute('DELETE', '/subscribers/:key', (_req, res, { key }) => {
			const contact = this.lookup(key);
			if (!contact) return this.notFound(res);
			this.contacts.delete(contact.id);
			this.customFields.delete(contact.id);
			this.json(res, 204, undefined);
		});

		this.accountRoute('GET', '/tags', (_req, res) => {
			this.json(res, 200, { tags: [...this.tags.values()].map((tag) => tag.name) });
		});

		this.accountRoute('GET', '/custom_field_identifiers', (_req, res) => {
			this.json(res, 200, { custom_field_identifiers: this.fields.map((field) => field.key) });
		});
	}
}
