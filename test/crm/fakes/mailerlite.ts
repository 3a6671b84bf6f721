/**
 * MailerLite API (https://developers.mailerlite.com/docs/), as far as the adapter uses it: Bearer
 * token auth (401 `{"message":"Unauthenticated."}`); `POST /subscribers` upserts by e-mail (201 when
 * created, 200 when updated) and adds `groups` (ids), unknown field keys are ignored; `PUT
 * /subscribers/{id}` updates, e-mail included (its `groups` are not documented as additive: the fake
 * takes the cautious reading and replaces memberships, so an adapter relying on them would show); `GET /subscribers/{id or email}`; groups by id
 * (`POST`/`DELETE /subscribers/{id}/groups/{group}`); Laravel-style paging (`limit` default 25,
 * `page`, `meta.last_page`); 422 `{message, errors: {field: [..]}}`; `POST /batch` runs up to 50
 * requests (paths starting `api/`) and answers each with `{code, body}` in order. Rate limit: 120
 * requests/min, answered with 429, `Retry-After` and `X-RateLimit-*` headers; a batch made only of
 * subscriber upserts is an import, limited to 5 a minute (429 "You're being rate limited on import
 * creation.").
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, bearer, type FakeContact, FakeCrm } from './base';

export const MAILERLITE_TOKEN = 'mlite-test-token';
const STANDARD_FIELDS = [
	{ key: 'name', label: 'Name' },
	{ key: 'last_name', label: 'Last name' },
	{ key: 'company', label: 'Company' },
	{ key: 'country', label: 'Country' },
	{ key: 'city', label: 'City' },
	{ key: 'phone', label: 'Phone' },
	{ key: 'state', label: 'State' },
	{ key: 'z_i_p', label: 'ZIP' },
];
const BATCH_LIMIT = 50;

type Answer = [status: number, body?: unknown];
type Operation = (body: Record<string, unknown>, params: Record<string, string>, query: URLSearchParams) => Answer;

export class MailerLiteFake extends FakeCrm {
	protected readonly prefix = '/api';
	/** The same operations, for `POST /batch` to run without HTTP. */
	private readonly operations: Array<{ method: string; pattern: RegExp; names: string[]; run: Operation }> = [];
	/** Positions (in the next batch) whose entry answers 500, to test per-entry failures. */
	failBatchEntries: number[] = [];
	/** Sizes of the batches received, for assertions. */
	readonly batchSizes: number[] = [];
	/**
	 * MailerLite runs a batch made only of subscriber upserts as an import, limited separately (5 a
	 * minute); enforced when `enforceRateLimit` is on.
	 */
	importLimit = { max: 5, windowMs: 60_000 };
	private readonly recentImports: number[] = [];

	constructor() {
		super();
		this.rateLimit = { max: 120, windowMs: 60_000 };
	}

	protected authorize(req: RecordedRequest): boolean {
		return bearer(req) === MAILERLITE_TOKEN;
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, { message: 'Unauthenticated.' });
	}

	protected throttled(res: ServerResponse): void {
		this.json(res, 429, { message: 'Too Many Attempts.' }, { 'retry-after': '1', 'x-ratelimit-limit': '120', 'x-ratelimit-remaining': '0' });
	}

	/** Every field key the account has (standard and custom). */
	private fieldKeys(): string[] {
		return [...STANDARD_FIELDS.map((f) => f.key), ...this.fields.map((f) => f.key)];
	}

	private subscriber(contact: FakeContact) {
		return {
			id: contact.id,
			email: contact.email,
			status: 'active',
			source: 'api',
			sent: 0,
			opens_count: 0,
			clicks_count: 0,
			open_rate: 0,
			click_rate: 0,
			ip_address: null,
			subscribed_at: new Date(contact.createdAt).toISOString().slice(0, 19).replace('T', ' '),
			unsubscribed_at: null,
			created_at: new Date(contact.createdAt).toISOString().slice(0, 19).replace('T', ' '),
			updated_at: new Date().toISOString().slice(0, 19).replace('T', ' '),
			fields: Object.fromEntries(this.fieldKeys().map((key) => [key, contact.fields[key] ?? null])),
			groups: [...contact.tags].map((name) => this.groupJson(this.tagByName(name, false)!.id)),
			opted_in_at: null,
			optin_ip: null,
		};
	}

	private groupJson(id: string) {
		const group = this.tags.get(id)!;
		return {
			id: group.id,
			name: group.name,
			active_count: [...this.contacts.values()].filter((c) => c.tags.has(group.name)).length,
			sent_count: 0,
			opens_count: 0,
			open_rate: { float: 0, string: '0%' },
			clicks_count: 0,
			click_rate: { float: 0, string: '0%' },
			unsubscribed_count: 0,
			unconfirmed_count: 0,
			bounced_count: 0,
			junk_count: 0,
			created_at: '2026-11-27 06:00:00',
		};
	}

	private invalid(errors: Record<string, string[]>): Answer {
		return [422, { message: Object.values(errors)[0][0], errors }];
	}

	/** Validation MailerLite applies to a subscriber body; undefined when valid. */
	private validate(body: Record<string, unknown>, requireEmail: boolean): Answer | undefined {
		if (requireEmail && body.email === undefined) return this.invalid({ email: ['The email field is required.'] });
		if (body.email !== undefined && !this.isEmail(body.email)) return this.invalid({ email: ['The email must be a valid email address.'] });
		if (body.fields !== undefined && (typeof body.fields !== 'object' || Array.isArray(body.fields))) {
			return this.invalid({ fields: ['The fields must be an array.'] });
		}
		const groups = body.groups as unknown[] | undefined;
		if (groups !== undefined) {
			if (!Array.isArray(groups)) return this.invalid({ groups: ['The groups must be an array.'] });
			const bad = groups.findIndex((id) => !this.tags.has(String(id)));
			if (bad >= 0) return this.invalid({ [`groups.${bad}`]: [`The selected groups.${bad} is invalid.`] });
		}
		return undefined;
	}

	/** Fields by key (unknown keys ignored); `groups` on the upsert only add, `groups` on PUT replace. */
	private apply(contact: FakeContact, body: Record<string, unknown>, replaceGroups = false): void {
		const known = new Set(this.fieldKeys());
		for (const [key, value] of Object.entries(asObject(body.fields))) if (known.has(key)) contact.fields[key] = value;
		if (replaceGroups && Array.isArray(body.groups)) contact.tags.clear();
		for (const id of (body.groups as unknown[] | undefined) ?? []) contact.tags.add(this.tags.get(String(id))!.name);
	}

	private paged<T>(query: URLSearchParams, rows: T[]) {
		const limit = Number(query.get('limit') ?? 25);
		const page = Number(query.get('page') ?? 1);
		const lastPage = Math.max(1, Math.ceil(rows.length / limit));
		return {
			data: rows.slice((page - 1) * limit, page * limit),
			links: { first: `?page=1`, last: `?page=${lastPage}`, prev: page > 1 ? `?page=${page - 1}` : null, next: page < lastPage ? `?page=${page + 1}` : null },
			meta: { current_page: page, from: (page - 1) * limit + 1, last_page: lastPage, per_page: limit, to: Math.min(rows.length, page * limit), total: rows.length },
		};
	}

	/** Registers an operation both as an HTTP route and for `POST /batch`. */
	private op(method: string, path: string, run: Operation): void {
		const names: string[] = [];
		const source = path.replace(/:(\w+)/g, (_m, name: string) => {
			names.push(name);
			return '([^/]+)';
		});
		this.operations.push({ method, pattern: new RegExp(`^/${source.replace(/^\//, '')}$`), names, run });
		this.route(method, path, (req, res, params) => {
			const [status, body] = run(asObject(req.body), params, req.query);
			this.json(res, status, body);
		});
	}

	private importThrottled(): boolean {
		if (!this.enforceRateLimit) return false;
		const now = Date.now();
		while (this.recentImports.length && this.recentImports[0] <= now - this.importLimit.windowMs) this.recentImports.shift();
		if (this.recentImports.length >= this.importLimit.max) return true;
		this.recentImports.push(now);
		return false;
	}

	private runBatchRequest(request: Record<string, unknown>): { code: number; body: unknown } {
		const method = String(request.method ?? '').toUpperCase();
		const rawPath = String(request.path ?? '');
		if (!rawPath.startsWith('api/')) return { code: 404, body: { message: 'Not Found' } };
		const [path, search] = rawPath.slice(3).split('?');
		for (const operation of this.operations) {
			if (operation.method !== method) continue;
			const match = operation.pattern.exec(path);
			if (!match) continue;
			const params = Object.fromEntries(operation.names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
			const [code, body] = operation.run(asObject(request.body), params, new URLSearchParams(search ?? ''));
			return { code, body };
		}
		return { code: 404, body: { message: 'Not Found' } };
	}

	protected routes(): void {
		this.op('GET', '/groups', (_body, _params, query) => {
			const name = query.get('filter[name]')?.toLowerCase();
			const rows = [...this.tags.values()].filter((g) => !name || g.name.toLowerCase().includes(name)).map((g) => this.groupJson(g.id));
			return [200, this.paged(query, rows)];
		});

		this.op('POST', '/groups', (body) => {
			const name = typeof body.name === 'string' ? body.name.trim() : '';
			if (!name) return this.invalid({ name: ['The name field is required.'] });
			if (name.length > 255) return this.invalid({ name: ['The name may not be greater than 255 characters.'] });
			const group = { id: this.newId(), name };
			this.tags.set(group.id, group);
			return [201, { data: this.groupJson(group.id) }];
		});

		this.op('GET', '/fields', (_body, _params, query) => {
			const rows = [
				...STANDARD_FIELDS.map((f, i) => ({ id: String(i + 1), name: f.label, key: f.key, type: 'text' })),
				...this.fields.map((f, i) => ({ id: String(100 + i), name: f.label, key: f.key, type: f.type ?? 'text' })),
			];
			return [200, this.paged(query, rows)];
		});

		this.op('POST', '/subscribers', (body) => {
			const problem = this.validate(body, true);
			if (problem) return problem;
			const existing = this.findByEmail(String(body.email));
			const contact = existing ?? this.createContact(String(body.email));
			this.apply(contact, body);
			return [existing ? 200 : 201, { data: this.subscriber(contact) }];
		});

		this.op('GET', '/subscribers/:id', (_body, { id }) => {
			const contact = this.contacts.get(id) ?? this.findByEmail(id);
			return contact ? [200, { data: this.subscriber(contact) }] : [404, { message: 'Resource not found.' }];
		});

		this.op('PUT', '/subscribers/:id', (body, { id }) => {
			const contact = this.contacts.get(id);
			if (!contact) return [404, { message: 'Resource not found.' }];
			const problem = this.validate(body, false);
			if (problem) return problem;
			if (typeof body.email === 'string') {
				const other = this.findByEmail(body.email);
				if (other && other.id !== contact.id) return this.invalid({ email: ['The email has already been taken.'] });
				contact.email = body.email;
			}
			this.apply(contact, body, true);
			return [200, { data: this.subscriber(contact) }];
		});

		this.op('DELETE', '/subscribers/:id', (_body, { id }) => {
			return this.contacts.delete(id) ? [204] : [404, { message: 'Resource not found.' }];
		});

		this.op('POST', '/subscribers/:id/groups/:group', (_body, { id, group }) => {
			const contact = this.contacts.get(id);
			const found = this.tags.get(group);
			if (!contact || !found) return [404, { message: 'Resource not found.' }];
			contact.tags.add(found.name);
			return [200, { data: this.groupJson(found.id) }];
		});

		this.op('DELETE', '/subscribers/:id/groups/:group', (_body, { id, group }) => {
			const contact = this.contacts.get(id);
			const found = this.tags.get(group);
			if (!contact || !found) return [404, { message: 'Resource not found.' }];
			contact.tags.delete(found.name);
			return [204];
		});

		this.route('POST', '/batch', (req, res) => {
			const requests = asObject(req.body).requests;
			if (!Array.isArray(requests) || !requests.length) {
				return this.json(res, 422, { message: 'The requests field is required.', errors: { requests: ['The requests field is required.'] } });
			}
			if (requests.length > BATCH_LIMIT) {
				return this.json(res, 422, {
					message: `The requests may not have more than ${BATCH_LIMIT} items.`,
					errors: { requests: [`The requests may not have more than ${BATCH_LIMIT} items.`] },
				});
			}
			const isImport = requests.every((r) => String(asObject(r).method).toUpperCase() === 'POST' && asObject(r).path === 'api/subscribers');
			if (isImport && this.importThrottled()) {
				this.sent.throttled++;
				return this.json(res, 429, { message: "You're being rate limited on import creation." });
			}
			this.batchSizes.push(requests.length);
			const failing = new Set(this.failBatchEntries.splice(0));
			const responses = requests.map((request, position) =>
				failing.has(position) ? { code: 500, body: { message: 'Server Error' } } : this.runBatchRequest(asObject(request)),
			);
			const successful = responses.filter((r) => r.code < 400).length;
			this.json(res, 200, { total: responses.length, successful, failed: responses.length - successful, responses });
		});
	}
}
