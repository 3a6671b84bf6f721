/**
 * Mautic REST API (https://devdocs.mautic.org/en/5.x/rest_api/contacts.html), as far as the adapter
 * uses it: HTTP Basic auth (401 `{"errors":[{"message":"API authorization denied.",...}]}`);
 * `POST /contacts/new` merges into the contact with the same e-mail (201 when created, 200 when it
 * updated one); `PATCH /contacts/{id}/edit` (404 when missing; PUT would blank other fields);
 * `tags: ["a", "-b"]` adds a tag by name (created when missing) and a leading minus removes it;
 * unknown field aliases are ignored; contact lists are objects keyed by id (`{}` when empty); the
 * `email:` search command matches prefixes, a `where[0][expr]=eq` filter exactly; blank values are
 * skipped unless `overwriteWithBlank`; lists page with `start`/`limit` (default 30) and a `total`;
 * `POST /contacts/batch/new` takes up to 200 contacts and answers `contacts`, `statusCodes` and
 * `errors` keyed by position. Mautic has no limit of its own; its optional API rate limiter answers
 * 429 with `X-RateLimit-Limit/-Remaining/-Reset` (Unix time), no Retry-After.
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, basicAuth, type FakeContact, FakeCrm } from './base';

export const MAUTIC_USER = 'api-user';
export const MAUTIC_PASSWORD = 'api-password';
const DEFAULT_LIMIT = 30;
const BATCH_LIMIT = 200;
/** Fields every Mautic instance has (group core, `isFixed`). */
const CORE_FIELDS = [
	{ alias: 'title', label: 'Title', type: 'lookup' },
	{ alias: 'firstname', label: 'First Name', type: 'text' },
	{ alias: 'lastname', label: 'Last Name', type: 'text' },
	{ alias: 'company', label: 'Primary company', type: 'text' },
	{ alias: 'email', label: 'Email', type: 'email' },
	{ alias: 'mobile', label: 'Mobile', type: 'tel' },
	{ alias: 'city', label: 'City', type: 'text' },
	{ alias: 'country', label: 'Country', type: 'country' },
];

type Answer = [status: number, body: unknown];

export class MauticFake extends FakeCrm {
	protected readonly prefix = '/api';
	/** Sizes of the batches received, for assertions. */
	readonly batchSizes: number[] = [];
	/** Largest `limit` the instance honours (Mautic admins can cap it); unlimited by default. */
	maxLimit = Infinity;

	protected authorize(req: RecordedRequest): boolean {
		const auth = basicAuth(req);
		return auth?.user === MAUTIC_USER && auth.password === MAUTIC_PASSWORD;
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, { errors: [{ message: 'API authorization denied.', code: 401, type: 'access_denied' }] });
	}

	protected throttled(res: ServerResponse): void {
		const reset = Math.ceil(Date.now() / 1000);
		this.json(
			res,
			429,
			{ errors: [{ message: `You exceeded the rate limit of ${this.rateLimit.max} API calls per hour.`, code: 429, type: null }] },
			{ 'x-ratelimit-limit': String(this.rateLimit.max), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
		);
	}

	private allFields() {
		return [
			...CORE_FIELDS.map((field, i) => ({ id: i + 1, ...field, group: 'core', isFixed: true })),
			...this.fields.map((field, i) => ({ id: 100 + i, alias: field.key, label: field.label, type: field.type ?? 'text', group: 'core', isFixed: false })),
		].map((field, order) => ({ ...field, order, object: 'lead', isPublished: true }));
	}

	private contactJson(contact: FakeContact) {
		const all: Record<string, unknown> = { id: Number(contact.id), email: contact.email };
		for (const field of this.allFields()) if (field.alias !== 'email') all[field.alias] = contact.fields[field.alias] ?? null;
		return {
			id: Number(contact.id),
			isPublished: true,
			dateAdded: new Date(contact.createdAt).toISOString(),
			points: 0,
			fields: {
				core: Object.fromEntries(this.allFields().map((f) => [f.alias, { id: String(f.id), label: f.label, alias: f.alias, type: f.type, group: 'core', value: all[f.alias] ?? null }])),
				social: [],
				personal: [],
				professional: [],
				all,
			},
			tags: [...contact.tags].map((name) => ({ id: Number(this.tagByName(name, false)!.id), tag: name })),
		};
	}

	private validationError(message: string, field: string): Answer {
		return [400, { errors: [{ code: 400, message: `${field}: ${message}`, details: { [field]: [message] } }] }];
	}

	/**
	 * Field aliases Mautic knows are stored, others ignored; blank values are skipped unless
	 * `overwriteWithBlank` is true. Tags: "name" adds, "-name" removes.
	 */
	private apply(contact: FakeContact, body: Record<string, unknown>): void {
		const known = new Set(this.allFields().map((f) => f.alias));
		const overwriteWithBlank = body.overwriteWithBlank === true || body.overwriteWithBlank === 'true';
		for (const [key, value] of Object.entries(body)) {
			const blank = value === null || value === '' || (Array.isArray(value) && !value.length);
			if (blank && !overwriteWithBlank) continue;
			if (key === 'email') contact.email = String(value);
			else if (known.has(key)) contact.fields[key] = blank ? null : value;
		}
		const tags = typeof body.tags === 'string' ? body.tags.split(',') : ((body.tags as unknown[] | undefined) ?? []);
		for (const raw of tags) {
			const name = String(raw).trim();
			if (name.startsWith('-')) contact.tags.delete(this.tagByName(name.slice(1), false)?.name ?? '');
			else if (name) contact.tags.add(this.tagByName(name, true)!.name);
		}
	}

	/** What `POST /contacts/new` does with one contact. */
	private createOrMerge(body: Record<string, unknown>): Answer {
		if (body.email !== undefined && body.email !== '' && !this.isEmail(body.email)) {
			return this.validationError('A valid email is required.', 'email');
		}
		const existing = typeof body.email === 'string' ? this.findByEmail(body.email) : undefined;
		const contact = existing ?? this.createContact(String(body.email ?? ''));
		this.apply(contact, body);
		return [existing ? 200 : 201, { contact: this.contactJson(contact) }];
	}

	private listPage<T>(req: RecordedRequest, rows: T[]) {
		const start = Number(req.query.get('start') ?? 0);
		const limit = Math.min(this.maxLimit, Number(req.query.get('limit') ?? DEFAULT_LIMIT));
		return this.page(rows, start, limit);
	}

	protected routes(): void {
		this.route('GET', '/fields/contact', (req, res) => {
			const all = this.allFields();
			this.json(res, 200, { total: all.length, fields: this.listPage(req, all) });
		});

		this.route('GET', '/tags', (req, res) => {
			const all = [...this.tags.values()].map((tag) => ({ id: Number(tag.id), tag: tag.name }));
			this.json(res, 200, { total: all.length, tags: this.listPage(req, all) });
		});

		this.route('GET', '/contacts', (req, res) => {
			const search = req.query.get('search') ?? '';
			const prefix = search.startsWith('email:') ? search.slice(6).replace(/^"|"$/g, '').toLowerCase() : undefined;
			const where = req.query.get('where[0][col]') === 'email' && req.query.get('where[0][expr]') === 'eq' ? req.query.get('where[0][val]') : null;
			const matches = [...this.contacts.values()].filter((c) => {
				// The `email:` search command matches with LIKE, so a prefix finds longer addresses too.
				if (prefix !== undefined && !c.email.toLowerCase().startsWith(prefix)) return false;
				// A `where … eq` filter is exact (case-insensitive, as MySQL compares).
				return where === null || c.email.toLowerCase() === where.toLowerCase();
			});
			const page = this.listPage(req, matches);
			// Keyed by id; an empty result is still a JSON object (`{"total":"0","contacts":{}}`).
			this.json(res, 200, { total: String(matches.length), contacts: Object.fromEntries(page.map((c) => [c.id, this.contactJson(c)])) });
		});

		this.route('GET', '/contacts/:id', (_req, res, { id }) => {
			const contact = this.contacts.get(id);
			if (!contact) return this.json(res, 404, { errors: [{ code: 404, message: 'Item was not found.', details: [] }] });
			this.json(res, 200, { contact: this.contactJson(contact) });
		});

		this.route('POST', '/contacts/new', (req, res) => {
			const [status, body] = this.createOrMerge(asObject(req.body));
			this.json(res, status, body);
		});

		this.route('PATCH', '/contacts/:id/edit', (req, res, { id }) => {
			const contact = this.contacts.get(id);
			if (!contact) return this.json(res, 404, { errors: [{ code: 404, message: 'Item was not found.', details: [] }] });
			const body = asObject(req.body);
			if (body.email !== undefined && !this.isEmail(body.email)) {
				const [status, error] = this.validationError('A valid email is required.', 'email');
				return this.json(res, status, error);
			}
			this.apply(contact, body);
			this.json(res, 200, { contact: this.contactJson(contact) });
		});

		this.route('DELETE', '/contacts/:id/delete', (_req, res, { id }) => {
			const contact = this.contacts.get(id);
			if (!contact) return this.json(res, 404, { errors: [{ code: 404, message: 'Item was not found.', details: [] }] });
			const json = this.contactJson(contact);
			this.contacts.delete(id);
			this.json(res, 200, { contact: json });
		});

		this.route('POST', '/contacts/batch/new', (req, res) => {
			if (!Array.isArray(req.body)) return this.json(res, 400, { errors: [{ code: 400, message: 'Request body must be an array.' }] });
			if (req.body.length > BATCH_LIMIT) {
				return this.json(res, 400, { errors: [{ code: 400, message: `A max of ${BATCH_LIMIT} entities are supported at a time.` }] });
			}
			this.batchSizes.push(req.body.length);
			const contacts: Record<string, unknown> = {};
			const statusCodes: number[] = [];
			const errors: Record<string, unknown> = {};
			req.body.forEach((entry, position) => {
				const [status, body] = this.createOrMerge(asObject(entry));
				statusCodes.push(status);
				if (status >= 400) errors[position] = (body as { errors: unknown[] }).errors[0];
				else contacts[position] = (body as { contact: unknown }).contact;
			});
			// PHP serialises a sparse array as an object, a complete one as a list.
			const complete = Object.keys(contacts).length === req.body.length;
			this.json(res, 201, { contacts: complete ? Object.values(contacts) : contacts, statusCodes, ...(Object.keys(errors).length ? { errors } : {}) });
		});
	}
}
