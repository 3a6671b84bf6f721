/**
 * Sender API v2 (no official OpenAPI file exists; built from Sender's own reference pages):
 *   - auth, base URL, pages: https://api.sender.net/ and https://api.sender.net/pagination
 *   - create subscriber: https://api.sender.net/subscribers/add-subscriber
 *   - update subscriber: https://api.sender.net/subscribers/update-subscriber
 *   - delete subscribers: https://api.sender.net/subscribers/delete-subscriber
 *   - group membership: https://api.sender.net/subscribers/add-group/ (POST/DELETE /subscribers/groups/{groupId})
 *   - fields: https://api.sender.net/fields/add-one, https://api.sender.net/fields/edit-one
 *   - errors and limits: https://www.sender.net/help/ecommerce-and-integrations/api-rate-limits/ and the help
 *     centre's "Common API errors" (https://help-center-cms.sender.net/category/ecommerce-and-integrations/integrations-and-api-general/)
 *
 * What it does, as those pages say: Bearer token (401 otherwise); subscribers found by id or e-mail on
 * `GET|PATCH /subscribers/{id or email}` answering `{data: subscriber}` with `subscriber_tags` (groups) and
 * `columns` (custom values); `POST /subscribers` needs a valid `email`, takes `firstname`, `lastname`,
 * `phone` (+ or 00 and the country code), `groups` (group ids), `fields` (`{"{$name}": value}`) and
 * `trigger_automation` (boolean); PATCH takes the same minus `email` plus the three `*_status` enums and
 * documents no e-mail change, so the fake refuses an `email` there; `DELETE /subscribers` takes
 * `{subscribers: [emails]}`; groups are `{id, title}`, created with `POST /groups {title}`, joined and
 * left with `{subscribers: [emails]}`; lists are paged with `page`/`limit` and answer `data`, `links`,
 * `meta` (`last_page`) and `has_more_resources`. Invalid bodies get 422 `{success: false, message,
 * errors: {field: [..]}}`. Over the limit (60 requests a minute in Sender's example): 429 with
 * `Retry-After`, `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (a date).
 *
 * The fake's own choices where the pages are silent: `POST /subscribers` for a known e-mail answers 422
 * (the adapter never relies on it), unknown `fields` keys or a text where a number field is are
 * refused with 422 (Sender may ignore them), PATCH `groups` replace the memberships (the cautious
 * reading), the `Retry-After` is 1 s so tests stay quick, and deletions happen at once.
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, bearer, type FakeContact, FakeCrm } from './base';

export const SENDER_TOKEN = 'sender-test-token';
const STATUSES = ['ACTIVE', 'UNSUBSCRIBED', 'BOUNCED', 'SPAM_REPORTED'];
const PHONE = /^(\+|00)[1-9]\d{6,14}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/;

type Errors = Record<string, string[]>;

export class SenderFake extends FakeCrm {
	protected readonly prefix = '/v2';
	/** E-mail status per subscriber id (`active` unless changed through PATCH `subscriber_status`). */
	readonly statuses = new Map<string, string>();
	/** Every body the fake refused with 422, for assertions. */
	readonly refused: Array<{ path: string; errors: Errors }> = [];
	private groupSeq = 1;

	constructor() {
		super();
		this.rateLimit = { max: 60, windowMs: 60_000 };
	}

	protected authorize(req: RecordedRequest): boolean {
		return bearer(req) === SENDER_TOKEN;
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, { message: 'Unauthenticated.' });
	}

	protected throttled(res: ServerResponse): void {
		const reset = new Date(Date.now() + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
		this.json(res, 429, { message: 'Too Many Attempts.' }, {
			'retry-after': '1',
			'x-ratelimit-limit': String(this.rateLimit.max),
			'x-ratelimit-remaining': '0',
			'x-ratelimit-reset': reset,
		});
	}

	protected notFound(res: ServerResponse): void {
		this.json(res, 404, { success: false, message: 'Not found' });
	}

	/** Adds a custom field the way `POST /fields` would: its key is `{$snake_title}`. */
	addField(title: string, type: 'text' | 'number' | 'datetime' = 'text'): string {
		const key = `{$${title.toLowerCase().replace(/[^a-z0-9]+/g, '_')}}`;
		this.fields.push({ id: `f${this.fields.length + 1}`, key, label: title, type });
		return key;
	}

	/** A group created outside the node (e.g. in Sender's app). */
	addGroup(title: string): string {
		const id = `g${this.groupSeq++}`;
		this.tags.set(id, { id, name: title });
		return id;
	}

	private invalid(req: RecordedRequest, res: ServerResponse, errors: Errors): void {
		this.refused.push({ path: req.path, errors });
		this.json(res, 422, { success: false, message: 'The given data was invalid.', errors });
	}

	private find(idOrEmail: string): FakeContact | undefined {
		return this.contacts.get(idOrEmail) ?? this.findByEmail(idOrEmail);
	}

	private subscriber(contact: FakeContact) {
		return {
			id: contact.id,
			email: contact.email,
			firstname: contact.fields.firstname ?? null,
			lastname: contact.fields.lastname ?? null,
			phone: contact.fields.phone ?? null,
			created: new Date(contact.createdAt).toISOString().slice(0, 19).replace('T', ' '),
			location: null,
			status: { email: this.statuses.get(contact.id) ?? 'active', temail: 'active' },
			ip_address: null,
			subscriber_tags: [...contact.tags].map((name) => {
				const group = [...this.tags.values()].find((g) => g.name === name)!;
				return { id: group.id, title: group.name };
			}),
			columns: this.fields.map((field) => ({ id: field.id, title: field.label, type: field.type, default: false, value: contact.fields[field.key] ?? null })),
		};
	}

	/** Sender's paged answer for `list`, by `page` and `limit`. */
	private paged<T>(req: RecordedRequest, list: T[]) {
		const limit = Math.max(1, Number(req.query.get('limit') ?? 10) || 10);
		const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
		const lastPage = Math.max(1, Math.ceil(list.length / limit));
		const base = `${this.url}${req.path}?limit=${limit}&page=`;
		return {
			data: this.page(list, (page - 1) * limit, limit),
			links: { first: `${base}1`, last: `${base}${lastPage}`, prev: page > 1 ? `${base}${page - 1}` : null, next: page < lastPage ? `${base}${page + 1}` : null },
			meta: { current_page: page, from: (page - 1) * limit + 1, last_page: lastPage, path: `${this.url}${req.path}`, per_page: limit, to: Math.min(page * limit, list.length), total: list.length },
			has_more_resources: page < lastPage,
		};
	}

	/** Checks a subscriber body; returns the problems by field (empty when valid). */
	private check(body: Record<string, unknown>, allowed: string[], errors: Errors): void {
		for (const key of Object.keys(body)) if (!allowed.includes(key)) errors[key] = [`The ${key} field is not accepted here.`];
		for (const key of ['firstname', 'lastname']) {
			if (body[key] !== undefined && body[key] !== null && typeof body[key] !== 'string') errors[key] = [`The ${key} must be a string.`];
		}
		if (body.phone !== undefined && !(typeof body.phone === 'string' && PHONE.test(body.phone))) {
			errors.phone = ['Phone number must include the country code: +370 or 00370 follow by a valid phone number'];
		}
		if (body.trigger_automation !== undefined && typeof body.trigger_automation !== 'boolean') errors.trigger_automation = ['The trigger automation field must be true or false.'];
		if (body.groups !== undefined) {
			if (!Array.isArray(body.groups) || body.groups.some((id) => typeof id !== 'string')) errors.groups = ['The groups must be an array of group ids.'];
			else if (body.groups.some((id) => !this.tags.has(id as string))) errors.groups = ['The selected groups is invalid.'];
		}
		if (body.fields !== undefined) {
			if (!body.fields || typeof body.fields !== 'object' || Array.isArray(body.fields)) errors.fields = ['The fields must be an object of field name and value.'];
			else {
				for (const [key, value] of Object.entries(body.fields as Record<string, unknown>)) {
					const field = this.fields.find((f) => f.key === key);
					if (!field) errors[`fields.${key}`] = [`Field ${key} does not exist.`];
					else if (value === null) continue;
					else if (field.type === 'number' && typeof value !== 'number') errors[`fields.${key}`] = [`The ${field.label} must be a number.`];
					else if (field.type === 'datetime' && !(typeof value === 'string' && DATETIME.test(value))) errors[`fields.${key}`] = [`The ${field.label} is not a valid date.`];
					else if (field.type === 'text' && typeof value !== 'string') errors[`fields.${key}`] = [`The ${field.label} must be a string.`];
				}
			}
		}
		for (const key of ['subscriber_status', 'sms_status', 'transactional_email_status']) {
			if (body[key] !== undefined && !STATUSES.includes(String(body[key]))) errors[key] = [`The selected ${key.replace(/_/g, ' ')} is invalid.`];
		}
	}

	private write(contact: FakeContact, body: Record<string, unknown>): void {
		for (const key of ['firstname', 'lastname', 'phone']) if (body[key] !== undefined) contact.fields[key] = body[key];
		Object.assign(contact.fields, asObject(body.fields));
		if (Array.isArray(body.groups)) {
			contact.tags.clear();
			for (const id of body.groups) contact.tags.add(this.tags.get(String(id))!.name);
		}
		if (body.subscriber_status !== undefined) this.statuses.set(contact.id, String(body.subscriber_status).toLowerCase());
	}

	/** `{subscribers: [emails]}`, or the 422 errors. */
	private emailList(body: Record<string, unknown>, errors: Errors): string[] {
		const list = body.subscribers;
		if (!Array.isArray(list) || !list.length) errors.subscribers = ['The subscribers field is required.'];
		else if (list.some((email) => !this.isEmail(email))) errors.subscribers = ['The subscribers must be e-mail addresses.'];
		return Array.isArray(list) ? list.map(String) : [];
	}

	protected routes(): void {
		this.route('GET', '/subscribers/:id', (_req, res, { id }) => {
			const contact = this.find(id);
			if (!contact) return this.json(res, 404, { success: false, message: 'Subscriber not found' });
			this.json(res, 200, { data: this.subscriber(contact) });
		});

		this.route('POST', '/subscribers', (req, res) => {
			const body = asObject(req.body);
			const errors: Errors = {};
			if (!this.isEmail(body.email)) errors.email = [body.email ? 'The email must be a valid email address.' : 'The email field is required.'];
			else if (this.findByEmail(body.email)) errors.email = ['The email has already been taken.'];
			this.check(body, ['email', 'firstname', 'lastname', 'groups', 'fields', 'phone', 'trigger_automation'], errors);
			if (Object.keys(errors).length) return this.invalid(req, res, errors);
			const contact = this.createContact(String(body.email));
			this.write(contact, body);
			this.json(res, 200, { success: true, message: [], data: this.subscriber(contact) });
		});

		this.route('PATCH', '/subscribers/:id', (req, res, { id }) => {
			const contact = this.find(id);
			if (!contact) return this.json(res, 404, { success: false, message: 'Subscriber not found' });
			const body = asObject(req.body);
			const errors: Errors = {};
			this.check(body, ['firstname', 'lastname', 'groups', 'fields', 'subscriber_status', 'phone', 'trigger_automation', 'sms_status', 'transactional_email_status'], errors);
			if (Object.keys(errors).length) return this.invalid(req, res, errors);
			this.write(contact, body);
			this.json(res, 200, { success: true, message: 'Success', data: [] });
		});

		this.route('DELETE', '/subscribers', (req, res) => {
			const errors: Errors = {};
			const emails = this.emailList(asObject(req.body), errors);
			if (Object.keys(errors).length) return this.invalid(req, res, errors);
			for (const email of emails) {
				const contact = this.findByEmail(email);
				if (contact) this.contacts.delete(contact.id);
			}
			this.json(res, 200, { message: 'Selected subscribers will be deleted shortly', delete_instance: `del-${Date.now()}` });
		});

		this.route('GET', '/groups', (req, res) => {
			const groups = [...this.tags.values()].map((g) => ({ id: g.id, title: g.name, recipient_count: 0, active_subscribers: 0 }));
			this.json(res, 200, this.paged(req, groups));
		});

		this.route('POST', '/groups', (req, res) => {
			const body = asObject(req.body);
			if (typeof body.title !== 'string' || !body.title.trim()) return this.invalid(req, res, { title: ['The title field is required.'] });
			const id = this.addGroup(body.title);
			this.json(res, 200, { success: true, message: 'Group created', data: { id, title: body.title, recipient_count: 0 } });
		});

		const membership = (join: boolean) => (req: RecordedRequest, res: ServerResponse, { groupId }: Record<string, string>) => {
			const group = this.tags.get(groupId);
			if (!group) return this.json(res, 404, { success: false, message: 'Group not found' });
			const body = asObject(req.body);
			const errors: Errors = {};
			const emails = this.emailList(body, errors);
			if (join && body.trigger_automation !== undefined && typeof body.trigger_automation !== 'boolean') errors.trigger_automation = ['The trigger automation field must be true or false.'];
			if (Object.keys(errors).length) return this.invalid(req, res, errors);
			for (const email of emails) {
				const contact = this.findByEmail(email);
				if (!contact) continue;
				if (join) contact.tags.add(group.name);
				else contact.tags.delete(group.name);
			}
			this.json(res, 200, { success: true, message: join ? 'Subscribers added to group' : 'Subscribers removed from group' });
		};
		this.route('POST', '/subscribers/groups/:groupId', membership(true));
		this.route('DELETE', '/subscribers/groups/:groupId', membership(false));

		this.route('GET', '/fields', (req, res) => {
			const rows = this.fields.map((f) => ({ id: f.id, title: f.label, type: f.type, show: 0, field_name: f.key, position: 0, default: false }));
			this.json(res, 200, this.paged(req, rows));
		});
	}
}
