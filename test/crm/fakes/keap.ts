/**
 * Keap (Infusionsoft) REST v2 (https://developer.keap.com/docs/restv2/), as far as the adapter uses it.
 * Every request body is validated against Keap's official OpenAPI spec (`../shared/specs/keap/`), and
 * so is every query parameter the spec declares (enums, page_size bounds, update_mask values); every
 * answer a route gives is checked against the responses the spec documents. Violations are answered
 * with Keap's 400 and recorded in `specViolations` / `responseViolations`.
 *
 * Behaviour modelled on the spec and Keap's docs: `X-Keap-API-Key` auth (the gateway answers a bad key
 * with 401 `{"fault":{"faultstring":…}}`); `POST /contacts` creates (201), or with
 * `duplicate_option=Email` updates the contact with that e-mail (200); a contact needs an e-mail, phone
 * or address; `PATCH /contacts/{id}` with `update_mask` writes only the listed properties; the arrays
 * (`email_addresses`, `phone_numbers`, `addresses`, `custom_fields`) REPLACE what the contact had ("any
 * item not listed here will be removed"); `custom_fields` and `tag_ids` are returned only when asked
 * for in `fields`; `GET /contacts?filter=email==…` (trailing `*` = prefix) matches any e-mail slot; tags
 * by id through `POST /tags/{id}/contacts:applyTags|removeTags`; `GET /tags` pages with `page_size`
 * (≤ 1000) and `next_page_token`; `GET /contacts/model` lists every custom field at once. Custom field
 * values must fit the field's type or Keap answers 400.
 * Rate limit (Personal Access Token / Service Account Key): 240 requests per minute per key (and
 * 30,000 per day), answered with 429 and the `x-keap-product-throttle-*` / `-quota-*` headers Keap
 * sends on every answer; no Retry-After.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';

import { load } from 'js-yaml';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, type FakeContact, FakeCrm, type RouteHandler } from './base';
import { OpenApiSpec, SPECS_DIR } from './openapi';

export const KEAP_KEY = 'KeapAK-test-0123456789abcdef';
const SPEC_FILE = 'keap/keap-rest-v2-swagger.yml';
const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 10;
/** Contact properties Keap leaves out unless `fields` asks for them. */
const OPTIONAL_PROPERTIES = ['custom_fields', 'tag_ids', 'job_title', 'leadsource_id'];
/** Request properties the fake stores as they come. */
const SCALARS = [
	'given_name', 'family_name', 'middle_name', 'preferred_name', 'prefix', 'suffix', 'job_title', 'website', 'birth_date',
	'anniversary_date', 'spouse_name', 'contact_type', 'time_zone', 'preferred_locale',
];
const ARRAYS = ['email_addresses', 'phone_numbers', 'addresses', 'custom_fields'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

let sharedSpec: OpenApiSpec | undefined;
/** Parsing the 43,000-line spec takes a moment: once per test file. */
export function keapSpec(): OpenApiSpec {
	sharedSpec ??= new OpenApiSpec(SPEC_FILE, '/crm');
	return sharedSpec;
}

interface QueryParameter {
	name: string;
	schema: Record<string, any>;
	explode?: boolean;
}
interface QueryOperation {
	method: string;
	pattern: RegExp;
	parameters: QueryParameter[];
}
let queryOperations: QueryOperation[] | undefined;

/** The query parameters the spec declares for each operation (literal paths first). */
function specQueries(): QueryOperation[] {
	if (queryOperations) return queryOperations;
	const document = load(readFileSync(join(SPECS_DIR, SPEC_FILE), 'utf8')) as Record<string, any>;
	const operations: Array<QueryOperation & { weight: number }> = [];
	for (const [template, item] of Object.entries<Record<string, any>>(document.paths ?? {})) {
		const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
		for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
			if (!item[method]) continue;
			const parameters = ((item[method].parameters ?? []) as Array<Record<string, any>>)
				.filter((p) => p.in === 'query')
				.map((p) => ({ name: String(p.name), schema: p.schema ?? {}, explode: p.explode }));
			operations.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}$`), parameters, weight: template.split('{').length });
		}
	}
	operations.sort((a, b) => a.weight - b.weight);
	queryOperations = operations;
	return operations;
}

/** Problems with a request's query string against the parameters the spec declares. */
export function checkQuery(method: string, path: string, query: URLSearchParams): string[] {
	const relative = path.replace(/^\/crm/, '');
	const operation = specQueries().find((op) => op.method === method && op.pattern.test(relative));
	if (!operation) return [`${method} ${relative} is not in the spec`];
	const problems: string[] = [];
	for (const [name, value] of query.entries()) {
		const parameter = operation.parameters.find((p) => p.name === name);
		if (!parameter) {
			problems.push(`query parameter ${name} is not in the spec`);
			continue;
		}
		const schema = parameter.schema;
		const values = schema.type === 'array' ? value.split(',') : [value];
		const item = schema.type === 'array' ? (schema.items ?? {}) : schema;
		for (const one of values) {
			if (item.enum && !item.enum.includes(one)) problems.push(`${name}: "${one}" is not one of ${item.enum.join(', ')}`);
			if (item.type === 'integer') {
				const number = Number(one);
				if (!Number.isInteger(number)) problems.push(`${name} must be an integer`);
				if (item.maximum !== undefined && number > item.maximum) problems.push(`${name} must be <= ${item.maximum}`);
				if (item.minimum !== undefined && number < item.minimum) problems.push(`${name} must be >= ${item.minimum}`);
			}
		}
	}
	return problems;
}

export class KeapFake extends FakeCrm {
	protected readonly prefix = '/crm/rest/v2';
	/** Requests that broke the official spec: an adapter bug unless a test sent bad data on purpose. */
	readonly specViolations: Array<{ method: string; path: string; errors: string[] }> = [];
	/** Answers of this fake that the official spec does not document: a fake bug. */
	readonly responseViolations: Array<{ method: string; path: string; status: number; errors: string[] }> = [];
	/** Options of choice fields (DROPDOWN, RADIO, LIST_BOX), by field key (field_name). */
	readonly fieldOptions = new Map<string, Array<{ id: string; label: string }>>();
	/** Keap's record of each contact (the properties the API reads and writes), by id. */
	readonly records = new Map<string, Record<string, any>>();
	/** Daily quota (30,000 for a key); when spent, every answer says so and 429s carry it. */
	dailyQuota = { limit: 30_000, exhausted: false };
	private current?: RecordedRequest;

	constructor() {
		super();
		// A Personal Access Token / Service Account Key: 240 queries per minute.
		this.rateLimit = { max: 240, windowMs: 60_000 };
	}

	protected authorize(req: RecordedRequest): boolean {
		return req.headers['x-keap-api-key'] === KEAP_KEY;
	}

	protected route(method: string, path: string, handler: RouteHandler): void {
		super.route(method, path, async (req, res, params) => {
			this.current = req;
			try {
				const problems = checkQuery(req.method, req.path, req.query);
				if (problems.length) {
					this.specViolations.push({ method: req.method, path: req.path, errors: problems });
					return this.error(res, 400, problems.join('; '));
				}
				await handler(req, res, params);
			} finally {
				this.current = undefined;
			}
		});
	}

	/** The informational headers Keap's gateway sends on every answer. */
	private usageHeaders(throttled: boolean): Record<string, string> {
		const used = this.requests.length;
		const quotaAvailable = this.dailyQuota.exhausted ? 0 : Math.max(0, this.dailyQuota.limit - used);
		const midnight = new Date();
		midnight.setUTCHours(24, 0, 0, 0);
		return {
			'x-keap-product-quota-limit': String(this.dailyQuota.limit),
			'x-keap-product-quota-time-unit': 'day',
			'x-keap-product-quota-interval': '1',
			'x-keap-product-quota-available': String(quotaAvailable),
			'x-keap-product-quota-used': String(this.dailyQuota.limit - quotaAvailable),
			'x-keap-product-quota-expiry-time': String(midnight.getTime()),
			'x-keap-product-throttle-limit': String(this.rateLimit.max),
			'x-keap-product-throttle-time-unit': this.rateLimit.windowMs >= 60_000 ? 'minute' : 'second',
			'x-keap-product-throttle-interval': String(Math.max(1, Math.round(this.rateLimit.windowMs / (this.rateLimit.windowMs >= 60_000 ? 60_000 : 1000)))),
			'x-keap-product-throttle-available': throttled ? '0' : String(this.rateLimit.max - 1),
			'x-keap-product-throttle-used': throttled ? String(this.rateLimit.max) : '1',
		};
	}

	protected json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		const req = this.current;
		if (req) {
			const { errors } = keapSpec().checkResponse(req.method, req.path, status, body);
			if (errors.length) this.responseViolations.push({ method: req.method, path: req.path, status, errors: errors.map((e) => e.message) });
		}
		super.json(res, status, body, { ...this.usageHeaders(status === 429), ...headers });
	}

	/** Keap's error body (the spec's `Error`). */
	private error(res: ServerResponse, status: number, message: string): void {
		const names: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict' };
		this.json(res, status, { code: status, message, status: names[status] ?? 'Error' });
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, { fault: { faultstring: 'Invalid ApiKey', detail: { errorcode: 'oauth.v2.InvalidApiKey' } } });
	}

	protected throttled(res: ServerResponse): void {
		this.json(res, 429, { code: 429, message: 'Quota Exceeded', status: 'Request Throttled' });
	}

	protected serverError(res: ServerResponse, status: number): void {
		this.json(res, status, { code: status, message: 'Internal Server Error', status: 'Internal Server Error' });
	}

	protected notFound(res: ServerResponse): void {
		this.json(res, 404, { code: 404, message: 'Not Found', status: 'Not Found' });
	}

	// ---- test helpers -------------------------------------------------------------------------

	/** Adds a custom field to the contact model; `key` is its field_name. Returns its id. */
	addField(key: string, label: string, type = 'TEXT', options?: string[]): string {
		const id = String(1000 + this.fields.length);
		this.fields.push({ id, key, label, type });
		if (options) this.fieldOptions.set(key, options.map((option, n) => ({ id: `${id}${n + 1}`, label: option })));
		return id;
	}

	/** A stored custom field value by field_name (what the contract target reads back). */
	customValue(email: string, key: string): unknown {
		const contact = this.findByEmail(email);
		const field = this.fields.find((f) => f.key === key);
		if (!contact || !field) return undefined;
		return ((this.records.get(contact.id)?.custom_fields ?? []) as Array<{ id: string; content: unknown }>).find((c) => c.id === field.id)?.content;
	}

	/** Adds a tag directly (as if made in Keap's app); returns its id. */
	addTag(name: string): string {
		return this.tagByName(name, true)!.id;
	}

	// ---- Keap's behaviour ---------------------------------------------------------------------

	private primaryEmail(record: Record<string, any>): string {
		const emails = (record.email_addresses ?? []) as Array<{ email: string; field?: string }>;
		return (emails.find((e) => e.field === 'EMAIL1') ?? emails[0])?.email ?? '';
	}

	/** Keeps the base class's view (e-mail, flat fields) in step with Keap's record. */
	private sync(contact: FakeContact): void {
		const record = this.records.get(contact.id)!;
		contact.email = this.primaryEmail(record);
		const flat: Record<string, unknown> = {};
		for (const key of SCALARS) if (record[key] !== undefined) flat[key] = record[key];
		for (const phone of (record.phone_numbers ?? []) as Array<Record<string, string>>) flat[String(phone.field).toLowerCase()] = phone.number;
		const billing = ((record.addresses ?? []) as Array<Record<string, string>>).find((a) => a.field === 'BILLING');
		for (const [part, value] of Object.entries(billing ?? {})) if (part !== 'field') flat[`billing_${part}`] = value;
		for (const value of (record.custom_fields ?? []) as Array<{ id: string; content: unknown }>) {
			const field = this.fields.find((f) => f.id === value.id);
			if (field) flat[field.key] = value.content;
		}
		contact.fields = flat;
	}

	private contactJson(contact: FakeContact, fields: string | null): Record<string, unknown> {
		const record = this.records.get(contact.id)!;
		const out: Record<string, unknown> = {
			id: contact.id,
			...Object.fromEntries(Object.entries(record).filter(([key]) => !OPTIONAL_PROPERTIES.includes(key))),
			create_time: new Date(contact.createdAt).toISOString(),
			update_time: new Date().toISOString(),
		};
		const wanted = fields ? fields.split(',').map((f) => f.trim()) : [];
		if (wanted.includes('custom_fields')) out.custom_fields = record.custom_fields ?? [];
		if (wanted.includes('tag_ids')) out.tag_ids = [...contact.tags].map((name) => this.tagByName(name, false)!.id);
		if (wanted.includes('job_title') && record.job_title !== undefined) out.job_title = record.job_title;
		if (!wanted.length) return out;
		return Object.fromEntries(Object.entries(out).filter(([key]) => key === 'id' || wanted.includes(key)));
	}

	/** Why Keap would refuse these values, else undefined. */
	private invalid(body: Record<string, any>): string | undefined {
		for (const entry of (body.email_addresses ?? []) as Array<Record<string, unknown>>) {
			if (!EMAIL.test(String(entry.email ?? ''))) return `Invalid email address: ${String(entry.email)}`;
		}
		for (const value of (body.custom_fields ?? []) as Array<{ id?: string; content?: unknown }>) {
			const field = this.fields.find((f) => f.id === value.id);
			if (!field) return `Custom field ${String(value.id)} does not exist`;
			if (value.content === null || value.content === undefined) continue;
			if (!this.fits(field.key, field.type ?? 'TEXT', value.content)) {
				return `Invalid value for custom field ${field.label} (${field.type}): ${JSON.stringify(value.content)}`;
			}
		}
		return undefined;
	}

	private fits(key: string, type: string, content: unknown): boolean {
		const labels = (this.fieldOptions.get(key) ?? []).map((o) => o.label);
		switch (type) {
			case 'WHOLE_NUMBER':
			case 'YEAR':
				return Number.isInteger(content);
			case 'DECIMAL_NUMBER':
			case 'CURRENCY':
			case 'PERCENT':
				return typeof content === 'number';
			case 'YES_NO':
				return typeof content === 'boolean';
			case 'DATE':
				return typeof content === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(content);
			case 'DATE_TIME':
				return typeof content === 'string' && !Number.isNaN(Date.parse(content));
			case 'DROPDOWN':
			case 'RADIO':
				return typeof content === 'string' && labels.includes(content);
			case 'LIST_BOX':
				return typeof content === 'string' && content.split(',').every((one) => labels.includes(one));
			default:
				return typeof content === 'string';
		}
	}

	/** Writes the given properties; arrays replace what the contact had. */
	private apply(contact: FakeContact, body: Record<string, any>, only?: string[]): void {
		const record = this.records.get(contact.id)!;
		const keys = only ?? Object.keys(body);
		for (const key of keys) {
			if (!SCALARS.includes(key) && !ARRAYS.includes(key)) continue;
			if (body[key] === undefined) delete record[key];
			else if (key === 'custom_fields') record[key] = (body[key] as Array<{ id: string; content: unknown }>).filter((c) => c.content !== null);
			else record[key] = body[key];
		}
		this.sync(contact);
	}

	private matchesEmail(contact: FakeContact, pattern: string): boolean {
		const emails = ((this.records.get(contact.id)?.email_addresses ?? []) as Array<{ email: string }>).map((e) => e.email.toLowerCase());
		const wanted = pattern.toLowerCase();
		return wanted.endsWith('*') ? emails.some((e) => e.startsWith(wanted.slice(0, -1))) : emails.includes(wanted);
	}

	private specRejects(req: RecordedRequest, res: ServerResponse): boolean {
		const { errors } = keapSpec().check(req.method, req.path, req.body);
		if (!errors.length) return false;
		this.specViolations.push({ method: req.method, path: req.path, errors: errors.map((e) => e.message) });
		this.error(res, 400, errors.map((e) => e.message).join('; '));
		return true;
	}

	/** `page_size` / `page_token` paging over `list`; the token is the next offset. */
	private paged<T>(req: RecordedRequest, list: T[]): { rows: T[]; next: string } {
		const size = Math.min(MAX_PAGE_SIZE, Number(req.query.get('page_size') || DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE);
		const offset = Number(req.query.get('page_token') ?? 0) || 0;
		const rows = list.slice(offset, offset + size);
		return { rows, next: offset + size < list.length ? String(offset + size) : '' };
	}

	private tagJson(tag: { id: string; name: string }) {
		const time = new Date().toISOString();
		return { id: tag.id, name: tag.name, create_time: time, update_time: time };
	}

	protected routes(): void {
		this.route('GET', '/contacts/model', (_req, res) => {
			this.json(res, 200, {
				custom_fields: this.fields.map((field) => ({
					id: field.id,
					label: field.label,
					field_name: field.key,
					field_type: field.type ?? 'TEXT',
					record_type: 'CONTACT',
					group_name: 'Custom Fields',
					...(this.fieldOptions.has(field.key) ? { options: this.fieldOptions.get(field.key) } : {}),
				})),
				optional_properties: OPTIONAL_PROPERTIES,
			});
		});

		this.route('GET', '/contacts', (req, res) => {
			let all = [...this.contacts.values()].sort((a, b) => Number(a.id) - Number(b.id));
			for (const clause of (req.query.get('filter') ?? '').split(';').filter(Boolean)) {
				const [name, value] = clause.split('==');
				if (name !== 'email' || value === undefined) return this.error(res, 400, `Unsupported filter: ${clause}`);
				all = all.filter((contact) => this.matchesEmail(contact, value));
			}
			const { rows, next } = this.paged(req, all);
			this.json(res, 200, { contacts: rows.map((c) => this.contactJson(c, req.query.get('fields'))), next_page_token: next });
		});

		this.route('POST', '/contacts', (req, res) => {
			if (this.specRejects(req, res)) return;
			const body = asObject(req.body) as Record<string, any>;
			if (!body.email_addresses?.length && !body.phone_numbers?.length && !body.addresses?.length) {
				return this.error(res, 400, 'Contact must contain at least one item in email_addresses, phone_numbers, or addresses');
			}
			const problem = this.invalid(body);
			if (problem) return this.error(res, 400, problem);
			const email = this.primaryEmail(body);
			const existing = req.query.get('duplicate_option') === 'Email' && email ? this.findByEmail(email) : undefined;
			if (existing) {
				this.apply(existing, body);
				return this.json(res, 200, this.contactJson(existing, req.query.get('fields')));
			}
			const contact = this.createContact(email);
			this.records.set(contact.id, {});
			this.apply(contact, body);
			this.json(res, 201, this.contactJson(contact, req.query.get('fields')));
		});

		this.route('GET', '/contacts/:contact_id', (req, res, { contact_id }) => {
			const contact = this.contacts.get(contact_id);
			if (!contact) return this.error(res, 404, `Contact ${contact_id} not found`);
			this.json(res, 200, this.contactJson(contact, req.query.get('fields')));
		});

		this.route('PATCH', '/contacts/:contact_id', (req, res, { contact_id }) => {
			if (this.specRejects(req, res)) return;
			const contact = this.contacts.get(contact_id);
			if (!contact) return this.error(res, 404, `Contact ${contact_id} not found`);
			const body = asObject(req.body) as Record<string, any>;
			const problem = this.invalid(body);
			if (problem) return this.error(res, 400, problem);
			const mask = req.query.get('update_mask');
			this.apply(contact, body, mask ? mask.split(',') : undefined);
			this.json(res, 200, this.contactJson(contact, req.query.get('fields')));
		});

		this.route('DELETE', '/contacts/:contact_id', (_req, res, { contact_id }) => {
			if (!this.contacts.delete(contact_id)) return this.error(res, 404, `Contact ${contact_id} not found`);
			this.records.delete(contact_id);
			this.json(res, 204, undefined);
		});

		this.route('GET', '/tags', (req, res) => {
			const all = [...this.tags.values()].sort((a, b) => Number(a.id) - Number(b.id));
			const { rows, next } = this.paged(req, all);
			this.json(res, 200, { tags: rows.map((tag) => this.tagJson(tag)), next_page_token: next });
		});

		this.route('POST', '/tags', (req, res) => {
			if (this.specRejects(req, res)) return;
			const name = String(asObject(req.body).name ?? '').trim();
			if (!name) return this.error(res, 400, 'Tag name is required');
			if (this.tagByName(name, false)) return this.error(res, 400, `A tag named ${name} already exists`);
			this.json(res, 201, this.tagJson(this.tagByName(name, true)!));
		});

		// `/tags/{tag_id}/contacts:applyTags` and `…:removeTags` (a colon verb, not a path parameter).
		this.route('POST', '/tags/:tag_id/:verb', (req, res, { tag_id, verb }) => {
			if (verb !== 'contacts:applyTags' && verb !== 'contacts:removeTags') return this.notFound(res);
			if (this.specRejects(req, res)) return;
			const tag = this.tags.get(tag_id);
			if (!tag) return this.error(res, 404, `Tag ${tag_id} not found`);
			const ids = (asObject(req.body).contact_ids ?? []) as string[];
			const results: Record<string, string> = {};
			for (const id of ids) {
				const contact = this.contacts.get(id);
				if (!contact) results[id] = 'CONTACT_NOT_FOUND';
				else if (verb === 'contacts:applyTags') {
					contact.tags.add(tag.name);
					results[id] = 'SUCCESS';
				} else contact.tags.delete(tag.name);
			}
			if (verb === 'contacts:removeTags') return this.json(res, 204, undefined);
			this.json(res, 200, { results });
		});
	}
}
