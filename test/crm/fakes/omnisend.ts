/**
 * Omnisend's current contacts API (version 2026-03-15, base `/api`), as far as the adapter uses it.
 * Omnisend publishes no spec file we keep in ../shared/specs, so this follows its documentation:
 * - https://api-docs.omnisend.com/reference/contacts (identifiers, channels, case-sensitive e-mails,
 *   "two contacts cannot share an identifier")
 * - https://api-docs.omnisend.com/reference/post_contacts (create or update by e-mail: 201 / 200)
 * - https://api-docs.omnisend.com/reference/patch_contacts (PATCH by e-mail; PATCH /contacts/{id} has
 *   the same body and answers: 200, 400, 404, 409 "Contact identifier already exists")
 * - https://api-docs.omnisend.com/docs/migrate-from-v5-to-v2026-03-15 (`Authorization: Omnisend-API-Key`,
 *   required `Omnisend-Version`, cursor paging `paging.cursors.after` / `hasMore`, RFC 9457 errors
 *   `{type, title, status, detail, errors[]}`)
 * - https://api-docs.omnisend.com/reference/rate-limit-timeouts-errors (400 requests a minute, 429,
 *   `X-Rate-Limit-Limit/-Remaining/-Reset` with every answer; the 2026-03-15 reference adds
 *   `retryAfter` (seconds) to the 429 problem body)
 * - the 2026-03-15 reference of `GET /contacts` (limit 1–250, default 100; filter `email`), of
 *   `POST/DELETE /contacts/tags` (`{contactIDs|emails|phones|segmentID, tags 1–100}`, 202, applied
 *   asynchronously, 60 requests a minute) and of the ContactRequest body (string fields, `gender` m|f,
 *   `birthdate` YYYY-MM-DD, `countryCode` ISO alpha-2, `tags` ≤ 100, identifiers `{id, type}` required,
 *   phone in E.164, `channels.<email|sms>.status` required, `customProperties` object).
 * Bodies that break those rules get Omnisend's 400 ValidationProblem and are recorded in
 * `violations`. Stricter than the docs say: an undocumented top-level key is refused too, so an adapter
 * typo fails a test instead of vanishing. The fake applies tag changes at once (Omnisend: "may not be
 * visible immediately").
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, type FakeContact, FakeCrm, type RouteHandler } from './base';

export const OMNISEND_KEY = '65f0c0ffee0123456789abcd-omnisendtestkey0123456789';
export const OMNISEND_VERSION = '2026-03-15';

const STRING_FIELDS = ['address', 'birthdate', 'city', 'country', 'countryCode', 'createdAt', 'firstName', 'lastName', 'postalCode', 'state'];
const CONTACT_KEYS = [...STRING_FIELDS, 'customProperties', 'gender', 'identifiers', 'tags'];
const IDENTIFIER_KEYS = ['channels', 'consent', 'id', 'sendWelcomeMessage', 'source', 'type'];
const STATUSES = ['subscribed', 'nonSubscribed', 'unsubscribed'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;

type FieldError = { field: string; code: string; message: string };

/** The one-minute window of a limit and the requests it counted. */
class Window {
	readonly times: number[] = [];
	constructor(
		public max: number,
		public windowMs: number,
	) {}

	prune(now = Date.now()): void {
		while (this.times.length && this.times[0] <= now - this.windowMs) this.times.shift();
	}

	/** Seconds until a request fits again (at least 1, Omnisend's `retryAfter` is whole seconds). */
	retryAfter(now = Date.now()): number {
		this.prune(now);
		if (this.times.length < this.max) return 1;
		return Math.max(1, Math.ceil((this.times[0] + this.windowMs - now) / 1000));
	}

	/** Seconds left in the current period, as `X-Rate-Limit-Reset` reports it. */
	reset(now = Date.now()): number {
		this.prune(now);
		return this.times.length ? Math.max(1, Math.ceil((this.times[0] + this.windowMs - now) / 1000)) : Math.ceil(this.windowMs / 1000);
	}
}

export class OmnisendFake extends FakeCrm {
	protected readonly prefix = '/api';
	/** Request bodies Omnisend's documentation calls invalid: an adapter bug unless a test sent bad data. */
	readonly violations: Array<{ method: string; path: string; errors: FieldError[] }> = [];
	/** E-mail channel status of each contact, by contact id. */
	readonly emailStatus = new Map<string, string>();
	/** Whether answers carry `X-Rate-Limit-*` (the docs say they do; reports say 429s come without). */
	rateLimitHeaders = true;
	/** Whether a 429's problem body carries `retryAfter` (documented for 2026-03-15). */
	retryAfterInBody = true;
	/** `retryAfter` of a forced 429 (`throttleNext`), in seconds. */
	forcedRetryAfter = 1;
	/** `POST/DELETE /contacts/tags` have their own limit of 60 a minute. */
	readonly tagLimit = new Window(60, 60_000);
	private readonly global = new Window(400, 60_000);
	private counter = 0;

	constructor() {
		super();
		this.rateLimit = { max: 400, windowMs: 60_000 };
	}

	/** Sets the account-wide limit (tests shrink the minute to keep runs short). */
	setLimit(max: number, windowMs: number): void {
		this.rateLimit = { max, windowMs };
		this.global.max = max;
		this.global.windowMs = windowMs;
	}

	protected authorize(req: RecordedRequest): boolean {
		return req.headers.authorization === `Omnisend-API-Key ${OMNISEND_KEY}`;
	}

	private problem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}) {
		return {
			type: `https://problems.omnisend.com/${title.toLowerCase().replace(/[^a-z]+/g, '-')}`,
			title,
			status,
			detail,
			instance: `urn:omnisend:request:00000000-0000-0000-0000-${String(++this.counter).padStart(12, '0')}`,
			...extra,
		};
	}

	protected json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		const limits: Record<string, string> = {};
		if (this.rateLimitHeaders) {
			this.global.prune();
			limits['x-rate-limit-limit'] = String(this.global.max);
			limits['x-rate-limit-remaining'] = String(Math.max(0, this.global.max - this.global.times.length));
			limits['x-rate-limit-reset'] = String(this.global.reset());
		}
		super.json(res, status, body, { ...limits, ...headers });
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, this.problem(401, 'Unauthorized', 'Authentication is missing or invalid'));
	}

	/** Forced throttles (`throttleNext`) and the account-wide limit both answer with this. */
	protected throttled(res: ServerResponse, retryAfter = this.enforceRateLimit ? this.global.retryAfter() : this.forcedRetryAfter): void {
		this.json(res, 429, this.problem(429, 'Too Many Requests', 'Rate limit exceeded', this.retryAfterInBody ? { retryAfter } : {}));
	}

	protected serverError(res: ServerResponse, status: number): void {
		this.json(res, status, this.problem(status, 'Internal Server Error', 'Unexpected error occurred'));
	}

	protected notFound(res: ServerResponse): void {
		this.json(res, 404, this.problem(404, 'Not Found', 'Resource not found'));
	}

	/** Every route: the version header is required, the tags routes have their own limit. */
	protected route(method: string, path: string, handler: RouteHandler): void {
		super.route(method, path, async (req, res, params) => {
			if (req.headers['omnisend-version'] !== OMNISEND_VERSION) {
				const errors = [{ field: 'Omnisend-Version', code: 'required', message: `Omnisend-Version header must be ${OMNISEND_VERSION}` }];
				this.violations.push({ method: req.method, path: req.path, errors });
				return this.json(res, 400, this.problem(400, 'Bad Request', 'Request contains invalid or missing fields', { errors }));
			}
			if (this.enforceRateLimit) {
				this.global.times.push(Date.now());
				if (path === '/contacts/tags') {
					this.tagLimit.prune();
					if (this.tagLimit.times.length >= this.tagLimit.max) {
						this.sent.throttled++;
						return this.throttled(res, this.tagLimit.retryAfter());
					}
					this.tagLimit.times.push(Date.now());
				}
			}
			await handler(req, res, params);
		});
	}

	// ---- test helpers -------------------------------------------------------------------------

	/** A contact created in Omnisend's app (not through the node). */
	seedContact(email: string, fields: Record<string, unknown> = {}, tags: string[] = []): FakeContact {
		const contact = this.createContact(email, fields, this.objectId());
		for (const tag of tags) contact.tags.add(tag);
		this.emailStatus.set(contact.id, 'nonSubscribed');
		return contact;
	}

	private objectId(): string {
		return `60a6170920d91c215e94${this.newId().padStart(4, '0')}`;
	}

	/** Omnisend compares e-mail identifiers case-sensitively. */
	private byEmail(email: string): FakeContact | undefined {
		return [...this.contacts.values()].find((contact) => contact.email === email);
	}

	private byPhone(phone: string): FakeContact | undefined {
		return [...this.contacts.values()].find((contact) => contact.fields.phone === phone);
	}

	contactJson(contact: FakeContact) {
		const status = this.emailStatus.get(contact.id) ?? 'nonSubscribed';
		const out: Record<string, unknown> = {
			id: contact.id,
			email: contact.email,
			identifiers: [{ type: 'email', id: contact.email, channels: { email: { status, statusChangedAt: new Date(contact.createdAt).toISOString() } } }],
			status,
			tags: [...contact.tags],
			customProperties: {},
			createdAt: new Date(contact.createdAt).toISOString(),
			updatedAt: new Date().toISOString(),
		};
		for (const [key, value] of Object.entries(contact.fields)) {
			if (key.startsWith('customProperties.')) (out.customProperties as Record<string, unknown>)[key.slice('customProperties.'.length)] = value;
			else if (key === 'phone') {
				out.phone = [value];
				(out.identifiers as unknown[]).push({ type: 'phone', id: value, channels: { sms: { status: 'nonSubscribed' } } });
			} else out[key] = value;
		}
		return out;
	}

	// ---- validation (ContactRequest, AddTagsRequest / RemoveTagsRequest) ----------------------

	private checkContact(body: unknown, requireIdentifiers: boolean): FieldError[] {
		const errors: FieldError[] = [];
		if (!body || typeof body !== 'object' || Array.isArray(body)) return [{ field: '', code: 'invalid_type', message: 'Request body must be a JSON object' }];
		const doc = body as Record<string, unknown>;
		for (const key of Object.keys(doc)) {
			if (!CONTACT_KEYS.includes(key)) errors.push({ field: key, code: 'unknown_field', message: 'Field is not part of the contact request' });
		}
		for (const key of STRING_FIELDS) {
			if (doc[key] !== undefined && typeof doc[key] !== 'string') errors.push({ field: key, code: 'invalid_type', message: 'Must be a string' });
		}
		if (doc.gender !== undefined && doc.gender !== 'm' && doc.gender !== 'f') errors.push({ field: 'gender', code: 'invalid_value', message: 'Must be one of: m, f' });
		if (typeof doc.birthdate === 'string' && !/^\d{4}-\d{2}-\d{2}$/.test(doc.birthdate)) {
			errors.push({ field: 'birthdate', code: 'invalid_format', message: 'Must be a date in YYYY-MM-DD format' });
		}
		if (typeof doc.countryCode === 'string' && !/^[A-Z]{2}$/.test(doc.countryCode)) {
			errors.push({ field: 'countryCode', code: 'invalid_format', message: 'Must be an ISO 3166-1 alpha-2 country code' });
		}
		if (doc.customProperties !== undefined && (typeof doc.customProperties !== 'object' || doc.customProperties === null || Array.isArray(doc.customProperties))) {
			errors.push({ field: 'customProperties', code: 'invalid_type', message: 'Must be an object' });
		}
		if (doc.tags !== undefined) {
			if (!Array.isArray(doc.tags) || doc.tags.some((tag) => typeof tag !== 'string')) errors.push({ field: 'tags', code: 'invalid_type', message: 'Must be an array of strings' });
			else if (doc.tags.length > 100) errors.push({ field: 'tags', code: 'too_many', message: 'Must contain at most 100 items' });
		}
		if (doc.identifiers === undefined) {
			if (requireIdentifiers) errors.push({ field: 'identifiers', code: 'required', message: 'At least one identifier is required' });
		} else if (!Array.isArray(doc.identifiers)) {
			errors.push({ field: 'identifiers', code: 'invalid_type', message: 'Must be an array' });
		} else {
			if (requireIdentifiers && !doc.identifiers.length) errors.push({ field: 'identifiers', code: 'required', message: 'At least one identifier is required' });
			doc.identifiers.forEach((raw, i) => errors.push(...this.checkIdentifier(raw, `identifiers[${i}]`)));
		}
		return errors;
	}

	private checkIdentifier(raw: unknown, at: string): FieldError[] {
		if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [{ field: at, code: 'invalid_type', message: 'Must be an object' }];
		const identifier = raw as Record<string, unknown>;
		const errors: FieldError[] = [];
		for (const key of Object.keys(identifier)) {
			if (!IDENTIFIER_KEYS.includes(key)) errors.push({ field: `${at}.${key}`, code: 'unknown_field', message: 'Field is not part of an identifier' });
		}
		if (identifier.type !== 'email' && identifier.type !== 'phone') errors.push({ field: `${at}.type`, code: 'invalid_value', message: 'Must be one of: email, phone' });
		if (typeof identifier.id !== 'string' || !identifier.id) errors.push({ field: `${at}.id`, code: 'required', message: 'Identifier id is required' });
		else if (identifier.type === 'email' && !EMAIL.test(identifier.id)) errors.push({ field: `${at}.id`, code: 'invalid_format', message: 'Must be a valid email address' });
		else if (identifier.type === 'phone' && !E164.test(identifier.id)) errors.push({ field: `${at}.id`, code: 'invalid_format', message: 'Must be a phone number in E.164 format' });
		if (identifier.sendWelcomeMessage !== undefined && typeof identifier.sendWelcomeMessage !== 'boolean') {
			errors.push({ field: `${at}.sendWelcomeMessage`, code: 'invalid_type', message: 'Must be a boolean' });
		}
		if (identifier.channels !== undefined) {
			const channels = identifier.channels;
			if (!channels || typeof channels !== 'object' || Array.isArray(channels)) errors.push({ field: `${at}.channels`, code: 'invalid_type', message: 'Must be an object' });
			else {
				for (const [name, channel] of Object.entries(channels)) {
					const status = asObject(channel).status;
					if (!['email', 'sms'].includes(name)) errors.push({ field: `${at}.channels.${name}`, code: 'invalid_value', message: 'Channel must be email or sms' });
					if (typeof status !== 'string' || !STATUSES.includes(status)) {
						errors.push({ field: `${at}.channels.${name}.status`, code: 'invalid_value', message: `Must be one of: ${STATUSES.join(', ')}` });
					}
					const changed = asObject(channel).statusChangedAt;
					if (changed !== undefined && (typeof changed !== 'string' || Number.isNaN(Date.parse(changed)))) {
						errors.push({ field: `${at}.channels.${name}.statusChangedAt`, code: 'invalid_format', message: 'Must be an RFC 3339 date-time' });
					}
				}
			}
		}
		return errors;
	}

	private checkTags(body: unknown): FieldError[] {
		const doc = asObject(body);
		const errors: FieldError[] = [];
		for (const key of Object.keys(doc)) {
			if (!['contactIDs', 'emails', 'phones', 'segmentID', 'tags'].includes(key)) errors.push({ field: key, code: 'unknown_field', message: 'Field is not part of the request' });
		}
		if (!Array.isArray(doc.tags) || doc.tags.some((tag) => typeof tag !== 'string')) errors.push({ field: 'tags', code: 'required', message: 'Must be an array of strings' });
		else if (doc.tags.length < 1 || doc.tags.length > 100) errors.push({ field: 'tags', code: 'invalid_length', message: 'Must contain 1 to 100 items' });
		for (const key of ['contactIDs', 'emails', 'phones']) {
			const list = doc[key];
			if (list === undefined) continue;
			if (!Array.isArray(list) || list.some((item) => typeof item !== 'string')) errors.push({ field: key, code: 'invalid_type', message: 'Must be an array of strings' });
			else if (list.length > 250) errors.push({ field: key, code: 'too_many', message: 'Must contain at most 250 items' });
		}
		if (!['contactIDs', 'emails', 'phones', 'segmentID'].some((key) => doc[key] !== undefined)) {
			errors.push({ field: 'contactIDs', code: 'required', message: 'At least one of contactIDs, emails, phones or segmentID is required' });
		}
		return errors;
	}

	/** Omnisend's 400 when the body breaks the documented request; true when it was sent. */
	private rejects(req: RecordedRequest, res: ServerResponse, errors: FieldError[]): boolean {
		if (!errors.length) return false;
		this.violations.push({ method: req.method, path: req.path, errors });
		this.json(res, 400, this.problem(400, 'Bad Request', 'Request contains invalid or missing fields', { errors }));
		return true;
	}

	/** Writes a validated ContactRequest onto a contact; undefined, or the 409 detail of a taken e-mail. */
	private apply(contact: FakeContact, doc: Record<string, unknown>, creating: boolean): string | undefined {
		for (const raw of (doc.identifiers ?? []) as Array<Record<string, unknown>>) {
			const id = String(raw.id);
			const status = asObject(asObject(raw.channels).email).status;
			if (raw.type === 'email') {
				const other = this.byEmail(id);
				if (other && other.id !== contact.id) return `Contact identifier ${id} already exists`;
				contact.email = id;
				if (typeof status === 'string') this.emailStatus.set(contact.id, status);
				else if (creating) this.emailStatus.set(contact.id, 'nonSubscribed');
			} else {
				// "Phone will be added/updated only if it isn't assigned to another contact."
				const other = this.byPhone(id);
				if (!other || other.id === contact.id) contact.fields.phone = id;
			}
		}
		for (const key of STRING_FIELDS) if (typeof doc[key] === 'string' && key !== 'createdAt') contact.fields[key] = doc[key];
		if (typeof doc.gender === 'string') contact.fields.gender = doc.gender;
		for (const [name, value] of Object.entries(asObject(doc.customProperties))) contact.fields[`customProperties.${name}`] = value;
		// A write replaces the contact's tags with the list it carries.
		if (Array.isArray(doc.tags)) contact.tags = new Set(doc.tags as string[]);
		return undefined;
	}

	protected routes(): void {
		this.route('GET', '/contacts', (req, res) => {
			const limitText = req.query.get('limit');
			const limit = limitText === null ? 100 : Number(limitText);
			if (!Number.isInteger(limit) || limit < 1 || limit > 250) {
				this.rejects(req, res, [{ field: 'limit', code: 'out_of_range', message: 'Must be between 1 and 250' }]);
				return;
			}
			const email = req.query.get('email');
			let all = [...this.contacts.values()].sort((a, b) => b.createdAt - a.createdAt || Number(b.id > a.id) - Number(a.id > b.id));
			if (email !== null) all = all.filter((contact) => contact.email === email);
			const after = req.query.get('after');
			const offset = after ? Number(Buffer.from(after, 'base64').toString('utf8').replace(/^offset:/, '')) : 0;
			if (!Number.isInteger(offset) || offset < 0) {
				this.rejects(req, res, [{ field: 'after', code: 'invalid_format', message: 'Invalid cursor' }]);
				return;
			}
			const page = this.page(all, offset, limit);
			const hasMore = offset + limit < all.length;
			this.json(res, 200, {
				contacts: page.map((contact) => this.contactJson(contact)),
				paging: {
					limit,
					hasMore,
					cursors: {
						after: hasMore ? Buffer.from(`offset:${offset + limit}`).toString('base64') : null,
						before: offset > 0 ? Buffer.from(`offset:${Math.max(0, offset - limit)}`).toString('base64') : null,
					},
				},
			});
		});

		this.route('POST', '/contacts', (req, res) => {
			if (this.rejects(req, res, this.checkContact(req.body, true))) return;
			const doc = asObject(req.body);
			const identifiers = doc.identifiers as Array<Record<string, unknown>>;
			const email = identifiers.find((identifier) => identifier.type === 'email');
			const existing = email ? this.byEmail(String(email.id)) : undefined;
			if (!existing && !email) {
				this.rejects(req, res, [{ field: 'identifiers', code: 'required', message: 'An email identifier is required to create a contact' }]);
				return;
			}
			const contact = existing ?? this.createContact(String(email!.id), {}, this.objectId());
			this.apply(contact, doc, !existing);
			this.json(res, existing ? 200 : 201, this.contactJson(contact));
		});

		this.route('GET', '/contacts/:id', (_req, res, { id }) => {
			const contact = this.contacts.get(id);
			if (!contact) return this.json(res, 404, this.problem(404, 'Not Found', 'Contact not found'));
			this.json(res, 200, this.contactJson(contact));
		});

		this.route('PATCH', '/contacts/:id', (req, res, { id }) => {
			if (this.rejects(req, res, this.checkContact(req.body, false))) return;
			const contact = this.contacts.get(id);
			if (!contact) return this.json(res, 404, this.problem(404, 'Not Found', 'Contact not found'));
			const before = { email: contact.email, fields: { ...contact.fields }, tags: new Set(contact.tags), status: this.emailStatus.get(id) };
			const conflict = this.apply(contact, asObject(req.body), false);
			if (conflict) {
				Object.assign(contact, { email: before.email, fields: before.fields, tags: before.tags });
				if (before.status) this.emailStatus.set(id, before.status);
				return this.json(res, 409, this.problem(409, 'Conflict', conflict));
			}
			this.json(res, 200, this.contactJson(contact));
		});

		const tagRoute = (add: boolean) => (req: RecordedRequest, res: ServerResponse) => {
			if (this.rejects(req, res, this.checkTags(req.body))) return;
			const doc = asObject(req.body);
			const targets = new Set<FakeContact>();
			for (const id of (doc.contactIDs ?? []) as string[]) if (this.contacts.has(id)) targets.add(this.contacts.get(id)!);
			for (const email of (doc.emails ?? []) as string[]) if (this.byEmail(email)) targets.add(this.byEmail(email)!);
			for (const phone of (doc.phones ?? []) as string[]) if (this.byPhone(phone)) targets.add(this.byPhone(phone)!);
			for (const contact of targets) {
				for (const tag of doc.tags as string[]) {
					if (add) contact.tags.add(tag);
					else contact.tags.delete(tag);
				}
			}
			this.json(res, 202, undefined);
		};
		this.route('POST', '/contacts/tags', tagRoute(true));
		this.route('DELETE', '/contacts/tags', tagRoute(false));
	}
}
