/**
 * Pipedrive (API v2 persons, person fields and person search; v1 `users/me` for the credential test),
 * built from Pipedrive's own documentation; no official spec file is in ../shared/specs. Sources:
 * - auth (`x-api-token` header): https://pipedrive.readme.io/docs/core-api-concepts-authentication
 * - answers and the error shape `{success:false, error, error_info, data:null, additional_data:null}`:
 *   https://pipedrive.readme.io/docs/core-api-concepts-responses
 * - rate limits (daily token budget; burst per token per rolling 2 s: 20 on the lowest plan, search
 *   10; headers x-ratelimit-limit/-remaining/-reset and x-daily-requests-left; 429 when exceeded):
 *   https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting
 * - v2 strict input (numbers are not coerced from strings), `custom_fields` value shapes per field
 *   type, `label` → `label_ids`, cursor paging: https://pipedrive.readme.io/docs/pipedrive-api-v2-migration-guide
 * - POST/PATCH/GET/DELETE /api/v2/persons, GET /api/v2/persons/search (term ≥ 2 characters or 1 with
 *   exact_match, `fields`, `limit` ≤ 500, `cursor`): https://developers.pipedrive.com/docs/api/v1/Persons
 *   (v2 section); `custom_fields` null clears, `[]` for a set field is a validation error (request
 *   schema of addPerson in Pipedrive's official client-nodejs, generated from its OpenAPI document).
 * - GET /api/v2/personFields (cursor, `limit` ≤ 500) and POST /api/v2/personFields/{field_code}/options
 *   (`[{label}]`, enum/set fields only, answers the added options):
 *   https://developers.pipedrive.com/docs/api/v1/PersonFields (v2 section)
 * Bodies the docs call invalid (missing name on create, wrong types, unknown properties, unknown custom
 * field codes or option ids, unknown owner) get a 400 in Pipedrive's error shape, recorded in `rejected`.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, type FakeContact, FakeCrm } from './base';

export const PIPEDRIVE_TOKEN = '0123456789abcdef0123456789abcdef01234567';
const ERROR_INFO = 'Please check developers.pipedrive.com for more information about Pipedrive API.';
const PERSON_KEYS = ['name', 'owner_id', 'org_id', 'add_time', 'update_time', 'emails', 'phones', 'visible_to', 'label_ids', 'marketing_status', 'custom_fields'];
const SEARCH_FIELDS = ['custom_fields', 'email', 'notes', 'phone', 'name'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}:\d{2}$/;

/** A custom field's code as Pipedrive makes them: 40 hex characters (here derived from the name, so tests know it). */
export function pipedriveFieldCode(name: string): string {
	return createHash('sha1').update(`pipedrive-fake:${name}`).digest('hex');
}

export interface PipedriveField {
	field_name: string;
	field_code: string;
	field_type: string;
	is_custom_field: boolean;
	is_optional_response_field: boolean;
	options: Array<{ id: number; label: string; color: string | null }> | null;
}

const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);
const isText = (value: unknown): value is string => typeof value === 'string';

export class PipedriveFake extends FakeCrm {
	protected readonly prefix = '';
	/** Every person field (system and custom), in listing order. */
	readonly personFields: PipedriveField[] = [];
	/** Users of the company (valid owner_id values). */
	readonly users = [1];
	/** Requests refused as invalid, with the reason: an adapter bug unless a test sent bad data on purpose. */
	readonly rejected: Array<{ method: string; path: string; error: string }> = [];
	/** The search API's own burst limit (10 per 2 s on every plan), enforced with `enforceRateLimit`. */
	searchLimit = { max: 10, windowMs: 2000 };
	/** Seconds the 429 answer announces in x-ratelimit-reset. */
	resetSeconds = 1;
	/** When set, POST/PATCH requests count down this daily allowance; at 0 they get 429 with x-daily-requests-left: 0. */
	dailyRequestsLeft?: number;
	private readonly searches: number[] = [];
	private nextOption = 100;

	constructor() {
		super();
		this.rateLimit = { max: 20, windowMs: 2000 };
		const system = (field_name: string, field_code: string, field_type: string): PipedriveField => ({
			field_name,
			field_code,
			field_type,
			is_custom_field: false,
			is_optional_response_field: false,
			options: null,
		});
		this.personFields.push(
			system('Name', 'name', 'varchar'),
			{ ...system('Labels', 'label_ids', 'set'), options: [] },
			system('Email', 'emails', 'varchar'),
			system('Phone', 'phones', 'phone'),
			system('Owner', 'owner_id', 'user'),
			system('Organization', 'org_id', 'org'),
		);
	}

	/** Adds a custom person field; returns its 40-character code. */
	addCustomField(name: string, type: string, options: string[] = []): string {
		const code = pipedriveFieldCode(name);
		this.personFields.push({
			field_name: name,
			field_code: code,
			field_type: type,
			is_custom_field: true,
			is_optional_response_field: false,
			options: ['enum', 'set'].includes(type) ? options.map((label) => ({ id: this.nextOption++, label, color: null })) : null,
		});
		return code;
	}

	/** Adds a label (an option of the `label_ids` field); returns its id. */
	addLabel(label: string): number {
		const id = this.nextOption++;
		this.labelField().options!.push({ id, label, color: null });
		this.tags.set(String(id), { id: String(id), name: label });
		return id;
	}

	/** A person as stored (custom values by field code, `label_ids`, `emails`, …). */
	person(email: string): Record<string, unknown> | undefined {
		return this.findByEmail(email)?.fields;
	}

	/** A person created directly in the fake (e.g. a duplicate Pipedrive allows). */
	seedPerson(emails: string[], extra: Record<string, unknown> = {}): FakeContact {
		const contact = this.createContact(emails[0]);
		contact.fields = { name: emails[0], emails: emails.map((value, i) => ({ value, primary: i === 0, label: 'work' })), phones: [], label_ids: [], ...extra };
		this.sync(contact);
		return contact;
	}

	private labelField(): PipedriveField {
		return this.personFields.find((field) => field.field_code === 'label_ids')!;
	}

	private fail(req: RecordedRequest, res: ServerResponse, status: number, error: string): void {
		this.rejected.push({ method: req.method, path: req.path, error });
		this.json(res, status, { success: false, error, error_info: ERROR_INFO, data: null, additional_data: null });
	}

	protected authorize(req: RecordedRequest): boolean {
		return req.headers['x-api-token'] === PIPEDRIVE_TOKEN;
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, { success: false, error: 'unauthorized access', errorCode: 401, error_info: ERROR_INFO, data: null, additional_data: null });
	}

	private limitHeaders(remaining: number, limit = this.rateLimit.max): Record<string, string> {
		const headers: Record<string, string> = {
			'x-ratelimit-limit': String(limit),
			'x-ratelimit-remaining': String(remaining),
			'x-ratelimit-reset': String(this.resetSeconds),
		};
		if (this.dailyRequestsLeft !== undefined) headers['x-daily-requests-left'] = String(Math.max(0, this.dailyRequestsLeft));
		return headers;
	}

	protected throttled(res: ServerResponse): void {
		this.json(
			res,
			429,
			{ success: false, error: 'Request over limit', errorCode: 429, error_info: ERROR_INFO, data: null, additional_data: null },
			this.limitHeaders(0),
		);
	}

	protected serverError(res: ServerResponse, status: number): void {
		this.json(res, status, { success: false, error: 'Requested service is not available', error_info: ERROR_INFO, data: null, additional_data: null });
	}

	protected notFound(res: ServerResponse): void {
		this.json(res, 404, { success: false, error: 'Not found', error_info: ERROR_INFO, data: null, additional_data: null });
	}

	private ok(res: ServerResponse, data: unknown, additional: unknown = null): void {
		this.json(res, 200, { success: true, data, additional_data: additional }, this.limitHeaders(this.rateLimit.max - 1));
	}

	/** The search API's burst limit, separate from the general one. */
	private searchThrottled(): boolean {
		if (!this.enforceRateLimit) return false;
		const now = Date.now();
		while (this.searches.length && this.searches[0] <= now - this.searchLimit.windowMs) this.searches.shift();
		if (this.searches.length >= this.searchLimit.max) return true;
		this.searches.push(now);
		return false;
	}

	/** Counts a POST/PATCH against the daily allowance; true when it is used up. */
	private dailySpent(): boolean {
		if (this.dailyRequestsLeft === undefined) return false;
		if (this.dailyRequestsLeft <= 0) return true;
		this.dailyRequestsLeft--;
		return false;
	}

	/** Derived state after a write: primary e-mail and label names. */
	private sync(contact: FakeContact): void {
		const emails = (contact.fields.emails ?? []) as Array<{ value: string; primary?: boolean }>;
		contact.email = (emails.find((entry) => entry.primary) ?? emails[0])?.value ?? '';
		const options = this.labelField().options ?? [];
		contact.tags = new Set(((contact.fields.label_ids ?? []) as number[]).map((id) => options.find((o) => o.id === id)?.label ?? String(id)));
	}

	private personJson(contact: FakeContact): Record<string, unknown> {
		const f = contact.fields;
		const name = String(f.name ?? '');
		const custom: Record<string, unknown> = {};
		for (const field of this.personFields.filter((candidate) => candidate.is_custom_field)) custom[field.field_code] = f[field.field_code] ?? null;
		return {
			id: Number(contact.id),
			name,
			first_name: name.split(' ')[0] ?? '',
			last_name: name.split(' ').slice(1).join(' '),
			owner_id: f.owner_id ?? 1,
			org_id: f.org_id ?? null,
			add_time: new Date(contact.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
			update_time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
			emails: f.emails ?? [],
			phones: f.phones ?? [],
			is_deleted: false,
			visible_to: f.visible_to ?? 3,
			label_ids: f.label_ids ?? [],
			picture_id: null,
			custom_fields: custom,
		};
	}

	/** Why a custom field value does not fit its field, per the v2 migration guide's shapes. */
	private badCustomValue(field: PipedriveField, value: unknown): string | undefined {
		if (value === null) return undefined;
		const optionIds = (field.options ?? []).map((option) => option.id);
		const object = asObject(value);
		switch (field.field_type) {
			case 'varchar':
			case 'varchar_auto':
			case 'text':
			case 'phone':
				return isText(value) ? undefined : 'must be a string';
			case 'int':
			case 'user':
			case 'org':
			case 'people':
				return isInt(value) ? undefined : 'must be an integer';
			case 'double':
				return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
			case 'boolean':
				return typeof value === 'boolean' ? undefined : 'must be a boolean';
			case 'date':
				return isText(value) && DAY.test(value) ? undefined : 'must be a date (YYYY-MM-DD)';
			case 'daterange':
				return isText(object.value) && DAY.test(object.value) && isText(object.until) && DAY.test(object.until) ? undefined : 'must be {value, until} dates';
			case 'time':
				return isText(object.value) && TIME.test(object.value) ? undefined : 'must be {value: "HH:MM:SS"}';
			case 'timerange':
				return isText(object.value) && TIME.test(object.value) && isText(object.until) && TIME.test(object.until) ? undefined : 'must be {value, until} times';
			case 'monetary':
				return typeof object.value === 'number' && (object.currency === undefined || (isText(object.currency) && /^[A-Z]{3}$/.test(object.currency)))
					? undefined
					: 'must be {value: number, currency?: "XXX"}';
			case 'address':
				return isText(object.value) ? undefined : 'must be an object with a string value';
			case 'enum':
				return isInt(value) && optionIds.includes(value) ? undefined : `must be one of the option ids ${optionIds.join(', ')}`;
			case 'set':
				if (!Array.isArray(value) || value.length === 0) return 'must be a non-empty array of option ids (null clears it)';
				return value.every((id) => isInt(id) && optionIds.includes(id)) ? undefined : `must hold option ids from ${optionIds.join(', ')}`;
			default:
				return 'cannot be written';
		}
	}

	/** Why a POST/PATCH body is invalid for Pipedrive, or undefined. */
	private invalidPerson(body: Record<string, unknown>, creating: boolean): string | undefined {
		const unknown = Object.keys(body).filter((key) => !PERSON_KEYS.includes(key));
		if (unknown.length) return `Validation failed: unknown properties ${unknown.join(', ')}`;
		if (creating && (!isText(body.name) || !body.name.trim())) return 'Validation failed: name: Required';
		if (body.name !== undefined && (!isText(body.name) || !body.name.trim())) return 'Validation failed: name: must be a non-empty string';
		for (const key of ['emails', 'phones']) {
			if (body[key] === undefined) continue;
			const list = body[key];
			if (!Array.isArray(list)) return `Validation failed: ${key}: must be an array`;
			for (const entry of list) {
				const item = asObject(entry);
				if (!isText(item.value)) return `Validation failed: ${key}: value must be a string`;
				if (item.primary !== undefined && typeof item.primary !== 'boolean') return `Validation failed: ${key}: primary must be a boolean`;
				if (item.label !== undefined && !isText(item.label)) return `Validation failed: ${key}: label must be a string`;
			}
		}
		for (const key of ['owner_id', 'org_id', 'visible_to']) {
			if (body[key] !== undefined && !isInt(body[key])) return `Validation failed: ${key}: must be an integer`;
		}
		if (body.owner_id !== undefined && !this.users.includes(body.owner_id as number)) return `Validation failed: owner_id: User ${String(body.owner_id)} not found`;
		if (body.visible_to !== undefined && ![1, 3, 5, 7].includes(body.visible_to as number)) return 'Validation failed: visible_to: must be one of 1, 3, 5, 7';
		if (body.marketing_status !== undefined && !['no_consent', 'unsubscribed', 'subscribed', 'archived'].includes(String(body.marketing_status))) {
			return 'Validation failed: marketing_status: invalid value';
		}
		if (body.label_ids !== undefined) {
			const known = (this.labelField().options ?? []).map((option) => option.id);
			if (!Array.isArray(body.label_ids) || !body.label_ids.every((id) => isInt(id) && known.includes(id))) return 'Validation failed: label_ids: must be an array of existing label ids';
		}
		if (body.custom_fields !== undefined) {
			if (!body.custom_fields || typeof body.custom_fields !== 'object' || Array.isArray(body.custom_fields)) return 'Validation failed: custom_fields: must be an object';
			for (const [code, value] of Object.entries(body.custom_fields as Record<string, unknown>)) {
				const field = this.personFields.find((candidate) => candidate.is_custom_field && candidate.field_code === code);
				if (!field) return `Validation failed: custom_fields: unknown field ${code}`;
				const problem = this.badCustomValue(field, value);
				if (problem) return `Validation failed: custom_fields.${code}: ${problem}`;
			}
		}
		return undefined;
	}

	private write(contact: FakeContact, body: Record<string, unknown>): void {
		const { custom_fields: custom, ...rest } = body;
		Object.assign(contact.fields, rest);
		for (const [code, value] of Object.entries(asObject(custom))) contact.fields[code] = value;
		this.sync(contact);
	}

	private personByParam(req: RecordedRequest, res: ServerResponse, id: string): FakeContact | undefined {
		if (!/^\d+$/.test(id)) {
			this.fail(req, res, 400, 'Validation failed: id: must be an integer');
			return undefined;
		}
		const contact = this.contacts.get(id);
		if (!contact) this.json(res, 404, { success: false, error: 'Person not found', error_info: ERROR_INFO, data: null, additional_data: null });
		return contact;
	}

	/** `limit` and `cursor` of a cursor-paged route; undefined (answered 400) when invalid. */
	private paging(req: RecordedRequest, res: ServerResponse): { offset: number; limit: number } | undefined {
		const rawLimit = req.query.get('limit');
		const limit = rawLimit === null ? 100 : Number(rawLimit);
		if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
			this.fail(req, res, 400, 'Validation failed: limit: must be an integer from 1 to 500');
			return undefined;
		}
		const cursor = req.query.get('cursor');
		const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8').replace(/^offset:/, '')) : 0;
		if (!Number.isInteger(offset) || offset < 0) {
			this.fail(req, res, 400, 'Validation failed: cursor: invalid');
			return undefined;
		}
		return { offset, limit };
	}

	private nextCursor(offset: number, limit: number, total: number): string | null {
		return offset + limit < total ? Buffer.from(`offset:${offset + limit}`).toString('base64url') : null;
	}

	protected routes(): void {
		this.route('GET', '/api/v1/users/me', (_req, res) => this.ok(res, { id: 1, name: 'Owner', email: 'owner@example.com', company_domain: 'test' }));

		this.route('GET', '/api/v2/personFields', (req, res) => {
			const page = this.paging(req, res);
			if (!page) return;
			const rows = this.page(this.personFields, page.offset, page.limit);
			this.ok(res, rows, { next_cursor: this.nextCursor(page.offset, page.limit, this.personFields.length) });
		});

		this.route('POST', '/api/v2/personFields/:code/options', (req, res, { code }) => {
			const field = this.personFields.find((candidate) => candidate.field_code === code);
			if (!field) return this.json(res, 404, { success: false, error: 'Field not found', error_info: ERROR_INFO, data: null, additional_data: null });
			if (!['enum', 'set'].includes(field.field_type)) return this.fail(req, res, 400, `Field ${code} of type ${field.field_type} does not support options`);
			const body = req.body;
			if (!Array.isArray(body) || !body.length || !body.every((entry) => isText(asObject(entry).label) && String(asObject(entry).label).trim())) {
				return this.fail(req, res, 400, 'Validation failed: body: must be a non-empty array of {label}');
			}
			if (this.dailySpent()) return this.dailyExhausted(res);
			const added = body.map((entry) => ({ id: this.nextOption++, label: String(asObject(entry).label), color: null }));
			(field.options ??= []).push(...added);
			if (code === 'label_ids') for (const option of added) this.tags.set(String(option.id), { id: String(option.id), name: option.label });
			this.ok(res, added.map(({ id, label }) => ({ id, label })));
		});

		this.route('GET', '/api/v2/persons/search', (req, res) => {
			if (this.searchThrottled()) {
				this.sent.throttled++;
				return this.json(
					res,
					429,
					{ success: false, error: 'Request over limit', errorCode: 429, error_info: ERROR_INFO, data: null, additional_data: null },
					this.limitHeaders(0, this.searchLimit.max),
				);
			}
			const term = req.query.get('term') ?? '';
			const exactRaw = req.query.get('exact_match');
			if (exactRaw !== null && !['true', 'false', '1', '0'].includes(exactRaw)) return this.fail(req, res, 400, 'Validation failed: exact_match: must be a boolean');
			const exact = exactRaw === 'true' || exactRaw === '1';
			if (term.length < (exact ? 1 : 2)) return this.fail(req, res, 400, 'Validation failed: term: must be at least 2 characters (1 with exact_match)');
			const fields = (req.query.get('fields') ?? SEARCH_FIELDS.join(',')).split(',');
			if (!fields.every((field) => SEARCH_FIELDS.includes(field))) return this.fail(req, res, 400, `Validation failed: fields: allowed are ${SEARCH_FIELDS.join(', ')}`);
			const page = this.paging(req, res);
			if (!page) return;
			const wanted = term.toLowerCase();
			const hit = (text: string) => (exact ? text.toLowerCase() === wanted : text.toLowerCase().includes(wanted));
			const found = [...this.contacts.values()].filter((contact) => {
				const f = contact.fields;
				const emails = ((f.emails ?? []) as Array<{ value: string }>).map((entry) => entry.value);
				return (fields.includes('email') && emails.some(hit)) || (fields.includes('name') && hit(String(f.name ?? '')));
			});
			const items = this.page(found, page.offset, page.limit).map((contact) => ({
				result_score: 1,
				item: {
					id: Number(contact.id),
					type: 'person',
					name: String(contact.fields.name ?? ''),
					phones: ((contact.fields.phones ?? []) as Array<{ value: string }>).map((entry) => entry.value),
					emails: ((contact.fields.emails ?? []) as Array<{ value: string }>).map((entry) => entry.value),
					visible_to: 3,
					owner: { id: 1 },
					organization: null,
					custom_fields: [],
					notes: [],
				},
			}));
			this.ok(res, { items }, { next_cursor: this.nextCursor(page.offset, page.limit, found.length) });
		});

		this.route('GET', '/api/v2/persons/:id', (req, res, { id }) => {
			const contact = this.personByParam(req, res, id);
			if (contact) this.ok(res, this.personJson(contact));
		});

		this.route('POST', '/api/v2/persons', (req, res) => {
			const body = asObject(req.body);
			const problem = this.invalidPerson(body, true);
			if (problem) return this.fail(req, res, 400, problem);
			if (this.dailySpent()) return this.dailyExhausted(res);
			const contact = this.createContact('');
			contact.fields = { emails: [], phones: [], label_ids: [] };
			this.write(contact, body);
			this.ok(res, this.personJson(contact));
		});

		this.route('PATCH', '/api/v2/persons/:id', (req, res, { id }) => {
			const contact = this.personByParam(req, res, id);
			if (!contact) return;
			const body = asObject(req.body);
			const problem = this.invalidPerson(body, false);
			if (problem) return this.fail(req, res, 400, problem);
			if (this.dailySpent()) return this.dailyExhausted(res);
			this.write(contact, body);
			this.ok(res, this.personJson(contact));
		});

		this.route('DELETE', '/api/v2/persons/:id', (req, res, { id }) => {
			const contact = this.personByParam(req, res, id);
			if (!contact) return;
			// Pipedrive marks the person deleted (purged after 30 days); it is gone from reads and search at once.
			this.contacts.delete(id);
			this.ok(res, { id: Number(id) });
		});
	}

	private dailyExhausted(res: ServerResponse): void {
		this.sent.throttled++;
		this.json(
			res,
			429,
			{ success: false, error: 'Request over limit', errorCode: 429, error_info: ERROR_INFO, data: null, additional_data: null },
			this.limitHeaders(this.rateLimit.max - 1),
		);
	}
}
