/**
 * Kit (ConvertKit) API v4 (https://developers.kit.com/api-reference), as far as the adapter uses it:
 * `X-Kit-Api-Key` auth (401 `{"errors":[...]}`); `POST /subscribers` is an upsert by e-mail (201 when
 * created, 200 when it updated) that SILENTLY DROPS custom field keys the account does not have;
 * `PUT /subscribers/{id}` changes the e-mail too; `GET /subscribers?email_address=` lists only active
 * subscribers unless `status=all`; Kit has no delete (only `POST /subscribers/{id}/unsubscribe`);
 * tags by id (`POST`/`DELETE /tags/{tag}/subscribers/{id}`), `POST /tags` answers with the existing
 * tag when the name is taken; lists page by cursor (`after`, `per_page` default 500, max 1000,
 * `pagination.has_next_page/end_cursor`). Rate limit: 120 requests per 60 s per key, answered with
 * 429 and no Retry-After.
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, type FakeContact, FakeCrm } from './base';

export const KIT_KEY = 'kit_test_0123456789abcdef';
const DEFAULT_PER_PAGE = 500;
const MAX_PER_PAGE = 1000;

export class KitFake extends FakeCrm {
	protected readonly prefix = '/v4';
	/** Subscriber state by id (`active`, `cancelled`, …). */
	readonly states = new Map<string, string>();
	/** Custom field keys Kit dropped without a word, for assertions. */
	readonly droppedFields: string[] = [];

	constructor() {
		super();
		this.rateLimit = { max: 120, windowMs: 60_000 };
	}

	protected authorize(req: RecordedRequest): boolean {
		return req.headers['x-kit-api-key'] === KIT_KEY;
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, { errors: ['The access token is invalid'] });
	}

	protected throttled(res: ServerResponse): void {
		this.json(res, 429, { errors: ['Rate limit hit. Please wait and try again.'] });
	}

	private fieldJson(field: { key: string; label: string; id?: string }, index: number) {
		return { id: Number(field.id ?? index + 1), name: `ck_field_${field.id ?? index + 1}_${field.key}`, key: field.key, label: field.label };
	}

	private subscriber(contact: FakeContact) {
		return {
			id: Number(contact.id),
			first_name: (contact.fields.first_name as string | undefined) ?? null,
			email_address: contact.email,
			state: this.states.get(contact.id) ?? 'active',
			created_at: new Date(contact.createdAt).toISOString(),
			fields: Object.fromEntries(this.fields.map((field) => [field.key, contact.fields[field.key] ?? null])),
		};
	}

	/** Cursor paging as Kit does it: opaque cursors, `after` = the last row of the previous page. */
	private paged<T>(req: RecordedRequest, rows: T[], key: string) {
		const perPage = Math.min(MAX_PER_PAGE, Number(req.query.get('per_page') ?? DEFAULT_PER_PAGE));
		const after = req.query.get('after');
		const start = after ? Number(Buffer.from(after, 'base64').toString('utf8')) + 1 : 0;
		const page = rows.slice(start, start + perPage);
		const cursor = (index: number) => Buffer.from(String(index)).toString('base64');
		return {
			[key]: page,
			pagination: {
				has_previous_page: start > 0,
				has_next_page: start + perPage < rows.length,
				start_cursor: page.length ? cursor(start) : null,
				end_cursor: page.length ? cursor(start + page.length - 1) : null,
				per_page: perPage,
			},
		};
	}

	/** Stores first name and the custom fields the account has; drops the rest silently, as Kit does. */
	private apply(contact: FakeContact, body: Record<string, unknown>): void {
		if (body.first_name !== undefined) contact.fields.first_name = body.first_name;
		const known = new Set(this.fields.map((field) => field.key));
		for (const [key, value] of Object.entries(asObject(body.fields))) {
			if (known.has(key)) contact.fields[key] = value;
			else this.droppedFields.push(key);
		}
	}

	protected routes(): void {
		this.route('GET', '/account', (_req, res) => {
			this.json(res, 200, { user: { id: 1, email: 'owner@example.com' }, account: { id: 1, name: 'Example', plan_type: 'creator' } });
		});

		this.route('GET', '/custom_fields', (req, res) => {
			this.json(res, 200, this.paged(req, this.fields.map((field, i) => this.fieldJson(field, i)), 'custom_fields'));
		});

		this.route('GET', '/tags', (req, res) => {
			const rows = [...this.tags.values()].map((tag) => ({ id: Number(tag.id), name: tag.name, created_at: '2026-11-27T06:00:00Z' }));
			this.json(res, 200, this.paged(req, rows, 'tags'));
		});

		this.route('POST', '/tags', (req, res) => {
			const name = String(asObject(req.body).name ?? '').trim();
			if (!name) return this.json(res, 422, { errors: ["Name can't be blank"] });
			const existing = this.tagByName(name, false);
			const tag = existing ?? this.tagByName(name, true)!;
			this.json(res, existing ? 200 : 201, { tag: { id: Number(tag.id), name: tag.name, created_at: '2026-11-27T06:00:00Z' } });
		});

		this.route('POST', '/tags/:tag/subscribers/:id', (_req, res, { tag, id }) => {
			const found = this.tags.get(tag);
			const contact = this.contacts.get(id);
			if (!found || !contact) return this.json(res, 404, { errors: ['Not Found'] });
			const already = contact.tags.has(found.name);
			contact.tags.add(found.name);
			this.json(res, already ? 200 : 201, { subscriber: { ...this.subscriber(contact), tagged_at: new Date().toISOString() } });
		});

		this.route('DELETE', '/tags/:tag/subscribers/:id', (_req, res, { tag, id }) => {
			const found = this.tags.get(tag);
			const contact = this.contacts.get(id);
			if (!found || !contact) return this.json(res, 404, { errors: ['Not Found'] });
			contact.tags.delete(found.name);
			this.json(res, 204, undefined);
		});

		this.route('GET', '/subscribers', (req, res) => {
			const email = req.query.get('email_address')?.toLowerCase();
			const status = req.query.get('status') ?? 'active';
			const rows = [...this.contacts.values()]
				.filter((c) => !email || c.email.toLowerCase() === email)
				.filter((c) => status === 'all' || (this.states.get(c.id) ?? 'active') === status)
				.map((c) => this.subscriber(c));
			this.json(res, 200, this.paged(req, rows, 'subscribers'));
		});

		this.route('GET', '/subscribers/:id', (_req, res, { id }) => {
			const contact = this.contacts.get(id);
			if (!contact) return this.json(res, 404, { errors: ['Not Found'] });
			this.json(res, 200, { subscriber: this.subscriber(contact) });
		});

		this.route('POST', '/subscribers', (req, res) => {
			const body = asObject(req.body);
			if (!this.isEmail(body.email_address)) return this.json(res, 422, { errors: ['Email address is invalid'] });
			const existing = this.findByEmail(body.email_address);
			const contact = existing ?? this.createContact(body.email_address);
			this.apply(contact, body);
			this.json(res, existing ? 200 : 201, { subscriber: this.subscriber(contact) });
		});

		this.route('PUT', '/subscribers/:id', (req, res, { id }) => {
			const contact = this.contacts.get(id);
			if (!contact) return this.json(res, 404, { errors: ['Not Found'] });
			const body = asObject(req.body);
			if (body.email_address !== undefined) {
				if (!this.isEmail(body.email_address)) return this.json(res, 422, { errors: ['Email address is invalid'] });
				const other = this.findByEmail(body.email_address);
				if (other && other.id !== contact.id) return this.json(res, 422, { errors: ['Email address has already been taken'] });
				contact.email = body.email_address;
			}
			this.apply(contact, body);
			this.json(res, 200, { subscriber: this.subscriber(contact) });
		});

		this.route('POST', '/subscribers/:id/unsubscribe', (_req, res, { id }) => {
			if (!this.contacts.has(id)) return this.json(res, 404, { errors: ['Not Found'] });
			this.states.set(id, 'cancelled');
			this.json(res, 204, undefined);
		});
	}
}
