/**
 * ActiveCampaign API v3 (https://developers.activecampaign.com/reference/overview), as the adapter uses
 * it: `Api-Token` header, `POST /contact/sync` (create 201 / update 200 by e-mail), `PUT /contacts/{id}`,
 * custom values as `fieldValues: [{ field: <id>, value }]`, tags linked by id through `/contactTags`,
 * `limit`/`offset` paging with a default of 20 and a maximum of 100 plus `meta.total`, 422
 * `errors: [{ title, detail, code }]`, and its 5 requests/second per account answered with 429.
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, type FakeContact, FakeCrm } from './base';

export const ACTIVECAMPAIGN_TOKEN = '1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef12345678';
const STANDARD = ['firstName', 'lastName', 'phone'];

export class ActiveCampaignFake extends FakeCrm {
	protected readonly prefix = '/api/3';
	private readonly contactTags = new Map<string, { id: string; contact: string; tag: string }>();
	rateLimit = { max: 5, windowMs: 1000 };

	protected authorize(req: RecordedRequest): boolean {
		return req.headers['api-token'] === ACTIVECAMPAIGN_TOKEN;
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 403, { message: 'You are not authorized to access this resource' });
	}

	protected throttled(res: ServerResponse): void {
		this.json(res, 429, { message: 'Too Many Requests' });
	}

	protected notFound(res: ServerResponse): void {
		this.json(res, 404, { message: 'No Result found' });
	}

	private invalid(res: ServerResponse, title: string, code: string, pointer: string): void {
		this.json(res, 422, { errors: [{ title, detail: '', code, source: { pointer } }] });
	}

	private record(contact: FakeContact) {
		return {
			id: contact.id,
			email: contact.email,
			...Object.fromEntries(STANDARD.map((k) => [k, contact.fields[k] ?? ''])),
			cdate: new Date(contact.createdAt).toISOString(),
			links: {},
		};
	}

	private fieldValues(contact: FakeContact) {
		return this.fields.filter((f) => contact.fields[f.key] !== undefined).map((f) => ({ contact: contact.id, field: f.id, value: contact.fields[f.key] }));
	}

	/** Applies a `contact` body; returns an error to send, or undefined. */
	private apply(contact: FakeContact, body: Record<string, unknown>): [string, string, string] | undefined {
		for (const key of STANDARD) if (body[key] !== undefined) contact.fields[key] = body[key];
		for (const value of (body.fieldValues as Array<{ field: string; value: unknown }>) ?? []) {
			const field = this.fields.find((f) => f.id === String(value.field));
			if (!field) return [`Field with id ${value.field} does not exist`, 'field_missing', '/data/attributes/fieldValues'];
			contact.fields[field.key] = value.value;
		}
		return undefined;
	}

	private pageOf<T>(req: RecordedRequest, rows: T[]) {
		const limit = Math.min(100, Number(req.query.get('limit') ?? 20));
		const offset = Number(req.query.get('offset') ?? 0);
		return { rows: rows.slice(offset, offset + limit), meta: { total: String(rows.length) } };
	}

	protected routes(): void {
		this.route('GET', '/users/me', (_req, res) => this.json(res, 200, { user: { id: '1', username: 'admin', email: 'admin@example.com' } }));

		this.route('POST', '/contact/sync', (req, res) => {
			const body = asObject(asObject(req.body).contact);
			if (!this.isEmail(body.email)) return this.invalid(res, 'Email address is not valid.', 'email_invalid', '/data/attributes/email');
			const existing = this.findByEmail(body.email);
			const contact = existing ?? this.createContact(body.email);
			const problem = this.apply(contact, body);
			if (problem) {
				if (!existing) this.contacts.delete(contact.id);
				return this.invalid(res, ...problem);
			}
			this.json(res, existing ? 200 : 201, { fieldValues: this.fieldValues(contact), contact: this.record(contact) });
		});

		this.route('PUT', '/contacts/:id', (req, res, { id }) => {
			const contact = this.contacts.get(id);
			if (!contact) return this.json(res, 404, { message: `No Result found for Subscriber with id ${id}` });
			const body = asObject(asObject(req.body).contact);
			if (body.email !== undefined) {
				if (!this.isEmail(body.email)) return this.invalid(res, 'Email address is not valid.', 'email_invalid', '/data/attributes/email');
				const other = this.findByEmail(body.email);
				if (other && other.id !== id) return this.invalid(res, 'Email address already exists in the system.', 'duplicate', '/data/attributes/email');
				contact.email = body.email;
			}
			const problem = this.apply(contact, body);
			if (problem) return this.invalid(res, ...problem);
			this.json(res, 200, { fieldValues: this.fieldValues(contact), contact: this.record(contact) });
		});

		this.route('GET', '/contacts', (req, res) => {
			const email = req.query.get('email');
			const rows = [...this.contacts.values()].filter((c) => !email || c.email.toLowerCase() === email.toLowerCase()).map((c) => this.record(c));
			const { rows: page, meta } = this.pageOf(req, rows);
			this.json(res, 200, { scoreValues: [], contacts: page, meta });
		});

		this.route('GET', '/contacts/:id', (_req, res, { id }) => {
			const contact = this.contacts.get(id);
			if (!contact) return this.json(res, 404, { message: `No Result found for Subscriber with id ${id}` });
			this.json(res, 200, { contact: this.record(contact), fieldValues: this.fieldValues(contact) });
		});

		this.route('DELETE', '/contacts/:id', (_req, res, { id }) => {
			if (!this.contacts.delete(id)) return this.json(res, 404, { message: `No Result found for Subscriber with id ${id}` });
			this.json(res, 200, {});
		});

		this.route('GET', '/fields', (req, res) => {
			const rows = this.fields.map((f) => ({ id: f.id, title: f.label, type: f.type ?? 'text', perstag: f.key }));
			const { rows: page, meta } = this.pageOf(req, rows);
			this.json(res, 200, { fieldOptions: [], fieldRels: [], fields: page, meta });
		});

		this.route('GET', '/tags', (req, res) => {
			const search = (req.query.get('search') ?? '').toLowerCase();
			const rows = [...this.tags.values()].filter((t) => !search || t.name.toLowerCase().includes(search)).map((t) => ({ id: t.id, tag: t.name, tagType: 'contact' }));
			const { rows: page, meta } = this.pageOf(req, rows);
			this.json(res, 200, { tags: page, meta });
		});

		this.route('POST', '/tags', (req, res) => {
			const tag = asObject(asObject(req.body).tag);
			if (!tag.tag || !tag.tagType) return this.invalid(res, 'Tag name and type are required.', 'field_missing', '/data/attributes/tag');
			if (this.tagByName(String(tag.tag), false)) return this.invalid(res, 'Tag already exists.', 'duplicate', '/data/attributes/tag');
			const created = this.tagByName(String(tag.tag), true)!;
			this.json(res, 201, { tag: { id: created.id, tag: created.name, tagType: tag.tagType, description: tag.description ?? '' } });
		});

		this.route('GET', '/contacts/:id/contactTags', (_req, res, { id }) => {
			if (!this.contacts.has(id)) return this.json(res, 404, { message: `No Result found for Subscriber with id ${id}` });
			this.json(res, 200, { contactTags: [...this.contactTags.values()].filter((ct) => ct.contact === id) });
		});

		this.route('POST', '/contactTags', (req, res) => {
			const link = asObject(asObject(req.body).contactTag);
			const contact = this.contacts.get(String(link.contact));
			const tag = this.tags.get(String(link.tag));
			if (!contact || !tag) return this.invalid(res, 'Contact and tag must exist (tag by id, not name).', 'related_missing', '/data/attributes/tag');
			const existing = [...this.contactTags.values()].find((ct) => ct.contact === contact.id && ct.tag === tag.id);
			const record = existing ?? { id: this.newId(), contact: contact.id, tag: tag.id };
			this.contactTags.set(record.id, record);
			contact.tags.add(tag.name);
			this.json(res, 201, { contactTag: record });
		});

		this.route('DELETE', '/contactTags/:id', (_req, res, { id }) => {
			const link = this.contactTags.get(id);
			if (!link) return this.json(res, 404, { message: `No Result found for ContactTag with id ${id}` });
			this.contactTags.delete(id);
			const tag = this.tags.get(link.tag);
			if (tag) this.contacts.get(link.contact)?.tags.delete(tag.name);
			this.json(res, 200, {});
		});
	}
}
