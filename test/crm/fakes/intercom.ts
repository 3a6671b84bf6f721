/**
 * Intercom REST API 2.16 (https://developers.intercom.com/docs/references/rest-api/api.intercom.io),
 * as far as the adapter uses it. Every request body is validated against Intercom's official OpenAPI
 * spec (`../shared/specs/intercom/`, read at test time, never copied) and every answer against the
 * responses the spec documents; violations are recorded (and bad bodies answered with Intercom's 400).
 *
 * Modelled on the docs: Bearer token plus the `Intercom-Version` header; answers and errors in
 * Intercom's shapes (`error.list` with `code`/`message`/`request_id`); contacts are `user`s (unique
 * e-mail and external_id; a duplicate create answers 409 "A contact matching those details already
 * exists with id=…", or "An archived contact …" for an archived one) or `lead`s (no uniqueness);
 * `POST /contacts/search` with `=`/`AND`/`OR` on email, external_id, id and role, leaving out archived
 * contacts and, with `searchLagMs`, contacts created too recently (Intercom's search is eventually
 * consistent); unknown custom attributes answer 400 "Custom attribute 'x' does not exist"; an owner_id
 * that is no admin answers 400 "The owner specified is not a member of the workspace"; a merged contact
 * answers 410 with a `Link: </contacts/{id}>; rel="canonical"` header; tags are created by name with
 * `POST /tags` (an existing name returns that tag) and applied by id. Rate limit: 10,000 calls a
 * minute per app, enforced in 10-second windows (1,666 each), answered with 429 `rate_limit_exceeded`
 * and `X-RateLimit-Limit/-Remaining/-Reset` (Unix seconds), no Retry-After.
 *
 * Assumed where Intercom does not document it: the 404 bodies ("User Not Found"), that e-mail search
 * compares case-sensitively (the stricter case), and the 400 a custom attribute value of the wrong
 * type gets (recorded in `typeMismatches`).
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, bearer, type FakeContact, FakeCrm, type RouteHandler } from './base';
import { OpenApiSpec } from './openapi';

export const INTERCOM_TOKEN = 'dG9rOjEyMzQ1Njc4OjEyMzQ1Njc4OTA=';
export const INTERCOM_VERSION = '2.16';
/** Admins of the fake workspace (valid owner_id values). */
export const INTERCOM_ADMINS = ['991267', '991268'];

/** Top-level contact attributes; everything else in `FakeContact.fields` is a custom attribute. */
const STANDARD = ['name', 'phone', 'avatar', 'owner_id', 'unsubscribed_from_emails', 'signed_up_at', 'last_seen_at'];
/** Standard contact data attributes as `GET /data_attributes?model=contact` lists them. */
const STANDARD_ATTRIBUTES: Array<{ name: string; label: string; data_type: string; api_writable: boolean }> = [
	{ name: 'name', label: 'Name', data_type: 'string', api_writable: true },
	{ name: 'email', label: 'Email', data_type: 'string', api_writable: true },
	{ name: 'phone', label: 'Phone', data_type: 'string', api_writable: true },
	{ name: 'external_id', label: 'User ID', data_type: 'string', api_writable: true },
	{ name: 'owner_id', label: 'Owner', data_type: 'integer', api_writable: true },
	{ name: 'avatar', label: 'Avatar', data_type: 'string', api_writable: true },
	{ name: 'unsubscribed_from_emails', label: 'Unsubscribed from Emails', data_type: 'boolean', api_writable: true },
	{ name: 'signed_up_at', label: 'Signed up', data_type: 'date', api_writable: true },
	{ name: 'last_seen_at', label: 'Last seen', data_type: 'date', api_writable: true },
	{ name: 'created_at', label: 'First Seen', data_type: 'date', api_writable: false },
	{ name: 'session_count', label: 'Web sessions', data_type: 'integer', api_writable: false },
	{ name: 'location.city', label: 'City', data_type: 'string', api_writable: false },
];

/**
 * OpenAPI 3.0 lets `nullable: true` stand beside `$ref` or `oneOf` without a `type`; Ajv refuses to
 * compile that ("nullable" cannot be used without "type"), and Intercom's spec does it 23 times (the
 * search filter's `value`, `/me`'s `app` …). Such a node is rewritten, in the loaded copy only, to the
 * equivalent `anyOf: [<the node>, {type: null}]` before anything is compiled.
 */
function allowNullWithoutType(document: Record<string, unknown>): void {
	const found: Array<Record<string, unknown>> = [];
	const walk = (node: unknown): void => {
		if (!node || typeof node !== 'object') return;
		if (!Array.isArray(node) && 'nullable' in node && !('type' in node)) found.push(node as Record<string, unknown>);
		for (const child of Object.values(node)) walk(child);
	};
	walk(document);
	for (const node of found) {
		const { nullable, ...rest } = node;
		for (const key of Object.keys(node)) delete node[key];
		if (nullable === true) node.anyOf = [rest, { type: 'null' }];
		else Object.assign(node, rest);
	}
}

let sharedSpec: OpenApiSpec | undefined;
/** Parsing the 1.3 MB spec takes a moment: once per test file. */
export function intercomSpec(): OpenApiSpec {
	if (!sharedSpec) {
		sharedSpec = new OpenApiSpec('intercom/api.intercom.io-2.16.yaml', '', allowNullWithoutType);
	}
	return sharedSpec;
}

/**
 * Problems of an answer the spec does not document for its route (404, 409 …): its body must still be
 * Intercom's documented `error` object. Checked through a route whose 400 is that schema.
 */
function errorShapeProblems(body: unknown): string[] {
	return intercomSpec().checkResponse('POST', '/contacts/search', 400, body).errors.map((e) => e.message);
}

/**
 * The spec types the `type` and `url` of list entries (`addressable_list`: a contact's tags, notes,
 * companies) as `format: uri`, yet its own examples are `"tag"` and `"/contacts/…/tags"`, which are
 * not URIs. Those two format errors are a defect of the spec, not of the fake.
 */
function specDefect(error: { path: string; keyword: string; message: string }): boolean {
	return error.keyword === 'format' && /must match format "uri"/.test(error.message) && /\/(tags|notes|companies)\/(data\/\d+\/(type|url)|url)$/.test(error.path);
}

interface ContactMeta {
	role: 'user' | 'lead';
	externalId: string | null;
	archived: boolean;
	createdAt: number;
}

export class IntercomFake extends FakeCrm {
	protected readonly prefix = '';
	/** Request bodies (and headers) that broke the official spec: an adapter bug unless a test sent them on purpose. */
	readonly specViolations: Array<{ method: string; path: string; errors: string[] }> = [];
	/** Answers of this fake that the official spec does not document: a fake bug. */
	readonly responseViolations: Array<{ method: string; path: string; status: number; errors: string[] }> = [];
	/** Custom attribute values of the wrong type (Intercom refuses them). */
	readonly typeMismatches: Array<{ name: string; value: unknown }> = [];
	/** Role, external_id and archive state per contact id. */
	readonly meta = new Map<string, ContactMeta>();
	/** Contacts merged away: old id → id of the contact they were merged into. */
	readonly merged = new Map<string, string>();
	/** Options of list attributes, by attribute name. */
	readonly listOptions = new Map<string, string[]>();
	/** A contact younger than this is not found by search yet (Intercom indexes with a delay). */
	searchLagMs = 0;
	private current?: RecordedRequest;
	private contactSerial = 0;

	constructor() {
		super();
		// 10,000 calls a minute per app, spread over 10-second windows.
		this.rateLimit = { max: 1666, windowMs: 10_000 };
	}

	protected authorize(req: RecordedRequest): boolean {
		return bearer(req) === INTERCOM_TOKEN;
	}

	/** Every route: the version header is checked and the answer validated against the spec. */
	protected route(method: string, path: string, handler: RouteHandler): void {
		super.route(method, path, async (req, res, params) => {
			this.current = req;
			try {
				if (req.headers['intercom-version'] !== INTERCOM_VERSION) {
					this.specViolations.push({ method: req.method, path: req.path, errors: [`Intercom-Version header is ${String(req.headers['intercom-version'])}, not ${INTERCOM_VERSION}`] });
				}
				await handler(req, res, params);
			} finally {
				this.current = undefined;
			}
		});
	}

	protected json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		const req = this.current;
		if (req) {
			const { errors } = intercomSpec().checkResponse(req.method, req.path, status, body);
			const undocumentedError = errors.length === 1 && errors[0].keyword === 'status' && status >= 400;
			const problems = undocumentedError ? errorShapeProblems(body) : errors.filter((error) => !specDefect(error)).map((e) => e.message);
			if (problems.length) this.responseViolations.push({ method: req.method, path: req.path, status, errors: problems });
		}
		super.json(res, status, body, headers);
	}

	private error(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
		this.json(res, status, { type: 'error.list', request_id: randomUUID(), errors: [{ code, message }] }, headers);
	}

	protected unauthorized(res: ServerResponse): void {
		this.error(res, 401, 'unauthorized', 'Access Token Invalid');
	}

	/** The base limiter slides, so the window is surely fresh once a whole window has passed. */
	protected throttled(res: ServerResponse): void {
		const reset = Math.ceil((Date.now() + this.rateLimit.windowMs) / 1000);
		this.error(res, 429, 'rate_limit_exceeded', `Exceeded rate limit of ${this.rateLimit.max} in ${this.rateLimit.windowMs / 1000}_seconds`, {
			'X-RateLimit-Limit': String(this.rateLimit.max),
			'X-RateLimit-Remaining': '0',
			'X-RateLimit-Reset': String(reset),
		});
	}

	protected serverError(res: ServerResponse, status: number): void {
		this.error(res, status, 'server_error', 'Server Error');
	}

	protected notFound(res: ServerResponse): void {
		this.error(res, 404, 'not_found', 'Resource Not Found');
	}

	// ---- test helpers -------------------------------------------------------------------------

	/** Adds a contact as if created in Intercom's app (or by the Messenger). */
	addContact(email: string, options: { role?: 'user' | 'lead'; externalId?: string; fields?: Record<string, unknown>; createdAt?: number } = {}): FakeContact {
		const contact = this.createContact(email, options.fields ?? {}, this.contactId());
		if (options.createdAt !== undefined) contact.createdAt = options.createdAt;
		this.meta.set(contact.id, { role: options.role ?? 'user', externalId: options.externalId ?? null, archived: false, createdAt: contact.createdAt });
		return contact;
	}

	archive(id: string): void {
		this.meta.get(id)!.archived = true;
	}

	/** Merges contact `from` into `into` (`POST /contacts/merge`): `from` then answers 410. */
	merge(from: string, into: string): void {
		const gone = this.contacts.get(from)!;
		for (const tag of gone.tags) this.contacts.get(into)!.tags.add(tag);
		this.contacts.delete(from);
		this.merged.set(from, into);
	}

	externalIdOf(email: string): string | null | undefined {
		const contact = this.findByEmail(email);
		return contact ? this.meta.get(contact.id)?.externalId : undefined;
	}

	roleOf(email: string): string | undefined {
		const contact = this.findByEmail(email);
		return contact ? this.meta.get(contact.id)?.role : undefined;
	}

	/** A custom attribute with `type` (`string`, `integer`, `float`, `boolean`, `date`), optionally a list. */
	addAttribute(name: string, type = 'string', options?: string[]): void {
		this.fields.push({ key: name, label: name, type, id: String(this.fields.length + 100) });
		if (options) this.listOptions.set(name, options);
	}

	// ---- the API ------------------------------------------------------------------------------

	/** Intercom ids are 24 hex digits. */
	private contactId(): string {
		return `6762f0d01bb69f9f${(++this.contactSerial).toString(16).padStart(8, '0')}`;
	}

	private contactJson(contact: FakeContact) {
		const meta = this.meta.get(contact.id)!;
		const standard = Object.fromEntries(STANDARD.map((key) => [key, contact.fields[key] ?? null]));
		const custom = Object.fromEntries(Object.entries(contact.fields).filter(([key]) => !STANDARD.includes(key)));
		const tags = [...contact.tags].map((name) => this.tagByName(name, false)!);
		const list = (kind: string, data: unknown[] = []) => ({ type: 'list', data, url: `/contacts/${contact.id}/${kind}`, total_count: data.length, has_more: false });
		const created = Math.floor(meta.createdAt / 1000);
		return {
			type: 'contact',
			id: contact.id,
			workspace_id: 'ecahpwf5',
			external_id: meta.externalId,
			role: meta.role,
			email: contact.email,
			email_domain: contact.email.split('@')[1] ?? '',
			...standard,
			avatar: standard.avatar ? { type: 'avatar', image_url: standard.avatar } : null,
			has_hard_bounced: false,
			marked_email_as_spam: false,
			unsubscribed_from_emails: standard.unsubscribed_from_emails === true,
			created_at: created,
			updated_at: Math.floor(Date.now() / 1000),
			last_replied_at: null,
			last_contacted_at: null,
			last_email_opened_at: null,
			last_email_clicked_at: null,
			language_override: null,
			browser: null,
			os: null,
			custom_attributes: custom,
			tags: list('tags', tags.map((tag) => ({ type: 'tag', id: tag.id, url: `/tags/${tag.id}` }))),
			notes: list('notes'),
			companies: list('companies'),
			location: { type: 'location', country: null, region: null, city: null },
			social_profiles: { type: 'list', data: [] },
		};
	}

	private tagJson(id: string) {
		return { type: 'tag', id, name: this.tags.get(id)!.name };
	}

	/** 400 with Intercom's error body when the request body breaks the official spec. */
	private specRejects(req: RecordedRequest, res: ServerResponse): boolean {
		const { errors } = intercomSpec().check(req.method, req.path, req.body);
		if (!errors.length) return false;
		this.specViolations.push({ method: req.method, path: req.path, errors: errors.map((e) => e.message) });
		this.error(res, 400, 'parameter_invalid', errors.map((e) => e.message).join('; '));
		return true;
	}

	private live(id: string): FakeContact | undefined {
		return this.contacts.get(id);
	}

	private userWith(email: string | undefined, externalId: string | undefined, except?: string): FakeContact | undefined {
		return [...this.contacts.values()].find((contact) => {
			const meta = this.meta.get(contact.id)!;
			if (contact.id === except || meta.role !== 'user') return false;
			return (email !== undefined && contact.email.toLowerCase() === email.toLowerCase()) || (externalId !== undefined && meta.externalId === externalId);
		});
	}

	/** A 400 answer for attribute problems Intercom refuses, else undefined (and the values are stored). */
	private applyAttributes(contact: FakeContact | undefined, body: Record<string, unknown>): { code: string; message: string } | undefined {
		if (body.owner_id !== undefined && body.owner_id !== null && !INTERCOM_ADMINS.includes(String(body.owner_id))) {
			return { code: 'parameter_invalid', message: 'The owner specified is not a member of the workspace' };
		}
		const custom = asObject(body.custom_attributes);
		for (const [name, value] of Object.entries(custom)) {
			const field = this.fields.find((f) => f.key === name);
			if (!field) return { code: 'parameter_invalid', message: `Custom attribute '${name}' does not exist` };
			if (!this.fits(field.type ?? 'string', this.listOptions.get(name), value)) {
				this.typeMismatches.push({ name, value });
				return { code: 'parameter_invalid', message: `Custom attribute '${name}' has the wrong type (${field.type ?? 'string'})` };
			}
		}
		if (contact) {
			for (const key of STANDARD) if (body[key] !== undefined) contact.fields[key] = body[key];
			for (const [name, value] of Object.entries(custom)) {
				if (value === null) delete contact.fields[name];
				else contact.fields[name] = value;
			}
		}
		return undefined;
	}

	private fits(type: string, options: string[] | undefined, value: unknown): boolean {
		if (value === null) return true;
		if (type === 'integer' || type === 'date') return Number.isInteger(value);
		if (type === 'float') return typeof value === 'number';
		if (type === 'boolean') return typeof value === 'boolean';
		if (options) return options.includes(value as string);
		return typeof value === 'string';
	}

	/** One search filter (single or AND/OR group) against a contact. */
	private matches(contact: FakeContact, query: Record<string, unknown>): boolean {
		if (query.operator === 'AND' || query.operator === 'OR') {
			const parts = (query.value as Array<Record<string, unknown>>).map((part) => this.matches(contact, part));
			return query.operator === 'AND' ? parts.every(Boolean) : parts.some(Boolean);
		}
		if (query.operator !== '=') throw new Error(`the fake supports only "=", not ${String(query.operator)}`);
		const meta = this.meta.get(contact.id)!;
		const actual: Record<string, unknown> = { email: contact.email, external_id: meta.externalId, id: contact.id, role: meta.role };
		if (!(String(query.field) in actual)) throw new Error(`the fake cannot search ${String(query.field)}`);
		return actual[String(query.field)] === query.value;
	}

	protected routes(): void {
		this.route('GET', '/me', (_req, res) => {
			this.json(res, 200, {
				type: 'admin',
				id: INTERCOM_ADMINS[0],
				name: 'Test Owner',
				email: 'owner@example.com',
				email_verified: true,
				app: { type: 'app', id_code: 'ecahpwf5', name: 'Example', region: 'US', timezone: 'Europe/London', created_at: 1700000000, identity_verification: false },
			});
		});

		this.route('GET', '/data_attributes', (req, res) => {
			const model = req.query.get('model');
			const contact = [
				...STANDARD_ATTRIBUTES.map((a) => ({ type: 'data_attribute', model: 'contact', full_name: a.name, ...a, custom: false, archived: false, ui_writable: a.api_writable, messenger_writable: false })),
				...this.fields.map((field) => ({
					type: 'data_attribute',
					id: Number(field.id ?? 0),
					model: 'contact',
					name: field.key,
					full_name: `custom_attributes.${field.key}`,
					label: field.label,
					data_type: field.type ?? 'string',
					...(this.listOptions.has(field.key) ? { options: this.listOptions.get(field.key) } : {}),
					api_writable: true,
					ui_writable: true,
					messenger_writable: false,
					custom: true,
					archived: false,
				})),
				{ type: 'data_attribute', id: 99, model: 'contact', name: 'computed_score', full_name: 'custom_attributes.computed_score', label: 'Score', data_type: 'integer', api_writable: false, custom: true, archived: false },
			];
			const company = [{ type: 'data_attribute', model: 'company', name: 'monthly_spend', full_name: 'monthly_spend', label: 'Monthly Spend', data_type: 'float', api_writable: true, custom: false, archived: false }];
			const data = model === 'contact' ? contact : model === 'company' ? company : [...contact, ...company];
			this.json(res, 200, { type: 'list', data });
		});

		this.route('POST', '/contacts/search', (req, res) => {
			if (this.specRejects(req, res)) return;
			const body = asObject(req.body);
			const perPage = Number(asObject(body.pagination).per_page ?? 50);
			if (perPage > 150) return this.error(res, 400, 'parameter_invalid', 'per_page must be 150 or less');
			const visibleAfter = Date.now() - this.searchLagMs;
			const found = [...this.contacts.values()].filter((contact) => {
				const meta = this.meta.get(contact.id)!;
				return !meta.archived && (this.searchLagMs === 0 || meta.createdAt <= visibleAfter) && this.matches(contact, asObject(body.query));
			});
			const data = found.slice(0, perPage).map((contact) => this.contactJson(contact));
			this.json(res, 200, { type: 'list', data, total_count: found.length, pages: { type: 'pages', page: 1, per_page: perPage, total_pages: Math.max(1, Math.ceil(found.length / perPage)) } });
		});

		this.route('POST', '/contacts', (req, res) => {
			if (this.specRejects(req, res)) return;
			const body = asObject(req.body);
			const role = body.role === 'lead' ? 'lead' : 'user';
			const email = typeof body.email === 'string' ? body.email : undefined;
			const externalId = typeof body.external_id === 'string' ? body.external_id : undefined;
			if (role === 'user') {
				const existing = this.userWith(email, externalId);
				if (existing) {
					const archived = this.meta.get(existing.id)!.archived;
					return this.error(res, 409, 'conflict', `${archived ? 'An archived contact' : 'A contact'} matching those details already exists with id=${existing.id}`);
				}
			}
			const problem = this.applyAttributes(undefined, body);
			if (problem) return this.error(res, 400, problem.code, problem.message);
			const contact = this.addContact(email ?? '', { role, externalId: role === 'user' ? externalId : undefined });
			this.applyAttributes(contact, body);
			this.json(res, 200, this.contactJson(contact));
		});

		this.route('GET', '/contacts/find_by_external_id/:externalId', (_req, res, { externalId }) => {
			const contact = [...this.contacts.values()].find((c) => this.meta.get(c.id)!.role === 'user' && this.meta.get(c.id)!.externalId === externalId);
			if (!contact) return this.error(res, 404, 'not_found', 'User Not Found');
			this.json(res, 200, this.contactJson(contact));
		});

		this.route('GET', '/contacts/:id/tags', (_req, res, { id }) => {
			const contact = this.live(id);
			if (!contact) return this.error(res, 404, 'not_found', 'User Not Found');
			this.json(res, 200, { type: 'list', data: [...contact.tags].map((name) => this.tagJson(this.tagByName(name, false)!.id)) });
		});

		this.route('POST', '/contacts/:id/tags', (req, res, { id }) => {
			if (this.specRejects(req, res)) return;
			const contact = this.live(id);
			if (!contact) return this.error(res, 404, 'not_found', 'User Not Found');
			const tag = this.tags.get(String(asObject(req.body).id));
			if (!tag) return this.error(res, 404, 'not_found', 'Resource Not Found');
			contact.tags.add(tag.name);
			this.json(res, 200, this.tagJson(tag.id));
		});

		this.route('DELETE', '/contacts/:id/tags/:tagId', (_req, res, { id, tagId }) => {
			const contact = this.live(id);
			if (!contact) return this.error(res, 404, 'not_found', 'User Not Found');
			const tag = this.tags.get(tagId);
			if (!tag) return this.error(res, 404, 'not_found', 'Resource Not Found');
			contact.tags.delete(tag.name);
			this.json(res, 200, this.tagJson(tag.id));
		});

		this.route('POST', '/contacts/:id/unarchive', (_req, res, { id }) => {
			const contact = this.live(id);
			if (!contact) return this.error(res, 404, 'not_found', 'User Not Found');
			this.meta.get(id)!.archived = false;
			this.json(res, 200, { type: 'contact', id, external_id: this.meta.get(id)!.externalId, archived: false });
		});

		this.route('GET', '/contacts/:id', (_req, res, { id }) => {
			const into = this.merged.get(id);
			if (into) {
				return this.error(res, 410, 'contact_merged', "This contact has been merged. See the 'Link' header for the canonical contact.", { Link: `</contacts/${into}>; rel="canonical"` });
			}
			const contact = this.live(id);
			if (!contact) return this.error(res, 404, 'not_found', 'User Not Found');
			this.json(res, 200, this.contactJson(contact));
		});

		this.route('PUT', '/contacts/:id', (req, res, { id }) => {
			if (this.specRejects(req, res)) return;
			const contact = this.live(id);
			if (!contact) return this.error(res, 404, 'not_found', 'User Not Found');
			const body = asObject(req.body);
			const meta = this.meta.get(id)!;
			const email = typeof body.email === 'string' ? body.email : undefined;
			const externalId = typeof body.external_id === 'string' ? body.external_id : undefined;
			if (meta.role === 'user' && this.userWith(email, externalId, id)) {
				return this.error(res, 409, 'conflict', `A contact matching those details already exists with id=${this.userWith(email, externalId, id)!.id}`);
			}
			const problem = this.applyAttributes(undefined, body);
			if (problem) return this.error(res, 400, problem.code, problem.message);
			this.applyAttributes(contact, body);
			if (email !== undefined) contact.email = email;
			if (externalId !== undefined && meta.role === 'user') meta.externalId = externalId;
			this.json(res, 200, this.contactJson(contact));
		});

		this.route('DELETE', '/contacts/:id', (_req, res, { id }) => {
			const contact = this.live(id);
			if (!contact) return this.error(res, 404, 'not_found', 'User Not Found');
			this.contacts.delete(id);
			this.json(res, 200, { type: 'contact', id, external_id: this.meta.get(id)!.externalId, deleted: true });
		});

		this.route('GET', '/tags', (_req, res) => {
			this.json(res, 200, { type: 'list', data: [...this.tags.keys()].map((id) => this.tagJson(id)) });
		});

		this.route('POST', '/tags', (req, res) => {
			if (this.specRejects(req, res)) return;
			const name = String(asObject(req.body).name ?? '').trim();
			if (!name) return this.error(res, 400, 'parameter_invalid', 'invalid tag parameters');
			// Creates the tag, or returns the one with this name.
			const tag = this.tagByName(name, true)!;
			this.json(res, 200, this.tagJson(tag.id));
		});
	}
}
