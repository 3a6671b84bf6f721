/**
 * Customer.io, as far as the adapter uses it, built from Customer.io's own API reference (no vendor spec
 * in ../shared/specs for it):
 * - Track API (https://docs.customer.io/integrations/api/track/), HTTP basic auth `site_id:api_key`:
 *   `GET /api/v1/accounts/region` (https://docs.customer.io/integrations/api/track/tag/trackRegion/getRegion/);
 *   `PUT /api/v1/customers/{identifier}` adds or updates a person; the identifier is an `id`, an e-mail
 *   or `cio_<cio_id>` (told apart by its shape); attributes sit at the top level of the body and may be
 *   text, integers or booleans; `email` must be an e-mail address; only a `cio_` path may change an
 *   existing person's identifiers, an unknown `cio_` path is dropped, and an identifier that belongs
 *   to another person still gets 200 but produces an "Attribute Update Failure" (recorded here in
 *   `attributeUpdateFailures`) (https://docs.customer.io/integrations/api/track/tag/track-customers/identify/);
 *   `DELETE /api/v1/customers/{identifier}` (…/track-customers/delete/); `POST
 *   /api/v1/segments/{segment_id}/add_customers|remove_customers?id_type=id|email|cio_id` with
 *   `{"ids":[…]}` (1–1000 strings) for manual segments only (…/track-segments/add_to_segment/).
 *   Limits: ids ≤ 150 bytes, attribute names ≤ 150 bytes, values ≤ 1000 bytes, ≤ 300 attributes a call.
 *   A request the reference calls invalid gets 400 `{"meta":{"errors":["…"]}}` (the Track API's
 *   documented error body) and is recorded in `invalidRequests`. Rate limit 1000 requests/s.
 * - App API (https://docs.customer.io/integrations/api/app/), `Authorization: Bearer <App API key>`:
 *   `GET /v1/customers?email=` → `{"results":[{"email","id","cio_id"}]}` (…/app/tag/customers/getPeopleEmail/);
 *   `GET /v1/customers/{customer_id}/attributes?id_type=id|email|cio_id` → `{"customer":{"id",
 *   "identifiers","attributes",…}}` with attribute values as text, 404 when unknown
 *   (…/app/tag/customers/getPersonAttributes/); `GET /v1/segments` → `{"segments":[…]}` in one answer
 *   (…/app/tag/segments/listSegments/); `POST /v1/segments` `{"segment":{"name","description"}}`
 *   creates a manual segment (…/app/tag/segments/createManSegment/). Rate limit 10 requests/s,
 *   answered 429 ("Your request is over the 10-per-second limit"; no Retry-After is documented).
 * Customer.io processes Track calls asynchronously: `readLag` makes a new person invisible to that
 * many App API look-ups, as a real workspace can be for a moment.
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, basicAuth, bearer, type FakeContact, FakeCrm, type RouteHandler } from './base';

export const CIO_SITE_ID = 'f00dfeedsite';
export const CIO_TRACK_KEY = 'trk_0123456789abcdef';
export const CIO_APP_KEY = 'app_0123456789abcdef0123456789abcdef';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface Segment {
	id: number;
	name: string;
	description: string;
	type: 'manual' | 'dynamic';
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

export class CustomerIoFake extends FakeCrm {
	protected readonly prefix = '';
	/** Requests refused with 400 because the reference says they are invalid: an adapter bug unless a test meant it. */
	readonly invalidRequests: Array<{ method: string; path: string; errors: string[] }> = [];
	/** Identifier changes Customer.io accepts with 200 but then refuses (its activity log's "Attribute Update Failure"). */
	readonly attributeUpdateFailures: Array<{ cioId: string; attribute: string; value: string }> = [];
	/** `id` identifier by cio_id. */
	readonly customerIds = new Map<string, string>();
	readonly segments = new Map<number, Segment>();
	/** App API look-ups a new person stays invisible to (Track calls are processed asynchronously). */
	readLag = 0;
	/** Requests per second: App API 10, Track API 1000 (enforced with `enforceRateLimit`). */
	limits = { app: 10, track: 1000 };
	private readonly hiddenFor = new Map<string, number>();
	private readonly calls = { app: [] as number[], track: [] as number[] };
	private serial = 0;
	private segmentSerial = 0;

	constructor() {
		super();
		// The two APIs have separate limits (see `limits`), not one account-wide window.
		this.rateLimit = { max: Number.MAX_SAFE_INTEGER, windowMs: 1000 };
	}

	private isApp(req: RecordedRequest): boolean {
		return req.path.startsWith('/v1/');
	}

	protected authorize(req: RecordedRequest): boolean {
		if (this.isApp(req)) return bearer(req) === CIO_APP_KEY;
		const auth = basicAuth(req);
		return auth?.user === CIO_SITE_ID && auth.password === CIO_TRACK_KEY;
	}

	/** The reference documents 401 without a body. */
	protected unauthorized(res: ServerResponse): void {
		res.writeHead(401);
		res.end();
	}

	/** 429 as documented: no body, no Retry-After or reset header. */
	protected throttled(res: ServerResponse): void {
		res.writeHead(429);
		res.end();
	}

	// ---- test helpers -----------------------------------------------------------------------------

	addSegment(name: string, type: Segment['type'] = 'manual'): number {
		const segment = { id: ++this.segmentSerial, name, description: '', type };
		this.segments.set(segment.id, segment);
		if (type === 'manual') this.tags.set(String(segment.id), { id: String(segment.id), name });
		return segment.id;
	}

	seedPerson(email: string, id?: string, fields: Record<string, unknown> = {}): FakeContact {
		const person = this.createContact(email, fields, this.cioId());
		if (id) this.customerIds.set(person.id, id);
		return person;
	}

	byCustomerId(id: string): FakeContact | undefined {
		const cio = [...this.customerIds.entries()].find(([, value]) => value === id)?.[0];
		return cio ? this.contacts.get(cio) : undefined;
	}

	// ---- behaviour ------------------------------------------------------------------------------------

	private cioId(): string {
		return `03${String(++this.serial).padStart(6, '0')}`;
	}

	private overLimit(api: 'app' | 'track'): boolean {
		if (!this.enforceRateLimit) return false;
		const now = Date.now();
		const recent = this.calls[api];
		while (recent.length && recent[0] <= now - 1000) recent.shift();
		if (recent.length >= this.limits[api]) return true;
		recent.push(now);
		return false;
	}

	/** A route with its API's rate limit. */
	private limited(api: 'app' | 'track', handler: RouteHandler): RouteHandler {
		return async (req, res, params) => {
			if (this.overLimit(api)) {
				this.sent.throttled++;
				return this.throttled(res);
			}
			return await handler(req, res, params);
		};
	}

	private invalid(req: RecordedRequest, res: ServerResponse, errors: string[]): void {
		this.invalidRequests.push({ method: req.method, path: req.path, errors });
		this.json(res, 400, { meta: { errors } });
	}

	/** The person a Track path identifier names: `cio_<id>`, an e-mail, else an `id`. */
	private resolve(identifier: string): { kind: 'cio' | 'email' | 'id'; person?: FakeContact } {
		if (identifier.startsWith('cio_')) return { kind: 'cio', person: this.contacts.get(identifier.slice(4)) };
		if (EMAIL.test(identifier)) return { kind: 'email', person: this.findByEmail(identifier) };
		return { kind: 'id', person: this.byCustomerId(identifier) };
	}

	/** What the identify reference forbids, as Customer.io's error strings. */
	private identifyErrors(body: unknown): string[] {
		if (!body || typeof body !== 'object' || Array.isArray(body)) return ['request body must be a JSON object of attributes'];
		const errors: string[] = [];
		const entries = Object.entries(body as Record<string, unknown>);
		if (entries.length > 300) errors.push(`too many attributes: ${entries.length} (at most 300)`);
		for (const [key, value] of entries) {
			if (bytes(key) > 150) errors.push(`attribute name ${key.slice(0, 20)}… is longer than 150 bytes`);
			if (key === 'email') {
				if (typeof value !== 'string' || !EMAIL.test(value)) errors.push(`email: ${JSON.stringify(value)} is not a valid email address`);
			} else if (key === 'id' || key === 'anonymous_id') {
				if (typeof value !== 'string') errors.push(`${key} must be a string`);
				else if (bytes(value) > 150) errors.push(`${key} is longer than 150 bytes`);
			} else if (key === 'created_at' || key === '_timestamp') {
				if (!Number.isInteger(value)) errors.push(`${key} must be an integer Unix timestamp, not ${JSON.stringify(value)}`);
			} else if (key === '_update') {
				if (typeof value !== 'boolean') errors.push('_update must be a boolean');
			} else if (key === 'cio_relationships' || key === 'cio_subscription_preferences') {
				if (!value || typeof value !== 'object') errors.push(`${key} must be an object`);
			} else if (!(typeof value === 'string' || typeof value === 'boolean' || Number.isInteger(value))) {
				errors.push(`attribute ${key} must be a string, an integer or a boolean, not ${JSON.stringify(value)}`);
			} else if (typeof value === 'string' && bytes(value) > 1000) {
				errors.push(`attribute ${key} is longer than 1000 bytes`);
			}
		}
		return errors;
	}

	private applyAttributes(person: FakeContact, body: Record<string, unknown>): void {
		for (const [key, value] of Object.entries(body)) {
			if (['id', 'email', 'anonymous_id', '_timestamp', '_update', 'cio_relationships'].includes(key)) continue;
			// An empty value removes the attribute.
			if (value === '') delete person.fields[key];
			else person.fields[key] = value;
		}
	}

	private setEmail(person: FakeContact, email: unknown): void {
		if (typeof email !== 'string' || email.toLowerCase() === person.email.toLowerCase()) return;
		const other = this.findByEmail(email);
		if (other && other.id !== person.id) this.attributeUpdateFailures.push({ cioId: person.id, attribute: 'email', value: email });
		else person.email = email;
	}

	private setId(person: FakeContact, id: unknown): void {
		if (typeof id !== 'string' || this.customerIds.get(person.id) === id) return;
		const other = this.byCustomerId(id);
		if (other && other.id !== person.id) this.attributeUpdateFailures.push({ cioId: person.id, attribute: 'id', value: id });
		else this.customerIds.set(person.id, id);
	}

	private identify: RouteHandler = (req, res, { identifier }) => {
		const errors = this.identifyErrors(req.body);
		if (bytes(identifier) > 150) errors.push('identifier is longer than 150 bytes');
		if (errors.length) return this.invalid(req, res, errors);
		const body = asObject(req.body);
		const { kind, person } = this.resolve(identifier);
		if (kind === 'cio') {
			// An unknown (or deleted) cio_id: "we'll drop the request".
			if (person) {
				this.setEmail(person, body.email);
				this.setId(person, body.id);
				this.applyAttributes(person, body);
			}
			return this.json(res, 200, {});
		}
		if (person) {
			// Identifiers of an existing person change only through cio_ (the workspace's default settings).
			if (typeof body.email === 'string' && body.email.toLowerCase() !== person.email.toLowerCase()) {
				this.attributeUpdateFailures.push({ cioId: person.id, attribute: 'email', value: body.email });
			}
			if (kind === 'email') this.setId(person, body.id);
			this.applyAttributes(person, body);
			return this.json(res, 200, {});
		}
		// The path identifier is new: a person the body names gets it, else a person is added.
		const named = kind === 'email' ? (typeof body.id === 'string' ? this.byCustomerId(body.id) : undefined) : typeof body.email === 'string' ? this.findByEmail(body.email) : undefined;
		if (named) {
			if (kind === 'email') this.setEmail(named, identifier);
			else this.setId(named, identifier);
			this.applyAttributes(named, body);
			return this.json(res, 200, {});
		}
		if (body._update === true) return this.json(res, 200, {});
		const email = kind === 'email' ? identifier : typeof body.email === 'string' ? body.email : '';
		const created = this.seedPerson(email, kind === 'id' ? identifier : typeof body.id === 'string' ? body.id : undefined);
		this.applyAttributes(created, body);
		if (this.readLag > 0) this.hiddenFor.set(created.id, this.readLag);
		this.json(res, 200, {});
	};

	/** Hides a person from the App API for its remaining lag. */
	private visible(person: FakeContact | undefined): FakeContact | undefined {
		if (!person) return undefined;
		const left = this.hiddenFor.get(person.id) ?? 0;
		if (left <= 0) return person;
		this.hiddenFor.set(person.id, left - 1);
		return undefined;
	}

	private membership(action: 'add' | 'remove'): RouteHandler {
		return (req, res, { segment_id }) => {
			const body = asObject(req.body);
			const idType = req.query.get('id_type') ?? 'id';
			const errors: string[] = [];
			if (!['id', 'email', 'cio_id'].includes(idType)) errors.push(`id_type must be one of id, email, cio_id, not ${idType}`);
			if (!Array.isArray(body.ids) || body.ids.length < 1 || body.ids.length > 1000) errors.push('ids must be an array of 1 to 1000 identifiers');
			else if (!body.ids.every((id) => typeof id === 'string')) errors.push('every entry of ids must be a string');
			const segment = this.segments.get(Number(segment_id));
			if (!segment) errors.push(`segment ${segment_id} does not exist`);
			else if (segment.type !== 'manual') errors.push(`segment ${segment_id} is not a manual segment`);
			if (errors.length) return this.invalid(req, res, errors);
			for (const id of body.ids as string[]) {
				// "We'll ignore values in the ids array that don't match the id_type."
				const person = idType === 'cio_id' ? this.contacts.get(id) : idType === 'email' ? this.findByEmail(id) : this.byCustomerId(id);
				if (!person) continue;
				if (action === 'add') person.tags.add(segment!.name);
				else person.tags.delete(segment!.name);
			}
			this.json(res, 200, {});
		};
	}

	private customerJson(person: FakeContact) {
		const id = this.customerIds.get(person.id) ?? null;
		const attributes: Record<string, string> = { cio_id: person.id, email: person.email };
		if (id) attributes.id = id;
		for (const [key, value] of Object.entries(person.fields)) attributes[key] = String(value);
		return {
			customer: {
				id,
				identifiers: { email: person.email, id, cio_id: person.id },
				attributes,
				timestamps: { cio_id: Math.floor(person.createdAt / 1000), email: Math.floor(person.createdAt / 1000) },
				unsubscribed: person.fields.unsubscribed === true,
				devices: [],
			},
		};
	}

	private segmentJson(segment: Segment) {
		return { id: segment.id, deduplicate_id: `${segment.id}:1700000000`, name: segment.name, description: segment.description, state: 'finished', progress: null, type: segment.type, tags: null };
	}

	protected routes(): void {
		// ---- Track API ----
		this.route('GET', '/api/v1/accounts/region', this.limited('track', (_req, res) => this.json(res, 200, { url: 'https://track.customer.io', region: 'us', environment_id: 1 })));
		this.route('PUT', '/api/v1/customers/:identifier', this.limited('track', this.identify));
		this.route(
			'DELETE',
			'/api/v1/customers/:identifier',
			this.limited('track', (_req, res, { identifier }) => {
				const { person } = this.resolve(identifier);
				if (person) {
					this.contacts.delete(person.id);
					this.customerIds.delete(person.id);
				}
				this.json(res, 200, {});
			}),
		);
		this.route('POST', '/api/v1/segments/:segment_id/add_customers', this.limited('track', this.membership('add')));
		this.route('POST', '/api/v1/segments/:segment_id/remove_customers', this.limited('track', this.membership('remove')));

		// ---- App API ----
		this.route(
			'GET',
			'/v1/customers',
			this.limited('app', (req, res) => {
				const email = req.query.get('email');
				if (!email) return this.invalid(req, res, ['email is required']);
				const rows = [...this.contacts.values()]
					.filter((person) => person.email.toLowerCase() === email.trim().toLowerCase())
					.filter((person) => this.visible(person))
					.map((person) => ({ email: person.email, id: this.customerIds.get(person.id) ?? null, cio_id: person.id }));
				this.json(res, 200, { results: rows });
			}),
		);
		this.route(
			'GET',
			'/v1/customers/:customer_id/attributes',
			this.limited('app', (req, res, { customer_id }) => {
				const idType = req.query.get('id_type') ?? 'id';
				if (!['id', 'email', 'cio_id'].includes(idType)) return this.invalid(req, res, [`id_type must be one of id, email, phone, cio_id, not ${idType}`]);
				const found = idType === 'cio_id' ? this.contacts.get(customer_id) : idType === 'email' ? this.findByEmail(customer_id) : this.byCustomerId(customer_id);
				const person = this.visible(found);
				if (!person) return this.json(res, 404, { errors: [{ detail: 'The customer_id does not exist.', status: '404' }] });
				this.json(res, 200, this.customerJson(person));
			}),
		);
		this.route('GET', '/v1/segments', this.limited('app', (_req, res) => this.json(res, 200, { segments: [...this.segments.values()].map((s) => this.segmentJson(s)) })));
		this.route(
			'POST',
			'/v1/segments',
			this.limited('app', (req, res) => {
				const segment = asObject(asObject(req.body).segment);
				const errors: string[] = [];
				if (typeof segment.name !== 'string' || !segment.name.trim()) errors.push('segment.name is required');
				if (segment.description !== undefined && typeof segment.description !== 'string') errors.push('segment.description must be a string');
				if (errors.length) return this.invalid(req, res, errors);
				const id = this.addSegment(String(segment.name));
				this.segments.get(id)!.description = String(segment.description ?? '');
				this.json(res, 200, { segment: this.segmentJson(this.segments.get(id)!) });
			}),
		);
	}
}
