/**
 * Capsule CRM API v2 (`/api/v2`), as far as the adapter uses it. Capsule publishes no spec file we keep
 * in ../shared/specs, so this follows its documentation:
 * - https://developer.capsulecrm.com/v2/overview/handling-api-responses (errors are JSON with a
 *   `message`; validation failures add `errors[{message, resource, field}]`; 4,000 requests an hour per
 *   user, every successful answer carries X-RateLimit-Limit / -Remaining / -Reset (Unix seconds), over the
 *   limit: 429 with the same headers and `{"error": "rate limit reached"}`)
 * - https://developer.capsulecrm.com/v2/operations/Party (list/search/show/create/update/delete parties;
 *   `GET /parties/search?q` is the global search; `page`, `perPage` 1..100 (default 50); `Link` header
 *   with `rel="next"`; `embed=tags,fields`; create answers 201, delete 204; bodies are `{party: {...}}`)
 * - https://developer.capsulecrm.com/v2/models/party (`type` person|organisation required; a person needs
 *   a first or a last name; `emailAddresses`, `phoneNumbers` nested entries with ids; `tags` and `fields`
 *   only in answers that embed them)
 * - https://developer.capsulecrm.com/v2/operations/Custom_Field and /v2/models/field_definition
 *   (`GET /parties/fields/definitions`, paged; types text, number, date, list (with `options`), boolean,
 *   link; `captureRule` person|organisation)
 * - https://developer.capsulecrm.com/v2/operations/Tag (`GET /parties/tags`, paged)
 * - https://developer.capsulecrm.com/v2/operations/User (`GET /users/current`, the credential test)
 * Nested entries (e-mail addresses, phone numbers, field values, tags) are added without an id, changed
 * by id and removed with `{id, _delete: true}`; a tag is added by `{name}` (created when missing).
 * Stand-ins where the docs are silent: the 401 and 404 messages. Stricter than the docs: an unknown party
 * key, an unknown nested id, a second value for a custom field that already has one (instead of updating
 * it by id) and a value of the wrong type are refused with 422 and recorded in `violations`.
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, bearer, type FakeContact, FakeCrm } from './base';

export const CAPSULE_TOKEN = 'capsule-pat-0123456789abcdef';

export interface CapsuleDefinition {
	id: number;
	name: string;
	type: string;
	displayOrder: number;
	captureRule?: 'person' | 'organisation';
	options?: string[];
}

interface Nested {
	id: number;
	[key: string]: unknown;
}

interface PartyExtra {
	emailAddresses: Nested[];
	phoneNumbers: Nested[];
	/** Custom field values: `{id, definition: {id}, value}`. */
	fields: Nested[];
}

const PARTY_KEYS = [
	'type', 'firstName', 'lastName', 'title', 'jobTitle', 'about', 'name', 'organisation', 'owner', 'team',
	'emailAddresses', 'phoneNumbers', 'addresses', 'websites', 'fields', 'tags',
];
const TEXT_KEYS = ['firstName', 'lastName', 'title', 'jobTitle', 'about', 'name'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Problem = { message: string; field: string };

export class CapsuleFake extends FakeCrm {
	protected readonly prefix = '/api/v2';
	readonly violations: Array<{ method: string; path: string; message: string }> = [];
	readonly definitions: CapsuleDefinition[] = [];
	readonly extras = new Map<string, PartyExtra>();
	/** Capsule's hourly quota, a fixed window: enforced only when `enforceQuota` is on. */
	quota = { max: 4000, windowMs: 3_600_000 };
	enforceQuota = false;
	private windowStart = Date.now();
	private used = 0;
	private nestedId = 1000;

	protected authorize(req: RecordedRequest): boolean {
		return bearer(req) === CAPSULE_TOKEN;
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, { message: 'authentication failed' });
	}

	private resetSeconds(): number {
		return Math.ceil((this.windowStart + this.quota.windowMs) / 1000);
	}

	private quotaHeaders(remaining: number): Record<string, string> {
		return { 'X-RateLimit-Limit': String(this.quota.max), 'X-RateLimit-Remaining': String(remaining), 'X-RateLimit-Reset': String(this.resetSeconds()) };
	}

	/**
	 * Over the quota the reset is the end of the hourly window; a throttle forced by a test
	 * (`throttleNext`) stands for a window that ends in about a second.
	 */
	protected throttled(res: ServerResponse): void {
		const headers = this.quotaHeaders(0);
		if (!this.enforceQuota || this.used < this.quota.max) headers['X-RateLimit-Reset'] = String(Math.ceil(Date.now() / 1000) + 1);
		super.json(res, 429, { error: 'rate limit reached' }, headers);
	}

	/** Successful answers carry the quota headers, as Capsule documents. */
	protected json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		const extra = status < 300 ? this.quotaHeaders(Math.max(0, this.quota.max - this.used)) : {};
		super.json(res, status, body, { ...extra, ...headers });
	}

	protected notFound(res: ServerResponse): void {
		this.json(res, 404, { message: 'could not find resource' });
	}

	/** Counts a request against the fixed hourly window; true when it went over (and was answered 429). */
	private overQuota(res: ServerResponse): boolean {
		const now = Date.now();
		if (now >= this.windowStart + this.quota.windowMs) {
			this.windowStart = now;
			this.used = 0;
		}
		if (this.enforceQuota && this.used >= this.quota.max) {
			this.sent.throttled++;
			this.throttled(res);
			return true;
		}
		this.used++;
		return false;
	}

	private counted(method: string, path: string, handler: (req: RecordedRequest, res: ServerResponse, params: Record<string, string>) => void): void {
		this.route(method, path, (req, res, params) => {
			if (!this.overQuota(res)) handler(req, res, params);
		});
	}

	// ---- test helpers -------------------------------------------------------------------------

	/** A person made in Capsule's app (not through the node). */
	seedPerson(email: string, extra: { firstName?: string; emails?: string[]; tags?: string[] } = {}): FakeContact {
		const person = this.createContact(email, { firstName: extra.firstName ?? 'Seeded' });
		this.extras.set(person.id, {
			emailAddresses: (extra.emails ?? [email]).map((address) => ({ id: this.nestedId++, type: null, address })),
			phoneNumbers: [],
			fields: [],
		});
		for (const name of extra.tags ?? []) person.tags.add(this.tagByName(name, true)!.name);
		return person;
	}

	/** A party of type organisation (never matched as a person). */
	seedOrganisation(name: string, email: string): FakeContact {
		const org = this.createContact(email, { type: 'organisation', name });
		this.extras.set(org.id, { emailAddresses: [{ id: this.nestedId++, type: null, address: email }], phoneNumbers: [], fields: [] });
		return org;
	}

	emailsOf(id: string): string[] {
		return (this.extras.get(id)?.emailAddresses ?? []).map((entry) => String(entry.address));
	}

	fieldValuesOf(id: string): Nested[] {
		return this.extras.get(id)?.fields ?? [];
	}

	partyJson(party: FakeContact, embed: string[]) {
		const extra = this.extras.get(party.id) ?? { emailAddresses: [], phoneNumbers: [], fields: [] };
		const organisation = party.fields.type === 'organisation';
		const out: Record<string, unknown> = {
			id: Number(party.id),
			type: organisation ? 'organisation' : 'person',
			...(organisation ? { name: party.fields.name } : { firstName: party.fields.firstName ?? null, lastName: party.fields.lastName ?? null, title: null, jobTitle: party.fields.jobTitle ?? null }),
			about: party.fields.about ?? null,
			createdAt: new Date(party.createdAt).toISOString(),
			updatedAt: new Date().toISOString(),
			organisation: null,
			lastContactedAt: null,
			owner: null,
			team: null,
			addresses: [],
			phoneNumbers: extra.phoneNumbers.map((entry) => ({ type: null, ...entry })),
			websites: [],
			emailAddresses: extra.emailAddresses.map((entry) => ({ type: null, ...entry })),
			pictureURL: 'https://capsulecrm.com/theme/default/images/person_avatar_70.png',
		};
		if (embed.includes('tags')) out.tags = [...party.tags].map((name) => ({ id: Number(this.tagByName(name, false)!.id), name, description: null, dataTag: false }));
		if (embed.includes('fields')) {
			out.fields = extra.fields.map((entry) => {
				const definition = this.definitions.find((d) => d.id === (entry.definition as { id: number }).id);
				return { id: entry.id, definition: { id: definition?.id, name: definition?.name }, value: entry.value, tagId: null };
			});
		}
		return out;
	}

	// ---- validation ---------------------------------------------------------------------------

	private checkValue(definition: CapsuleDefinition, value: unknown): string | undefined {
		switch (definition.type) {
			case 'number':
				return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
			case 'boolean':
				return typeof value === 'boolean' ? undefined : 'must be true or false';
			case 'date':
				return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? undefined : 'must be a date as YYYY-MM-DD';
			case 'list':
				return typeof value === 'string' && (definition.options ?? []).includes(value) ? undefined : `must be one of ${(definition.options ?? []).join(', ')}`;
			default:
				return typeof value === 'string' ? undefined : 'must be text';
		}
	}

	/** Checks one nested list; `has(id)` tells whether the party has an entry with that id. */
	private checkNested(list: unknown, name: string, required: string, has: (id: unknown) => boolean): Problem | undefined {
		if (!Array.isArray(list)) return { message: `${name} must be an array`, field: name };
		for (const raw of list) {
			const entry = asObject(raw);
			if (entry.id !== undefined && !has(entry.id)) return { message: `${name} entry ${String(entry.id)} does not exist on this party`, field: name };
			if (entry._delete === true) {
				if (entry.id === undefined) return { message: `${name}: _delete needs the id of the entry`, field: name };
				continue;
			}
			if (typeof entry[required] !== 'string' || !entry[required]) return { message: `${name}.${required} is required`, field: `${name}.${required}` };
			if (name === 'emailAddresses' && !EMAIL.test(String(entry.address))) return { message: 'email address is invalid', field: 'emailAddresses.address' };
		}
		return undefined;
	}

	private checkFields(list: unknown, party: FakeContact | undefined): Problem | undefined {
		if (!Array.isArray(list)) return { message: 'fields must be an array', field: 'fields' };
		const current = party ? this.fieldValuesOf(party.id) : [];
		for (const raw of list) {
			const entry = asObject(raw);
			if (entry.id !== undefined && !current.some((value) => value.id === entry.id)) return { message: `field value ${String(entry.id)} does not exist on this party`, field: 'fields' };
			if (entry._delete === true) {
				if (entry.id === undefined) return { message: 'fields: _delete needs the id of the value', field: 'fields' };
				continue;
			}
			const definitionId = asObject(entry.definition).id;
			const definition = this.definitions.find((d) => d.id === definitionId);
			if (!definition) return { message: `field definition ${String(definitionId)} not found`, field: 'fields.definition' };
			if (definition.captureRule === 'organisation') return { message: `${definition.name} cannot be added to a person`, field: 'fields.definition' };
			if (entry.id === undefined && current.some((value) => (value.definition as { id: number }).id === definition.id)) {
				return { message: `${definition.name} already has a value: update it by its id`, field: 'fields' };
			}
			if (!('value' in entry)) return { message: `${definition.name} needs a value`, field: 'fields.value' };
			const problem = this.checkValue(definition, entry.value);
			if (problem) return { message: `${definition.name} ${problem}`, field: 'fields.value' };
		}
		return undefined;
	}

	/** The first problem of a `{party}` body; undefined when valid. */
	private checkParty(body: unknown, party: FakeContact | undefined): Problem | undefined {
		const doc = asObject(body);
		if (Object.keys(doc).length !== 1 || typeof doc.party !== 'object' || doc.party === null || Array.isArray(doc.party)) {
			return { message: 'the body must be an object with a single property party', field: 'party' };
		}
		const p = doc.party as Record<string, unknown>;
		const unknown = Object.keys(p).find((key) => !PARTY_KEYS.includes(key));
		if (unknown) return { message: `unknown property ${unknown}`, field: unknown };
		for (const key of TEXT_KEYS) if (p[key] !== undefined && p[key] !== null && typeof p[key] !== 'string') return { message: `${key} must be a string`, field: key };
		if (!party) {
			if (p.type !== 'person' && p.type !== 'organisation') return { message: 'type is required (person or organisation)', field: 'type' };
			if (p.type === 'person' && !p.firstName && !p.lastName) return { message: 'person first name or last name is required', field: 'firstName' };
		} else if (p.type !== undefined && p.type !== (party.fields.type ?? 'person')) {
			return { message: 'type cannot be changed', field: 'type' };
		}
		const extra = party ? this.extras.get(party.id) : undefined;
		if (p.emailAddresses !== undefined) {
			const problem = this.checkNested(p.emailAddresses, 'emailAddresses', 'address', (id) => !!extra?.emailAddresses.some((e) => e.id === id));
			if (problem) return problem;
		}
		if (p.phoneNumbers !== undefined) {
			const problem = this.checkNested(p.phoneNumbers, 'phoneNumbers', 'number', (id) => !!extra?.phoneNumbers.some((e) => e.id === id));
			if (problem) return problem;
		}
		if (p.fields !== undefined) {
			const problem = this.checkFields(p.fields, party);
			if (problem) return problem;
		}
		if (p.tags !== undefined) {
			if (!Array.isArray(p.tags)) return { message: 'tags must be an array', field: 'tags' };
			for (const raw of p.tags as unknown[]) {
				const tag = asObject(raw);
				if (tag.id !== undefined && !this.tags.has(String(tag.id))) return { message: `tag ${String(tag.id)} not found`, field: 'tags' };
				if (tag._delete === true && tag.id === undefined) return { message: 'tags: _delete needs the id of the tag', field: 'tags' };
				if (tag.id === undefined && (typeof tag.name !== 'string' || !tag.name.trim())) return { message: 'tag name is required', field: 'tags.name' };
			}
		}
		return undefined;
	}

	private rejects(req: RecordedRequest, res: ServerResponse, problem: Problem | undefined): boolean {
		if (!problem) return false;
		this.violations.push({ method: req.method, path: req.path, message: problem.message });
		this.json(res, 422, { message: 'Validation failed', errors: [{ message: problem.message, resource: 'party', field: problem.field }] });
		return true;
	}

	/** Applies a validated `party` body: nested entries are added, changed by id or removed with `_delete`. */
	private apply(party: FakeContact, p: Record<string, unknown>): void {
		for (const key of TEXT_KEYS) if (p[key] !== undefined) party.fields[key] = p[key];
		if (p.type !== undefined) party.fields.type = p.type === 'organisation' ? 'organisation' : undefined;
		const extra = this.extras.get(party.id) ?? { emailAddresses: [], phoneNumbers: [], fields: [] };
		this.extras.set(party.id, extra);
		const merge = (list: Nested[], changes: unknown) => {
			for (const raw of (changes ?? []) as Array<Record<string, unknown>>) {
				const at = list.findIndex((entry) => entry.id === raw.id);
				if (raw._delete === true) list.splice(at, 1);
				else if (at >= 0) list[at] = { ...list[at], ...raw, id: list[at].id };
				else list.push({ ...raw, id: this.nestedId++ });
			}
		};
		merge(extra.emailAddresses, p.emailAddresses);
		merge(extra.phoneNumbers, p.phoneNumbers);
		merge(extra.fields, p.fields);
		party.email = String(extra.emailAddresses[0]?.address ?? '');
		for (const key of Object.keys(party.fields)) if (key.startsWith('field_')) delete party.fields[key];
		for (const entry of extra.fields) party.fields[`field_${(entry.definition as { id: number }).id}`] = entry.value;
		for (const raw of (p.tags ?? []) as Array<Record<string, unknown>>) {
			if (raw._delete === true) party.tags.delete(this.tags.get(String(raw.id))!.name);
			else party.tags.add(raw.id !== undefined ? this.tags.get(String(raw.id))!.name : this.tagByName(String(raw.name), true)!.name);
		}
	}

	/** `page`/`perPage` of the query (perPage 1..100, default 50), or the 400 Capsule sends. */
	private paging(req: RecordedRequest, res: ServerResponse): { page: number; perPage: number } | undefined {
		const page = Number(req.query.get('page') ?? 1);
		const perPage = Number(req.query.get('perPage') ?? 50);
		if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
			this.violations.push({ method: req.method, path: req.path, message: 'bad paging' });
			this.json(res, 400, { message: 'perPage must be between 1 and 100 and page must be 1 or more' });
			return undefined;
		}
		return { page, perPage };
	}

	/** One page of `list` as `{[key]: rows}` with a `Link: rel="next"` header while more follow. */
	private pageAnswer<T>(req: RecordedRequest, res: ServerResponse, key: string, list: T[], map: (row: T) => unknown): void {
		const paging = this.paging(req, res);
		if (!paging) return;
		const rows = this.page(list, (paging.page - 1) * paging.perPage, paging.perPage);
		const headers: Record<string, string> = {};
		if (paging.page * paging.perPage < list.length) {
			const next = new URL(`${this.url}${req.url}`);
			next.searchParams.set('page', String(paging.page + 1));
			headers.Link = `<${next.toString()}>; rel="next"`;
		}
		this.json(res, 200, { [key]: rows.map(map) }, headers);
	}

	private embedOf(req: RecordedRequest): string[] {
		return String(req.query.get('embed') ?? '').split(',').map((part) => part.trim()).filter(Boolean);
	}

	protected routes(): void {
		this.counted('GET', '/users/current', (_req, res) => {
			this.json(res, 200, { user: { id: 1, username: 'admin', name: 'Ada Admin', status: 'ACTIVE', locale: 'en_GB', currency: 'GBP', timezone: 'Europe/London' } });
		});

		this.counted('GET', '/parties/fields/definitions', (req, res) => {
			this.pageAnswer(req, res, 'definitions', this.definitions, (d) => d);
		});

		this.counted('GET', '/parties/tags', (req, res) => {
			this.pageAnswer(req, res, 'tags', [...this.tags.values()], (tag) => ({ id: Number(tag.id), name: tag.name, description: null, dataTag: false }));
		});

		this.counted('GET', '/parties/search', (req, res) => {
			const q = String(req.query.get('q') ?? '').trim().toLowerCase();
			if (!q) {
				this.violations.push({ method: req.method, path: req.path, message: 'q is required' });
				return this.json(res, 400, { message: 'q is required' });
			}
			// The global search matches parts of names and e-mail addresses, not only whole values.
			const matches = [...this.contacts.values()].filter((party) =>
				[party.fields.firstName, party.fields.lastName, party.fields.name, ...this.emailsOf(party.id)].some((text) => String(text ?? '').toLowerCase().includes(q)),
			);
			const embed = this.embedOf(req);
			this.pageAnswer(req, res, 'parties', matches, (party) => this.partyJson(party, embed));
		});

		this.counted('GET', '/parties/:id', (req, res, { id }) => {
			const party = this.contacts.get(id);
			if (!party) return this.notFound(res);
			this.json(res, 200, { party: this.partyJson(party, this.embedOf(req)) });
		});

		this.counted('POST', '/parties', (req, res) => {
			if (this.rejects(req, res, this.checkParty(req.body, undefined))) return;
			const p = asObject(req.body).party as Record<string, unknown>;
			const party = this.createContact('', {});
			this.extras.set(party.id, { emailAddresses: [], phoneNumbers: [], fields: [] });
			this.apply(party, p);
			this.json(res, 201, { party: this.partyJson(party, this.embedOf(req)) }, { Location: `${this.url}/api/v2/parties/${party.id}` });
		});

		this.counted('PUT', '/parties/:id', (req, res, { id }) => {
			const party = this.contacts.get(id);
			if (!party) return this.notFound(res);
			if (this.rejects(req, res, this.checkParty(req.body, party))) return;
			this.apply(party, asObject(req.body).party as Record<string, unknown>);
			this.json(res, 200, { party: this.partyJson(party, this.embedOf(req)) });
		});

		this.counted('DELETE', '/parties/:id', (_req, res, { id }) => {
			if (!this.contacts.delete(id)) return this.notFound(res);
			this.extras.delete(id);
			this.json(res, 204, undefined);
		});
	}
}
