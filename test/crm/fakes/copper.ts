/**
 * Copper's Developer API (`/developer_api/v1`), as far as the adapter uses it. Copper publishes no spec
 * file we keep in ../shared/specs, so this follows its documentation:
 * - https://developer.copper.com/introduction/requests.html (headers X-PW-AccessToken,
 *   X-PW-Application: developer_api, X-PW-UserEmail, Content-Type: application/json; 180 requests a
 *   minute on a rolling window, then status 429; no rate-limit headers are documented)
 * - Copper's Postman collection (https://developer.copper.com/download/copper_postman_collection.json,
 *   linked from https://developer.copper.com/): Person properties (`name` required,
 *   `emails[{email, category}]`, `tags` as strings, `custom_fields[{custom_field_definition_id, value}]`;
 *   "email address is a unique key for People … If you try to create a new Person with an existing email
 *   address, then your request will fail"), `POST /people/fetch_by_email {email}`, `POST /people`,
 *   `GET|DELETE /people/{id}` (delete answers `{id, is_deleted: true}`)
 * - https://developer.copper.com/people/update-a-person.html (`PUT /people/{id}`: only the keys sent
 *   change, null clears)
 * - https://developer.copper.com/people/list-people-search.html (`POST /people/search`, page_number
 *   from 1, page_size default 20; 200 is the largest size the page mentions, so the fake refuses more)
 * - https://developer.copper.com/custom-fields/general/list-custom-field-definitions.html (one array;
 *   data types String, Text, Dropdown, Date, Checkbox, Float, URL, Percentage, Currency, Connect,
 *   MultiSelect; `available_on`; `options[{id, name, rank}]`)
 * - https://developer.copper.com/introduction/appendix.html (categories: e-mail work|personal|other,
 *   phone mobile|work|home|other, website work|personal|other; dates are Unix timestamps in seconds)
 * - https://developer.copper.com/account-and-users/overview.html (the Account; `GET /account` as in the
 *   Postman collection's "Fetch Account Details")
 * Copper documents neither its error body nor its messages: the fake answers `{success: false, status,
 * message}` (the shape Copper integrations read) with stand-in messages. Stricter than the docs: a key that is not a documented Person
 * property, a custom value of the wrong type and an unknown definition id are refused with 422 and
 * recorded in `violations`, so an adapter bug fails a test instead of vanishing.
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, type FakeContact, FakeCrm } from './base';

export const COPPER_KEY = 'c0pp3r0123456789abcdef0123456789';
export const COPPER_USER = 'admin@example.com';

export interface CopperDefinition {
	id: number;
	name: string;
	data_type: string;
	available_on: string[];
	options?: Array<{ id: number; name: string; rank: number }>;
}

type Entry = { email?: string; number?: string; url?: string; category: string };

const PERSON_KEYS = [
	'name', 'prefix', 'first_name', 'middle_name', 'last_name', 'suffix', 'address', 'assignee_id', 'company_id', 'company_name',
	'contact_type_id', 'details', 'emails', 'phone_numbers', 'socials', 'tags', 'title', 'websites', 'custom_fields',
];
const TEXT_KEYS = ['name', 'prefix', 'first_name', 'middle_name', 'last_name', 'suffix', 'details', 'title'];
const ADDRESS_KEYS = ['street', 'city', 'state', 'postal_code', 'country'];
const CATEGORIES: Record<string, { key: 'email' | 'number' | 'url'; allowed: string[] }> = {
	emails: { key: 'email', allowed: ['work', 'personal', 'other'] },
	phone_numbers: { key: 'number', allowed: ['mobile', 'work', 'home', 'other'] },
	websites: { key: 'url', allowed: ['work', 'personal', 'other'] },
};
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class CopperFake extends FakeCrm {
	protected readonly prefix = '/developer_api/v1';
	/** Request bodies Copper would refuse: an adapter bug unless a test sent bad data. */
	readonly violations: Array<{ method: string; path: string; message: string }> = [];
	readonly definitions: CopperDefinition[] = [];
	/** The e-mail, phone and website lists of each person, by person id. */
	readonly lists = new Map<string, Record<string, Entry[]>>();

	constructor() {
		super();
		this.rateLimit = { max: 180, windowMs: 60_000 };
	}

	protected authorize(req: RecordedRequest): boolean {
		return (
			req.headers['x-pw-accesstoken'] === COPPER_KEY &&
			req.headers['x-pw-application'] === 'developer_api' &&
			String(req.headers['x-pw-useremail'] ?? '').toLowerCase() === COPPER_USER
		);
	}

	private error(res: ServerResponse, status: number, message: string): void {
		this.json(res, status, { success: false, status, message });
	}

	protected unauthorized(res: ServerResponse): void {
		this.error(res, 401, 'Invalid input: API key or user e-mail not recognised');
	}

	protected throttled(res: ServerResponse): void {
		this.error(res, 429, 'Too many requests');
	}

	protected serverError(res: ServerResponse, status: number): void {
		this.error(res, status, 'Internal server error');
	}

	protected notFound(res: ServerResponse): void {
		this.error(res, 404, 'Resource not found');
	}

	// ---- test helpers -------------------------------------------------------------------------

	/** A person made in Copper's app (not through the node). */
	seedPerson(email: string, extra: { name?: string; tags?: string[]; emails?: Entry[]; fields?: Record<string, unknown> } = {}): FakeContact {
		const person = this.createContact(email, { name: extra.name ?? email, ...(extra.fields ?? {}) });
		for (const tag of extra.tags ?? []) person.tags.add(tag);
		this.lists.set(person.id, { emails: extra.emails ?? [{ email, category: 'work' }], phone_numbers: [], websites: [] });
		return person;
	}

	emailsOf(id: string): Entry[] {
		return this.lists.get(id)?.emails ?? [];
	}

	private byEmail(email: string): FakeContact | undefined {
		const wanted = email.toLowerCase();
		return [...this.contacts.values()].find((person) => this.emailsOf(person.id).some((entry) => String(entry.email).toLowerCase() === wanted));
	}

	personJson(person: FakeContact) {
		const name = String(person.fields.name ?? '');
		const [first, ...rest] = name.split(' ');
		const lists = this.lists.get(person.id) ?? {};
		const address = ADDRESS_KEYS.some((key) => person.fields[key] !== undefined)
			? Object.fromEntries(ADDRESS_KEYS.map((key) => [key, person.fields[key] ?? '']))
			: null;
		return {
			id: Number(person.id),
			name,
			prefix: null,
			first_name: first || null,
			middle_name: null,
			last_name: rest.join(' ') || null,
			suffix: null,
			address,
			assignee_id: null,
			company_id: null,
			company_name: null,
			contact_type_id: 451492,
			details: person.fields.details ?? null,
			emails: lists.emails ?? [],
			phone_numbers: lists.phone_numbers ?? [],
			socials: [],
			tags: [...person.tags],
			title: person.fields.title ?? null,
			websites: lists.websites ?? [],
			custom_fields: this.definitions
				.filter((d) => d.available_on.includes('person'))
				.map((d) => ({ custom_field_definition_id: d.id, value: person.fields[`cf_${d.id}`] ?? null })),
			date_created: Math.floor(person.createdAt / 1000),
			date_modified: Math.floor(Date.now() / 1000),
			interaction_count: 0,
		};
	}

	// ---- validation ---------------------------------------------------------------------------

	private checkValue(definition: CopperDefinition, value: unknown): string | undefined {
		if (value === null) return undefined;
		const optionIds = (definition.options ?? []).map((o) => o.id);
		switch (definition.data_type) {
			case 'String':
			case 'Text':
			case 'URL':
				return typeof value === 'string' ? undefined : 'must be a string';
			case 'Dropdown':
				return typeof value === 'number' && optionIds.includes(value) ? undefined : 'must be the id of one of its options';
			case 'MultiSelect':
				return Array.isArray(value) && value.every((v) => typeof v === 'number' && optionIds.includes(v)) ? undefined : 'must be a list of option ids';
			case 'Date':
				return Number.isInteger(value) ? undefined : 'must be a Unix timestamp';
			case 'Checkbox':
				return typeof value === 'boolean' ? undefined : 'must be true or false';
			case 'Float':
			case 'Percentage':
			case 'Currency':
				return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
			default:
				return 'cannot be written';
		}
	}

	/** The first problem of a Person body, as Copper's 422 message; undefined when valid. */
	private checkPerson(body: unknown, creating: boolean): string | undefined {
		if (!body || typeof body !== 'object' || Array.isArray(body)) return 'Validation error: body must be a JSON object';
		const doc = body as Record<string, unknown>;
		const unknown = Object.keys(doc).find((key) => !PERSON_KEYS.includes(key));
		if (unknown) return `Validation error: unknown field ${unknown}`;
		if (creating && (typeof doc.name !== 'string' || !doc.name.trim())) return "Validation error: Name can't be blank";
		for (const key of TEXT_KEYS) {
			if (doc[key] !== undefined && doc[key] !== null && typeof doc[key] !== 'string') return `Validation error: ${key} must be a string`;
		}
		if (doc.address !== undefined && doc.address !== null) {
			const address = asObject(doc.address);
			if (typeof doc.address !== 'object' || Array.isArray(doc.address)) return 'Validation error: address must be an object';
			const bad = Object.entries(address).find(([key, value]) => !ADDRESS_KEYS.includes(key) || (value !== null && typeof value !== 'string'));
			if (bad) return `Validation error: address.${bad[0]} is invalid`;
		}
		for (const [list, { key, allowed }] of Object.entries(CATEGORIES)) {
			if (doc[list] === undefined) continue;
			if (!Array.isArray(doc[list])) return `Validation error: ${list} must be an array`;
			for (const raw of doc[list] as unknown[]) {
				const entry = asObject(raw);
				if (typeof entry[key] !== 'string' || !entry[key]) return `Validation error: ${list}.${key} is required`;
				if (key === 'email' && !EMAIL.test(String(entry.email))) return `Validation error: Email is invalid (${String(entry.email)})`;
				if (!allowed.includes(String(entry.category))) return `Validation error: ${list}.category must be one of ${allowed.join(', ')}`;
			}
		}
		if (doc.tags !== undefined && (!Array.isArray(doc.tags) || doc.tags.some((tag) => typeof tag !== 'string'))) return 'Validation error: tags must be an array of strings';
		if (doc.custom_fields !== undefined) {
			if (!Array.isArray(doc.custom_fields)) return 'Validation error: custom_fields must be an array';
			for (const raw of doc.custom_fields as unknown[]) {
				const entry = asObject(raw);
				const definition = this.definitions.find((d) => d.id === entry.custom_field_definition_id && d.available_on.includes('person'));
				if (!definition) return `Validation error: custom field definition ${String(entry.custom_field_definition_id)} is not available on people`;
				if (!('value' in entry)) return `Validation error: custom field ${definition.id} needs a value`;
				const problem = this.checkValue(definition, entry.value);
				if (problem) return `Validation error: custom field ${definition.name} ${problem}`;
			}
		}
		return undefined;
	}

	/** Copper's 422 when a body breaks the documented rules; true when it was sent. */
	private rejects(req: RecordedRequest, res: ServerResponse, message: string | undefined): boolean {
		if (!message) return false;
		this.violations.push({ method: req.method, path: req.path, message });
		this.error(res, 422, message);
		return true;
	}

	/** Writes a validated Person body onto a person: only the keys sent change. */
	private apply(person: FakeContact, doc: Record<string, unknown>): void {
		for (const key of ['name', 'details', 'title']) if (doc[key] !== undefined) person.fields[key] = doc[key];
		if (doc.address !== undefined) for (const key of ADDRESS_KEYS) person.fields[key] = asObject(doc.address)[key] ?? undefined;
		const lists = this.lists.get(person.id) ?? { emails: [], phone_numbers: [], websites: [] };
		for (const list of Object.keys(CATEGORIES)) if (Array.isArray(doc[list])) lists[list] = (doc[list] as Entry[]).map((entry) => ({ ...entry }));
		this.lists.set(person.id, lists);
		person.email = String(lists.emails[0]?.email ?? '');
		if (Array.isArray(doc.tags)) person.tags = new Set(doc.tags as string[]);
		for (const entry of (doc.custom_fields ?? []) as Array<Record<string, unknown>>) person.fields[`cf_${String(entry.custom_field_definition_id)}`] = entry.value;
	}

	/** An e-mail of `doc` that another person already has. */
	private takenEmail(doc: Record<string, unknown>, self?: string): string | undefined {
		for (const entry of (doc.emails ?? []) as Entry[]) {
			const other = this.byEmail(String(entry.email));
			if (other && other.id !== self) return String(entry.email);
		}
		return undefined;
	}

	protected routes(): void {
		this.route('GET', '/account', (_req, res) => {
			this.json(res, 200, { id: 1, name: 'Example Co', primary_timezone: 'America/New_York', settings: { setting_enable_leads: true } });
		});

		this.route('GET', '/custom_field_definitions', (_req, res) => this.json(res, 200, this.definitions));

		this.route('POST', '/people/fetch_by_email', (req, res) => {
			const email = asObject(req.body).email;
			if (this.rejects(req, res, typeof email === 'string' && email ? undefined : 'Validation error: email is required')) return;
			const person = this.byEmail(String(email));
			if (!person) return this.notFound(res);
			this.json(res, 200, this.personJson(person));
		});

		this.route('POST', '/people/search', (req, res) => {
			const doc = asObject(req.body);
			const size = doc.page_size === undefined ? 20 : Number(doc.page_size);
			const page = doc.page_number === undefined ? 1 : Number(doc.page_number);
			if (this.rejects(req, res, Number.isInteger(size) && size >= 1 && size <= 200 ? undefined : 'Validation error: page_size must be between 1 and 200')) return;
			if (this.rejects(req, res, Number.isInteger(page) && page >= 1 ? undefined : 'Validation error: page_number must be 1 or more')) return;
			const all = [...this.contacts.values()].sort((a, b) => a.createdAt - b.createdAt || Number(a.id) - Number(b.id));
			this.json(res, 200, this.page(all, (page - 1) * size, size).map((person) => this.personJson(person)));
		});

		this.route('POST', '/people', (req, res) => {
			if (this.rejects(req, res, this.checkPerson(req.body, true))) return;
			const doc = asObject(req.body);
			const taken = this.takenEmail(doc);
			if (taken) return this.error(res, 422, `Validation error: Email ${taken} has already been taken`);
			const person = this.createContact('', {});
			this.apply(person, doc);
			this.json(res, 200, this.personJson(person));
		});

		this.route('GET', '/people/:id', (_req, res, { id }) => {
			const person = this.contacts.get(id);
			if (!person) return this.notFound(res);
			this.json(res, 200, this.personJson(person));
		});

		this.route('PUT', '/people/:id', (req, res, { id }) => {
			if (this.rejects(req, res, this.checkPerson(req.body, false))) return;
			const person = this.contacts.get(id);
			if (!person) return this.notFound(res);
			const doc = asObject(req.body);
			const taken = this.takenEmail(doc, id);
			if (taken) return this.error(res, 422, `Validation error: Email ${taken} has already been taken`);
			this.apply(person, doc);
			this.json(res, 200, this.personJson(person));
		});

		this.route('DELETE', '/people/:id', (_req, res, { id }) => {
			if (!this.contacts.delete(id)) return this.notFound(res);
			this.lists.delete(id);
			this.json(res, 200, { id: Number(id), is_deleted: true });
		});
	}
}
