/**
 * Klaviyo API (revision 2026-07-15, https://developers.klaviyo.com/en/reference/api_overview), as far
 * as the adapter uses it, checked against Klaviyo's official OpenAPI spec read from
 * `../shared/specs/klaviyo/stable.json` (never copied into the project):
 * - every request body is validated against the operation's `application/vnd.api+json` schema (a
 *   violation is answered with Klaviyo's 400 and recorded in `specViolations`), and a body sent with
 *   another media type is recorded too;
 * - every answer (status and body) is validated against what the spec documents for the operation,
 *   including its `4XX`/`5XX` error documents (`responseViolations`);
 * - each operation's rate limit (burst per second, steady per minute) is read from the spec's own
 *   "Rate limits" text and, with `enforceRateLimit`, enforced per endpoint with 429, `Retry-After`
 *   (seconds) and `RateLimit-Limit/-Remaining/-Reset` headers.
 * Behaviour from the docs: `Authorization: Klaviyo-API-Key <key>` and a `revision` header on every
 * request; `POST /api/profile-import` creates (201) or updates (200) by id, else by e-mail, `null`
 * clears an attribute and `meta.patch_properties.unset` removes custom properties; an id-based update
 * to an e-mail another profile has is a 409 `duplicate_profile`; e-mails are kept in lower case;
 * lists page 10 at a time through `links.next`; list membership through
 * `/api/lists/{id}/relationships/profiles`; deletion only through data-privacy deletion jobs (202;
 * Klaviyo runs them asynchronously, this fake at once).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';

import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, type FakeContact, FakeCrm, type RouteHandler } from './base';
import { SPECS_DIR } from './openapi';

export const KLAVIYO_KEY = 'pk_test_0123456789abcdef0123456789abcdef';
const JSON_API = 'application/vnd.api+json';

type Problem = { path: string; keyword: string; message: string };

interface SpecOperation {
	method: string;
	template: string;
	pattern: RegExp;
	requestRef?: string;
	/** Schema ref of each documented answer by status (`200`, `4XX`...); null when it has no body. */
	responses: Record<string, string | null>;
	/** Requests per second and per minute, from the operation's "Rate limits" text. */
	limits: { burst?: number; steady?: number };
}

/**
 * OpenAPI 3.0's `nullable: true` as JSON Schema, in memory: Ajv reads `nullable` only beside `type`,
 * and Klaviyo's spec also puts it beside `$ref` and `oneOf`, where it becomes `anyOf [schema, null]`.
 */
function openApiNullable(node: unknown): unknown {
	if (Array.isArray(node)) return node.map(openApiNullable);
	if (!node || typeof node !== 'object') return node;
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(node)) out[key] = openApiNullable(value);
	if (out.nullable === true && out.type === undefined) {
		delete out.nullable;
		const { description, example, ...schema } = out;
		return { description, example, anyOf: [schema, { type: 'null' }] };
	}
	return out;
}

/** Klaviyo's official spec: request bodies, answers and rate limits per operation. */
export class KlaviyoSpec {
	readonly operations: SpecOperation[] = [];
	private readonly ajv: Ajv;
	private readonly compiled = new Map<string, ValidateFunction>();

	constructor(file = 'klaviyo/stable.json') {
		const document = openApiNullable(JSON.parse(readFileSync(join(SPECS_DIR, file), 'utf8'))) as Record<string, any>;
		this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
		addFormats(this.ajv);
		for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) this.ajv.addFormat(format, true);
		this.ajv.addSchema(document, 'spec');
		const escape = (template: string) => template.replace(/~/g, '~0').replace(/\//g, '~1');
		for (const [template, item] of Object.entries<Record<string, any>>(document.paths ?? {})) {
			const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
			for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
				const operation = item[method];
				if (!operation) continue;
				const pointer = `spec#/paths/${escape(template)}/${method}`;
				const schema = operation.requestBody?.content?.[JSON_API]?.schema;
				const requestRef = schema ? (schema.$ref ? `spec${schema.$ref}` : `${pointer}/requestBody/content/${escape(JSON_API)}/schema`) : undefined;
				const responses: Record<string, string | null> = {};
				for (const [status, declared] of Object.entries<Record<string, any>>(operation.responses ?? {})) {
					const shared = typeof declared.$ref === 'string' ? declared.$ref.replace(/^#\//, '').split('/') : undefined;
					const answer = shared ? shared.reduce((node: any, key: string) => node?.[key], document) : declared;
					const answerSchema = answer?.content?.[JSON_API]?.schema;
					const base = shared ? `spec#/${shared.join('/')}` : `${pointer}/responses/${status}`;
					if (!answerSchema) responses[status] = null;
					else responses[status] = answerSchema.$ref ? `spec${answerSchema.$ref}` : `${base}/content/${escape(JSON_API)}/schema`;
				}
				// The first "Burst"/"Steady" pair is the operation's default limit (later ones are for options).
				const text = String(operation.description ?? '');
				const burst = /Burst: `(\d+)\/s`/.exec(text);
				const steady = /Steady: `(\d+)\/m`/.exec(text);
				this.operations.push({
					method: method.toUpperCase(),
					template,
					pattern: new RegExp(`^${source}$`),
					requestRef,
					responses,
					limits: { burst: burst ? Number(burst[1]) : undefined, steady: steady ? Number(steady[1]) : undefined },
				});
			}
		}
		// Literal paths (`/api/profile-import`) win over templates (`/api/profiles/{id}`).
		this.operations.sort((a, b) => a.template.split('{').length - b.template.split('{').length);
	}

	operation(method: string, path: string): SpecOperation | undefined {
		return this.operations.find((op) => op.method === method && op.pattern.test(path));
	}

	private validate(ref: string, value: unknown): Problem[] {
		let validate = this.compiled.get(ref);
		if (!validate) {
			validate = this.ajv.getSchema(ref);
			if (!validate) throw new Error(`cannot resolve ${ref}`);
			this.compiled.set(ref, validate);
		}
		if (validate(value)) return [];
		return (validate.errors ?? []).map((error) => ({
			path: error.instancePath || '/',
			keyword: error.keyword,
			message: `${error.instancePath || 'body'} ${error.message ?? 'is invalid'}`,
		}));
	}

	/** Problems of a request body for the operation its method and path match. */
	checkRequest(method: string, path: string, body: unknown): Problem[] {
		const operation = this.operation(method, path);
		if (!operation) return [{ path, keyword: 'operation', message: `${method} ${path} is not in the spec` }];
		if (!operation.requestRef) return body === undefined || body === '' ? [] : [{ path: '/', keyword: 'body', message: 'this operation takes no body' }];
		return this.validate(operation.requestRef, body);
	}

	/** Problems of an answer: an undocumented status (exact, else `4XX`/`5XX`) or a body its schema refuses. */
	checkResponse(method: string, path: string, status: number, body: unknown): Problem[] {
		const operation = this.operation(method, path);
		if (!operation) return [{ path, keyword: 'operation', message: `${method} ${path} is not in the spec` }];
		const key = String(status) in operation.responses ? String(status) : `${String(status)[0]}XX`;
		if (!(key in operation.responses)) return [{ path: '/', keyword: 'status', message: `status ${status} is not documented` }];
		const ref = operation.responses[key];
		if (!ref) return body === undefined ? [] : [{ path: '/', keyword: 'body', message: `status ${status} has no body in the spec` }];
		return this.validate(ref, body);
	}
}

let sharedSpec: KlaviyoSpec | undefined;
/** Parsing the 3 MB spec takes a moment: once per test file. */
export function klaviyoSpec(): KlaviyoSpec {
	sharedSpec ??= new KlaviyoSpec();
	return sharedSpec;
}

/** Standard attributes a profile stores (custom properties are kept as `properties.<name>`). */
const STANDARD = ['email', 'phone_number', 'external_id', 'first_name', 'last_name', 'organization', 'locale', 'title', 'image'];
const LOCATION = ['address1', 'address2', 'city', 'country', 'latitude', 'longitude', 'region', 'zip', 'timezone', 'ip'];
const E164 = /^\+[1-9]\d{6,14}$/;

export class KlaviyoFake extends FakeCrm {
	protected readonly prefix = '';
	/** Request bodies that broke the official spec: an adapter bug unless a test sent bad data on purpose. */
	readonly specViolations: Array<{ method: string; path: string; errors: string[] }> = [];
	/** Answers of this fake that the official spec does not document: a fake bug. */
	readonly responseViolations: Array<{ method: string; path: string; status: number; errors: string[] }> = [];
	/** Data-privacy deletion jobs received, by the identifier they named. */
	readonly deletionJobs: Array<Record<string, unknown>> = [];
	/** When each list was created (Klaviyo allows two lists with one name, so duplicates show here). */
	readonly listCreations: string[] = [];
	private current?: RecordedRequest;
	private readonly calls = new Map<string, number[]>();
	private serial = 0;

	constructor() {
		super();
		// Klaviyo's limits are per endpoint (read from the spec below), not one account-wide window.
		this.rateLimit = { max: Number.MAX_SAFE_INTEGER, windowMs: 1000 };
	}

	/** A Klaviyo-looking profile id (26 characters, like the ULIDs Klaviyo uses). */
	private profileId(): string {
		return `01KFAKE${String(++this.serial).padStart(19, '0')}`;
	}

	protected authorize(req: RecordedRequest): boolean {
		return req.headers.authorization === `Klaviyo-API-Key ${KLAVIYO_KEY}`;
	}

	private errorDocument(status: number, code: string, title: string, detail: string, pointer?: string, meta?: Record<string, unknown>) {
		const error: Record<string, unknown> = { id: randomUUID(), status, code, title, detail, links: {}, meta: meta ?? {} };
		if (pointer) error.source = { pointer };
		return { errors: [error] };
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, this.errorDocument(401, 'not_authenticated', 'Authentication credentials were not provided.', 'Missing or invalid private key.'));
	}

	private sendThrottle(res: ServerResponse, seconds: number, limit: number): void {
		this.json(
			res,
			429,
			this.errorDocument(429, 'throttled', 'Request was throttled.', `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? '' : 's'}.`),
			{ 'retry-after': String(seconds), 'ratelimit-limit': String(limit), 'ratelimit-remaining': '0', 'ratelimit-reset': String(seconds) },
		);
	}

	protected throttled(res: ServerResponse): void {
		this.sendThrottle(res, 1, 75);
	}

	protected serverError(res: ServerResponse, status: number): void {
		this.json(res, status, this.errorDocument(status, 'error', 'A server error occurred.', 'A server error occurred.'));
	}

	protected notFound(res: ServerResponse): void {
		this.json(res, 404, this.errorDocument(404, 'not_found', 'Not found.', 'Not found.'));
	}

	/** The operation's limits from the spec, per endpoint: seconds until a slot frees, or 0 when free. */
	private waitForLimit(req: RecordedRequest): { seconds: number; limit: number } | undefined {
		const operation = klaviyoSpec().operation(req.method, req.path);
		if (!operation) return undefined;
		const key = `${operation.method} ${operation.template}`;
		const now = Date.now();
		const recent = (this.calls.get(key) ?? []).filter((at) => at > now - 60_000);
		this.calls.set(key, recent);
		const windows: Array<[number | undefined, number]> = [
			[operation.limits.burst, 1000],
			[operation.limits.steady, 60_000],
		];
		for (const [max, windowMs] of windows) {
			if (!max) continue;
			const inWindow = recent.filter((at) => at > now - windowMs);
			if (inWindow.length >= max) return { seconds: Math.max(1, Math.ceil((inWindow[inWindow.length - max] + windowMs - now) / 1000)), limit: max };
		}
		recent.push(now);
		return undefined;
	}

	/** Every route: the revision header, the per-endpoint limit, the request body and the answer against the spec. */
	protected route(method: string, path: string, handler: RouteHandler): void {
		super.route(method, path, async (req, res, params) => {
			this.current = req;
			try {
				if (!/^\d{4}-\d{2}-\d{2}(\.\w+)?$/.test(String(req.headers.revision ?? ''))) {
					return this.json(res, 400, this.errorDocument(400, 'invalid', 'Invalid input.', 'The revision header is missing or invalid (format YYYY-MM-DD).'));
				}
				if (this.enforceRateLimit) {
					const wait = this.waitForLimit(req);
					if (wait) {
						this.sent.throttled++;
						return this.sendThrottle(res, wait.seconds, wait.limit);
					}
				}
				if (this.specRejects(req, res)) return;
				await handler(req, res, params);
			} finally {
				this.current = undefined;
			}
		});
	}

	protected json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		const req = this.current;
		if (req) {
			const errors = klaviyoSpec().checkResponse(req.method, req.path, status, body);
			if (errors.length) this.responseViolations.push({ method: req.method, path: req.path, status, errors: errors.map((e) => e.message) });
		}
		super.json(res, status, body, { 'content-type': JSON_API, ...headers });
	}

	/** 400 with Klaviyo's error document when the request body breaks the official spec. */
	private specRejects(req: RecordedRequest, res: ServerResponse): boolean {
		if (req.method === 'GET') return false;
		const mediaType = String(req.headers['content-type'] ?? '').split(';')[0].trim();
		const errors = klaviyoSpec().checkRequest(req.method, req.path, req.body);
		if (req.rawBody && mediaType !== JSON_API) {
			errors.push({ path: '/', keyword: 'content-type', message: `content-type ${mediaType || '(none)'} is not ${JSON_API}` });
		}
		if (!errors.length) return false;
		this.specViolations.push({ method: req.method, path: req.path, errors: errors.map((e) => e.message) });
		this.json(res, 400, this.errorDocument(400, 'invalid', 'Invalid input.', errors.map((e) => e.message).join('; '), errors[0].path === '/' ? '/data' : errors[0].path));
		return true;
	}

	// ---- test helpers -------------------------------------------------------------------------

	/** Adds a list (what our tags become); returns its id. */
	addList(name: string): string {
		const id = `L${String(this.tags.size + 1).padStart(5, '0')}`;
		this.tags.set(id, { id, name });
		return id;
	}

	/** A profile as stored: standard attributes by name, `location.<x>`, `properties.<name>`. */
	seedProfile(email: string, fields: Record<string, unknown> = {}): FakeContact {
		return this.createContact(email.toLowerCase(), fields, this.profileId());
	}

	// ---- answers --------------------------------------------------------------------------------

	private link(path: string): string {
		return `${this.url}${path}`;
	}

	private profileResource(contact: FakeContact) {
		const location: Record<string, unknown> = {};
		const properties: Record<string, unknown> = {};
		const attributes: Record<string, unknown> = { email: contact.email };
		for (const [key, value] of Object.entries(contact.fields)) {
			if (key.startsWith('location.')) location[key.slice(9)] = value;
			else if (key.startsWith('properties.')) properties[key.slice(11)] = value;
			else attributes[key] = value;
		}
		const created = new Date(contact.createdAt).toISOString();
		return {
			type: 'profile',
			id: contact.id,
			attributes: { ...attributes, location, properties, created, updated: new Date().toISOString(), last_event_date: null },
			relationships: { lists: { links: { self: this.link(`/api/profiles/${contact.id}/relationships/lists`), related: this.link(`/api/profiles/${contact.id}/lists`) } } },
			links: { self: this.link(`/api/profiles/${contact.id}`) },
		};
	}

	private listResource(id: string, name: string, fields: string[] | undefined) {
		const all: Record<string, unknown> = { name, created: '2026-01-01T00:00:00+00:00', updated: '2026-01-01T00:00:00+00:00', opt_in_process: 'single_opt_in' };
		const attributes = fields ? Object.fromEntries(Object.entries(all).filter(([key]) => fields.includes(key))) : all;
		return { type: 'list', id, attributes, links: { self: this.link(`/api/lists/${id}`) } };
	}

	/** `equals(<field>,"<value>")` (or single quotes), the only filter the adapter sends. */
	private parseFilter(filter: string): { field: string; value: string } | undefined {
		const match = /^equals\((\w+),\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\)$/.exec(filter);
		if (!match) return undefined;
		return { field: match[1], value: (match[2] ?? match[3]).replace(/\\(.)/g, '$1') };
	}

	/** Stores profile-import attributes: `null` clears, location merges, properties merge, `unset` removes. */
	private applyAttributes(contact: FakeContact, attributes: Record<string, unknown>, unset: unknown): void {
		for (const key of STANDARD) {
			if (!(key in attributes) || key === 'email') continue;
			if (attributes[key] === null) delete contact.fields[key];
			else contact.fields[key] = attributes[key];
		}
		const location = asObject(attributes.location);
		for (const key of LOCATION) {
			if (!(key in location)) continue;
			if (location[key] === null) delete contact.fields[`location.${key}`];
			else contact.fields[`location.${key}`] = location[key];
		}
		for (const [key, value] of Object.entries(asObject(attributes.properties))) contact.fields[`properties.${key}`] = value;
		for (const key of Array.isArray(unset) ? unset : unset === undefined || unset === null ? [] : [unset]) delete contact.fields[`properties.${String(key)}`];
	}

	/** Klaviyo's validation of identifiers: a valid e-mail and an E.164 phone number. */
	private invalidIdentifier(attributes: Record<string, unknown>): { detail: string; pointer: string } | undefined {
		if (typeof attributes.email === 'string' && !this.isEmail(attributes.email)) return { detail: 'Invalid email address', pointer: '/data/attributes/email' };
		if (typeof attributes.phone_number === 'string' && !E164.test(attributes.phone_number)) {
			return { detail: 'Invalid phone number format (Example of a valid phone number: +1 (650) 555-1212)', pointer: '/data/attributes/phone_number' };
		}
		return undefined;
	}

	protected routes(): void {
		this.route('GET', '/api/accounts', (_req, res) => {
			this.json(res, 200, {
				data: [
					{
						type: 'account',
						id: 'AbC123',
						attributes: {
							test_account: true,
							contact_information: {
								default_sender_name: 'Example',
								default_sender_email: 'owner@example.com',
								website_url: 'https://example.com',
								organization_name: 'Example',
								street_address: { address1: '1 Main Street', address2: null, city: 'Boston', region: 'MA', country: 'US', zip: '02110' },
							},
							industry: null,
							timezone: 'US/Eastern',
							preferred_currency: 'USD',
							public_api_key: 'AbC123',
							locale: 'en-US',
						},
						links: { self: this.link('/api/accounts/AbC123') },
					},
				],
				links: { self: this.link('/api/accounts') },
			});
		});

		this.route('GET', '/api/profiles', (req, res) => {
			const size = Number(req.query.get('page[size]') ?? 20);
			if (!Number.isInteger(size) || size < 1 || size > 100) {
				return this.json(res, 400, this.errorDocument(400, 'invalid', 'Invalid input.', 'page[size] must be between 1 and 100', undefined));
			}
			let rows = [...this.contacts.values()];
			const raw = req.query.get('filter');
			if (raw !== null) {
				const filter = this.parseFilter(raw);
				if (!filter || !['email', 'id'].includes(filter.field)) {
					return this.json(res, 400, this.errorDocument(400, 'invalid', 'Invalid input.', `Invalid filter provided: ${raw}`));
				}
				rows = rows.filter((contact) => (filter.field === 'email' ? contact.email === filter.value : contact.id === filter.value));
			}
			this.json(res, 200, { data: rows.slice(0, size).map((contact) => this.profileResource(contact)), links: { self: this.link(req.url) } });
		});

		this.route('GET', '/api/profiles/:id', (_req, res, { id }) => {
			const contact = this.contacts.get(id);
			if (!contact) return this.json(res, 404, this.errorDocument(404, 'not_found', 'Not found.', `A profile with id ${id} does not exist.`));
			this.json(res, 200, { data: this.profileResource(contact), links: { self: this.link(`/api/profiles/${id}`) } });
		});

		this.route('POST', '/api/profile-import', (req, res) => {
			const data = asObject(asObject(req.body).data);
			const attributes = asObject(data.attributes);
			const unset = asObject(asObject(asObject(data.meta).patch_properties)).unset;
			const invalid = this.invalidIdentifier(attributes);
			if (invalid) return this.json(res, 400, this.errorDocument(400, 'invalid', 'Invalid input.', invalid.detail, invalid.pointer));
			const email = typeof attributes.email === 'string' ? attributes.email.toLowerCase() : undefined;
			let contact: FakeContact | undefined;
			if (typeof data.id === 'string' && data.id) {
				contact = this.contacts.get(data.id);
				if (!contact) return this.json(res, 404, this.errorDocument(404, 'not_found', 'Not found.', `A profile with id ${data.id} does not exist.`));
				const other = email ? this.findByEmail(email) : undefined;
				if (other && other.id !== contact.id) {
					return this.json(
						res,
						409,
						this.errorDocument(409, 'duplicate_profile', 'Conflict.', 'A profile already exists with one of these identifiers.', '/data/attributes', {
							duplicate_profile_id: other.id,
						}),
					);
				}
				if (email) contact.email = email;
			} else {
				if (!email && !attributes.phone_number && !attributes.external_id) {
					return this.json(res, 400, this.errorDocument(400, 'invalid', 'Invalid input.', 'One of email, phone_number, or external_id is required.', '/data/attributes'));
				}
				contact = email ? this.findByEmail(email) : undefined;
			}
			const created = !contact;
			contact ??= this.createContact(email ?? '', {}, this.profileId());
			this.applyAttributes(contact, attributes, unset);
			this.json(res, created ? 201 : 200, { data: this.profileResource(contact), links: { self: this.link(`/api/profiles/${contact.id}`) } });
		});

		this.route('POST', '/api/data-privacy-deletion-jobs', (req, res) => {
			const profile = asObject(asObject(asObject(asObject(asObject(req.body).data).attributes).profile).data);
			const attributes = asObject(profile.attributes);
			const identifiers = [profile.id ? 'id' : '', attributes.email ? 'email' : '', attributes.phone_number ? 'phone_number' : ''].filter(Boolean);
			if (identifiers.length !== 1) {
				return this.json(res, 400, this.errorDocument(400, 'invalid', 'Invalid input.', 'Exactly one of id, email or phone_number must be given.', '/data/attributes/profile'));
			}
			this.deletionJobs.push(identifiers[0] === 'id' ? { id: profile.id } : { [identifiers[0]]: attributes[identifiers[0]] });
			// Klaviyo deletes asynchronously; the fake completes the job at once.
			for (const contact of [...this.contacts.values()]) {
				const matches =
					(profile.id && contact.id === profile.id) ||
					(typeof attributes.email === 'string' && contact.email === attributes.email.toLowerCase()) ||
					(attributes.phone_number && contact.fields.phone_number === attributes.phone_number);
				if (matches) this.contacts.delete(contact.id);
			}
			this.json(res, 202, undefined);
		});

		this.route('GET', '/api/lists', (req, res) => {
			const size = Number(req.query.get('page[size]') ?? 10);
			if (!Number.isInteger(size) || size < 1 || size > 10) {
				return this.json(res, 400, this.errorDocument(400, 'invalid', 'Invalid input.', 'page[size] must be between 1 and 10', undefined));
			}
			const cursor = req.query.get('page[cursor]');
			const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8')) : 0;
			const fields = req.query.get('fields[list]')?.split(',');
			const all = [...this.tags.values()];
			const rows = this.page(all, offset, size);
			const links: Record<string, string> = { self: this.link(req.url) };
			if (offset + size < all.length) {
				const next = new URL(this.link('/api/lists'));
				for (const [key, value] of req.query) if (key !== 'page[cursor]') next.searchParams.set(key, value);
				next.searchParams.set('page[cursor]', Buffer.from(String(offset + size)).toString('base64url'));
				links.next = next.toString();
			}
			this.json(res, 200, { data: rows.map((list) => this.listResource(list.id, list.name, fields)), links });
		});

		this.route('POST', '/api/lists', (req, res) => {
			const name = String(asObject(asObject(asObject(req.body).data).attributes).name);
			const id = this.addList(name);
			this.listCreations.push(name);
			this.json(res, 201, { data: this.listResource(id, name, undefined), links: { self: this.link(`/api/lists/${id}`) } });
		});

		const membership = (add: boolean): RouteHandler => (req, res, { id }) => {
			const list = this.tags.get(id);
			if (!list) return this.json(res, 404, this.errorDocument(404, 'not_found', 'Not found.', `A list with id ${id} does not exist.`));
			const members = (asObject(req.body).data as Array<Record<string, unknown>>) ?? [];
			if (members.length > 1000) return this.json(res, 400, this.errorDocument(400, 'invalid', 'Invalid input.', 'At most 1000 profiles per call.', '/data'));
			const contacts = members.map((member) => this.contacts.get(String(member.id)));
			const missing = members.find((_member, n) => !contacts[n]);
			if (missing) return this.json(res, 404, this.errorDocument(404, 'not_found', 'Not found.', `A profile with id ${String(missing.id)} does not exist.`));
			for (const contact of contacts) {
				if (add) contact!.tags.add(list.name);
				else contact!.tags.delete(list.name);
			}
			this.json(res, 204, undefined);
		};
		this.route('POST', '/api/lists/:id/relationships/profiles', membership(true));
		this.route('DELETE', '/api/lists/:id/relationships/profiles', membership(false));
	}
}
