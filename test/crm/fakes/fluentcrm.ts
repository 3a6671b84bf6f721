/**
 * FluentCRM REST API v2 (https://developers.fluentcrm.com/rest-api/), as far as the adapter uses it:
 * WordPress application-password Basic auth, `POST /subscribers` that refuses an existing e-mail
 * unless `__force_update: "yes"`, `status` required on create, `tags` as ids (or names of ≥3 chars,
 * created) on create, `attach_tags`/`detach_tags` on update (where `tags` is ignored), a missing contact
 * as 422 "Subscriber not found" on GET (404 on PUT/DELETE), `GET /subscribers/0?get_by_email=`,
 * Laravel-style pagination (`per_page` default 10), and 422 validation errors keyed by field.
 * Checked against FluentCRM 2.9.84's SubscriberController and TagsController. FluentCRM itself has no rate limit; the host's (e.g. a WAF) is a 429 with Retry-After.
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, basicAuth, type FakeContact, FakeCrm } from './base';

export const FLUENTCRM_USER = 'admin';
export const FLUENTCRM_PASSWORD = 'abcd efgh ijkl mnop qrst uvwx';
const STANDARD = ['first_name', 'last_name', 'prefix', 'phone', 'address_line_1', 'address_line_2', 'city', 'state', 'postal_code', 'country', 'date_of_birth'];
const STATUSES = ['subscribed', 'pending', 'unsubscribed', 'transactional', 'bounced', 'complained', 'spammed'];

export class FluentCrmFake extends FakeCrm {
	protected readonly prefix = '/wp-json/fluent-crm/v2';

	protected authorize(req: RecordedRequest): boolean {
		const auth = basicAuth(req);
		return auth?.user === FLUENTCRM_USER && auth.password === FLUENTCRM_PASSWORD;
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, { code: 'incorrect_password', message: 'The provided password is an invalid application password.', data: { status: 401 } });
	}

	protected throttled(res: ServerResponse): void {
		this.json(res, 429, { message: 'Too Many Requests' }, { 'retry-after': '1' });
	}

	private subscriber(contact: FakeContact) {
		const custom = Object.fromEntries(Object.entries(contact.fields).filter(([key]) => !STANDARD.includes(key) && key !== 'status'));
		return {
			id: Number(contact.id),
			email: contact.email,
			status: contact.fields.status,
			...Object.fromEntries(STANDARD.map((key) => [key, contact.fields[key] ?? null])),
			custom_values: custom,
			tags: [...contact.tags].map((name) => {
				const tag = this.tagByName(name, false)!;
				return { id: Number(tag.id), title: tag.name, slug: tag.name.toLowerCase() };
			}),
		};
	}

	/** 422 with FluentCRM's per-field messages, or undefined when the body is valid. */
	private invalid(body: Record<string, unknown>, creating: boolean): Record<string, Record<string, string>> | undefined {
		const errors: Record<string, Record<string, string>> = {};
		if (creating && !body.email) errors.email = { required: 'Email is required' };
		else if (body.email !== undefined && !this.isEmail(body.email)) errors.email = { email: 'Email is not valid' };
		if (creating && !body.status) errors.status = { required: 'Status is required' };
		if (body.status !== undefined && !STATUSES.includes(String(body.status))) errors.status = { in: 'Status is not valid' };
		return Object.keys(errors).length ? errors : undefined;
	}

	private apply(contact: FakeContact, body: Record<string, unknown>, creating: boolean): void {
		for (const key of [...STANDARD, 'status']) if (body[key] !== undefined) contact.fields[key] = body[key];
		const known = new Set(this.fields.map((field) => field.key));
		for (const [key, value] of Object.entries(asObject(body.custom_values))) {
			if (known.has(key)) contact.fields[key] = value; // FluentCRM ignores unknown custom keys
		}
		for (const ref of ((creating ? body.tags : body.attach_tags) as unknown[] | undefined) ?? []) {
			const tag = this.tags.get(String(ref)) ?? (typeof ref === 'string' && ref.length >= 3 && !/^\d+$/.test(ref) ? this.tagByName(ref, true) : undefined);
			if (tag) contact.tags.add(tag.name);
		}
		for (const ref of (body.detach_tags as unknown[] | undefined) ?? []) {
			const tag = this.tags.get(String(ref));
			if (tag) contact.tags.delete(tag.name);
		}
	}

	private paginate<T>(req: RecordedRequest, rows: T[]) {
		const perPage = Number(req.query.get('per_page') ?? 10);
		const page = Number(req.query.get('page') ?? 1);
		return {
			current_page: page,
			per_page: perPage,
			total: rows.length,
			last_page: Math.max(1, Math.ceil(rows.length / perPage)),
			data: rows.slice((page - 1) * perPage, page * perPage),
		};
	}

	protected routes(): void {
		this.route('GET', '/subscribers', (req, res) => {
			const search = (req.query.get('search') ?? '').toLowerCase();
			const rows = [...this.contacts.values()]
				.filter((c) => !search || c.email.toLowerCase().includes(search) || String(c.fields.first_name ?? '').toLowerCase().includes(search))
				.map((c) => this.subscriber(c));
			this.json(res, 200, { subscribers: this.paginate(req, rows) });
		});

		this.route('GET', '/subscribers/:id', (req, res, { id }) => {
			const byEmail = req.query.get('get_by_email');
			const contact = id !== '0' ? this.contacts.get(id) : byEmail ? this.findByEmail(byEmail) : undefined;
			if (!contact) return this.json(res, 422, { message: 'Subscriber not found' });
			this.json(res, 200, { subscriber: this.subscriber(contact) });
		});

		this.route('POST', '/subscribers', (req, res) => {
			const body = asObject(req.body);
			const existing = typeof body.email === 'string' ? this.findByEmail(body.email) : undefined;
			const errors = this.invalid(body, !existing);
			if (errors) return this.json(res, 422, errors);
			if (existing && body.__force_update !== 'yes') {
				return this.json(res, 422, { email: { unique: 'Provided email already assigned to another subscriber.' } });
			}
			const contact = existing ?? this.createContact(String(body.email));
			this.apply(contact, body, true);
			this.json(res, 200, {
				message: existing ? 'Subscriber has been updated' : 'Subscriber has been added',
				contact: this.subscriber(contact),
				action_type: existing ? 'updated' : 'created',
			});
		});

		this.route('PUT', '/subscribers/:id', (req, res, { id }) => {
			const contact = this.contacts.get(id);
			if (!contact) return this.json(res, 404, { message: 'No query results for model [FluentCrm\\App\\Models\\Subscriber] ' + id });
			const body = asObject(asObject(req.body).subscriber ?? req.body);
			const errors = this.invalid(body, false);
			if (errors) return this.json(res, 422, errors);
			if (typeof body.email === 'string') {
				const other = this.findByEmail(body.email);
				if (other && other.id !== contact.id) {
					return this.json(res, 422, { email: { unique: 'Provided email already assigned to another subscriber.' } });
				}
				contact.email = body.email;
			}
			this.apply(contact, body, false);
			this.json(res, 200, { message: 'Subscriber successfully updated', contact: this.subscriber(contact), isDirty: true });
		});

		this.route('DELETE', '/subscribers/:id', (_req, res, { id }) => {
			if (!this.contacts.delete(id)) return this.json(res, 404, { message: 'Subscriber not found' });
			this.json(res, 200, { message: 'Selected subscriber has been deleted' });
		});

		this.route('GET', '/tags', (req, res) => {
			const rows = [...this.tags.values()].map((tag) => ({ id: Number(tag.id), title: tag.name, slug: tag.name.toLowerCase() }));
			this.json(res, 200, { tags: this.paginate(req, rows) });
		});

		this.route('POST', '/tags', (req, res) => {
			const title = String(asObject(req.body).title ?? '').trim();
			if (!title) return this.json(res, 422, { title: { required: 'Title is required' } });
			if (this.tagByName(title, false)) return this.json(res, 422, { title: { unique: 'The tag already exists' } });
			const tag = this.tagByName(title, true)!;
			const record = { id: Number(tag.id), title: tag.name, slug: tag.name.toLowerCase() };
			this.json(res, 200, { lists: record, item: record, message: 'Successfully saved the tag.' });
		});

		this.route('GET', '/custom-fields/contacts', (_req, res) => {
			this.json(res, 200, { fields: this.fields.map((field) => ({ slug: field.key, label: field.label, type: field.type ?? 'text' })) });
		});
	}
}
