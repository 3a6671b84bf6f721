/**
 * Agile CRM REST API (`https://{domain}.agilecrm.com/dev/api`), as far as the adapter uses it. Agile
 * publishes no spec file we keep in ../shared/specs, so this follows its documentation:
 * - https://github.com/agilecrm/rest-api (the official reference, README): Basic auth with the user's
 *   e-mail and REST API key; "All data is case-sensitive"; contact fields (`properties` of
 *   `{type: SYSTEM|CUSTOM, name, subtype, value}`, `type` marked mandatory, `first_name` mandatory on
 *   create, "Please don't pass null value"; subtypes: email work|personal, phone work|home|mobile|main|
 *   home fax|work fax|other, address home|postal|office, website URL|SKYPE|TWITTER|…; address is a JSON
 *   text; DATE custom values are Unix seconds, checkboxes "on"/"off"; tag names "should start with an
 *   alphabet and can not contain special characters other than underscore and space");
 *   §1.1 `GET /contacts` (page_size, cursor in the last contact, 204 when there are none);
 *   §1.2 `GET /contacts/{id}` (200, 204 when there is no such contact); §1.3 `POST /contacts` (200 with
 *   the contact, 400 wrong format); §1.4 `PUT /contacts/edit-properties` (`{id, properties}`, partial:
 *   an email/phone/website property with the same subtype is overwritten, others are added; 200 with the
 *   contact); §1.7 `PUT /contacts/edit/tags` and §1.8 `PUT /contacts/delete/tags` (`{id, tags}`; 200);
 *   §1.9 `DELETE /contacts/{id}` (204); §1.10.1 `GET /contacts/search/email/{email}` (200 / 204).
 * - https://github.com/agilecrm/php-api/issues/13 (Agile support: there is no create-or-update call;
 *   creating an e-mail that exists gets a duplicate error).
 * - `GET /custom-fields/scope?scope=CONTACT` (array of `{id, field_label, field_type, field_data, …}`) and
 *   `GET /tags` (array of `{tag, createdTime, …}`) are not in the README; their shapes follow Agile's own
 *   node library (https://app.unpkg.com/agile_crm@1.2.5/files/agilecrm.js, getContactCustomField) and the
 *   integrations built on them (WP Fusion's Agile CRM class reads `GET /tags` rows as `{tag}`); both
 *   answer everything at once (no paging documented).
 * Stand-ins where the docs are silent (errors are plain text, as Agile sends them): the 401, 404 and
 * 400 texts, the duplicate text, and the rate limit — Agile documents limits per plan without numbers
 * or headers we could find, so a throttle is a bare 429 with a text body and no Retry-After.
 * Stricter than the docs: an unknown SYSTEM name, a CUSTOM name that is no defined contact field, a
 * value of the wrong type for its field, and a contact id that does not exist are refused (400/404)
 * and recorded in `violations`.
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, basicAuth, type FakeContact, FakeCrm } from './base';

export const AGILE_USER = 'admin@agile.example';
export const AGILE_KEY = 'agile-rest-key-0123456789';

export interface AgileCustomField {
	id: number;
	field_label: string;
	field_type: 'TEXT' | 'TEXTAREA' | 'DATE' | 'LIST' | 'CHECKBOX' | 'NUMBER' | 'FORMULA';
	field_data?: string;
}

interface Property {
	type: 'SYSTEM' | 'CUSTOM';
	name: string;
	subtype?: string;
	value: string | number;
}

const SYSTEM_NAMES = ['first_name', 'last_name', 'email', 'company', 'title', 'phone', 'website', 'address', 'image'];
const SUBTYPES: Record<string, string[]> = {
	email: ['work', 'personal'],
	phone: ['work', 'home', 'mobile', 'main', 'home fax', 'work fax', 'other'],
	address: ['home', 'postal', 'office'],
	website: ['URL', 'SKYPE', 'TWITTER', 'LINKEDIN', 'FACEBOOK', 'XING', 'FEED', 'GOOGLE_PLUS', 'FLICKR', 'GITHUB', 'YOUTUBE'],
};
/** Properties a contact holds several of, told apart by subtype. */
const MULTI = ['email', 'phone', 'website'];
const TAG = /^\p{L}[\p{L}\p{N}_ ]*$/u;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class AgileCrmFake extends FakeCrm {
	protected readonly prefix = '/dev/api';
	readonly violations: Array<{ method: string; path: string; message: string }> = [];
	readonly customFields: AgileCustomField[] = [];
	/** Each contact's properties, by contact id. */
	readonly props = new Map<string, Property[]>();
	/** Tags of the account, by exact (case-sensitive) name, with the time they were first used. */
	readonly accountTags = new Map<string, number>();
	private serial = 5_700_000_000_000_000;

	protected authorize(req: RecordedRequest): boolean {
		const auth = basicAuth(req);
		return auth?.user === AGILE_USER && auth.password === AGILE_KEY;
	}

	private text(res: ServerResponse, status: number, body: string): void {
		res.writeHead(status, { 'content-type': 'text/plain;charset=utf-8' });
		res.end(body);
	}

	protected unauthorized(res: ServerResponse): void {
		this.text(res, 401, 'Unauthorized: wrong user e-mail or API key');
	}

	protected throttled(res: ServerResponse): void {
		this.text(res, 429, 'Too Many Requests');
	}

	protected notFound(res: ServerResponse): void {
		this.text(res, 404, 'Not Found');
	}

	private noContent(res: ServerResponse): void {
		res.writeHead(204);
		res.end();
	}

	// ---- test helpers -------------------------------------------------------------------------

	/** A contact made in Agile's app (not through the node). */
	seedContact(email: string, extra: { firstName?: string; emails?: Array<{ value: string; subtype?: string }>; tags?: string[] } = {}): FakeContact {
		const contact = this.createContact(email, {}, String(this.serial++));
		const emails = extra.emails ?? [{ value: email, subtype: 'work' }];
		this.props.set(contact.id, [
			{ type: 'SYSTEM', name: 'first_name', value: extra.firstName ?? 'Seeded' },
			...emails.map((e): Property => ({ type: 'SYSTEM', name: 'email', value: e.value, ...(e.subtype !== undefined ? { subtype: e.subtype } : {}) })),
		]);
		for (const tag of extra.tags ?? []) this.useTag(contact, tag);
		this.sync(contact);
		return contact;
	}

	propertiesOf(email: string): Property[] {
		const contact = this.findByEmail(email);
		return contact ? (this.props.get(contact.id) ?? []) : [];
	}

	// ---- model --------------------------------------------------------------------------------

	private useTag(contact: FakeContact, tag: string): void {
		if (!this.accountTags.has(tag)) this.accountTags.set(tag, Date.now());
		contact.tags.add(tag);
	}

	/** Keeps the base record (e-mail, fields by name) in step with the properties. */
	private sync(contact: FakeContact): void {
		const props = this.props.get(contact.id) ?? [];
		contact.email = String(props.find((p) => p.name === 'email')?.value ?? '');
		contact.fields = Object.fromEntries(props.map((p) => [p.name, p.value]));
	}

	private contactJson(contact: FakeContact) {
		return {
			id: contact.id,
			type: 'PERSON',
			created_time: Math.floor(contact.createdAt / 1000),
			updated_time: Math.floor(Date.now() / 1000),
			star_value: 0,
			lead_score: 0,
			tags: [...contact.tags],
			tagsWithTime: [...contact.tags].map((tag) => ({ tag, createdTime: this.accountTags.get(tag), availableCount: 0, entity_type: 'tag' })),
			properties: (this.props.get(contact.id) ?? []).map((p) => ({ ...p })),
			campaignStatus: [],
			entity_type: 'contact_entity',
			unsubscribeStatus: [],
			emailBounceStatus: [],
			owner: { id: 1, domain: 'fake', email: AGILE_USER, name: 'Ada Admin' },
		};
	}

	private withEmail(email: string): FakeContact | undefined {
		// Agile: "All data is case-sensitive".
		return [...this.contacts.values()].find((c) => (this.props.get(c.id) ?? []).some((p) => p.name === 'email' && p.value === email));
	}

	// ---- validation ---------------------------------------------------------------------------

	private checkCustom(field: AgileCustomField, value: string | number): string | undefined {
		if (value === '') return undefined;
		switch (field.field_type) {
			case 'DATE':
				return typeof value === 'number' && Number.isInteger(value) ? undefined : `${field.field_label} needs a date as epoch seconds`;
			case 'CHECKBOX':
				return value === 'on' || value === 'off' ? undefined : `${field.field_label} needs "on" or "off"`;
			case 'NUMBER':
				return Number.isFinite(Number(value)) ? undefined : `${field.field_label} needs a number`;
			case 'LIST': {
				const options = String(field.field_data ?? '').split(';').map((o) => o.trim());
				return options.includes(String(value)) ? undefined : `${field.field_label} needs one of ${options.join(', ')}`;
			}
			case 'FORMULA':
				return `${field.field_label} is a formula field and cannot be set`;
			default:
				return typeof value === 'string' ? undefined : `${field.field_label} needs text`;
		}
	}

	/** The first problem of a `properties` list; undefined when valid. */
	private checkProperties(list: unknown, creating: boolean): string | undefined {
		if (!Array.isArray(list) || (!creating && !list.length)) return 'properties must be a list of property objects';
		for (const raw of list) {
			const p = asObject(raw);
			if (typeof p.name !== 'string' || !p.name) return 'property name is mandatory';
			if (p.type !== 'SYSTEM' && p.type !== 'CUSTOM') return `property ${p.name}: type must be SYSTEM or CUSTOM`;
			if (p.value === null || p.value === undefined) return `property ${p.name}: value must not be null`;
			if (typeof p.value !== 'string' && typeof p.value !== 'number') return `property ${p.name}: value must be a string`;
			if (p.type === 'SYSTEM') {
				if (!SYSTEM_NAMES.includes(p.name)) return `unknown SYSTEM property ${p.name}`;
				if (p.subtype !== undefined && !(SUBTYPES[p.name] ?? []).includes(String(p.subtype))) return `property ${p.name}: invalid subtype ${String(p.subtype)}`;
				if (p.name === 'email' && !EMAIL.test(String(p.value))) return `Invalid email address: ${String(p.value)}`;
				if (p.name === 'address' && p.value !== '') {
					try {
						const parsed: unknown = JSON.parse(String(p.value));
						if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return 'address must be a JSON object text';
					} catch {
						return 'address must be a JSON object text';
					}
				}
			} else {
				if (p.subtype !== undefined) return `property ${p.name}: custom fields take no subtype`;
				const field = this.customFields.find((f) => f.field_label === p.name);
				if (!field) return `no contact custom field named ${p.name}`;
				const problem = this.checkCustom(field, p.value as string | number);
				if (problem) return problem;
			}
		}
		return undefined;
	}

	private checkTags(tags: unknown): string | undefined {
		if (!Array.isArray(tags)) return 'tags must be a list';
		const bad = tags.find((tag) => typeof tag !== 'string' || !TAG.test(tag));
		return bad === undefined ? undefined : `Tag name should start with an alphabet and can not contain special characters other than underscore and space: ${String(bad)}`;
	}

	private rejects(req: RecordedRequest, res: ServerResponse, problem: string | undefined, status = 400): boolean {
		if (!problem) return false;
		this.violations.push({ method: req.method, path: req.path, message: problem });
		this.text(res, status, problem);
		return true;
	}

	/** Merges properties: email/phone/website with the same subtype (and any other name) are overwritten. */
	private merge(current: Property[], changes: Property[]): Property[] {
		const out = current.map((p) => ({ ...p }));
		for (const change of changes) {
			const at = out.findIndex((p) => p.name === change.name && (!MULTI.includes(p.name) || (p.subtype ?? '') === (change.subtype ?? '')));
			const next: Property = { type: change.type, name: change.name, value: change.value, ...(change.subtype !== undefined ? { subtype: change.subtype } : {}) };
			if (at >= 0) out[at] = next;
			else out.push(next);
		}
		return out;
	}

	/** The contact of a `{id, …}` body, or the answer that refuses it. */
	private target(req: RecordedRequest, res: ServerResponse): FakeContact | undefined {
		const id = asObject(req.body).id;
		if (typeof id !== 'string' && typeof id !== 'number') {
			this.rejects(req, res, 'id is mandatory');
			return undefined;
		}
		const contact = this.contacts.get(String(id));
		if (!contact) this.rejects(req, res, `No contact with id ${String(id)}`, 404);
		return contact;
	}

	// ---- routes -------------------------------------------------------------------------------

	protected routes(): void {
		this.route('GET', '/contacts', (req, res) => {
			const size = Number(req.query.get('page_size') ?? 20);
			const offset = Number(req.query.get('cursor') ?? 0);
			const all = [...this.contacts.values()];
			if (!all.length) return this.noContent(res);
			const rows = this.page(all, offset, size).map((c) => this.contactJson(c) as Record<string, unknown>);
			if (offset + size < all.length && rows.length) rows[rows.length - 1].cursor = String(offset + size);
			if (rows.length) rows[0].count = all.length;
			this.json(res, 200, rows);
		});

		this.route('GET', '/contacts/search/email/:email', (_req, res, { email }) => {
			const contact = this.withEmail(email);
			if (!contact) return this.noContent(res);
			this.json(res, 200, this.contactJson(contact));
		});

		this.route('GET', '/contacts/:id', (_req, res, { id }) => {
			const contact = this.contacts.get(id);
			if (!contact) return this.noContent(res);
			this.json(res, 200, this.contactJson(contact));
		});

		this.route('POST', '/contacts', (req, res) => {
			const body = asObject(req.body);
			if (this.rejects(req, res, this.checkProperties(body.properties, true))) return;
			if (body.tags !== undefined && this.rejects(req, res, this.checkTags(body.tags))) return;
			const props = body.properties as Property[];
			if (!props.some((p) => p.name === 'first_name' && p.value !== '')) return void this.rejects(req, res, 'first_name is mandatory');
			const emails = props.filter((p) => p.name === 'email').map((p) => String(p.value));
			if (emails.some((email) => this.withEmail(email))) return void this.rejects(req, res, 'Sorry, duplicate contact found with the same email address.');
			const contact = this.createContact(emails[0] ?? '', {}, String(this.serial++));
			this.props.set(contact.id, this.merge([], props));
			for (const tag of (body.tags ?? []) as string[]) this.useTag(contact, tag);
			this.sync(contact);
			this.json(res, 200, this.contactJson(contact));
		});

		this.route('PUT', '/contacts/edit-properties', (req, res) => {
			const contact = this.target(req, res);
			if (!contact) return;
			const changes = asObject(req.body).properties;
			if (this.rejects(req, res, this.checkProperties(changes, false))) return;
			for (const p of changes as Property[]) {
				const other = p.name === 'email' ? this.withEmail(String(p.value)) : undefined;
				if (other && other.id !== contact.id) return void this.rejects(req, res, 'Sorry, duplicate contact found with the same email address.');
			}
			this.props.set(contact.id, this.merge(this.props.get(contact.id) ?? [], changes as Property[]));
			this.sync(contact);
			this.json(res, 200, this.contactJson(contact));
		});

		this.route('PUT', '/contacts/edit/tags', (req, res) => {
			const contact = this.target(req, res);
			if (!contact) return;
			const tags = asObject(req.body).tags;
			if (this.rejects(req, res, this.checkTags(tags))) return;
			for (const tag of tags as string[]) this.useTag(contact, tag);
			this.json(res, 200, this.contactJson(contact));
		});

		this.route('PUT', '/contacts/delete/tags', (req, res) => {
			const contact = this.target(req, res);
			if (!contact) return;
			const tags = asObject(req.body).tags;
			if (this.rejects(req, res, Array.isArray(tags) ? undefined : 'tags must be a list')) return;
			for (const tag of tags as string[]) contact.tags.delete(tag);
			this.json(res, 200, [...contact.tags]);
		});

		this.route('DELETE', '/contacts/:id', (_req, res, { id }) => {
			if (!this.contacts.delete(id)) return this.notFound(res);
			this.props.delete(id);
			this.noContent(res);
		});

		this.route('GET', '/custom-fields/scope', (req, res) => {
			const scope = req.query.get('scope');
			if (!['CONTACT', 'COMPANY', 'DEAL', 'CASE'].includes(String(scope))) return void this.rejects(req, res, 'scope must be CONTACT, COMPANY, DEAL or CASE');
			const fields = scope === 'CONTACT' ? this.customFields : [];
			this.json(res, 200, fields.map((f, n) => ({ scope, is_required: false, searchable: false, position: n, field_description: '', ...f })));
		});

		this.route('GET', '/tags', (_req, res) => {
			this.json(res, 200, [...this.accountTags].map(([tag, createdTime]) => ({ tag, createdTime, availableCount: 0, entity_type: 'tag' })));
		});
	}
}
