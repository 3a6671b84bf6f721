/**
 * EmailOctopus API v2 (https://api.emailoctopus.com), as far as the adapter uses it, built from the
 * vendor's reference https://emailoctopus.com/api-documentation/v2 (there is no spec in ../shared/specs):
 * - Authentication: `Authorization: Bearer {key}`; a bad key gets 401 "#unauthorized".
 *   (https://emailoctopus.com/api-documentation/v2#section/Authentication)
 * - Contacts live in a list: `GET|PUT|DELETE /lists/{list_id}/contacts/{contact_id}`, where contact_id is
 *   the contact's id or the MD5 of its lower-cased e-mail; `PUT` changes only what it names (e-mail, fields,
 *   tags as `{name: true|false}`, status); `POST /lists/{list_id}/contacts` creates (tags as an array of
 *   names, 409 when the e-mail is in the list) and `PUT /lists/{list_id}/contacts` upserts by
 *   `email_address`. (#tag/Contact: operations api_lists_list_idcontacts_put/_post, _contact_id_get/_put/_delete)
 * - Fields: `GET /lists/{list_id}` returns the list with every field (`tag`, `label`, `type` text | number |
 *   date | choice_single | choice_multiple, `choices`). Values: strings, integers for number fields,
 *   arrays of strings for multiple choice, `null` removes the value. (#tag/List/operation/api_lists_list_id_get)
 * - Tags: `GET /lists/{list_id}/tags` (paged), `POST /lists/{list_id}/tags` `{tag}` (409 when taken).
 *   (#tag/Tag)
 * - Paging: `limit` (at most 100) and the opaque cursor `starting_after`; answers carry `data` and
 *   `paging.next.{url,starting_after}`. (#section/Pagination)
 * - Errors: RFC 7807 `{type, title, detail, status}`; validation errors are 422 with
 *   `errors: [{pointer, detail}]`. (#section/Errors)
 * - Rate limit: a token bucket of 100 tokens refilled at 10 per second; remaining tokens in
 *   `X-RateLimiting-Remaining`; over it, 429 "#too-many-requests" with `X-RateLimit-Retry-After`.
 *   (#section/Rate-limiting, #too-many-requests)
 * Where the reference does not say what EmailOctopus does with a value (an unknown field tag, a value
 * that does not fit its field's type, an unexpected property), this fake refuses it with the documented
 * 422 shape, so a wrong adapter request fails a test instead of passing unnoticed. Tags a contact write
 * names that the list lacks are created (as API v1.6 documented), and recorded in `autoCreatedTags`.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, bearer, type FakeContact, FakeCrm } from './base';

export const EMAILOCTOPUS_KEY = 'eo_test_7c1d0f5e9a2b4c6d8e0f1a3b5c7d9e1f';
export const EMAILOCTOPUS_LIST = '3f2b8c1e-5d4a-11ef-9b7c-0242ac120002';
const DOC = 'https://emailoctopus.com/api-documentation/v2';
const STATUSES = ['pending', 'subscribed', 'unsubscribed'];
const CONTACT_KEYS = ['email_address', 'fields', 'tags', 'status'];

type Problem = { pointer?: string; parameter?: string; detail: string };

const hashOf = (email: string) => createHash('md5').update(email.toLowerCase()).digest('hex');

export class EmailOctopusFake extends FakeCrm {
	protected readonly prefix = '';
	/** The lists of the account; contacts, fields and tags of the base class belong to the first. */
	readonly lists: Array<{ id: string; name: string; double_opt_in: boolean }> = [
		{ id: EMAILOCTOPUS_LIST, name: 'WordPress members', double_opt_in: false },
	];
	/** Choices of choice_single / choice_multiple fields, by field tag. */
	readonly choices = new Map<string, string[]>();
	/** Status of each contact, by contact id. */
	readonly status = new Map<string, string>();
	/** Tags a contact write named that the list did not have (EmailOctopus creates them). */
	readonly autoCreatedTags: string[] = [];
	/** Every 4xx the fake answered for a request it found invalid, with what it said. */
	readonly rejected: Array<{ method: string; path: string; status: number; errors: Problem[] }> = [];
	/** The documented token bucket; enforced only when `enforceTokenBucket` is on. */
	readonly bucket = { capacity: 100, perSecond: 10 };
	enforceTokenBucket = false;
	private tokens = 100;
	private refilledAt = Date.now();

	constructor() {
		super();
		// For code that switches on the base class's sliding window: 100 per 10 s is the bucket's long-run rate.
		this.rateLimit = { max: 100, windowMs: 10_000 };
		this.fields.push({ key: 'EmailAddress', label: 'Email address', type: 'text' });
		this.fields.push({ key: 'FirstName', label: 'First name', type: 'text' }, { key: 'LastName', label: 'Last name', type: 'text' });
	}

	protected authorize(req: RecordedRequest): boolean {
		return bearer(req) === EMAILOCTOPUS_KEY;
	}

	private problem(res: ServerResponse, status: number, type: string, detail: string, errors?: Problem[], headers: Record<string, string> = {}): void {
		const body: Record<string, unknown> = { type: `${DOC}#${type}`, title: 'An error occurred.', detail, status };
		if (errors) body.errors = errors;
		super.json(res, status, body, headers);
	}

	private refuse(req: RecordedRequest, res: ServerResponse, status: number, type: string, detail: string, errors: Problem[] = []): void {
		this.rejected.push({ method: req.method, path: req.path, status, errors });
		this.problem(res, status, type, detail, errors.length ? errors : undefined);
	}

	protected unauthorized(res: ServerResponse): void {
		this.problem(res, 401, 'unauthorized', 'Invalid key.');
	}

	protected throttled(res: ServerResponse): void {
		const wait = Math.max(1, Math.ceil((1 - this.tokens) / this.bucket.perSecond));
		this.problem(res, 429, 'too-many-requests', 'Too many requests.', undefined, {
			'X-RateLimit-Retry-After': String(wait),
			'X-RateLimiting-Remaining': '0',
		});
	}

	protected serverError(res: ServerResponse, status: number): void {
		this.problem(res, status, 'internal-error', 'Internal server error.');
	}

	protected notFound(res: ServerResponse): void {
		this.problem(res, 404, 'not-found', 'Resource not found.');
	}

	protected json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		super.json(res, status, body, { 'X-RateLimiting-Remaining': String(Math.floor(this.tokens)), ...headers });
	}

	/** Takes a token; false (and a 429 sent) when the bucket is empty. */
	private takeToken(res: ServerResponse): boolean {
		if (!this.enforceTokenBucket) return true;
		const now = Date.now();
		this.tokens = Math.min(this.bucket.capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.bucket.perSecond);
		this.refilledAt = now;
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return true;
		}
		this.sent.throttled++;
		this.throttled(res);
		return false;
	}

	/** Every route: the token bucket, then the list must exist. */
	private on(method: string, path: string, handler: (req: RecordedRequest, res: ServerResponse, params: Record<string, string>) => void): void {
		this.route(method, path, (req, res, params) => {
			if (!this.takeToken(res)) return;
			if (params.listId !== undefined && !this.lists.some((list) => list.id === params.listId)) return this.notFound(res);
			if (['POST', 'PUT'].includes(req.method) && !String(req.headers['content-type'] ?? '').includes('application/json')) {
				return this.refuse(req, res, 415, 'unsupported-media-type', 'Unsupported media type.');
			}
			handler(req, res, params);
		});
	}

	// ---- test helpers -------------------------------------------------------------------------

	addField(tag: string, type: string, choices?: string[]): void {
		this.fields.push({ key: tag, label: tag, type });
		if (choices) this.choices.set(tag, choices);
	}

	/** A contact added in EmailOctopus's app (or by another integration). */
	seedContact(email: string, fields: Record<string, unknown> = {}, tags: string[] = []): FakeContact {
		const contact = this.createContact(email, fields, randomUUID());
		for (const tag of tags) contact.tags.add(this.tagByName(tag, true)!.name);
		this.status.set(contact.id, 'subscribed');
		return contact;
	}

	// ---- the API ------------------------------------------------------------------------------

	private resolve(ref: string): FakeContact | undefined {
		return this.contacts.get(ref) ?? [...this.contacts.values()].find((contact) => hashOf(contact.email) === ref.toLowerCase());
	}

	private contactJson(contact: FakeContact) {
		const stamp = new Date(contact.createdAt).toISOString().replace(/\.\d{3}Z$/, '+00:00');
		return {
			id: contact.id,
			email_address: contact.email,
			fields: Object.fromEntries(this.fields.filter((f) => f.key !== 'EmailAddress').map((f) => [f.key, contact.fields[f.key] ?? null])),
			tags: [...contact.tags],
			status: this.status.get(contact.id) ?? 'subscribed',
			created_at: stamp,
			last_updated_at: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
		};
	}

	/** What is wrong with one field value, for the field's documented type. */
	private valueProblem(tag: string, value: unknown): string | undefined {
		const field = this.fields.find((f) => f.key === tag && f.key !== 'EmailAddress');
		if (!field) return 'This field does not exist.';
		if (value === null) return undefined;
		const choices = this.choices.get(tag) ?? [];
		switch (field.type) {
			case 'number':
				return Number.isInteger(value) ? undefined : 'This value should be of type int.';
			case 'date':
				return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : 'This value is not a valid date.';
			case 'choice_single':
				return typeof value === 'string' && choices.includes(value) ? undefined : 'The value you selected is not a valid choice.';
			case 'choice_multiple':
				return Array.isArray(value) && value.every((v) => typeof v === 'string' && choices.includes(v)) ? undefined : 'One or more of the given values is invalid.';
			default:
				return typeof value === 'string' ? undefined : 'This value should be of type string.';
		}
	}

	/** Problems of a contact body: `create` needs `email_address`; `tagsAs` is how this route takes tags. */
	private contactProblems(body: Record<string, unknown>, create: boolean, tagsAs: 'array' | 'object'): Problem[] {
		const problems: Problem[] = [];
		for (const key of Object.keys(body)) if (!CONTACT_KEYS.includes(key)) problems.push({ pointer: `/${key}`, detail: 'This field was not expected.' });
		if (body.email_address === undefined) {
			if (create) problems.push({ pointer: '/email_address', detail: 'This value should not be blank.' });
		} else if (!this.isEmail(body.email_address)) {
			problems.push({ pointer: '/email_address', detail: 'This value is not a valid email address.' });
		}
		if (body.fields !== undefined) {
			if (!body.fields || typeof body.fields !== 'object' || Array.isArray(body.fields)) problems.push({ pointer: '/fields', detail: 'This value should be of type object.' });
			else {
				for (const [tag, value] of Object.entries(body.fields)) {
					const problem = this.valueProblem(tag, value);
					if (problem) problems.push({ pointer: `/fields/${tag}`, detail: problem });
				}
			}
		}
		if (body.tags !== undefined) {
			const tags = body.tags;
			const fits =
				tagsAs === 'array'
					? Array.isArray(tags) && tags.every((t) => typeof t === 'string' && t.trim() !== '')
					: !!tags && typeof tags === 'object' && !Array.isArray(tags) && Object.values(tags).every((v) => typeof v === 'boolean');
			if (!fits) problems.push({ pointer: '/tags', detail: tagsAs === 'array' ? 'This value should be of type array.' : 'This value should be of type object.' });
		}
		if (body.status !== undefined && !STATUSES.includes(String(body.status))) {
			problems.push({ pointer: '/status', detail: 'The value you selected is not a valid choice.' });
		}
		return problems;
	}

	private listTag(name: string): string {
		const known = this.tagByName(name, false);
		if (known) return known.name;
		this.autoCreatedTags.push(name);
		return this.tagByName(name, true)!.name;
	}

	private write(contact: FakeContact, body: Record<string, unknown>): void {
		for (const [tag, value] of Object.entries(asObject(body.fields))) {
			if (value === null) delete contact.fields[tag];
			else contact.fields[tag] = value;
		}
		if (Array.isArray(body.tags)) for (const name of body.tags as string[]) contact.tags.add(this.listTag(name));
		else {
			for (const [name, on] of Object.entries(asObject(body.tags))) {
				if (on) contact.tags.add(this.listTag(name));
				else {
					const known = this.tagByName(name, false);
					if (known) contact.tags.delete(known.name);
				}
			}
		}
		if (body.status !== undefined) this.status.set(contact.id, String(body.status));
	}

	private create(body: Record<string, unknown>): FakeContact {
		const contact = this.createContact(String(body.email_address), {}, randomUUID());
		this.status.set(contact.id, this.lists[0].double_opt_in ? 'pending' : 'subscribed');
		this.write(contact, body);
		return contact;
	}

	/** `limit` and `starting_after` checked as documented; the page and the next cursor. */
	private paged<T>(req: RecordedRequest, res: ServerResponse, rows: T[]): { data: T[]; paging: Record<string, unknown> } | undefined {
		const limitText = req.query.get('limit') ?? '100';
		const limit = Number(limitText);
		if (!/^\d+$/.test(limitText) || limit < 1 || limit > 100) {
			this.refuse(req, res, 400, 'bad-request', 'Bad request.', [{ parameter: 'limit', detail: 'This value should be between 1 and 100.' }]);
			return undefined;
		}
		let start = 0;
		const cursor = req.query.get('starting_after');
		if (cursor !== null) {
			const decoded = /^\["offset",(\d+)\]$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
			if (!decoded) {
				this.refuse(req, res, 400, 'bad-request', 'Bad request.', [{ parameter: 'starting_after', detail: 'This value is not a valid cursor.' }]);
				return undefined;
			}
			start = Number(decoded[1]);
		}
		const data = rows.slice(start, start + limit);
		if (start + limit >= rows.length) return { data, paging: { next: null } };
		const next = Buffer.from(`["offset",${start + limit}]`).toString('base64url');
		return { data, paging: { next: { url: `https://api.emailoctopus.com${req.path}?limit=${limit}&starting_after=${next}`, starting_after: next } } };
	}

	protected routes(): void {
		this.on('GET', '/lists', (req, res) => {
			const page = this.paged(
				req,
				res,
				this.lists.map((list) => this.listJson(list)),
			);
			if (page) this.json(res, 200, page);
		});

		this.on('GET', '/lists/:listId', (_req, res, { listId }) => {
			this.json(res, 200, this.listJson(this.lists.find((list) => list.id === listId)!));
		});

		this.on('GET', '/lists/:listId/tags', (req, res) => {
			const page = this.paged(
				req,
				res,
				[...this.tags.values()].map((tag) => ({ tag: tag.name })),
			);
			if (page) this.json(res, 200, page);
		});

		this.on('POST', '/lists/:listId/tags', (req, res) => {
			const body = asObject(req.body);
			const problems: Problem[] = Object.keys(body)
				.filter((key) => key !== 'tag')
				.map((key) => ({ pointer: `/${key}`, detail: 'This field was not expected.' }));
			if (typeof body.tag !== 'string' || !body.tag.trim()) problems.push({ pointer: '/tag', detail: 'This value should not be blank.' });
			if (problems.length) return this.refuse(req, res, 422, 'unprocessable-content', 'Unprocessable content.', problems);
			if (this.tagByName(String(body.tag), false)) return this.refuse(req, res, 409, 'conflict', 'Resource already exists.');
			this.json(res, 201, { tag: this.tagByName(String(body.tag), true)!.name });
		});

		this.on('GET', '/lists/:listId/contacts/:ref', (_req, res, { ref }) => {
			const contact = this.resolve(ref);
			if (!contact) return this.notFound(res);
			this.json(res, 200, this.contactJson(contact));
		});

		this.on('POST', '/lists/:listId/contacts', (req, res) => {
			const body = asObject(req.body);
			const problems = this.contactProblems(body, true, 'array');
			if (problems.length) return this.refuse(req, res, 422, 'unprocessable-content', 'Unprocessable content.', problems);
			if (this.findByEmail(String(body.email_address))) return this.refuse(req, res, 409, 'conflict', 'Resource already exists.');
			this.json(res, 201, this.contactJson(this.create(body)));
		});

		this.on('PUT', '/lists/:listId/contacts', (req, res) => {
			const body = asObject(req.body);
			const problems = this.contactProblems(body, true, 'object');
			if (problems.length) return this.refuse(req, res, 422, 'unprocessable-content', 'Unprocessable content.', problems);
			const existing = this.findByEmail(String(body.email_address));
			if (existing) this.write(existing, body);
			this.json(res, 200, this.contactJson(existing ?? this.create(body)));
		});

		this.on('PUT', '/lists/:listId/contacts/:ref', (req, res, { ref }) => {
			const contact = this.resolve(ref);
			if (!contact) return this.notFound(res);
			const body = asObject(req.body);
			const problems = this.contactProblems(body, false, 'object');
			if (problems.length) return this.refuse(req, res, 422, 'unprocessable-content', 'Unprocessable content.', problems);
			if (typeof body.email_address === 'string') {
				const other = this.findByEmail(body.email_address);
				if (other && other.id !== contact.id) return this.refuse(req, res, 409, 'conflict', 'Resource already exists.');
				contact.email = body.email_address;
			}
			this.write(contact, body);
			this.json(res, 200, this.contactJson(contact));
		});

		this.on('DELETE', '/lists/:listId/contacts/:ref', (_req, res, { ref }) => {
			const contact = this.resolve(ref);
			if (!contact) return this.notFound(res);
			this.contacts.delete(contact.id);
			this.status.delete(contact.id);
			this.json(res, 204, undefined);
		});
	}

	private listJson(list: { id: string; name: string; double_opt_in: boolean }) {
		const main = list.id === this.lists[0].id;
		const statuses = main ? [...this.contacts.keys()].map((id) => this.status.get(id)) : [];
		return {
			id: list.id,
			name: list.name,
			double_opt_in: list.double_opt_in,
			fields: main
				? this.fields.map((f) => {
						const choices = this.choices.get(f.key);
						return choices ? { label: f.label, tag: f.key, type: f.type, choices, fallback: null } : { label: f.label, tag: f.key, type: f.type ?? 'text', fallback: null };
					})
				: [],
			tags: main ? [...this.tags.values()].map((tag) => tag.name) : [],
			counts: {
				pending: statuses.filter((s) => s === 'pending').length,
				subscribed: statuses.filter((s) => s === 'subscribed').length,
				unsubscribed: statuses.filter((s) => s === 'unsubscribed').length,
			},
			created_at: '2024-01-19T12:14:28+00:00',
			last_updated_at: '2024-01-19T12:14:28+00:00',
		};
	}
}
