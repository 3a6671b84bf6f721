/**
 * A local stand-in for a WordPress site running the companion plugin wpum-n8n-connector: the REST
 * routes of docs/contract.md under /wp-json/wpum-n8n/v1, WordPress's application-password auth
 * (401 for a wrong password, 403 for a user without the capability) and its REST error shape.
 * Every user and event it serves or sends is validated against contract/*.schema.json first, so a
 * fixture that drifts from the contract fails the test instead of passing silently. Real payloads the
 * plugin produced (contract/examples/*.json) are loaded and validated the same way.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';

import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

import { type LocalServer, type RecordedRequest, sendJson, startServer } from './http-server';

const CONTRACT_DIR = join(__dirname, '..', '..', 'contract');
const NAMESPACE = '/wpum-n8n/v1';

type Json = Record<string, any>;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const userSchema = JSON.parse(readFileSync(join(CONTRACT_DIR, 'user.schema.json'), 'utf8'));
const eventSchema = JSON.parse(readFileSync(join(CONTRACT_DIR, 'event.schema.json'), 'utf8'));
ajv.addSchema(userSchema, 'user.schema.json');
const validateUserSchema: ValidateFunction = ajv.getSchema('user.schema.json')!;
const validateEventSchema: ValidateFunction = ajv.compile(eventSchema);

function check(validate: ValidateFunction, value: unknown, what: string): void {
	if (!validate(value)) throw new Error(`${what} breaks the contract: ${ajv.errorsText(validate.errors)}`);
}

export const assertValidUser = (user: unknown) => check(validateUserSchema, user, 'user');
export const assertValidEvent = (event: unknown) => check(validateEventSchema, event, 'event');

/** Real payloads the plugin produced, dropped into contract/examples/ by the plugin's tests. */
export function loadContractExamples(): Array<{ file: string; json: Json }> {
	const dir = process.env.WPUM_CONTRACT_EXAMPLES_DIR ?? join(CONTRACT_DIR, 'examples');
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({ file, json: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json }));
}

/** The plugin's recorded REST answers (contract/examples/rest/<name>.json), or undefined when absent. */
export function restExample(name: string): any {
	const dir = process.env.WPUM_CONTRACT_EXAMPLES_DIR ?? join(CONTRACT_DIR, 'examples');
	const file = join(dir, 'rest', `${name}.json`);
	return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

/** Example events among the plugin's examples: a whole event, or `{ "body": event }` as captured. */
export function exampleEvents(): Array<{ file: string; event: Json }> {
	return loadContractExamples()
		.map(({ file, json }) => ({ file, event: (json.event_id ? json : json.body) as Json }))
		.filter(({ event }) => event && typeof event === 'object' && typeof event.event_id === 'string');
}

/** Users among the plugin's examples: whole user objects, and the `user` of every example event. */
export function exampleUsers(): Array<{ file: string; user: Json }> {
	const users = loadContractExamples()
		.filter(({ json }) => typeof json.login === 'string' && typeof json.fields === 'object')
		.map(({ file, json }) => ({ file, user: json }));
	return [...users, ...exampleEvents().map(({ file, event }) => ({ file, user: event.user as Json }))];
}

export function makeUser(id: number, overrides: Json = {}): Json {
	const login = overrides.login ?? `user${id}`;
	const email = overrides.email ?? `${login}@example.com`;
	const user: Json = {
		id,
		login,
		email,
		display_name: `User ${id}`,
		first_name: 'User',
		last_name: String(id),
		registered_at: new Date(Date.UTC(2026, 0, 1, 0, 0, id)).toISOString().replace('.000Z', 'Z'),
		updated_at: new Date(Date.UTC(2026, 5, 1, 0, 0, id)).toISOString().replace('.000Z', 'Z'),
		roles: ['subscriber'],
		status: 'active',
		registration_form: { id: 1, name: 'Default registration form' },
		fields: {
			user_login: login,
			user_email: email,
			first_name: 'User',
			last_name: String(id),
			nickname: login,
			display_name: `User ${id}`,
			user_url: null,
			description: null,
			current_user_avatar: null,
			user_cover: null,
			wpum_company: 'Acme',
			wpum_newsletter: true,
			wpum_interests: ['php'],
		},
		field_labels: { wpum_interests: ['PHP'] },
		crm: {},
		...overrides,
	};
	assertValidUser(user);
	return user;
}

export function makeEvent(event: string, user: Json, extra: Json = {}): Json {
	const body: Json = {
		event_id: randomUUID(),
		event,
		occurred_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
		site_url: 'https://example.com',
		user,
	};
	if (event === 'user.registered') body.form = user.registration_form;
	if (event === 'user.updated') body.changes = { fields: ['wpum_company'] };
	if (event === 'user.activated') body.activation = { method: 'approval' };
	if (event === 'user.role_changed') body.role_change = { old: ['subscriber'], new: user.roles };
	Object.assign(body, extra);
	assertValidEvent(body);
	return body;
}

/** `sha256=` + hex HMAC over `timestamp + "." + body`, computed independently of the node's code. */
export function signBody(secret: string, timestamp: string, rawBody: string): string {
	return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export interface SignedDelivery {
	headers: Record<string, string>;
	rawBody: string;
}

/** The request the plugin sends for one delivery attempt of `event`. */
export function signedDelivery(
	event: Json,
	secret: string,
	{ timestamp = Math.floor(Date.now() / 1000), deliveryId = 1, attempt = 1 } = {},
): SignedDelivery {
	assertValidEvent(event);
	const rawBody = JSON.stringify(event);
	const ts = String(timestamp);
	return {
		rawBody,
		headers: {
			'Content-Type': 'application/json',
			'X-WPUM-Event-Id': event.event_id,
			'X-WPUM-Event': event.event,
			'X-WPUM-Timestamp': ts,
			'X-WPUM-Signature': signBody(secret, ts, rawBody),
			'X-WPUM-Delivery': String(deliveryId),
			'X-WPUM-Attempt': String(attempt),
		},
	};
}

interface Account {
	password: string;
	capabilities: string[];
}

export interface WebhookRow {
	id: number;
	url: string;
	events: string[];
	name: string;
	created_at: string;
	secret: string;
}

export interface FakePluginOptions {
	/** false: the plugin is not installed or inactive (its routes answer rest_no_route). */
	pluginActive?: boolean;
	/** false: WordPress ignores application passwords (no HTTPS), as WordPress core does. */
	applicationPasswords?: boolean;
	/** false: "Plain" permalinks: /wp-json/ is an HTML 404 and only /?rest_route= reaches the REST API. */
	prettyPermalinks?: boolean;
	/**
	 * true: a wrong username or application password gets WordPress core's own 401 (incorrect_password,
	 * invalid_username). false (default, as observed on a real WordPress 6.1 with the plugin): WordPress
	 * treats the request as anonymous and the plugin answers its "Authentication required" 401.
	 */
	reportsPasswordErrors?: boolean;
	wpumActive?: boolean;
	users?: Json[];
}

const KNOWN_EVENTS = ['user.registered', 'user.updated', 'user.activated', 'user.rejected', 'user.role_changed', 'user.deleted'];
const ALL_CAPS = ['list_users', 'edit_users', 'manage_options'];

export const ADMIN = { username: 'admin', password: 'abcd EFGH ijkl MNOP qrst UVWX' };
export const SUBSCRIBER = { username: 'sub', password: 'zzzz yyyy xxxx wwww vvvv uuuu' };

function restError(res: ServerResponse, status: number, code: string, message: string) {
	sendJson(res, status, { code, message, data: { status } });
}

function paged<T>(all: T[], query: URLSearchParams) {
	const page = Math.max(1, Number(query.get('page') ?? 1));
	const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 50)));
	const items = all.slice((page - 1) * perPage, page * perPage);
	return { items, page, per_page: perPage, total: all.length, total_pages: Math.ceil(all.length / perPage) };
}

export class FakeWpumPlugin {
	server!: LocalServer;
	options: Required<Omit<FakePluginOptions, 'users'>>;
	accounts: Record<string, Account> = {
		[ADMIN.username]: { password: ADMIN.password, capabilities: ALL_CAPS },
		[SUBSCRIBER.username]: { password: SUBSCRIBER.password, capabilities: ['read'] },
	};
	users: Json[];
	webhooks: WebhookRow[] = [];
	deliveries: Json[] = [];
	forms = [
		{ id: 1, name: 'Default registration form', role: 'subscriber', is_default: true },
		{ id: 2, name: 'Partner signup', role: 'customer', is_default: false },
	];
	roles = [
		{ slug: 'administrator', name: 'Administrator' },
		{ slug: 'subscriber', name: 'Subscriber' },
		{ slug: 'customer', name: 'Customer' },
	];
	fieldCatalog = {
		source: 'wpum',
		groups: [
			{ id: 1, name: 'Primary fields', is_primary: true },
			{ id: 2, name: 'Company', is_primary: false },
		],
		fields: [
			{ key: 'wpum_company', label: 'Company', type: 'text', group_id: 2, group: 'Company', options: [], multiple: false, required: false },
			{ key: 'user_email', label: 'Email', type: 'email', group_id: 1, group: 'Primary fields', options: [], multiple: false, required: true },
			{
				key: 'wpum_interests',
				label: 'Interests',
				type: 'multicheckbox',
				group_id: 2,
				group: 'Company',
				options: [
					{ value: 'php', label: 'PHP' },
					{ value: 'js', label: 'JavaScript' },
				],
				multiple: true,
				required: false,
			},
			{ key: 'first_name', label: 'First name', type: 'text', group_id: 1, group: 'Primary fields', options: [], multiple: false, required: false },
		],
	};
	/** When set, GET /status answers exactly this (e.g. the plugin's own example). */
	statusBody?: Json;
	private nextWebhookId = 1;

	constructor(options: FakePluginOptions = {}) {
		this.options = {
			pluginActive: options.pluginActive ?? true,
			applicationPasswords: options.applicationPasswords ?? true,
			prettyPermalinks: options.prettyPermalinks ?? true,
			reportsPasswordErrors: options.reportsPasswordErrors ?? false,
			wpumActive: options.wpumActive ?? true,
		};
		this.users = options.users ?? [];
		this.users.forEach(assertValidUser);
	}

	get url() {
		return this.server.url;
	}

	get requests(): RecordedRequest[] {
		return this.server.requests;
	}

	/** The REST route a request reaches, as WordPress resolves it (`/wp-json/<route>` or `?rest_route=<route>`). */
	restRoute(req: RecordedRequest): string | undefined {
		if (req.path === '/wp-json' || req.path.startsWith('/wp-json/')) {
			return this.options.prettyPermalinks ? req.path.slice('/wp-json'.length) || '/' : undefined;
		}
		return req.query.get('rest_route') ?? undefined;
	}

	/** Requests that reached the plugin's namespace, as `METHOD /route?query` (without rest_route). */
	routeLog(): string[] {
		return this.requests.flatMap((r) => {
			const route = this.restRoute(r);
			if (!route?.startsWith(`${NAMESPACE}/`)) return [];
			const query = new URLSearchParams(r.query);
			query.delete('rest_route');
			const search = query.toString();
			return [`${r.method} ${route.slice(NAMESPACE.length)}${search ? `?${search}` : ''}`];
		});
	}

	async start(): Promise<this> {
		this.server = await startServer((req, res) => this.handle(req, res));
		return this;
	}

	async close() {
		await this.server.close();
	}

	credentials(account: { username: string; password: string } = ADMIN) {
		return { url: this.url, username: account.username, applicationPassword: account.password };
	}

	/** Signs a delivery of `event` for a registered webhook with that webhook's secret. */
	deliveryFor(webhookId: number, event: Json, options?: Parameters<typeof signedDelivery>[2]): SignedDelivery {
		const webhook = this.webhooks.find((w) => w.id === webhookId);
		if (!webhook) throw new Error(`No webhook ${webhookId}`);
		return signedDelivery(event, webhook.secret, options);
	}

	/** POSTs a signed delivery over HTTP, as the plugin's outbox worker does; resolves with the answer. */
	async post(url: string, delivery: SignedDelivery): Promise<{ status: number; body: string }> {
		return await new Promise((resolve, reject) => {
			const req = httpRequest(url, { method: 'POST', headers: delivery.headers }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
			});
			req.on('error', reject);
			req.end(delivery.rawBody);
		});
	}

	private authenticate(req: RecordedRequest): { account?: Account; error?: [number, string, string] } {
		const header = String(req.headers.authorization ?? '');
		if (!header.startsWith('Basic ') || !this.options.applicationPasswords) return {};
		const [username, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
		const password = rest.join(':');
		const account = this.accounts[username];
		const reports = this.options.reportsPasswordErrors;
		if (!account) return reports ? { error: [401, 'invalid_username', 'Unknown username. Check again or try your email address.'] } : {};
		// WordPress ignores the spaces it shows application passwords with.
		if (account.password.replace(/\s/g, '') !== password.replace(/\s/g, '')) {
			return reports ? { error: [401, 'incorrect_password', 'The provided password is an invalid application password.'] } : {};
		}
		return { account };
	}

	private handle(req: RecordedRequest, res: ServerResponse) {
		const restRoute = this.restRoute(req);
		if (restRoute === undefined) {
			res.writeHead(404, { 'content-type': 'text/html' });
			res.end('<!doctype html><title>Page not found</title>');
			return;
		}
		if (restRoute === '/' || restRoute === '') {
			return sendJson(res, 200, {
				name: 'Fake site',
				url: this.url,
				namespaces: this.options.pluginActive ? ['wp/v2', 'wpum-n8n/v1'] : ['wp/v2'],
				authentication: this.options.applicationPasswords
					? { 'application-passwords': { endpoints: { authorization: `${this.url}/wp-admin/authorize-application.php` } } }
					: [],
			});
		}
		if (!restRoute.startsWith(`${NAMESPACE}/`) || !this.options.pluginActive) {
			return restError(res, 404, 'rest_no_route', 'No route was found matching the URL and request method.');
		}

		const { account, error } = this.authenticate(req);
		if (error) return restError(res, ...error);
		const route = restRoute.slice(NAMESPACE.length);
		const can = (capability: string) => {
			// The plugin's own permission answers (wpum_n8n_forbidden), as recorded on a real WordPress.
			if (!account) {
				restError(res, 401, 'wpum_n8n_forbidden', 'Authentication required: send a WordPress username and application password (HTTP Basic).');
				return false;
			}
			if (!account.capabilities.includes(capability)) {
				restError(res, 403, 'wpum_n8n_forbidden', `This WordPress user lacks the "${capability}" capability. Use an administrator's application password.`);
				return false;
			}
			return true;
		};
		const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Json;
		let match: RegExpMatchArray | null;

		if (req.method === 'GET' && route === '/status') {
			if (!can('list_users')) return;
			if (this.statusBody) return sendJson(res, 200, this.statusBody);
			return sendJson(res, 200, {
				plugin_version: '0.1.0',
				site_url: this.url,
				wpum: { active: this.options.wpumActive, version: this.options.wpumActive ? '2.9.14' : null },
				custom_fields: { active: true },
				user_verification: { active: true, method: 'approval' },
				outbox: { pending: 0, failed: 0, delivered: 0 },
			});
		}
		if (route === '/webhooks' && req.method === 'GET') {
			if (!can('manage_options')) return;
			return sendJson(res, 200, this.webhooks.map(({ secret: _secret, ...row }) => row));
		}
		if (route === '/webhooks' && req.method === 'POST') {
			if (!can('manage_options')) return;
			if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url)) {
				return restError(res, 400, 'wpum_n8n_invalid_url', 'The webhook URL must start with http:// or https://.');
			}
			const events = body.events as unknown;
			if (!Array.isArray(events) || events.length === 0 || events.some((e) => e !== '*' && !KNOWN_EVENTS.includes(e))) {
				return restError(res, 400, 'wpum_n8n_invalid_events', `Unknown event names in ${JSON.stringify(events)}.`);
			}
			if (typeof body.secret !== 'string' || body.secret.length < 32) {
				return restError(res, 400, 'wpum_n8n_invalid_secret', 'The secret must be at least 32 characters long.');
			}
			const row: WebhookRow = {
				id: this.nextWebhookId++,
				url: body.url,
				events: events as string[],
				name: String(body.name ?? ''),
				created_at: '2026-11-27T06:00:00Z',
				secret: body.secret,
			};
			this.webhooks.push(row);
			const { secret: _secret, ...visible } = row;
			return sendJson(res, 201, visible);
		}
		if ((match = route.match(/^\/webhooks\/(\d+)$/)) && req.method === 'DELETE') {
			if (!can('manage_options')) return;
			const id = Number(match[1]);
			if (!this.webhooks.some((w) => w.id === id)) return restError(res, 404, 'wpum_n8n_webhook_not_found', `No webhook with id ${id}.`);
			this.webhooks = this.webhooks.filter((w) => w.id !== id);
			return sendJson(res, 200, { deleted: true, id });
		}
		if ((match = route.match(/^\/webhooks\/(\d+)\/test$/)) && req.method === 'POST') {
			if (!can('manage_options')) return;
			const webhook = this.webhooks.find((w) => w.id === Number(match![1]));
			if (!webhook) return restError(res, 404, 'wpum_n8n_webhook_not_found', `No webhook with id ${match[1]}.`);
			const delivery: Json = { ...makeDelivery(this.deliveries.length + 1, 'pending'), event: 'ping', webhook_id: webhook.id };
			this.deliveries.push(delivery);
			return sendJson(res, 200, { delivery_id: delivery.id, event_id: delivery.event_id });
		}
		if (req.method === 'GET' && route === '/fields') {
			if (!can('list_users')) return;
			return sendJson(res, 200, this.fieldCatalog);
		}
		if (req.method === 'GET' && route === '/forms') {
			if (!can('list_users')) return;
			return sendJson(res, 200, this.forms);
		}
		if (req.method === 'GET' && route === '/roles') {
			if (!can('list_users')) return;
			return sendJson(res, 200, this.roles);
		}
		if (req.method === 'GET' && route === '/users') {
			if (!can('list_users')) return;
			const q = req.query;
			let users = [...this.users].sort((a, b) => a.id - b.id);
			if (q.get('role')) users = users.filter((u) => u.roles.includes(q.get('role')));
			if (q.get('status')) users = users.filter((u) => u.status === q.get('status'));
			if (q.get('registered_after')) users = users.filter((u) => u.registered_at > q.get('registered_after')!);
			if (q.get('updated_after')) users = users.filter((u) => (u.updated_at ?? '') > q.get('updated_after')!);
			const { items, ...paging } = paged(users, q);
			items.forEach(assertValidUser);
			return sendJson(res, 200, { users: items, ...paging });
		}
		if ((match = route.match(/^\/users\/(\d+)$/)) && req.method === 'GET') {
			if (!can('list_users')) return;
			const user = this.users.find((u) => u.id === Number(match![1]));
			if (!user) return restError(res, 404, 'wpum_n8n_user_not_found', `No user with id ${match[1]}.`);
			assertValidUser(user);
			return sendJson(res, 200, user);
		}
		if ((match = route.match(/^\/users\/(\d+)\/crm-link$/)) && req.method === 'POST') {
			if (!can('edit_users')) return;
			const user = this.users.find((u) => u.id === Number(match![1]));
			if (!user) return restError(res, 404, 'wpum_n8n_user_not_found', `No user with id ${match[1]}.`);
			if (typeof body.crm !== 'string' || !/^[a-z0-9_-]+$/.test(body.crm) || typeof body.contact_id !== 'string' || !body.contact_id) {
				return restError(res, 400, 'wpum_n8n_invalid_crm_link', 'crm (a slug) and contact_id are required.');
			}
			user.crm[body.crm] = {
				contact_id: body.contact_id,
				...(Array.isArray(body.tags) ? { tags: body.tags } : {}),
				linked_at: '2026-11-27T06:00:03Z',
			};
			assertValidUser(user);
			return sendJson(res, 200, user);
		}
		if (req.method === 'GET' && route === '/deliveries') {
			if (!can('manage_options')) return;
			const status = req.query.get('status');
			const { items, ...paging } = paged(status ? this.deliveries.filter((d) => d.status === status) : this.deliveries, req.query);
			return sendJson(res, 200, { deliveries: items, ...paging });
		}
		if ((match = route.match(/^\/deliveries\/(\d+)\/retry$/)) && req.method === 'POST') {
			if (!can('manage_options')) return;
			const delivery = this.deliveries.find((d) => d.id === Number(match![1]));
			if (!delivery) return restError(res, 404, 'wpum_n8n_delivery_not_found', `No delivery with id ${match[1]}.`);
			Object.assign(delivery, { status: 'pending', next_attempt_at: '2026-11-27T06:00:00Z' });
			return sendJson(res, 200, delivery);
		}
		return restError(res, 404, 'rest_no_route', 'No route was found matching the URL and request method.');
	}
}

export async function startFakeWpumPlugin(options?: FakePluginOptions): Promise<FakeWpumPlugin> {
	return await new FakeWpumPlugin(options).start();
}

export function makeDelivery(id: number, status: 'pending' | 'delivered' | 'failed'): Json {
	return {
		id,
		event_id: randomUUID(),
		event: 'user.updated',
		webhook_id: 1,
		user_id: 1,
		status,
		attempts: status === 'failed' ? 12 : 1,
		last_http_status: status === 'delivered' ? 200 : 502,
		last_error: status === 'delivered' ? null : 'HTTP 502',
		next_attempt_at: status === 'pending' ? '2026-11-27T06:01:00Z' : null,
		created_at: '2026-11-27T06:00:00Z',
		delivered_at: status === 'delivered' ? '2026-11-27T06:00:01Z' : null,
	};
}
