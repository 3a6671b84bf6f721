/**
 * Brevo API v3 (https://developers.brevo.com/reference), as far as the adapter uses it. Every request
 * body is validated against Brevo's official OpenAPI spec (`../shared/specs/brevo/`); violations are
 * answered with Brevo's 400 and recorded in `specViolations`. Behaviour modelled on the docs:
 * `api-key` header auth; `POST /contacts` answers 201 `{id}` for a new contact and, with
 * `updateEnabled: true`, 204 (no body) when it updated an existing one, else 400 duplicate_parameter;
 * `PUT /contacts/{identifier}` (204) changes the e-mail through `attributes.EMAIL`, adds lists with
 * `listIds` and removes them with `unlinkListIds`; lists need a folder; list paging `limit` ≤ 50
 * (default 10); attributes in one unpaged response. Rate limit: 10 requests/s on contact routes,
 * answered with 429 and `x-sib-ratelimit-limit/-remaining/-reset` (seconds), no Retry-After.
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, type FakeContact, FakeCrm, type RouteHandler } from './base';
import { OpenApiSpec } from './openapi';

export const BREVO_KEY = 'xkeysib-test-0123456789abcdef';
/** Attributes every Brevo account starts with. */
const DEFAULT_ATTRIBUTES = [
	{ name: 'FIRSTNAME', category: 'normal', type: 'text' },
	{ name: 'LASTNAME', category: 'normal', type: 'text' },
	{ name: 'SMS', category: 'normal', type: 'text' },
	{ name: 'EXT_ID', category: 'normal', type: 'text' },
];

let sharedSpec: OpenApiSpec | undefined;
/** Parsing the 25,000-line spec takes a second: once per test file. */
export function brevoSpec(): OpenApiSpec {
	sharedSpec ??= new OpenApiSpec('brevo/swagger_definition_v3.yml', '/v3');
	return sharedSpec;
}

export class BrevoFake extends FakeCrm {
	protected readonly prefix = '/v3';
	/** Bodies that broke the official spec: an adapter bug unless a test sent bad data on purpose. */
	readonly specViolations: Array<{ method: string; path: string; errors: string[] }> = [];
	/** Answers of this fake that the official spec does not document: a fake bug. */
	readonly responseViolations: Array<{ method: string; path: string; status: number; errors: string[] }> = [];
	private current?: RecordedRequest;
	readonly folders = new Map<string, string>();
	/** Folder of each list (by list id). */
	readonly listFolders = new Map<string, string>();
	/** Options of "category" attributes (fields whose type is `category`), by attribute name. */
	readonly categoryOptions = new Map<string, Array<{ value: number; label: string }>>();
	/** Attribute values Brevo ignored because they did not fit the attribute's type (it says nothing). */
	readonly ignoredAttributes: Array<{ name: string; value: unknown }> = [];

	constructor() {
		super();
		this.rateLimit = { max: 10, windowMs: 1000 };
		this.folders.set(this.newId(), 'Your first folder');
	}

	protected authorize(req: RecordedRequest): boolean {
		return req.headers['api-key'] === BREVO_KEY;
	}

	/** Every route's answer is checked against the responses the spec documents for it. */
	protected route(method: string, path: string, handler: RouteHandler): void {
		super.route(method, path, async (req, res, params) => {
			this.current = req;
			try {
				await handler(req, res, params);
			} finally {
				this.current = undefined;
			}
		});
	}

	protected json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		const req = this.current;
		if (req) {
			const { errors } = brevoSpec().checkResponse(req.method, req.path, status, body);
			if (errors.length) this.responseViolations.push({ method: req.method, path: req.path, status, errors: errors.map((e) => e.message) });
		}
		super.json(res, status, body, headers);
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, { code: 'unauthorized', message: 'Key not found' });
	}

	protected throttled(res: ServerResponse): void {
		this.json(
			res,
			429,
			{ code: 'too_many_requests', message: 'The expected rate limit is exceeded.' },
			{ 'x-sib-ratelimit-limit': String(this.rateLimit.max), 'x-sib-ratelimit-remaining': '0', 'x-sib-ratelimit-reset': '1' },
		);
	}

	/** Adds a list (what our tags become) in the default folder; returns its id. */
	addList(name: string): string {
		const list = this.tagByName(name, true)!;
		this.listFolders.set(list.id, [...this.folders.keys()][0]);
		return list.id;
	}

	private contactJson(contact: FakeContact) {
		const listIds = [...contact.tags].map((name) => Number(this.tagByName(name, false)!.id));
		return {
			email: contact.email,
			id: Number(contact.id),
			emailBlacklisted: false,
			smsBlacklisted: false,
			createdAt: new Date(contact.createdAt).toISOString(),
			modifiedAt: new Date().toISOString(),
			attributes: { ...contact.fields },
			listIds,
			statistics: {},
		};
	}

	/** Brevo's identifier rules: `identifierType` when given, else a number is an id and the rest an e-mail. */
	private lookup(req: RecordedRequest, identifier: string): FakeContact | undefined {
		const type = req.query.get('identifierType') ?? (/^\d+$/.test(identifier) ? 'contact_id' : 'email_id');
		if (type === 'contact_id') return this.contacts.get(identifier);
		if (type === 'email_id') return this.findByEmail(identifier);
		return undefined;
	}

	private knownAttribute(name: string): boolean {
		return DEFAULT_ATTRIBUTES.some((a) => a.name === name) || this.fields.some((f) => f.key === name);
	}

	/** Whether a value fits the attribute's type; `""` (clear) fits all. */
	private fits(name: string, value: unknown): boolean {
		if (value === '') return true;
		const type = this.fields.find((f) => f.key === name)?.type ?? 'text';
		if (type === 'float') return typeof value === 'number';
		if (type === 'boolean') return typeof value === 'boolean';
		if (type === 'date') return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
		if (type === 'category') return (this.categoryOptions.get(name) ?? []).some((option) => option.value === value);
		return typeof value === 'string' || typeof value === 'number';
	}

	/** Stores attributes the account has; Brevo ignores the others and values that do not fit the type. */
	private applyAttributes(contact: FakeContact, attributes: Record<string, unknown>): void {
		for (const [name, value] of Object.entries(attributes)) {
			if (name === 'EMAIL' || !this.knownAttribute(name)) continue;
			if (this.fits(name, value)) contact.fields[name] = value;
			else this.ignoredAttributes.push({ name, value });
		}
	}

	/** A 400 for list ids the account does not have, else undefined. */
	private unknownList(ids: unknown): string | undefined {
		for (const id of (ids as unknown[] | undefined) ?? []) {
			if (!this.tags.has(String(id))) return `List ID ${String(id)} does not exist`;
		}
		return undefined;
	}

	private applyLists(contact: FakeContact, add: unknown, remove: unknown): void {
		for (const id of (add as unknown[] | undefined) ?? []) contact.tags.add(this.tags.get(String(id))!.name);
		for (const id of (remove as unknown[] | undefined) ?? []) {
			const list = this.tags.get(String(id));
			if (list) contact.tags.delete(list.name);
		}
	}

	/** 400 with Brevo's error body when the request body breaks the official spec. */
	private specRejects(req: RecordedRequest, res: ServerResponse): boolean {
		if (req.method === 'GET' || req.method === 'DELETE') return false;
		const { errors } = brevoSpec().check(req.method, req.path, req.body);
		if (!errors.length) return false;
		this.specViolations.push({ method: req.method, path: req.path, errors: errors.map((e) => e.message) });
		const badEmail = errors.find((e) => e.path === '/email' && e.keyword === 'format');
		this.json(res, 400, {
			code: 'invalid_parameter',
			message: badEmail ? 'Invalid email address' : errors.map((e) => e.message).join('; '),
		});
		return true;
	}

	protected routes(): void {
		this.route('GET', '/account', (_req, res) => {
			this.json(res, 200, {
				email: 'owner@example.com',
				firstName: 'Test',
				lastName: 'Owner',
				companyName: 'Example',
				address: { street: '1 Main Street', city: 'Paris', zipCode: '75001', country: 'France' },
				plan: [{ type: 'free', creditsType: 'sendLimit', credits: 300 }],
				relay: { enabled: false, data: { userName: 'owner@example.com', relay: 'smtp-relay.brevo.com', port: 587 } },
			});
		});

		this.route('GET', '/contacts/attributes', (_req, res) => {
			this.json(res, 200, {
				attributes: [
					...DEFAULT_ATTRIBUTES,
					...this.fields.map((field) =>
						field.type === 'category'
							? { name: field.key, category: 'category', type: 'text', enumeration: this.categoryOptions.get(field.key) ?? [] }
							: { name: field.key, category: 'normal', type: field.type ?? 'text' },
					),
					{ name: 'ORDER_COUNT', category: 'calculated', type: 'float', calculatedValue: 'COUNT[ORDER_ID]' },
				],
			});
		});

		this.route('GET', '/contacts/lists', (req, res) => {
			const limit = Number(req.query.get('limit') ?? 10);
			const offset = Number(req.query.get('offset') ?? 0);
			if (limit > 50) return this.json(res, 400, { code: 'out_of_range', message: 'Limit exceeds max value' });
			const all = [...this.tags.values()].sort((a, b) => Number(a.id) - Number(b.id));
			if (req.query.get('sort') !== 'asc') all.reverse();
			const lists = this.page(all, offset, limit).map((list) => ({
				id: Number(list.id),
				name: list.name,
				folderId: Number(this.listFolders.get(list.id)),
				totalSubscribers: [...this.contacts.values()].filter((c) => c.tags.has(list.name)).length,
				totalBlacklisted: 0,
				uniqueSubscribers: 0,
			}));
			this.json(res, 200, lists.length ? { lists, count: all.length } : { count: all.length });
		});

		this.route('POST', '/contacts/lists', (req, res) => {
			if (this.specRejects(req, res)) return;
			const body = asObject(req.body);
			const folder = String(body.folderId);
			if (!this.folders.has(folder)) return this.json(res, 404, { code: 'document_not_found', message: 'Folder ID does not exist' });
			if (this.tagByName(String(body.name), false)) {
				return this.json(res, 400, { code: 'duplicate_parameter', message: 'List name already exists' });
			}
			const list = this.tagByName(String(body.name), true)!;
			this.listFolders.set(list.id, folder);
			this.json(res, 201, { id: Number(list.id) });
		});

		this.route('GET', '/contacts/folders', (req, res) => {
			const limit = Number(req.query.get('limit') ?? 10);
			const offset = Number(req.query.get('offset') ?? 0);
			if (limit > 50) return this.json(res, 400, { code: 'out_of_range', message: 'Limit exceeds max value' });
			const folders = [...this.folders.entries()].map(([id, name]) => ({ id: Number(id), name, totalBlacklisted: 0, totalSubscribers: 0, uniqueSubscribers: 0 }));
			this.json(res, 200, { folders: this.page(folders, offset, limit), count: folders.length });
		});

		this.route('POST', '/contacts/folders', (req, res) => {
			if (this.specRejects(req, res)) return;
			const id = this.newId();
			this.folders.set(id, String(asObject(req.body).name));
			this.json(res, 201, { id: Number(id) });
		});

		this.route('GET', '/contacts/:identifier', (req, res, { identifier }) => {
			const contact = this.lookup(req, identifier);
			if (!contact) return this.json(res, 404, { code: 'document_not_found', message: 'Contact does not exist' });
			this.json(res, 200, this.contactJson(contact));
		});

		this.route('POST', '/contacts', (req, res) => {
			if (this.specRejects(req, res)) return;
			const body = asObject(req.body);
			if (typeof body.email !== 'string') return this.json(res, 400, { code: 'missing_parameter', message: 'email is missing' });
			const listProblem = this.unknownList(body.listIds);
			if (listProblem) return this.json(res, 400, { code: 'invalid_parameter', message: listProblem });
			const existing = this.findByEmail(body.email);
			if (existing && body.updateEnabled !== true) {
				return this.json(res, 400, { code: 'duplicate_parameter', message: 'Contact already exist', metadata: { duplicate_identifiers: ['email'] } });
			}
			const contact = existing ?? this.createContact(body.email);
			this.applyAttributes(contact, asObject(body.attributes));
			this.applyLists(contact, body.listIds, undefined);
			if (existing) return this.json(res, 204, undefined);
			this.json(res, 201, { id: Number(contact.id) });
		});

		this.route('PUT', '/contacts/:identifier', (req, res, { identifier }) => {
			if (this.specRejects(req, res)) return;
			const contact = this.lookup(req, identifier);
			if (!contact) return this.json(res, 404, { code: 'document_not_found', message: 'Contact does not exist' });
			const body = asObject(req.body);
			const attributes = asObject(body.attributes);
			const listProblem = this.unknownList(body.listIds);
			if (listProblem) return this.json(res, 400, { code: 'invalid_parameter', message: listProblem });
			if (attributes.EMAIL !== undefined) {
				if (!this.isEmail(attributes.EMAIL)) return this.json(res, 400, { code: 'invalid_parameter', message: 'Invalid email address' });
				const other = this.findByEmail(attributes.EMAIL);
				if (other && other.id !== contact.id) {
					return this.json(res, 400, {
						code: 'duplicate_parameter',
						message: 'email is already associated with another Contact',
						metadata: { duplicate_identifiers: ['email'] },
					});
				}
				contact.email = attributes.EMAIL;
			}
			this.applyAttributes(contact, attributes);
			this.applyLists(contact, body.listIds, body.unlinkListIds);
			this.json(res, 204, undefined);
		});

		this.route('DELETE', '/contacts/:identifier', (req, res, { identifier }) => {
			const contact = this.lookup(req, identifier);
			if (!contact) return this.json(res, 404, { code: 'document_not_found', message: 'Contact does not exist' });
			this.contacts.delete(contact.id);
			this.json(res, 204, undefined);
		});
	}
}
