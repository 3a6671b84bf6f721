/**
 * A fake HighLevel (LeadConnector API v2, `Version: 2021-07-28`) on 127.0.0.1, built from HighLevel's
 * own API reference (there is no HighLevel spec in ../shared/specs):
 * - https://marketplace.gohighlevel.com/docs/ghl/contacts/upsert-contact (`POST /contacts/upsert`:
 *   UpsertContactDto, `locationId` required; answers `{ new, contact, traceId }`; matches an existing
 *   contact by the location's "Allow Duplicate Contact" setting, e-mail first; `tags` would REPLACE the
 *   contact's tags)
 * - https://marketplace.gohighlevel.com/docs/ghl/contacts/get-contact (`GET /contacts/{id}` → `{ contact }`)
 * - https://marketplace.gohighlevel.com/docs/ghl/contacts/update-contact (`PUT /contacts/{id}`:
 *   UpdateContactDto, no `locationId`; → `{ succeded, contact }`)
 * - https://marketplace.gohighlevel.com/docs/ghl/contacts/delete-contact (→ `{ succeded: true }`)
 * - https://marketplace.gohighlevel.com/docs/ghl/contacts/get-duplicate-contact
 *   (`GET /contacts/search/duplicate?locationId&email`; the docs leave the 200 body undescribed: the fake
 *   answers `{ contact }` or `{ contact: null }`, the shape integrations read)
 * - https://marketplace.gohighlevel.com/docs/ghl/contacts/add-tags and .../remove-tags
 *   (`POST|DELETE /contacts/{id}/tags` with `{ tags: [names] }` → `{ tags }`, 201 / 200)
 * - https://marketplace.gohighlevel.com/docs/ghl/locations/get-custom-fields
 *   (`GET /locations/{id}/customFields?model=contact|opportunity|all` → `{ customFields: [...] }`, no paging)
 * - https://marketplace.gohighlevel.com/docs/ghl/locations/get-tags (`GET /locations/{id}/tags` → `{ tags }`, no paging)
 * - https://github.com/GoHighLevel/highlevel-api-docs/blob/main/docs/oauth/Authorization.md (rate limits: 100 requests per 10 s burst
 *   and 200,000 a day per app and location; headers X-RateLimit-Limit-Daily, X-RateLimit-Daily-Remaining,
 *   X-RateLimit-Interval-Milliseconds, X-RateLimit-Max, X-RateLimit-Remaining)
 * Error bodies follow the documented DTOs: 400 `{ statusCode, message }`, 401 `{ statusCode, message,
 * error }`, 422 `{ statusCode, message: [..], error }`. Stricter than the docs (recorded in
 * `violations` so an adapter bug fails a test): keys outside the documented DTO, a missing or wrong
 * `Version` header, a custom value that does not fit its field's data type, an unknown custom field id.
 * Not documented, chosen here: the body of a 429 and of an unknown contact id (400 "Contact not found"),
 * and the 400 for an e-mail another contact has ("This location does not allow duplicated contacts.").
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, bearer, type FakeContact, FakeCrm, type RouteHandler } from './base';

export const HIGHLEVEL_TOKEN = 'pit-0d2c9a4e-5b7f-4c1a-9e3d-6f8a1b2c3d4e';
export const HIGHLEVEL_LOCATION = 've9EPM428h8vShlRW1KT';
export const HIGHLEVEL_VERSION = '2021-07-28';

export interface HighLevelCustomField {
	id: string;
	name: string;
	fieldKey: string;
	dataType: string;
	picklistOptions?: string[];
	model?: 'contact' | 'opportunity';
}

const NULLABLE_TEXT = ['firstName', 'lastName', 'name', 'email', 'phone', 'address1', 'city', 'state', 'website', 'timezone', 'companyName'];
const TEXT = ['gender', 'postalCode', 'source', 'country', 'assignedTo'];
const UPDATE_KEYS = [...NULLABLE_TEXT, ...TEXT, 'dnd', 'dndSettings', 'inboundDndSettings', 'tags', 'customFields', 'dateOfBirth'];
const UPSERT_KEYS = [...UPDATE_KEYS, 'locationId', 'createNewIfDuplicateAllowed'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE_FORMATS = [/^\d{4}([/\-._])\d{2}\1\d{2}$/, /^\d{2}([/\-._])\d{2}\1\d{4}$/];

export class HighLevelFake extends FakeCrm {
	protected readonly prefix = '';
	/** Request bodies HighLevel would refuse: an adapter bug unless a test sent bad data. */
	readonly violations: Array<{ method: string; path: string; message: string }> = [];
	readonly customFields: HighLevelCustomField[] = [];
	/** Flip on to answer every request with the spent-daily-quota 429. */
	dailyLimitReached = false;

	constructor() {
		super();
		this.rateLimit = { max: 100, windowMs: 10_000 };
	}

	protected authorize(req: RecordedRequest): boolean {
		return bearer(req) === HIGHLEVEL_TOKEN;
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, { statusCode: 401, message: 'Invalid token: access token is invalid', error: 'Unauthorized' });
	}

	private rateHeaders(remaining: number, dailyRemaining = 199_000): Record<string, string> {
		return {
			'x-ratelimit-limit-daily': '200000',
			'x-ratelimit-daily-remaining': String(dailyRemaining),
			'x-ratelimit-interval-milliseconds': String(this.rateLimit.windowMs),
			'x-ratelimit-max': String(this.rateLimit.max),
			'x-ratelimit-remaining': String(remaining),
		};
	}

	protected throttled(res: ServerResponse): void {
		this.json(res, 429, { statusCode: 429, message: 'Too Many Requests' }, this.rateHeaders(0, this.dailyLimitReached ? 0 : 199_000));
	}

	protected serverError(res: ServerResponse, status: number): void {
		this.json(res, status, { statusCode: status, message: 'Internal server error' });
	}

	protected notFound(res: ServerResponse): void {
		this.json(res, 404, { statusCode: 404, message: 'Cannot find route', error: 'Not Found' });
	}

	private badRequest(res: ServerResponse, message: string, extra: Record<string, unknown> = {}): void {
		this.json(res, 400, { statusCode: 400, message, ...extra }, this.rateHeaders(this.rateLimit.max - 1));
	}

	private ok(res: ServerResponse, status: number, body: unknown): void {
		this.json(res, status, body, this.rateHeaders(this.rateLimit.max - 1));
	}

	/** HighLevel's 422 (`message` is a list) when a body breaks the documented DTO; true when sent. */
	private rejects(req: RecordedRequest, res: ServerResponse, problems: string[]): boolean {
		if (!problems.length) return false;
		for (const message of problems) this.violations.push({ method: req.method, path: req.path, message });
		this.json(res, 422, { statusCode: 422, message: problems, error: 'Unprocessable Entity' });
		return true;
	}

	/** Registers a route that first answers a spent daily quota, then checks the required `Version` header. */
	private on(method: string, path: string, handler: RouteHandler): void {
		this.route(method, path, (req, res, params) => {
			if (this.dailyLimitReached) {
				this.sent.throttled++;
				return this.throttled(res);
			}
			if (req.headers.version !== HIGHLEVEL_VERSION) {
				this.violations.push({ method: req.method, path: req.path, message: `Version header ${String(req.headers.version)}` });
				return this.badRequest(res, 'Version header was not found or is not supported');
			}
			return handler(req, res, params);
		});
	}

	// ---- test helpers -------------------------------------------------------------------------

	/** A contact made in HighLevel's app (not through the node). */
	seedContact(email: string, extra: { tags?: string[]; fields?: Record<string, unknown> } = {}): FakeContact {
		const contact = this.createContact(email, extra.fields ?? {}, this.newContactId());
		for (const tag of extra.tags ?? []) {
			this.tagByName(tag, true);
			contact.tags.add(tag);
		}
		return contact;
	}

	private counter = 0;

	/** HighLevel ids are 20-character strings. */
	private newContactId(): string {
		this.counter++;
		return `c${String(this.counter).padStart(4, '0')}${'x'.repeat(15)}`;
	}

	private byEmail(email: string, except?: string): FakeContact | undefined {
		return [...this.contacts.values()].find((c) => c.id !== except && c.email.toLowerCase() === email.toLowerCase());
	}

	contactJson(contact: FakeContact) {
		const f = contact.fields;
		const standard = Object.fromEntries([...NULLABLE_TEXT, ...TEXT].filter((key) => key !== 'email').map((key) => [key, f[key] ?? null]));
		return {
			id: contact.id,
			locationId: HIGHLEVEL_LOCATION,
			...standard,
			email: contact.email,
			emailLowerCase: contact.email.toLowerCase(),
			dnd: f.dnd ?? false,
			dateOfBirth: f.dateOfBirth ?? null,
			type: 'lead',
			tags: [...contact.tags],
			dateAdded: new Date(contact.createdAt).toISOString(),
			dateUpdated: new Date().toISOString(),
			customFields: this.customFields
				.filter((field) => f[field.fieldKey] !== undefined)
				.map((field) => ({ id: field.id, value: f[field.fieldKey] })),
		};
	}

	// ---- validation ---------------------------------------------------------------------------

	private checkCustomValue(field: HighLevelCustomField, value: unknown): string | undefined {
		if (value === '' || value === null) return undefined;
		const options = field.picklistOptions ?? [];
		switch (field.dataType) {
			case 'NUMERICAL':
			case 'MONETORY':
				return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
			case 'SINGLE_OPTIONS':
			case 'RADIO':
				return typeof value === 'string' && options.includes(value) ? undefined : `must be one of ${options.join(', ')}`;
			case 'MULTIPLE_OPTIONS':
			case 'CHECKBOX':
				return Array.isArray(value) && value.every((v) => typeof v === 'string' && options.includes(v)) ? undefined : `must be a list of ${options.join(', ')}`;
			case 'DATE':
				return typeof value === 'string' && DATE_FORMATS.some((re) => re.test(value)) ? undefined : 'must be a date';
			case 'FILE_UPLOAD':
			case 'TEXTBOX_LIST':
				return 'cannot be written as a value';
			default:
				return typeof value === 'string' ? undefined : 'must be a string';
		}
	}

	/** The problems of an UpsertContactDto / UpdateContactDto body, as HighLevel's 422 messages. */
	private checkContact(body: unknown, upsert: boolean): string[] {
		if (!body || typeof body !== 'object' || Array.isArray(body)) return ['body must be an object'];
		const doc = body as Record<string, unknown>;
		const problems: string[] = [];
		for (const key of Object.keys(doc)) if (!(upsert ? UPSERT_KEYS : UPDATE_KEYS).includes(key)) problems.push(`property ${key} should not exist`);
		if (upsert && typeof doc.locationId !== 'string') problems.push('locationId must be a string');
		for (const key of NULLABLE_TEXT) if (doc[key] !== undefined && doc[key] !== null && typeof doc[key] !== 'string') problems.push(`${key} must be a string`);
		for (const key of TEXT) if (doc[key] !== undefined && typeof doc[key] !== 'string') problems.push(`${key} must be a string`);
		if (typeof doc.email === 'string' && !EMAIL.test(doc.email)) problems.push('email must be an email');
		if (doc.dnd !== undefined && typeof doc.dnd !== 'boolean') problems.push('dnd must be a boolean value');
		if (typeof doc.country === 'string' && doc.country !== '' && !/^[A-Z]{2}$/.test(doc.country)) problems.push('country must be a valid country code');
		if (doc.dateOfBirth !== undefined && doc.dateOfBirth !== null && !(typeof doc.dateOfBirth === 'string' && DATE_FORMATS.some((re) => re.test(doc.dateOfBirth as string)))) {
			problems.push('dateOfBirth must be in one of the supported formats');
		}
		if (doc.tags !== undefined && (!Array.isArray(doc.tags) || doc.tags.some((tag) => typeof tag !== 'string'))) problems.push('each value in tags must be a string');
		if (doc.customFields !== undefined) {
			if (!Array.isArray(doc.customFields)) problems.push('customFields must be an array');
			else {
				for (const raw of doc.customFields as unknown[]) {
					const entry = asObject(raw);
					if (typeof entry.id !== 'string') {
						problems.push('customFields.id must be a string');
						continue;
					}
					const field = this.customFields.find((f) => f.id === entry.id && (f.model ?? 'contact') === 'contact');
					if (!field) problems.push(`custom field ${entry.id} does not exist in this location`);
					else {
						const problem = this.checkCustomValue(field, entry.field_value);
						if (problem) problems.push(`custom field ${field.fieldKey} ${problem}`);
					}
				}
			}
		}
		return problems;
	}

	/** Writes a validated body onto a contact: only the keys sent change (`tags` replaces the list). */
	private apply(contact: FakeContact, doc: Record<string, unknown>): void {
		for (const key of [...NULLABLE_TEXT, ...TEXT, 'dnd', 'dateOfBirth']) {
			if (key === 'email' || doc[key] === undefined) continue;
			contact.fields[key] = doc[key];
		}
		if (typeof doc.email === 'string') contact.email = doc.email;
		if (Array.isArray(doc.tags)) {
			contact.tags = new Set(doc.tags as string[]);
			for (const tag of contact.tags) this.tagByName(tag, true);
		}
		for (const entry of (doc.customFields ?? []) as Array<Record<string, unknown>>) {
			const field = this.customFields.find((f) => f.id === entry.id)!;
			contact.fields[field.fieldKey] = entry.field_value;
		}
	}

	private wrongLocation(res: ServerResponse, location: unknown): boolean {
		if (location === HIGHLEVEL_LOCATION) return false;
		this.json(res, 403, { statusCode: 403, message: 'The token does not have access to this location.' });
		return true;
	}

	private tagsBody(req: RecordedRequest, res: ServerResponse): string[] | undefined {
		const tags = asObject(req.body).tags;
		const problems = Array.isArray(tags) && tags.length && tags.every((t) => typeof t === 'string' && t.trim()) ? [] : ['tags must be a non-empty array of strings'];
		return this.rejects(req, res, problems) ? undefined : (tags as string[]);
	}

	private contactFor(res: ServerResponse, id: string): FakeContact | undefined {
		const contact = this.contacts.get(id);
		if (!contact) this.badRequest(res, 'Contact not found');
		return contact;
	}

	protected routes(): void {
		this.on('GET', '/locations/:location/customFields', (req, res, { location }) => {
			if (this.wrongLocation(res, location)) return;
			const model = req.query.get('model') ?? 'all';
			if (this.rejects(req, res, ['contact', 'opportunity', 'all'].includes(model) ? [] : ['model must be one of the following values: contact, opportunity, all'])) return;
			const fields = this.customFields.filter((f) => model === 'all' || (f.model ?? 'contact') === model);
			this.ok(res, 200, {
				customFields: fields.map((f, position) => ({
					id: f.id,
					name: f.name,
					fieldKey: f.fieldKey,
					placeholder: '',
					dataType: f.dataType,
					position,
					picklistOptions: f.picklistOptions ?? [],
					locationId: HIGHLEVEL_LOCATION,
					model: f.model ?? 'contact',
				})),
			});
		});

		this.on('GET', '/locations/:location/tags', (_req, res, { location }) => {
			if (this.wrongLocation(res, location)) return;
			this.ok(res, 200, { tags: [...this.tags.values()].map((tag) => ({ id: tag.id, name: tag.name, locationId: HIGHLEVEL_LOCATION })) });
		});

		this.on('GET', '/contacts/search/duplicate', (req, res) => {
			const location = req.query.get('locationId');
			if (this.rejects(req, res, location ? [] : ['locationId should not be empty'])) return;
			if (this.wrongLocation(res, location)) return;
			const email = req.query.get('email');
			const found = email ? this.byEmail(email) : undefined;
			this.ok(res, 200, { contact: found ? this.contactJson(found) : null });
		});

		this.on('POST', '/contacts/upsert', (req, res) => {
			if (this.rejects(req, res, this.checkContact(req.body, true))) return;
			const doc = asObject(req.body);
			if (this.wrongLocation(res, doc.locationId)) return;
			if (typeof doc.email !== 'string' && typeof doc.phone !== 'string') return this.badRequest(res, 'Either email or phone is required');
			const existing = typeof doc.email === 'string' ? this.byEmail(doc.email) : undefined;
			const contact = existing ?? this.createContact(String(doc.email), {}, this.newContactId());
			const { locationId: _location, createNewIfDuplicateAllowed: _flag, ...rest } = doc;
			this.apply(contact, rest);
			this.ok(res, 200, { new: !existing, contact: this.contactJson(contact), traceId: 'trace-0001' });
		});

		this.on('GET', '/contacts/:id', (_req, res, { id }) => {
			const contact = this.contactFor(res, id);
			if (contact) this.ok(res, 200, { contact: this.contactJson(contact) });
		});

		this.on('PUT', '/contacts/:id', (req, res, { id }) => {
			if (this.rejects(req, res, this.checkContact(req.body, false))) return;
			const contact = this.contactFor(res, id);
			if (!contact) return;
			const doc = asObject(req.body);
			const other = typeof doc.email === 'string' ? this.byEmail(doc.email, id) : undefined;
			if (other) return this.badRequest(res, 'This location does not allow duplicated contacts.', { meta: { contactId: other.id, matchingField: 'email' } });
			this.apply(contact, doc);
			this.ok(res, 200, { succeded: true, contact: this.contactJson(contact) });
		});

		this.on('DELETE', '/contacts/:id', (_req, res, { id }) => {
			if (!this.contactFor(res, id)) return;
			this.contacts.delete(id);
			this.ok(res, 200, { succeded: true });
		});

		this.on('POST', '/contacts/:id/tags', (req, res, { id }) => {
			const tags = this.tagsBody(req, res);
			if (!tags) return;
			const contact = this.contactFor(res, id);
			if (!contact) return;
			for (const name of tags) {
				const tag = this.tagByName(name.trim(), true)!;
				if (![...contact.tags].some((t) => t.toLowerCase() === tag.name.toLowerCase())) contact.tags.add(tag.name);
			}
			this.ok(res, 201, { tags: [...contact.tags] });
		});

		this.on('DELETE', '/contacts/:id/tags', (req, res, { id }) => {
			const tags = this.tagsBody(req, res);
			if (!tags) return;
			const contact = this.contactFor(res, id);
			if (!contact) return;
			const drop = tags.map((t) => t.trim().toLowerCase());
			contact.tags = new Set([...contact.tags].filter((t) => !drop.includes(t.toLowerCase())));
			this.ok(res, 200, { tags: [...contact.tags] });
		});
	}
}
