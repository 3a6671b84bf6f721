/**
 * Bento REST API v1, as far as the adapter uses it. Bento publishes no OpenAPI file in ../shared/specs;
 * this fake follows Bento's own API documentation:
 * - Authentication (https://bentonow.com/docs/authentication, https://bentonow.com/docs/api/conventions):
 *   HTTP Basic auth, publishable key as username and secret key as password, and `site_uuid` as a query
 *   parameter on every request; a `User-Agent` header is required (requests without one are blocked).
 * - Errors (https://bentonow.com/docs/api/errors): `{ "error": "Unauthorized" }` or
 *   `{ "errors": [{ "field": "email", "message": "is invalid" }] }`; 400 invalid body or wrong field
 *   type, 401 missing/invalid auth or missing site_uuid, 403 missing User-Agent, 404 wrong path,
 *   422 business rule, 429 too many requests.
 * - Rate limits (https://bentonow.com/docs/api/access, https://docs.bentonow.com/): 100 requests per
 *   minute for `/api/v1/fetch/*` and `/api/v1/batch/*`; 429, "retry with exponential backoff" (no
 *   retry header is documented, so none is sent).
 * - Find subscriber (https://bentonow.com/docs/subscribers#find-subscriber): `GET /fetch/subscribers`
 *   with `email` or `uuid` → `{ data: { id, type: "visitors", attributes: { uuid, email, fields,
 *   cached_tag_ids, unsubscribed_at } } }`; the official SDKs treat a missing `data` as "not found".
 * - Create subscriber (https://bentonow.com/docs/subscribers#create-subscriber):
 *   `POST /fetch/subscribers` with `{ subscriber: { email } }` → `{ data: subscriber }`.
 * - Run command (https://docs.bentonow.com/api-v1/commands, https://docs.bentonow.com/reference-api/run-command):
 *   `POST /fetch/commands` with `{ command: [ { command, email, query } ] }`, at most 100 commands per
 *   call; commands add_tag / add_tag_via_event / remove_tag / remove_field take a string query,
 *   add_field `{ key, value }`, change_email the new e-mail, subscribe / unsubscribe none.
 * - Fields (https://bentonow.com/docs/fields): `GET /fetch/fields` → `{ data: [ { id, type:
 *   "visitors-fields", attributes: { name, key, whitelisted } } ] }`, unpaged.
 * - Tags (https://bentonow.com/docs/tags): `GET /fetch/tags` → `{ data: [ { id, type: "tags",
 *   attributes: { name, created_at, discarded_at } } ] }`, unpaged.
 * - Data deletion (https://bentonow.com/docs/data_deletion_requests_api): `POST /data_deletion_requests`
 *   with `data_deletion_request[email]` → 202 `{ status: "queued_for_anonymization" }`, 404
 *   `{ error: "visitor_not_found" }`; the visitor is anonymised (its e-mail cleared), not removed.
 * Not documented, chosen here: the commands answer (`{ results, failed }`, as the official Node SDK
 * reads it), the not-found answer of Find subscriber (200 `{ data: null }`), the 429 body, that an
 * existing e-mail given to Create subscriber returns that subscriber, and the 422 for change_email to
 * an e-mail another subscriber has or from one nobody has.
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, basicAuth, type FakeContact, FakeCrm, type RouteHandler } from './base';

export const BENTO_PUBLISHABLE_KEY = 'pk_test_0123456789abcdef';
export const BENTO_SECRET_KEY = 'sk_test_fedcba9876543210';
export const BENTO_SITE_UUID = 'b3e7c0de5a1f4e2a9c8d7e6f5a4b3c2d';

const COMMANDS = ['add_tag', 'add_tag_via_event', 'remove_tag', 'add_field', 'remove_field', 'subscribe', 'unsubscribe', 'change_email'];
const STRING_QUERY = ['add_tag', 'add_tag_via_event', 'remove_tag', 'remove_field'];

export interface BentoError {
	field: string;
	message: string;
}

const isScalar = (value: unknown) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** What Bento's reference says is wrong with one command, in its `errors` shape. */
export function commandErrors(input: unknown, index: number): BentoError[] {
	const at = (field: string) => `command[${index}].${field}`;
	const command = asObject(input);
	const errors: BentoError[] = [];
	const email = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
	if (typeof command.command !== 'string' || !COMMANDS.includes(command.command)) {
		errors.push({ field: at('command'), message: `must be one of ${COMMANDS.join(', ')}` });
		return errors;
	}
	if (typeof command.email !== 'string' || !email.test(command.email)) errors.push({ field: at('email'), message: 'is invalid' });
	const query = command.query;
	if (STRING_QUERY.includes(command.command) && (typeof query !== 'string' || !query.trim())) {
		errors.push({ field: at('query'), message: 'must be a non-empty string' });
	}
	if (command.command === 'change_email' && (typeof query !== 'string' || !email.test(query))) {
		errors.push({ field: at('query'), message: 'must be a valid e-mail address' });
	}
	if (command.command === 'add_field') {
		const field = asObject(query);
		if (typeof field.key !== 'string' || !field.key.trim()) errors.push({ field: at('query.key'), message: 'must be a non-empty string' });
		if (!('value' in field) || !isScalar(field.value)) errors.push({ field: at('query.value'), message: 'must be a flat value (string, number or boolean)' });
		const extra = Object.keys(field).filter((key) => key !== 'key' && key !== 'value');
		if (extra.length) errors.push({ field: at('query'), message: `has undocumented keys ${extra.join(', ')}` });
	}
	const extra = Object.keys(command).filter((key) => !['command', 'email', 'query'].includes(key));
	if (extra.length) errors.push({ field: at(extra[0]), message: 'is not a documented command attribute' });
	return errors;
}

export class BentoFake extends FakeCrm {
	protected readonly prefix = '/api/v1';
	/** Requests that break Bento's documentation (all rejected). */
	readonly docViolations: Array<{ method: string; path: string; errors: string[] }> = [];
	/** Subscribers anonymised by a data deletion request (their uuids). */
	readonly anonymised = new Set<string>();
	private numericId = 1000;

	constructor() {
		super();
		this.rateLimit = { max: 100, windowMs: 60_000 };
	}

	protected authorize(req: RecordedRequest): boolean {
		const auth = basicAuth(req);
		return auth?.user === BENTO_PUBLISHABLE_KEY && auth.password === BENTO_SECRET_KEY && req.query.get('site_uuid') === BENTO_SITE_UUID;
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, { error: 'Unauthorized' });
	}

	protected throttled(res: ServerResponse): void {
		this.json(res, 429, { error: 'Too Many Requests' });
	}

	protected serverError(res: ServerResponse, status: number): void {
		this.json(res, status, { error: 'Internal Server Error' });
	}

	protected notFound(res: ServerResponse): void {
		this.json(res, 404, { error: 'Not Found' });
	}

	// ---- test helpers -------------------------------------------------------------------------

	/** A subscriber created outside the node (a Bento form, an import). */
	addSubscriber(email: string, fields: Record<string, unknown> = {}, tags: string[] = []): FakeContact {
		const contact = this.createContact(email, fields, this.uuid());
		for (const tag of tags) contact.tags.add(this.tagByName(tag, true)!.name);
		return contact;
	}

	/** A site field, as Bento's field list shows it. */
	addField(key: string, name = key): void {
		this.fields.push({ key, label: name, id: String(this.numericId++) });
	}

	// ---- Bento's behaviour ----------------------------------------------------------------------

	private uuid(): string {
		return `7c9e6679-7425-40de-944b-${this.newId().padStart(12, '0')}`;
	}

	/** Routes that check the documented headers (User-Agent; JSON for a body) before the handler. */
	private bentoRoute(method: string, path: string, handler: RouteHandler): void {
		this.route(method, path, (req, res, params) => {
			if (!req.headers['user-agent']) return this.reject(req, res, 403, [{ field: 'User-Agent', message: 'is required' }]);
			if (method === 'POST' && !String(req.headers['content-type'] ?? '').includes('application/json')) {
				return this.reject(req, res, 400, [{ field: 'body', message: 'must be JSON (Content-Type: application/json)' }]);
			}
			return handler(req, res, params);
		});
	}

	private reject(req: RecordedRequest, res: ServerResponse, status: number, errors: BentoError[]): void {
		this.docViolations.push({ method: req.method, path: req.path, errors: errors.map((e) => `${e.field} ${e.message}`) });
		this.json(res, status, { errors });
	}

	private subscriberJson(contact: FakeContact) {
		const tagIds = [...contact.tags].map((name) => this.tagByName(name, false)?.id).filter(Boolean);
		return {
			id: String(contact.createdAt % 100000),
			type: 'visitors',
			attributes: { uuid: contact.id, email: contact.email, fields: { ...contact.fields }, cached_tag_ids: tagIds, unsubscribed_at: null },
		};
	}

	private live(contact: FakeContact | undefined): FakeContact | undefined {
		return contact && !this.anonymised.has(contact.id) ? contact : undefined;
	}

	private findSubscriber(req: RecordedRequest, res: ServerResponse): void {
		const email = req.query.get('email');
		const uuid = req.query.get('uuid');
		if (!email && !uuid) return this.reject(req, res, 400, [{ field: 'email', message: 'or uuid is required' }]);
		const contact = this.live(uuid ? this.contacts.get(uuid) : this.findByEmail(email!));
		this.json(res, 200, { data: contact ? this.subscriberJson(contact) : null });
	}

	private createSubscriber(req: RecordedRequest, res: ServerResponse): void {
		const body = asObject(req.body);
		const subscriber = asObject(body.subscriber);
		if (!body.subscriber || typeof body.subscriber !== 'object') return this.reject(req, res, 400, [{ field: 'subscriber', message: 'is required' }]);
		const extra = [...Object.keys(body).filter((k) => k !== 'subscriber'), ...Object.keys(subscriber).filter((k) => k !== 'email')];
		if (extra.length) return this.reject(req, res, 400, [{ field: extra[0], message: 'is not a documented attribute' }]);
		if (!this.isEmail(subscriber.email)) return this.reject(req, res, 400, [{ field: 'email', message: 'is invalid' }]);
		const contact = this.live(this.findByEmail(subscriber.email)) ?? this.createContact(subscriber.email, {}, this.uuid());
		this.json(res, 200, { data: this.subscriberJson(contact) });
	}

	private runCommands(req: RecordedRequest, res: ServerResponse): void {
		const list = asObject(req.body).command;
		if (!Array.isArray(list) || list.length === 0) return this.reject(req, res, 400, [{ field: 'command', message: 'must be an array of 1 to 100 commands' }]);
		if (list.length > 100) return this.reject(req, res, 400, [{ field: 'command', message: 'accepts at most 100 commands per call' }]);
		const errors = list.flatMap((command, index) => commandErrors(command, index));
		if (errors.length) return this.reject(req, res, 400, errors);
		// Business rules are checked for the whole call before anything changes.
		const emails = new Map<string, string>();
		for (const raw of list) {
			const command = raw as { command: string; email: string; query?: unknown };
			if (command.command !== 'change_email') continue;
			const from = this.live(this.findByEmail(command.email));
			if (!from) return this.json(res, 422, { errors: [{ field: 'email', message: `no subscriber has ${command.email}` }] });
			const taken = this.live(this.findByEmail(String(command.query)));
			if (taken && taken.id !== from.id) return this.json(res, 422, { errors: [{ field: 'query', message: 'has already been taken' }] });
			emails.set(from.id, String(command.query));
		}
		for (const raw of list) {
			const { command, email, query } = raw as { command: string; email: string; query?: unknown };
			// Bento creates the subscriber (and tag, field) a command names when it is missing.
			const contact = this.live(this.findByEmail(email)) ?? this.createContact(email, {}, this.uuid());
			if (command === 'add_tag' || command === 'add_tag_via_event') contact.tags.add(this.tagByName(String(query), true)!.name);
			if (command === 'remove_tag') {
				const tag = this.tagByName(String(query), false);
				if (tag) contact.tags.delete(tag.name);
			}
			if (command === 'add_field') {
				const { key, value } = query as { key: string; value: unknown };
				contact.fields[key] = value;
				if (!this.fields.some((field) => field.key === key)) this.addField(key);
			}
			if (command === 'remove_field') delete contact.fields[String(query)];
			if (command === 'change_email') contact.email = emails.get(contact.id) ?? String(query);
		}
		this.json(res, 200, { results: list.length, failed: 0 });
	}

	private deletionRequest(req: RecordedRequest, res: ServerResponse): void {
		const body = asObject(req.body);
		const email = asObject(body.data_deletion_request).email;
		if (!this.isEmail(email)) return this.reject(req, res, 422, [{ field: 'data_deletion_request[email]', message: 'is invalid' }]);
		const contact = this.live(this.findByEmail(email));
		if (!contact) return this.json(res, 404, { error: 'visitor_not_found' });
		this.anonymised.add(contact.id);
		contact.email = '';
		contact.fields = {};
		contact.tags.clear();
		this.json(res, 202, { status: 'queued_for_anonymization' });
	}

	protected routes(): void {
		this.bentoRoute('GET', '/fetch/subscribers', (req, res) => this.findSubscriber(req, res));
		this.bentoRoute('POST', '/fetch/subscribers', (req, res) => this.createSubscriber(req, res));
		this.bentoRoute('POST', '/fetch/commands', (req, res) => this.runCommands(req, res));
		this.bentoRoute('GET', '/fetch/fields', (_req, res) =>
			this.json(res, 200, {
				data: this.fields.map((field) => ({ id: field.id ?? field.key, type: 'visitors-fields', attributes: { name: field.label, key: field.key, whitelisted: null } })),
			}),
		);
		this.bentoRoute('GET', '/fetch/tags', (_req, res) =>
			this.json(res, 200, {
				data: [...this.tags.values()].map((tag) => ({
					id: tag.id,
					type: 'tags',
					attributes: { name: tag.name, created_at: '2026-01-01T00:00:00.000Z', discarded_at: null, site_id: 1 },
				})),
			}),
		);
		this.bentoRoute('POST', '/data_deletion_requests', (req, res) => this.deletionRequest(req, res));
	}
}
