/**
 * Zoho CRM REST API v8 (Contacts module), as the adapter uses it, with Zoho's OAuth2 accounts server on
 * a second 127.0.0.1 server. Built from Zoho's own API reference (no OpenAPI spec is published):
 *
 * - OAuth token refresh:      https://www.zoho.com/crm/developer/docs/api/v8/refresh.html
 *   (POST {accounts}/oauth/v2/token, form body, answer { access_token, api_domain, token_type, expires_in })
 *   Read: upsert, search and get-tags in v8; add-tags, fields and limits in v3-v7; the token refresh in
 *   other Zoho products' copies. Insert, update, get and delete were not read: their shapes here follow
 *   the upsert and search answers and are unverified (see docs/crms.md).
 * - Upsert records:           https://www.zoho.com/crm/developer/docs/api/v8/upsert-records.html
 * - Insert records:           https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html
 * - Update a record:          https://www.zoho.com/crm/developer/docs/api/v8/update-specific-record.html
 * - Get a record:             https://www.zoho.com/crm/developer/docs/api/v8/get-records.html
 * - Search records (email=):  https://www.zoho.com/crm/developer/docs/api/v8/search-records.html
 * - Delete records (ids=):    https://www.zoho.com/crm/developer/docs/api/v8/delete-records.html
 * - Fields metadata:          https://www.zoho.com/crm/developer/docs/api/v8/field-meta.html
 * - Tags (list, add, remove): https://www.zoho.com/crm/developer/docs/api/v8/get-tag-list.html,
 *                             https://www.zoho.com/crm/developer/docs/api/v8/add-tags.html,
 *                             https://www.zoho.com/crm/developer/docs/api/v8/remove-tags.html
 * - Limits and 429:           https://www.zoho.com/crm/developer/docs/api/v8/api-limits.html
 *
 * Every error is Zoho's shape `{ code, details, message, status: "error" }`; record-level results come
 * back in `data[]` in request order. Access tokens expire (`expireTokens()`) and answer 401
 * INVALID_TOKEN until the client refreshes; the 429 answer is TOO_MANY_REQUESTS (concurrency) or
 * LIMIT_REACHED (the 24-hour credit window), with no Retry-After (Zoho documents none).
 */
import type { ServerResponse } from 'node:http';

import { type LocalServer, type RecordedRequest, sendJson, startServer } from '../../support/http-server';
import { asObject, type FakeContact, FakeCrm } from './base';

export const ZOHO_CLIENT_ID = '1000.WPUMTESTCLIENT';
export const ZOHO_CLIENT_SECRET = 'wpum-test-client-secret';
export const ZOHO_REFRESH_TOKEN = '1000.refresh.wpum';
export const ZOHO_FIRST_ACCESS_TOKEN = '1000.access.first';

/** A Zoho field as GET /settings/fields answers it (the keys the adapter and the fake use). */
export interface ZohoField {
	api_name: string;
	field_label: string;
	display_label: string;
	data_type: string;
	custom_field: boolean;
	read_only: boolean;
	field_read_only: boolean;
	system_mandatory: boolean;
	length?: number;
	pick_list_values: Array<{ display_value: string; actual_value: string; id: string }>;
}

function field(api_name: string, data_type: string, options: Partial<ZohoField> = {}): ZohoField {
	const label = api_name.replace(/_/g, ' ');
	return {
		api_name,
		field_label: label,
		display_label: label,
		data_type,
		custom_field: false,
		read_only: false,
		field_read_only: false,
		system_mandatory: false,
		pick_list_values: [],
		...options,
	};
}

const READ_ONLY_TYPES = ['autonumber', 'formula', 'ownerlookup', 'lookup', 'fileupload', 'imageupload', 'profileimage'];
const RECORD_LIMIT = 100;

type RecordResult = { code: string; details: Record<string, unknown>; message: string; status: 'success' | 'error' } & Record<string, unknown>;

const zohoError = (code: string, message: string, details: Record<string, unknown> = {}) => ({ code, details, message, status: 'error' as const });

export class ZohoCrmFake extends FakeCrm {
	protected readonly prefix = '/crm/v8';

	zohoFields: ZohoField[] = [
		field('id', 'bigint', { read_only: true, field_read_only: true }),
		field('First_Name', 'text', { length: 40 }),
		field('Last_Name', 'text', { system_mandatory: true, length: 80 }),
		field('Email', 'email'),
		field('Secondary_Email', 'email'),
		field('Phone', 'phone'),
		field('Mobile', 'phone'),
		field('Date_of_Birth', 'date'),
		field('Email_Opt_Out', 'boolean'),
		field('Lead_Source', 'picklist', {
			pick_list_values: [
				{ display_value: '-None-', actual_value: '-None-', id: 'p0' },
				{ display_value: 'Web Site', actual_value: 'Web Site', id: 'p1' },
				{ display_value: 'Advertisement', actual_value: 'Advertisement', id: 'p2' },
			],
		}),
		field('Mailing_City', 'text'),
		field('Description', 'textarea'),
		field('Owner', 'ownerlookup'),
		field('Account_Name', 'lookup'),
		field('Created_Time', 'datetime', { read_only: true, field_read_only: true }),
	];

	/** Which 429 the throttle sends: concurrency (TOO_MANY_REQUESTS) or the 24-hour credits (LIMIT_REACHED). */
	throttleCode: 'TOO_MANY_REQUESTS' | 'LIMIT_REACHED' = 'TOO_MANY_REQUESTS';
	/** Requests the accounts server received (token refreshes). */
	get tokenRequests(): RecordedRequest[] {
		return this.accounts?.requests ?? [];
	}

	/** Access tokens the API accepts right now. */
	private readonly liveTokens = new Set<string>([ZOHO_FIRST_ACCESS_TOKEN]);
	private readonly refreshTokens = new Set<string>([ZOHO_REFRESH_TOKEN]);
	private issued = 0;
	private accounts?: LocalServer;

	get accountsUrl(): string {
		if (!this.accounts) throw new Error('fake not started');
		return this.accounts.url;
	}

	/** Every access token handed out so far stops working (Zoho's expire after an hour). */
	expireTokens(): void {
		this.liveTokens.clear();
	}

	/** Adds a custom field (Zoho custom fields carry `custom_field: true`). */
	addField(apiName: string, dataType = 'text', options: Partial<ZohoField> = {}): void {
		this.zohoFields.push(field(apiName, dataType, { custom_field: true, ...options }));
	}

	override async start(): Promise<this> {
		this.accounts = await startServer((req, res) => this.token(req, res));
		return await super.start();
	}

	override async close(): Promise<void> {
		await this.accounts?.close();
		await super.close();
	}

	/** Seeds a tag of the module. */
	addTag(name: string): void {
		this.tagByName(name, true);
	}

	storedValue(email: string, apiName: string): unknown {
		return this.findByEmail(email)?.fields[apiName];
	}

	// ---- OAuth2 accounts server ---------------------------------------------------------------

	private token(req: RecordedRequest, res: ServerResponse): void {
		if (req.method !== 'POST' || req.path !== '/oauth/v2/token') return sendJson(res, 404, { error: 'invalid_request' });
		// Zoho takes the parameters as form data (or in the query string).
		const form = new URLSearchParams(req.rawBody);
		const param = (name: string) => form.get(name) ?? req.query.get(name) ?? undefined;
		if (param('grant_type') !== 'refresh_token') return sendJson(res, 200, { error: 'unsupported_grant_type' });
		if (param('client_id') !== ZOHO_CLIENT_ID || param('client_secret') !== ZOHO_CLIENT_SECRET) {
			return sendJson(res, 200, { error: 'invalid_client' });
		}
		// Zoho answers a revoked or unknown refresh token with HTTP 200 and an error key.
		if (!this.refreshTokens.has(String(param('refresh_token')))) return sendJson(res, 200, { error: 'invalid_code' });
		const accessToken = `1000.access.${++this.issued}`;
		this.liveTokens.add(accessToken);
		sendJson(res, 200, { access_token: accessToken, api_domain: this.url, token_type: 'Bearer', expires_in: 3600 });
	}

	// ---- API ------------------------------------------------------------------------------------

	protected authorize(req: RecordedRequest): boolean {
		const header = String(req.headers.authorization ?? '');
		// Zoho documents `Zoho-oauthtoken <token>`; n8n's OAuth2 client signs with the token type Zoho
		// returns ("Bearer"), which Zoho's accounts documentation also describes.
		const match = /^(?:Zoho-oauthtoken|Bearer) (\S+)$/.exec(header);
		return !!match && this.liveTokens.has(match[1]);
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, zohoError('INVALID_TOKEN', 'invalid oauth token'));
	}

	protected throttled(res: ServerResponse): void {
		const message =
			this.throttleCode === 'LIMIT_REACHED'
				? 'API calls for this organization have exceeded the limit for the 24-hour window'
				: 'You have exceeded the concurrency limit for this API';
		this.json(res, 429, zohoError(this.throttleCode, message));
	}

	protected override serverError(res: ServerResponse, status: number): void {
		this.json(res, status, zohoError('INTERNAL_ERROR', 'Internal Server Error'));
	}

	protected override notFound(res: ServerResponse): void {
		this.json(res, 404, zohoError('INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one'));
	}

	private fieldByName(apiName: string): ZohoField | undefined {
		return this.zohoFields.find((f) => f.api_name === apiName);
	}

	private recordOf(contact: FakeContact): Record<string, unknown> {
		return {
			id: contact.id,
			Email: contact.email,
			...contact.fields,
			Tag: [...contact.tags].map((name) => ({ name, id: this.tagByName(name, false)?.id })),
		};
	}

	/** Zoho's type check of one value; a problem becomes INVALID_DATA naming the field. */
	private valueProblem(f: ZohoField, value: unknown): Record<string, unknown> | undefined {
		if (value === null) return undefined;
		const expected = (type: string) => ({ expected_data_type: type, api_name: f.api_name });
		switch (f.data_type) {
			case 'text':
			case 'textarea':
			case 'phone':
			case 'website':
				if (typeof value !== 'string') return expected(f.data_type);
				if (f.length && value.length > f.length) return { ...expected(f.data_type), maximum_length: f.length };
				return undefined;
			case 'email':
				return typeof value === 'string' && this.isEmail(value) ? undefined : expected('email');
			case 'integer':
			case 'bigint':
				return Number.isInteger(value) ? undefined : expected(f.data_type);
			case 'double':
			case 'currency':
			case 'decimal':
			case 'percent':
				return typeof value === 'number' && Number.isFinite(value) ? undefined : expected(f.data_type);
			case 'boolean':
				return typeof value === 'boolean' ? undefined : expected('boolean');
			case 'date':
				return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? undefined : expected('date');
			case 'datetime':
				return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/.test(value) ? undefined : expected('datetime');
			case 'picklist':
				return typeof value === 'string' && f.pick_list_values.some((o) => o.actual_value === value) ? undefined : expected('picklist');
			case 'multiselectpicklist':
				return Array.isArray(value) && value.every((v) => f.pick_list_values.some((o) => o.actual_value === v))
					? undefined
					: expected('multiselectpicklist');
			default:
				return expected(f.data_type);
		}
	}

	/** Checks one input record; `creating` also checks the mandatory Last_Name. */
	private checkRecord(record: Record<string, unknown>, index: number, creating: boolean): RecordResult | undefined {
		for (const [key, value] of Object.entries(record)) {
			if (key === 'id' || key.startsWith('$')) continue;
			const f = this.fieldByName(key);
			if (!f) return zohoError('INVALID_DATA', 'invalid data', { api_name: key, json_path: `$.data[${index}].${key}` });
			if (f.read_only || f.field_read_only || READ_ONLY_TYPES.includes(f.data_type)) {
				return zohoError('INVALID_DATA', 'invalid data', { api_name: key, json_path: `$.data[${index}].${key}` });
			}
			const problem = this.valueProblem(f, value);
			if (problem) return zohoError('INVALID_DATA', 'invalid data', { ...problem, json_path: `$.data[${index}].${key}` });
		}
		if (creating && (typeof record.Last_Name !== 'string' || record.Last_Name.trim() === '')) {
			return zohoError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'Last_Name', json_path: `$.data[${index}].Last_Name` });
		}
		return undefined;
	}

	private apply(contact: FakeContact, record: Record<string, unknown>): void {
		for (const [key, value] of Object.entries(record)) {
			if (key === 'id' || key.startsWith('$')) continue;
			if (key === 'Email') contact.email = String(value);
			else contact.fields[key] = value;
		}
	}

	private success(contact: FakeContact, message: string, extra: Record<string, unknown> = {}): RecordResult {
		return { code: 'SUCCESS', details: { id: contact.id, Created_Time: new Date(contact.createdAt).toISOString() }, message, status: 'success', ...extra };
	}

	/** `{ data: [...] }` with 1..100 objects, else Zoho's request-level error. */
	private records(req: RecordedRequest, res: ServerResponse): Array<Record<string, unknown>> | undefined {
		const body = asObject(req.body);
		if (!Array.isArray(body.data)) {
			this.json(res, 400, zohoError('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'data' }));
			return undefined;
		}
		if (body.data.length === 0 || body.data.length > RECORD_LIMIT) {
			this.json(res, 400, zohoError('LIMIT_EXCEEDED', `You can insert, update or upsert a maximum of ${RECORD_LIMIT} records`, { limit: RECORD_LIMIT }));
			return undefined;
		}
		if (!body.data.every((r) => r && typeof r === 'object' && !Array.isArray(r))) {
			this.json(res, 400, zohoError('INVALID_DATA', 'the input data is invalid', { expected_data_type: 'jsonobject' }));
			return undefined;
		}
		return body.data as Array<Record<string, unknown>>;
	}

	/** 200/201 when all succeeded, 207 when some failed, 400 when all failed (Zoho's multi-record answers). */
	private answer(res: ServerResponse, results: RecordResult[], created: boolean): void {
		const failed = results.filter((r) => r.status === 'error').length;
		const status = failed === results.length ? 400 : failed ? 207 : created ? 201 : 200;
		this.json(res, status, { data: results });
	}

	private contactById(id: string): FakeContact | undefined {
		return this.contacts.get(id);
	}

	/** `{ tags: [{ name | id }] }`: each tag needs a non-empty name or an id (the id wins, Zoho says). */
	private tagsFromBody(req: RecordedRequest, res: ServerResponse): Array<{ id?: string; name?: string }> | undefined {
		const tags = asObject(req.body).tags;
		const valid = (t: unknown) => {
			const { id, name } = asObject(t);
			return (typeof id === 'string' && id !== '') || (typeof name === 'string' && name.trim() !== '');
		};
		if (!Array.isArray(tags) || !tags.length || !tags.every(valid)) {
			this.json(res, 400, zohoError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'tags' }));
			return undefined;
		}
		return tags.map((t) => {
			const { id, name } = asObject(t);
			return { id: typeof id === 'string' ? id : undefined, name: typeof name === 'string' ? name.trim() : undefined };
		});
	}

	protected routes(): void {
		this.route('GET', '/settings/fields', (req, res) => {
			if (req.query.get('module') !== 'Contacts') {
				return this.json(res, 400, zohoError('INVALID_MODULE', 'the module name given seems to be invalid', { param_name: 'module' }));
			}
			this.json(res, 200, { fields: this.zohoFields });
		});

		this.route('GET', '/settings/tags', (req, res) => {
			if (req.query.get('module') !== 'Contacts') {
				return this.json(res, 400, zohoError('INVALID_MODULE', 'the module name given seems to be invalid', { param_name: 'module' }));
			}
			const tags = [...this.tags.values()].map((tag) => ({ id: tag.id, name: tag.name, color_code: null }));
			this.json(res, 200, { tags, info: { count: tags.length, allowed_count: 100 } });
		});

		this.route('POST', '/settings/tags', (req, res) => {
			if (req.query.get('module') !== 'Contacts') {
				return this.json(res, 400, zohoError('INVALID_MODULE', 'the module name given seems to be invalid', { param_name: 'module' }));
			}
			const refs = this.tagsFromBody(req, res);
			if (!refs) return;
			const results = refs.map((ref) => {
				if (!ref.name) return zohoError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'name' });
				if (this.tagByName(ref.name, false)) return zohoError('DUPLICATE_DATA', 'duplicate data', { api_name: 'name' });
				const tag = this.tagByName(ref.name, true)!;
				return { code: 'SUCCESS', details: { id: tag.id, created_time: new Date().toISOString() }, message: 'tags created successfully', status: 'success' };
			});
			this.json(res, 200, { tags: results });
		});

		this.route('GET', '/users', (req, res) => {
			if (req.query.get('type') !== 'CurrentUser') return this.json(res, 400, zohoError('INVALID_DATA', 'invalid data', { param_name: 'type' }));
			this.json(res, 200, { users: [{ id: '9000000000001', full_name: 'WPUM Test', email: 'owner@example.com' }] });
		});

		this.route('POST', '/Contacts/upsert', (req, res) => {
			const records = this.records(req, res);
			if (!records) return;
			const checkFields = asObject(req.body).duplicate_check_fields;
			if (checkFields !== undefined && (!Array.isArray(checkFields) || !checkFields.every((f) => typeof f === 'string' && this.fieldByName(f)))) {
				return this.json(res, 400, zohoError('INVALID_DATA', 'invalid data', { api_name: 'duplicate_check_fields' }));
			}
			const results = records.map((record, index): RecordResult => {
				const existing = typeof record.Email === 'string' ? this.findByEmail(record.Email) : undefined;
				const problem = this.checkRecord(record, index, !existing);
				if (problem) return problem;
				if (existing) {
					this.apply(existing, record);
					return this.success(existing, 'record updated', { action: 'update', duplicate_field: 'Email' });
				}
				const contact = this.createContact(String(record.Email ?? ''));
				this.apply(contact, record);
				return this.success(contact, 'record added', { action: 'insert', duplicate_field: null });
			});
			this.answer(res, results, results.every((r) => r.action === 'insert'));
		});

		this.route('POST', '/Contacts', (req, res) => {
			const records = this.records(req, res);
			if (!records) return;
			const results = records.map((record, index): RecordResult => {
				const problem = this.checkRecord(record, index, true);
				if (problem) return problem;
				// Email is a system duplicate-check field of Contacts.
				if (typeof record.Email === 'string' && this.findByEmail(record.Email)) {
					return zohoError('DUPLICATE_DATA', 'duplicate data', { api_name: 'Email', id: this.findByEmail(record.Email)!.id });
				}
				const contact = this.createContact(String(record.Email ?? ''));
				this.apply(contact, record);
				return this.success(contact, 'record added');
			});
			this.answer(res, results, true);
		});

		this.route('GET', '/Contacts/search', (req, res) => {
			const email = req.query.get('email');
			if (!email) return this.json(res, 400, zohoError('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'criteria' }));
			const wanted = email.toLowerCase();
			const found = [...this.contacts.values()].filter(
				(c) => c.email.toLowerCase() === wanted || String(c.fields.Secondary_Email ?? '').toLowerCase() === wanted,
			);
			// No match: 204 without a body.
			if (!found.length) return this.json(res, 204, undefined);
			this.json(res, 200, { data: found.map((c) => this.recordOf(c)), info: { per_page: 200, count: found.length, page: 1, more_records: false } });
		});

		this.route('GET', '/Contacts/:id', (_req, res, { id }) => {
			const contact = this.contactById(id);
			if (!contact) return this.json(res, 204, undefined);
			this.json(res, 200, { data: [this.recordOf(contact)] });
		});

		this.route('PUT', '/Contacts/:id', (req, res, { id }) => {
			const records = this.records(req, res);
			if (!records) return;
			if (records.length !== 1) return this.json(res, 400, zohoError('INVALID_DATA', 'invalid data', { expected_data_type: 'jsonarray', maximum_length: 1 }));
			const contact = this.contactById(id);
			if (!contact) return this.json(res, 400, { data: [zohoError('INVALID_DATA', 'the related id given seems to be invalid', { api_name: 'id', id })] });
			const problem = this.checkRecord(records[0], 0, false);
			if (problem) return this.json(res, 400, { data: [problem] });
			const email = records[0].Email;
			const other = typeof email === 'string' ? this.findByEmail(email) : undefined;
			if (other && other.id !== contact.id) return this.json(res, 400, { data: [zohoError('DUPLICATE_DATA', 'duplicate data', { api_name: 'Email', id: other.id })] });
			this.apply(contact, records[0]);
			this.json(res, 200, { data: [this.success(contact, 'record updated')] });
		});

		this.route('DELETE', '/Contacts', (req, res) => {
			const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
			if (!ids.length) return this.json(res, 400, zohoError('REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param: 'ids' }));
			const results = ids.map((id): RecordResult => {
				const contact = this.contactById(id);
				if (!contact) return zohoError('INVALID_DATA', 'the related id given seems to be invalid', { id });
				this.contacts.delete(id);
				return { code: 'SUCCESS', details: { id }, message: 'record deleted', status: 'success' };
			});
			this.answer(res, results, false);
		});

		const tagAction = (add: boolean) => (req: RecordedRequest, res: ServerResponse, { id }: Record<string, string>) => {
			const contact = this.contactById(id);
			if (!contact) return this.json(res, 400, { data: [zohoError('INVALID_DATA', 'the related id given seems to be invalid', { id })] });
			const refs = this.tagsFromBody(req, res);
			if (!refs) return;
			for (const ref of refs) {
				const tag = ref.id ? this.tags.get(ref.id) : this.tagByName(ref.name!, add);
				if (!tag) {
					if (ref.id) return this.json(res, 400, { data: [zohoError('INVALID_DATA', 'the related id given seems to be invalid', { api_name: 'tags.id', id: ref.id })] });
					continue;
				}
				const name = tag.name;
				if (add) contact.tags.add(tag.name);
				else for (const have of [...contact.tags]) if (have.toLowerCase() === name.toLowerCase()) contact.tags.delete(have);
			}
			const tags = [...contact.tags].map((name) => ({ name, id: this.tagByName(name, false)?.id }));
			this.json(res, 200, { data: [{ code: 'SUCCESS', details: { id, tags }, message: 'tags updated successfully', status: 'success' }] });
		};
		this.route('POST', '/Contacts/:id/actions/add_tags', tagAction(true));
		this.route('POST', '/Contacts/:id/actions/remove_tags', tagAction(false));
	}
}
