/**
 * Ortto API v1 (https://api.ap3api.com), as far as the adapter uses it. There is no spec in
 * ../shared/specs; this follows the vendor's reference pages:
 * - Merge (create/update, 1 to 100 people): https://help.ortto.com/developer/latest/api-reference/person/merge.html
 *   `people[].fields` (field ids with type prefixes), `tags`, `unset_tags`; `merge_by` (1 to 3 field ids;
 *   `str::person_id` must then be the only one), `merge_strategy` 1|2|3, `find_strategy` 0|1|2, `async`,
 *   `skip_non_existing`. `str::email` (or `str::ei`) is mandatory for a new person. Value shapes: str
 *   string (255 chars), txt text (4,000), int integer, bol boolean, phn `{c, n}` or
 *   `{phone, parse_with_country_code}`, geo `{name}`, dtz `{year, month, day, timezone}`; `null` clears.
 *   A suppressed e-mail answers `{status: "suppressed", error: "Email is suppressed"}` for that person.
 * - Get: https://help.ortto.com/developer/latest/api-reference/person/get.html — `POST /v1/person/get`
 *   (`limit` 1..500, `offset`, `fields`, `filter` with `$str::is {field_id, value}`), answering
 *   `{contacts: [{id, fields}], meta, offset, next_offset, cursor_id, has_more}`; `POST /v1/person/get-by-ids`
 *   with `contact_ids` (and at most 150 `fields`). The field id `tags` returns the person's tag names.
 * - Archive/delete: https://help.ortto.com/developer/latest/api-reference/person/archive.html —
 *   `PUT /v1/person/archive`, `DELETE /v1/person/delete`, `{inclusion_ids: [...]}`; only archived people
 *   can be deleted. (https://help.ortto.com/developer/latest/developer-guide/archiving-and-deleting-people.html)
 * - Custom fields: https://help.ortto.com/developer/latest/api-reference/custom-field/get.html —
 *   `POST /v1/person/custom-field/get`, no body, `{fields: [{field: {id, name, display_type, liquid_name}, tracked_value}]}`.
 * - Tags: https://help.ortto.com/developer/latest/api-reference/tags/get.html — `POST /v1/tags/get` with an
 *   optional `{q}`, answering the tags (`id`, `name`, `count`, ...) at once.
 * - Auth: `X-Api-Key` header; a bad key is 401 (https://help.ortto.com/a-714-api-error-responses).
 * - Rate limit: https://help.ortto.com/developer/latest/developer-guide/rate-limits.html — per plan (Free: 20
 *   requests per 10 s and 60 per 60 s), answered 429 with `{"error": {"code": "rate-limit", "message": "rate limit",
 *   "try-in-seconds": N}}` and no Retry-After header.
 * What the pages do not give (the exact 400 body, the archive/delete answers, the per-person answer for an
 * invalid e-mail or an unknown field id), this fake answers in the documented 429 error shape
 * `{error: {code, message}}`, and it refuses what the pages do not allow, so a wrong adapter request fails a test.
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, type FakeContact, FakeCrm } from './base';

export const ORTTO_KEY = 'ortto-test-key-3f1c9a7e5b2d4c6e8f0a1b3c';
const EMAIL = 'str::email';
const PERSON_ID = 'str::person_id';
/** Built-in person field ids the merge reference lists (besides `str::email` and `str::person_id`). */
const BUILT_IN = ['str::first', 'str::last', 'phn::phone', 'geo::city', 'geo::country', 'geo::region', 'str::postal', 'dtz::b', 'str::ei', 'bol::gdpr', 'bol::p', 'bol::sp', 'str::language'];
const PERSON_KEYS = ['fields', 'location', 'tags', 'unset_tags', 'clear_fields'];
const MERGE_KEYS = ['people', 'async', 'merge_by', 'merge_by_alt_fields', 'merge_strategy', 'find_strategy', 'skip_non_existing', 'suppression_list_field_id'];

/** Routes that only read, although Ortto has them answer POST. */
const READ_ROUTES = ['/v1/person/get', '/v1/person/get-by-ids', '/v1/person/custom-field/get', '/v1/tags/get'];

type Bad = string | undefined;

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);
const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

export class OrttoFake extends FakeCrm {
	protected readonly prefix = '/v1';
	/** Ids of archived people (they stay in `contacts` until deleted). */
	readonly archived = new Set<string>();
	/** E-mail addresses on the account's suppression list. */
	readonly suppressed = new Set<string>();
	/** Every 400 the fake answered, with its message. */
	readonly rejected: Array<{ path: string; message: string }> = [];
	/** Bodies of every merge call, for assertions. */
	readonly merges: Array<Record<string, unknown>> = [];
	/** What the 429 answer's `try-in-seconds` says. */
	tryInSeconds = 1;
	private idCounter = 0x61b02b24;

	constructor() {
		super();
		// The Free plan's documented limit (the strictest): 20 requests per 10 seconds.
		this.rateLimit = { max: 20, windowMs: 10_000 };
	}

	/** Ortto reads with POST too: only requests to its writing routes count as writes. */
	get writes(): RecordedRequest[] {
		return this.requests.filter((r) => !['GET', 'HEAD'].includes(r.method) && !READ_ROUTES.includes(r.path));
	}

	/** Adds a custom person field (`str:cm:company`, `int:cm:rating`, ...), as Ortto lists it. */
	addField(id: string, name: string, displayType = 'text'): void {
		this.fields.push({ key: id, label: name, type: displayType, id });
	}

	protected authorize(req: RecordedRequest): boolean {
		return req.headers['x-api-key'] === ORTTO_KEY;
	}

	private error(res: ServerResponse, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
		this.json(res, status, { error: { code, message, ...extra } });
	}

	protected unauthorized(res: ServerResponse): void {
		this.error(res, 401, 'unauthorized', 'Unauthorized: invalid API key');
	}

	/** The documented 429 body (the docs' example says 10 seconds; tests keep the wait short). */
	protected throttled(res: ServerResponse): void {
		this.error(res, 429, 'rate-limit', 'rate limit', { 'try-in-seconds': this.tryInSeconds });
	}

	protected serverError(res: ServerResponse, status: number): void {
		this.error(res, status, 'internal', 'Internal Server Error');
	}

	protected notFound(res: ServerResponse): void {
		this.error(res, 404, 'not-found', 'Unknown endpoint or method');
	}

	private refuse(req: RecordedRequest, res: ServerResponse, message: string): void {
		this.rejected.push({ path: req.path, message });
		this.error(res, 400, 'bad-request', message);
	}

	/** Ortto person ids are 24 hex digits. */
	protected newId(): string {
		return (this.idCounter++).toString(16).padStart(24, '0');
	}

	private known(id: string): boolean {
		return id === EMAIL || BUILT_IN.includes(id) || this.fields.some((field) => field.key === id);
	}

	private live(): FakeContact[] {
		return [...this.contacts.values()].filter((c) => !this.archived.has(c.id));
	}

	findByEmail(email: string): FakeContact | undefined {
		return this.live().find((c) => c.email.toLowerCase() === email.toLowerCase());
	}

	contactCount(): number {
		return this.live().length;
	}

	/** Why a value does not fit the field id's type prefix, or undefined. */
	private badValue(id: string, value: unknown): Bad {
		if (value === null) return undefined;
		const type = id.split(':')[0];
		const wrong = `${id}: invalid value ${JSON.stringify(value)}`;
		switch (type) {
			case 'str':
				return typeof value === 'string' && value.length <= 255 ? undefined : wrong;
			case 'txt':
				return typeof value === 'string' && value.length <= 4000 ? undefined : wrong;
			case 'int':
				return Number.isInteger(value) ? undefined : wrong;
			case 'bol':
				return typeof value === 'boolean' ? undefined : wrong;
			case 'phn':
				if (isObject(value) && typeof value.phone === 'string' && /^\d{6,15}$/.test(value.phone) && typeof value.parse_with_country_code === 'boolean') return undefined;
				return isObject(value) && typeof value.c === 'string' && typeof value.n === 'string' ? undefined : wrong;
			case 'geo':
				return isObject(value) && typeof value.name === 'string' ? undefined : wrong;
			case 'dtz':
				return isObject(value) && [value.year, value.month, value.day].every(Number.isInteger) ? undefined : wrong;
			case 'sst':
				return isStringList(value) ? undefined : wrong;
			default:
				return wrong;
		}
	}

	/** What is wrong with the whole merge body, or undefined. */
	private badMerge(body: Record<string, unknown>): Bad {
		const extra = Object.keys(body).find((key) => !MERGE_KEYS.includes(key));
		if (extra) return `unknown element "${extra}"`;
		const people = body.people;
		if (!Array.isArray(people) || people.length < 1 || people.length > 100) return 'people must hold between 1 and 100 people';
		if (body.async !== undefined && typeof body.async !== 'boolean') return 'async must be a boolean';
		if (body.skip_non_existing !== undefined && typeof body.skip_non_existing !== 'boolean') return 'skip_non_existing must be a boolean';
		if (body.merge_strategy !== undefined && ![1, 2, 3].includes(body.merge_strategy as number)) return 'merge_strategy must be 1, 2 or 3';
		if (body.find_strategy !== undefined && ![0, 1, 2].includes(body.find_strategy as number)) return 'find_strategy must be 0, 1 or 2';
		const mergeBy = body.merge_by;
		if (mergeBy !== undefined && (!isStringList(mergeBy) || mergeBy.length < 1 || mergeBy.length > 3)) return 'merge_by must hold one to three field ids';
		if (isStringList(mergeBy) && mergeBy.includes(PERSON_ID) && mergeBy.length > 1) return 'str::person_id must be the only field in merge_by';
		for (const person of people) {
			if (!isObject(person) || !isObject(person.fields)) return 'each person needs a fields object';
			const key = Object.keys(person).find((k) => !PERSON_KEYS.includes(k));
			if (key) return `unknown person element "${key}"`;
			for (const list of ['tags', 'unset_tags']) if (person[list] !== undefined && !isStringList(person[list])) return `${list} must be an array of strings`;
			for (const [id, value] of Object.entries(person.fields)) {
				if (id === PERSON_ID) {
					if (typeof value !== 'string') return 'str::person_id must be a string';
					continue;
				}
				if (!this.known(id)) return `unknown field id "${id}"`;
				const bad = this.badValue(id, value);
				if (bad) return bad;
			}
		}
		return undefined;
	}

	private applyTags(contact: FakeContact, person: Record<string, unknown>): void {
		for (const name of (person.tags as string[] | undefined) ?? []) contact.tags.add(this.tagByName(name, true)!.name);
		for (const name of (person.unset_tags as string[] | undefined) ?? []) {
			const tag = this.tagByName(name, false);
			if (tag) contact.tags.delete(tag.name);
		}
	}

	/** One person of a merge: `{person_id, status}` or `{status, error}`. */
	private mergePerson(person: Record<string, unknown>, mergeBy: string[], strategy: number, skipNew: boolean): Record<string, unknown> {
		const fields = { ...(person.fields as Record<string, unknown>) };
		const email = fields[EMAIL];
		if (email !== undefined && email !== null && !this.isEmail(email)) return { status: 'error', error: `Invalid email address: ${JSON.stringify(email)}` };
		let existing: FakeContact | undefined;
		for (const key of mergeBy) {
			if (key === PERSON_ID) existing = this.live().find((c) => c.id === fields[PERSON_ID]);
			else if (key === EMAIL && typeof email === 'string') existing = this.findByEmail(email);
			else if (fields[key] !== undefined) existing = this.live().find((c) => c.fields[key] === fields[key]);
			if (existing) break;
		}
		delete fields[PERSON_ID];
		if (existing) {
			if (typeof email === 'string' && email.toLowerCase() !== existing.email.toLowerCase()) {
				const taken = this.findByEmail(email);
				if (taken && taken.id !== existing.id) return { status: 'error', error: `Email ${email} belongs to another person` };
			}
			if (strategy !== 3) {
				for (const [key, value] of Object.entries(fields)) {
					if (strategy === 1 && existing.fields[key] !== undefined && existing.fields[key] !== null) continue;
					if (key === EMAIL) existing.email = String(value);
					else existing.fields[key] = value;
				}
			}
			this.applyTags(existing, person);
			return { person_id: existing.id, status: 'merged' };
		}
		if (skipNew) return { status: 'ignored' };
		if (typeof email !== 'string' && typeof fields['str::ei'] !== 'string') return { status: 'error', error: 'str::email or str::ei is required to create a person' };
		if (typeof email === 'string' && this.suppressed.has(email.toLowerCase())) return { status: 'suppressed', error: 'Email is suppressed' };
		const { [EMAIL]: _email, ...rest } = fields;
		const created = this.createContact(String(email ?? ''), rest);
		this.applyTags(created, person);
		return { person_id: created.id, status: 'created' };
	}

	/** A person as `/v1/person/get` returns it: `id` and the requested fields that have a value. */
	private view(contact: FakeContact, fields: string[]): Record<string, unknown> {
		const out: Record<string, unknown> = {};
		for (const id of fields) {
			if (id === EMAIL) out[id] = contact.email;
			else if (id === 'tags') out[id] = [...contact.tags];
			else if (contact.fields[id] !== undefined && contact.fields[id] !== null) out[id] = contact.fields[id];
		}
		return { id: contact.id, fields: out };
	}

	protected routes(): void {
		this.route('POST', '/person/merge', (req, res) => {
			const body = asObject(req.body);
			this.merges.push(body);
			const bad = this.badMerge(body);
			if (bad) return this.refuse(req, res, bad);
			const mergeBy = (body.merge_by as string[] | undefined) ?? [EMAIL];
			const strategy = (body.merge_strategy as number | undefined) ?? 2;
			const people = (body.people as Array<Record<string, unknown>>).map((p) => this.mergePerson(p, mergeBy, strategy, body.skip_non_existing === true));
			this.json(res, 200, { people });
		});

		this.route('POST', '/person/get', (req, res) => {
			const body = asObject(req.body);
			const limit = body.limit ?? 50;
			const offset = body.offset ?? 0;
			if (!Number.isInteger(limit) || (limit as number) < 1) return this.refuse(req, res, 'limit must be an integer between 1 and 500');
			if (!Number.isInteger(offset) || (offset as number) < 0) return this.refuse(req, res, 'offset must be a non-negative integer');
			if (body.fields !== undefined && !isStringList(body.fields)) return this.refuse(req, res, 'fields must be an array of field ids');
			let matches = this.live();
			if (body.filter !== undefined) {
				const is = asObject(asObject(body.filter)['$str::is']);
				if (typeof is.field_id !== 'string' || typeof is.value !== 'string') return this.refuse(req, res, 'filter: this fake knows only $str::is {field_id, value}');
				const wanted = is.value.toLowerCase();
				matches = matches.filter((c) => String(is.field_id === EMAIL ? c.email : c.fields[is.field_id as string] ?? '').toLowerCase() === wanted);
			}
			const size = Math.min(limit as number, 500);
			const page = this.page(matches, offset as number, size);
			const fields = (body.fields as string[] | undefined) ?? [EMAIL];
			const next = (offset as number) + page.length;
			this.json(res, 200, {
				contacts: page.map((c) => this.view(c, fields)),
				meta: { total_contacts: this.live().length, total_accounts: 0, total_matches: matches.length, total_subscribers: matches.length },
				offset,
				next_offset: next,
				cursor_id: page.length ? page[page.length - 1].id : '',
				has_more: next < matches.length,
			});
		});

		this.route('POST', '/person/get-by-ids', (req, res) => {
			const body = asObject(req.body);
			if (!isStringList(body.contact_ids) || !body.contact_ids.length) return this.refuse(req, res, 'contact_ids must be a non-empty array of contact ids');
			if (body.fields !== undefined && (!isStringList(body.fields) || body.fields.length > 150)) return this.refuse(req, res, 'fields must be an array of at most 150 field ids');
			const fields = (body.fields as string[] | undefined) ?? [EMAIL];
			const found = (body.contact_ids as string[]).map((id) => this.live().find((c) => c.id === id)).filter((c): c is FakeContact => !!c);
			this.json(res, 200, { contacts: found.map((c) => this.view(c, fields)) });
		});

		const inclusion = (req: RecordedRequest, res: ServerResponse): string[] | undefined => {
			const ids = asObject(req.body).inclusion_ids;
			if (!isStringList(ids) || !ids.length || ids.length > 100) {
				this.refuse(req, res, 'inclusion_ids must hold between 1 and 100 contact ids');
				return undefined;
			}
			return ids;
		};
		this.route('PUT', '/person/archive', (req, res) => {
			const ids = inclusion(req, res);
			if (!ids) return;
			for (const id of ids) if (this.contacts.has(id)) this.archived.add(id);
			this.json(res, 200, {});
		});
		this.route('DELETE', '/person/delete', (req, res) => {
			const ids = inclusion(req, res);
			if (!ids) return;
			const live = ids.filter((id) => this.contacts.has(id) && !this.archived.has(id));
			if (live.length) return this.refuse(req, res, `contacts must be archived before they can be deleted: ${live.join(', ')}`);
			for (const id of ids) {
				this.contacts.delete(id);
				this.archived.delete(id);
			}
			this.json(res, 200, {});
		});

		this.route('POST', '/person/custom-field/get', (req, res) => {
			this.json(res, 200, {
				fields: this.fields.map((f) => ({
					field: { id: f.key, name: f.label, display_type: f.type ?? 'text', liquid_name: `people.custom.${f.key.split(':').pop()}` },
					tracked_value: false,
				})),
			});
		});

		this.route('POST', '/tags/get', (req, res) => {
			const q = asObject(req.body).q;
			if (q !== undefined && typeof q !== 'string') return this.refuse(req, res, 'q must be a string');
			const tags = [...this.tags.values()].filter((t) => !q || t.name.toLowerCase().includes(String(q).toLowerCase()));
			const count = (name: string) => this.live().filter((c) => c.tags.has(name)).length;
			this.json(res, 200, tags.map((t) => ({ id: Number.parseInt(t.id, 16), instance_id: 'wpum-test', name: t.name, source: 'api', count: count(t.name), type: '' })));
		});
	}
}
