/**
 * Groundhogg REST API v4 (`{site}/wp-json/gh/v4`), as far as the adapter uses it. Groundhogg publishes no
 * OpenAPI spec; this fake follows its documentation:
 * - Contacts (create, read, update with `add_tags`/`remove_tags`, delete, list; contact = `ID`, `data`,
 *   `meta`, `tags`, `user`): https://help.groundhogg.io/article/515-rest-api-v4-contacts
 * - Authentication (WordPress application passwords, Basic): https://help.groundhogg.io/article/146-rest-authentication
 * - Contact query parameters (`limit`, `offset`, default 100): https://help.groundhogg.io/article/148-rest-api-contact-searching
 * - Tags (`tag_id`, `tag_name`, `tag_slug`; ids or names applied): https://help.groundhogg.io/article/156-rest-api-tags-listing-and-searching-tags
 *   and https://help.groundhogg.io/article/159-rest-api-tags-editing-tags
 * Where those pages leave a detail out (their v4 samples are not published as text), it was read in
 * Groundhogg 4.7.1's own source (github.com/groundhoggwp/groundhogg, api/v4/contacts-api.php,
 * base-api.php, base-object-api.php, tags-api.php, properties-api.php, includes/better-meta-compat.php):
 * - errors are WordPress REST errors `{ code, message, data: { status, data } }`;
 * - `POST /contacts` `{ data: { email, … }, meta, tags }`: 422 "An email address is required.", 400
 *   `invalid_email`; an e-mail already in use UPDATES that contact (200, like a create);
 * - `PATCH /contacts/{ID}` `{ data, meta, add_tags, remove_tags }`: 404 "Contact not found.", 409 "Email
 *   address already in use." when the new e-mail belongs to another contact, and 401 `no_changes` for a
 *   body that changes nothing;
 * - `GET /contacts?email=` is an exact (case-insensitive, MySQL collation) e-mail filter;
 * - `GET /tags?limit&offset` (default limit 25) → `{ total_items, items: [{ ID, data: { tag_id, tag_name,
 *   tag_slug, … } }] }`; `POST /tags { data: { tag_name } }` returns the tag with that name or creates it;
 * - `GET /properties` → `{ items: [{ id, name, label, type, options, multiple }] }`, every custom field in
 *   one answer;
 * - meta values are stored the way `sanitize_custom_field()` shapes them for the field's type, which loses
 *   a value that does not fit (text in a number field becomes "0", an unreadable date ""); the fake does
 *   the same and lists every such loss in `mangled`.
 * The fake is stricter than Groundhogg where Groundhogg would drop something silently: `data` keys that
 * are not contact columns, meta keys WordPress would rewrite (`sanitize_key`), wrong JSON types and the
 * multi-contact (array) form the adapter does not use are answered 400 and recorded in `violations`.
 * Groundhogg itself has no rate limit; the host's (a WAF or the hosting company) is a 429 with Retry-After.
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, basicAuth, type FakeContact, FakeCrm, type FakeField, type FakeTag } from './base';

export const GROUNDHOGG_USER = 'admin';
export const GROUNDHOGG_PASSWORD = 'abcd efgh ijkl mnop qrst uvwx';

/** Columns of the contacts table that the API writes from `data`. */
const DATA_COLUMNS = ['email', 'first_name', 'last_name', 'user_id', 'owner_id', 'optin_status'];
const PATCH_KEYS = ['data', 'meta', 'tags', 'add_tags', 'apply_tags', 'remove_tags'];
const CREATE_KEYS = ['data', 'meta', 'tags'];

/** A Groundhogg custom property (Contacts → Custom Fields). */
export interface GroundhoggProperty extends FakeField {
	options?: string[];
	multiple?: boolean;
	decimals?: number;
}

export interface Violation {
	method: string;
	path: string;
	errors: string[];
}

function wpError(code: string, message: string, status: number) {
	return { code, message, data: { status, data: [] } };
}

const pad = (n: number) => String(n).padStart(2, '0');

export class GroundhoggFake extends FakeCrm {
	protected readonly prefix = '/wp-json/gh/v4';

	/** Request bodies outside the documented shapes (each was answered 400). */
	readonly violations: Violation[] = [];
	/** Values Groundhogg would have stored differently from what was sent (the loss a conversion must avoid). */
	readonly mangled: Array<{ key: string; sent: unknown; stored: unknown }> = [];

	constructor() {
		super();
		// A typical host limit (Groundhogg has none of its own); enforced only when a test turns it on.
		this.rateLimit = { max: 20, windowMs: 1000 };
	}

	/** Seeds `count` tags named `<prefix> 1..n` (to test paging). */
	seedTags(count: number, prefix = 'Tag'): void {
		for (let n = 1; n <= count; n++) this.tagByName(`${prefix} ${n}`, true);
	}

	/** The contact Groundhogg makes by itself when WordPress creates a user (opt-in status unconfirmed, linked to the user). */
	contactFromWordPressUser(email: string, userId: number, firstName = ''): FakeContact {
		const contact = this.createContact(email, { first_name: firstName, last_name: '', user_id: userId, optin_status: 1, user_login: email });
		return contact;
	}

	get properties(): GroundhoggProperty[] {
		return this.fields as GroundhoggProperty[];
	}

	protected authorize(req: RecordedRequest): boolean {
		const auth = basicAuth(req);
		return auth?.user === GROUNDHOGG_USER && auth.password === GROUNDHOGG_PASSWORD;
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, { code: 'incorrect_password', message: 'The provided password is an invalid application password.', data: { status: 401 } });
	}

	protected throttled(res: ServerResponse): void {
		this.json(res, 429, { message: 'Too Many Requests' }, { 'retry-after': '1' });
	}

	protected serverError(res: ServerResponse, status: number): void {
		this.json(res, status, {
			code: 'internal_server_error',
			message: '<p>There has been a critical error on this website.</p>',
			data: { status },
			additional_errors: [],
		});
	}

	protected notFound(res: ServerResponse): void {
		this.json(res, 404, { code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } });
	}

	// ---- shapes ---------------------------------------------------------------------------------

	tagJson(tag: FakeTag) {
		return {
			ID: Number(tag.id),
			data: { tag_id: Number(tag.id), tag_name: tag.name, tag_slug: slug(tag.name), tag_description: '', show_as_preference: 0 },
			admin: `http://127.0.0.1/wp-admin/admin.php?page=gh_tags&tag=${tag.id}&action=edit`,
		};
	}

	contactJson(contact: FakeContact) {
		const meta = Object.fromEntries(Object.entries(contact.fields).filter(([key]) => !DATA_COLUMNS.includes(key)));
		const created = new Date(contact.createdAt);
		const ymdhis = `${created.getUTCFullYear()}-${pad(created.getUTCMonth() + 1)}-${pad(created.getUTCDate())} ${pad(created.getUTCHours())}:${pad(created.getUTCMinutes())}:${pad(created.getUTCSeconds())}`;
		const first = String(contact.fields.first_name ?? '');
		const last = String(contact.fields.last_name ?? '');
		return {
			ID: Number(contact.id),
			data: {
				ID: Number(contact.id),
				email: contact.email,
				first_name: first,
				last_name: last,
				user_id: Number(contact.fields.user_id ?? 0),
				owner_id: Number(contact.fields.owner_id ?? 0),
				optin_status: Number(contact.fields.optin_status ?? 1),
				date_created: ymdhis,
				date_optin_status_changed: ymdhis,
				gravatar: 'https://secure.gravatar.com/avatar/0?s=96&d=mm&r=g',
				full_name: `${first} ${last}`.trim(),
				age: false,
			},
			meta,
			tags: [...contact.tags].map((name) => this.tagJson(this.tagByName(name, false)!)),
			user: false,
			admin: `http://127.0.0.1/wp-admin/admin.php?page=gh_contacts&contact=${contact.id}&action=edit`,
			is_marketable: true,
			is_deliverable: true,
			i18n: { displayAs: `${first} ${last}`.trim() || contact.email, created: '1 min', tagDates: {} },
		};
	}

	// ---- validation -----------------------------------------------------------------------------

	private violated(req: RecordedRequest, res: ServerResponse, errors: string[]): boolean {
		if (!errors.length) return false;
		this.violations.push({ method: req.method, path: req.path, errors });
		this.json(res, 400, wpError('rest_invalid_param', `Invalid parameter(s): ${errors.join('; ')}`, 400));
		return true;
	}

	/** Problems with a `data`, `meta` and tag lists of a create or update body. */
	private shapeErrors(body: Record<string, unknown>, allowed: string[]): string[] {
		const errors: string[] = [];
		for (const key of Object.keys(body)) if (!allowed.includes(key)) errors.push(`unknown parameter "${key}"`);
		if (body.data !== undefined) {
			if (!isPlainObject(body.data)) errors.push('data must be an object');
			else {
				for (const [key, value] of Object.entries(body.data)) {
					if (!DATA_COLUMNS.includes(key)) errors.push(`data.${key} is not a contact column (Groundhogg would drop it)`);
					else if (['email', 'first_name', 'last_name'].includes(key) && typeof value !== 'string') errors.push(`data.${key} must be a string`);
					else if (key === 'optin_status' && !(Number.isInteger(Number(value)) && Number(value) >= 1 && Number(value) <= 9)) {
						errors.push('data.optin_status must be 1–9');
					}
				}
			}
		}
		if (body.meta !== undefined) {
			if (!isPlainObject(body.meta)) errors.push('meta must be an object');
			else {
				for (const [key, value] of Object.entries(body.meta)) {
					if (key !== key.toLowerCase().replace(/[^a-z0-9_-]/g, '')) errors.push(`meta key "${key}" is not a sanitized key (WordPress would store it as "${key.toLowerCase().replace(/[^a-z0-9_-]/g, '')}")`);
					if (value !== null && typeof value === 'object' && !Array.isArray(value)) errors.push(`meta.${key} must be a text, number or list`);
				}
			}
		}
		for (const key of ['tags', 'add_tags', 'apply_tags', 'remove_tags']) {
			const list = body[key];
			if (list === undefined) continue;
			if (!Array.isArray(list) || list.some((t) => !(typeof t === 'number' ? Number.isInteger(t) && t > 0 : typeof t === 'string' && t.trim() !== ''))) {
				errors.push(`${key} must be a list of tag ids or names`);
			}
		}
		return errors;
	}

	/** The value Groundhogg stores for a meta key (`sanitize_custom_field` for custom properties). */
	private sanitize(key: string, value: unknown): unknown {
		const property = this.properties.find((p) => p.key === key);
		if (!property) return Array.isArray(value) ? value : typeof value === 'string' ? value.trim() : value;
		const type = property.type ?? 'text';
		const options = property.options ?? [];
		const multi = type === 'checkboxes' || (type === 'dropdown' && property.multiple);
		if (value === null || value === undefined || value === '' || value === 0 || (Array.isArray(value) && !value.length)) return multi ? [] : '';
		const list = () => (Array.isArray(value) ? value.map(String) : String(value).split(',')).map((v) => v.trim());
		switch (type) {
			case 'number': {
				const number = Number.parseFloat(String(value));
				return (Number.isFinite(number) ? number : 0).toFixed(property.decimals ?? 0);
			}
			case 'date': {
				const match = /^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+Z?)?$/.exec(String(value).trim());
				return match ? match[1] : '';
			}
			case 'datetime': {
				const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})$/.exec(String(value).trim());
				return match ? `${match[1]} ${match[2]}` : '';
			}
			case 'time':
				return /^\d{2}:\d{2}:\d{2}$/.test(String(value)) ? String(value) : '';
			case 'dropdown':
			case 'radio':
			case 'checkboxes':
				if (multi) return list().filter((v) => options.includes(v));
				return options.includes(String(value)) ? String(value) : '';
			case 'textarea':
				return Array.isArray(value) ? value.join('\n') : String(value);
			default:
				return Array.isArray(value) ? value.join(',') : String(value).trim();
		}
	}

	private apply(contact: FakeContact, body: Record<string, unknown>, addKey: string | undefined): void {
		for (const [key, value] of Object.entries(asObject(body.data))) {
			if (key === 'email') contact.email = String(value);
			else contact.fields[key] = key === 'optin_status' ? Number(value) : value;
		}
		for (const [key, value] of Object.entries(asObject(body.meta))) {
			const stored = this.sanitize(key, value);
			if (!sameValue(value, stored)) this.mangled.push({ key, sent: value, stored });
			contact.fields[key] = stored;
		}
		const tagsOf = (list: unknown, create: boolean): FakeTag[] =>
			((list as unknown[] | undefined) ?? [])
				.map((ref) => (typeof ref === 'number' || /^\d+$/.test(String(ref)) ? this.tags.get(String(ref)) : this.tagByName(String(ref), create)))
				.filter((tag): tag is FakeTag => tag !== undefined);
		if (addKey) for (const tag of tagsOf(body[addKey], true)) contact.tags.add(tag.name);
		for (const tag of tagsOf(body.remove_tags, false)) contact.tags.delete(tag.name);
	}

	// ---- routes ---------------------------------------------------------------------------------

	protected routes(): void {
		this.route('GET', '/contacts', (req, res) => {
			const email = req.query.get('email');
			const search = (req.query.get('search') ?? '').toLowerCase();
			const limit = Number(req.query.get('limit') ?? 100) || 100;
			const offset = Number(req.query.get('offset') ?? 0) || 0;
			const rows = [...this.contacts.values()].filter(
				(c) => (!email || c.email.toLowerCase() === email.toLowerCase()) && (!search || c.email.toLowerCase().includes(search)),
			);
			this.json(res, 200, { total_items: rows.length, items: this.page(rows, offset, limit).map((c) => this.contactJson(c)), status: 'success' });
		});

		this.route('GET', '/contacts/:id', (_req, res, { id }) => {
			const contact = /^\d+$/.test(id) ? this.contacts.get(id) : undefined;
			if (!contact) return this.json(res, 404, wpError('error', 'Contact not found.', 404));
			this.json(res, 200, { item: this.contactJson(contact), status: 'success' });
		});

		this.route('POST', '/contacts', (req, res) => {
			if (Array.isArray(req.body)) return void this.violated(req, res, ['the multi-contact (array) form is not used by the adapter']);
			const body = asObject(req.body);
			if (body.data === undefined && body.email !== undefined) return void this.violated(req, res, ['top-level "email" (the field-map form) instead of data.email']);
			if (this.violated(req, res, this.shapeErrors(body, CREATE_KEYS))) return;
			const email = asObject(body.data).email;
			if (!email) return this.json(res, 422, wpError('error', 'An email address is required.', 422));
			if (!this.isEmail(email)) return this.json(res, 400, wpError('invalid_email', 'The provided email address is not valid.', 400));
			// An e-mail already in use is treated as an update of that contact.
			const contact = this.findByEmail(email) ?? this.createContact(email, { optin_status: 1 });
			this.apply(contact, body, 'tags');
			this.json(res, 200, { item: this.contactJson(contact), status: 'success' });
		});

		this.route('PATCH', '/contacts/:id', (req, res, { id }) => {
			const contact = this.contacts.get(id);
			if (!contact) return this.json(res, 404, wpError('error', 'Contact not found.', 404));
			const body = asObject(req.body);
			if (this.violated(req, res, this.shapeErrors(body, PATCH_KEYS))) return;
			// Groundhogg reads the first of these that is present.
			const addKey = ['tags', 'add_tags', 'apply_tags'].find((key) => body[key] !== undefined);
			const empty = (v: unknown) => v === undefined || (Array.isArray(v) ? !v.length : isPlainObject(v) ? !Object.keys(v).length : !v);
			if (empty(body.data) && empty(body.meta) && empty(addKey ? body[addKey] : undefined) && empty(body.remove_tags)) {
				return this.json(res, 401, wpError('no_changes', 'No changes were made.', 401));
			}
			const email = asObject(body.data).email;
			if (email !== undefined) {
				if (!this.isEmail(email)) return this.json(res, 400, wpError('invalid_email', 'The provided email address is not valid.', 400));
				const other = this.findByEmail(email);
				if (other && other.id !== contact.id) return this.json(res, 409, wpError('error', 'Email address already in use.', 409));
			}
			this.apply(contact, body, addKey);
			this.json(res, 200, { item: this.contactJson(contact), status: 'success' });
		});

		this.route('DELETE', '/contacts/:id', (_req, res, { id }) => {
			if (!this.contacts.delete(id)) return this.json(res, 404, wpError('error', 'Contact not found.', 404));
			this.json(res, 200, { status: 'success' });
		});

		this.route('GET', '/tags', (req, res) => {
			const limit = Number(req.query.get('limit') ?? 25) || 25;
			const offset = Number(req.query.get('offset') ?? 0) || 0;
			const rows = [...this.tags.values()].sort((a, b) => Number(a.id) - Number(b.id));
			this.json(res, 200, { total_items: rows.length, items: this.page(rows, offset, limit).map((t) => this.tagJson(t)), status: 'success' });
		});

		this.route('POST', '/tags', (req, res) => {
			const body = asObject(req.body);
			const errors = Object.keys(body).filter((key) => key !== 'data' && key !== 'tag_name').map((key) => `unknown parameter "${key}"`);
			const name = isPlainObject(body.data) ? body.data.tag_name : body.tag_name;
			if (typeof name !== 'string' || !name.trim()) errors.push('data.tag_name must be a non-empty string');
			if (this.violated(req, res, errors)) return;
			const tag = this.tagByName(String(name).trim(), true)!;
			this.json(res, 200, { item: this.tagJson(tag), status: 'success' });
		});

		this.route('GET', '/properties', (_req, res) => {
			this.json(res, 200, {
				items: this.properties.map((p, n) => ({
					id: p.id ?? `f${n + 1}`,
					group: 'custom',
					label: p.label,
					name: p.key,
					type: p.type ?? 'text',
					order: n,
					width: 6,
					...(p.options ? { options: p.options } : {}),
					...(p.multiple !== undefined ? { multiple: p.multiple } : {}),
					...(p.decimals !== undefined ? { decimals: p.decimals } : {}),
				})),
				status: 'success',
			});
		});
	}
}

/** Whether Groundhogg kept what was sent (a number may come back as its text, a cleared value as ""). */
function sameValue(sent: unknown, stored: unknown): boolean {
	const text = (v: unknown) => (Array.isArray(v) ? JSON.stringify(v.map(String)) : v === null || v === undefined ? '' : String(v));
	if (typeof sent === 'number' && typeof stored === 'string') return Number(stored) === sent;
	return text(sent) === text(stored);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** WordPress's `sanitize_title` for plain names. */
function slug(name: string): string {
	return name.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
