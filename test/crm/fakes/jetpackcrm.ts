/**
 * Jetpack CRM external API (`{site}/zbs_api/{endpoint}`), as far as the adapter uses it. There is no
 * OpenAPI spec; this fake follows the vendor's documentation and, where the documentation is thin, the
 * plugin's own source (github.com/Automattic/jetpack, projects/plugins/crm):
 * - API docs (endpoints, api_key/api_secret query parameters, error codes incl. 429 "Too Many Requests --
 *   You're requesting too many records! Slow down!", pagination): https://automattic.github.io/jetpack-crm-api-docs/
 *   (source: github.com/Automattic/jetpack-crm-api-docs, source/index.html.md)
 * - includes/ZeroBSCRM.API.php: the endpoint list, `{ success: false, data: { status, message } }` errors
 *   (400 invalid request, 401 bad key/secret, 405 wrong method), key + secret from the query string only;
 * - api/status.php: `GET /status` → `{ success: true, data: { status, message, crm_version, db_version } }`;
 * - api/create_customer.php: JSON object body of flat fields (`fname`, `email`, custom field slugs), `id`
 *   updates that contact when it exists, else `email` creates or updates; `tags` (names) replace the
 *   contact's tags when non-empty; `status` defaults to "Lead" and a "Customer" stays one unless a
 *   non-empty `sticky` is sent; answer: the body sent plus `id`; `{ errors: 1 }` (HTTP 200) when there is
 *   neither a valid e-mail nor a known id, `{ error: true, message: "Invalid JSON data" }` for a non-object;
 * - api/customer_search.php: GET only; `?email=` → that contact with its tags, or `[]`;
 * - api/customers.php: JSON body `{ page, perpage, search, tags }` → an array of contacts (page from 0).
 * Where Jetpack CRM would silently drop something (a key that is no field, a non-text value, tags that are
 * not a list of names) the fake answers 400 and records it in `violations`, so a wrong request fails a test.
 * An update rebuilds the contact from the body (fields left out become blank): the documented create-or-
 * update sends every field, so the adapter must resend the values it keeps.
 * The plugin itself sets no rate limit; the docs' 429 is what a host limit answers, without headers.
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { type FakeContact, FakeCrm } from './base';

export const JETPACKCRM_KEY = 'jpcrm_pk_0123456789abcdef';
export const JETPACKCRM_SECRET = 'jpcrm_sk_fedcba9876543210';

export const JETPACKCRM_STANDARD = [
	'status', 'prefix', 'fname', 'lname', 'addr1', 'addr2', 'city', 'county', 'postcode', 'country',
	'secaddr_addr1', 'secaddr_addr2', 'secaddr_city', 'secaddr_county', 'secaddr_postcode', 'secaddr_country',
	'hometel', 'worktel', 'mobtel', 'wpid', 'tw', 'li', 'fb',
];
const CONTROL_KEYS = ['id', 'email', 'tags', 'sticky', 'stickystat', 'assign'];

export interface Violation {
	path: string;
	errors: string[];
}

function apiError(status: string, message: string) {
	return { success: false, data: { status, message } };
}

export class JetpackCrmFake extends FakeCrm {
	protected readonly prefix = '/zbs_api';
	readonly violations: Violation[] = [];
	/** The contact listing requests' pages, in order (to check paging). */
	readonly listedPages: number[] = [];

	protected authorize(req: RecordedRequest): boolean {
		return req.query.get('api_key') === JETPACKCRM_KEY && req.query.get('api_secret') === JETPACKCRM_SECRET;
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, apiError('Unauthorized', 'Please ensure your Jetpack CRM API key and secret are correctly configured.'));
	}

	protected throttled(res: ServerResponse): void {
		this.json(res, 429, apiError('Too Many Requests', "You're requesting too many records! Slow down!"));
	}

	protected notFound(res: ServerResponse): void {
		this.json(res, 400, apiError('Bad request', 'The API request was invalid.'));
	}

	private customSlugs(): string[] {
		return this.fields.map((field) => field.key);
	}

	/** The contact as the DAL returns it: flat fields, custom values, tags when asked. */
	record(contact: FakeContact, withTags: boolean): Record<string, unknown> {
		const out: Record<string, unknown> = { id: Number(contact.id), email: contact.email };
		for (const key of [...JETPACKCRM_STANDARD, ...this.customSlugs()]) out[key] = contact.fields[key] ?? '';
		out.created = new Date(contact.createdAt).toISOString().slice(0, 19).replace('T', ' ');
		if (withTags) out.tags = [...contact.tags].map((name) => ({ id: Number(this.tagByName(name, true)!.id), objtype: 1, name, slug: name.toLowerCase().replace(/\W+/g, '-') }));
		return out;
	}

	private methodNotAllowed(res: ServerResponse): void {
		this.json(res, 405, apiError('Method not allowed', 'Please ensure you are using the proper method (e.g. POST or GET).'));
	}

	private violation(req: RecordedRequest, res: ServerResponse, errors: string[]): void {
		this.violations.push({ path: req.path, errors });
		this.json(res, 400, apiError('Bad request', errors.join('; ')));
	}

	private checkCreate(body: Record<string, unknown>): string[] {
		const errors: string[] = [];
		const fields = [...JETPACKCRM_STANDARD, ...this.customSlugs()];
		for (const [key, value] of Object.entries(body)) {
			if (CONTROL_KEYS.includes(key)) continue;
			if (!fields.includes(key)) errors.push(`"${key}" is not a contact field (Jetpack CRM would drop it)`);
			else if (typeof value !== 'string') errors.push(`${key} must be text, not ${JSON.stringify(value)}`);
		}
		if (body.id !== undefined && !/^\d+$/.test(String(body.id))) errors.push('id must be a contact id (a number)');
		if (body.email !== undefined && typeof body.email !== 'string') errors.push('email must be text');
		if (body.tags !== undefined && !(Array.isArray(body.tags) && body.tags.every((tag) => typeof tag === 'string'))) errors.push('tags must be a list of tag names');
		return errors;
	}

	protected routes(): void {
		this.route('GET', '/status', (_req, res) =>
			this.json(res, 200, {
				success: true,
				data: { status: 'Successful Connection', message: 'Your API Connection with Jetpack CRM is functioning correctly.', crm_version: '6.5.0', db_version: '3.0' },
			}),
		);
		for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
			this.route(method, '/status', (_req, res) => this.methodNotAllowed(res));
			this.route(method, '/customer_search', (_req, res) => this.methodNotAllowed(res));
		}

		this.route('GET', '/customer_search', (req, res) => {
			const email = req.query.get('email');
			if (email !== null) {
				const contact = this.findByEmail(email.trim());
				return this.json(res, 200, contact ? this.record(contact, true) : []);
			}
			const phrase = (req.query.get('zbs_query') ?? '').toLowerCase();
			const matches = [...this.contacts.values()].filter((c) => c.email.toLowerCase().includes(phrase));
			return this.json(res, 200, matches.map((c) => this.record(c, false)));
		});

		this.route('POST', '/customers', (req, res) => {
			const body = (req.body ?? {}) as Record<string, unknown>;
			const errors: string[] = [];
			for (const key of ['page', 'perpage']) if (body[key] !== undefined && !/^\d+$/.test(String(body[key]))) errors.push(`${key} must be a whole number`);
			if (errors.length) return this.violation(req, res, errors);
			const perPage = Number(body.perpage ?? 10);
			const page = Number(body.page ?? 0);
			this.listedPages.push(page);
			const all = [...this.contacts.values()].sort((a, b) => Number(a.id) - Number(b.id));
			return this.json(res, 200, this.page(all, page * perPage, perPage).map((c) => this.record(c, Boolean(body.tags))));
		});

		this.route('POST', '/create_customer', (req, res) => {
			const body = req.body;
			if (!body || typeof body !== 'object' || Array.isArray(body)) return this.json(res, 200, { error: true, message: 'Invalid JSON data' });
			const input = body as Record<string, unknown>;
			const errors = this.checkCreate(input);
			if (errors.length) return this.violation(req, res, errors);

			const byId = input.id !== undefined ? this.contacts.get(String(input.id)) : undefined;
			const email = typeof input.email === 'string' ? input.email.trim() : '';
			if (!byId && !this.isEmail(email)) return this.json(res, 200, { errors: 1 });
			const existing = byId ?? this.findByEmail(email);

			const fields: Record<string, unknown> = {};
			for (const key of [...JETPACKCRM_STANDARD, ...this.customSlugs()]) fields[key] = typeof input[key] === 'string' ? input[key] : '';
			const sticky = !(input.sticky !== undefined && input.sticky !== '' && input.sticky !== false && input.sticky !== 0);
			const stickyStatus = typeof input.stickystat === 'string' ? input.stickystat : 'Customer';
			if (existing && sticky && existing.fields.status === stickyStatus) fields.status = stickyStatus;
			if (!fields.status) fields.status = 'Lead';

			let contact = existing;
			if (contact) {
				if (email) contact.email = email;
				contact.fields = fields;
			} else {
				contact = this.createContact(email, fields);
			}
			const tags = Array.isArray(input.tags) ? (input.tags as string[]).map((t) => t.trim()).filter(Boolean) : [];
			if (tags.length) {
				contact.tags = new Set(tags.map((name) => this.tagByName(name, true)!.name));
			}
			return this.json(res, 200, { ...input, id: Number(contact.id) });
		});
	}
}
