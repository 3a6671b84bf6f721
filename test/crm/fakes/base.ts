/**
 * Shared machinery for fake CRM servers: a 127.0.0.1 server with in-memory contacts, tags and fields,
 * a small router, the vendor's auth check, switches a test can flip ("the next N requests get 429 /
 * 500"), and an optional sliding-window rate limiter answering with the vendor's real retry signal.
 *
 * A vendor fake extends `FakeCrm`, sets `prefix`, implements `authorize`, `unauthorized` and
 * `throttled` (its documented rate-limit answer), and registers its routes in `routes()`.
 */
import type { ServerResponse } from 'node:http';

import { type LocalServer, type RecordedRequest, sendJson, startServer } from '../../support/http-server';

export interface FakeContact {
	id: string;
	email: string;
	/** Every stored value, standard and custom, by the vendor's field key. */
	fields: Record<string, unknown>;
	/** Tag (list/group) names. */
	tags: Set<string>;
	createdAt: number;
}

export interface FakeField {
	key: string;
	label: string;
	type?: string;
	/** Vendor's own id for the field, when its API addresses fields by id. */
	id?: string;
}

export interface FakeTag {
	id: string;
	name: string;
}

export type RouteHandler = (req: RecordedRequest, res: ServerResponse, params: Record<string, string>) => void | Promise<void>;

interface Route {
	method: string;
	pattern: RegExp;
	names: string[];
	handler: RouteHandler;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export abstract class FakeCrm {
	/** Path prefix of the API on this server, e.g. `/wp-json/fluent-crm/v2`. */
	protected abstract readonly prefix: string;
	/** Whether the request carries valid credentials. */
	protected abstract authorize(req: RecordedRequest): boolean;
	/** The vendor's answer to bad credentials. */
	protected abstract unauthorized(res: ServerResponse): void;
	/** The vendor's documented rate-limit answer (status, headers, body). */
	protected abstract throttled(res: ServerResponse): void;
	/** Register the vendor's routes with `this.route(...)`. */
	protected abstract routes(): void;

	readonly contacts = new Map<string, FakeContact>();
	readonly tags = new Map<string, FakeTag>();
	fields: FakeField[] = [];
	/** The vendor's documented limit; enforced only when `enforceRateLimit` is on. */
	rateLimit = { max: 100, windowMs: 10_000 };
	enforceRateLimit = false;
	/** Counts of forced answers the fake has sent, for assertions. */
	readonly sent = { throttled: 0, serverErrors: 0, unauthorized: 0 };

	private server?: LocalServer;
	private readonly routeTable: Route[] = [];
	private nextId = 1;
	private forcedThrottles = 0;
	private forcedErrors: number[] = [];
	private readonly recent: number[] = [];

	get url(): string {
		if (!this.server) throw new Error('fake not started');
		return this.server.url;
	}

	/** Every request the fake received (also the rejected ones). */
	get requests(): RecordedRequest[] {
		return this.server?.requests ?? [];
	}

	/** Requests that could have changed data (anything but GET/HEAD). */
	get writes(): RecordedRequest[] {
		return this.requests.filter((r) => !['GET', 'HEAD'].includes(r.method));
	}

	async start(): Promise<this> {
		this.routes();
		this.server = await startServer((req, res) => this.handle(req, res));
		return this;
	}

	async close(): Promise<void> {
		await this.server?.close();
	}

	/** The next `count` requests (after the auth check) get the vendor's rate-limit answer. */
	throttleNext(count: number): void {
		this.forcedThrottles += count;
	}

	/** The next `count` requests (after the auth check) fail with `status`. */
	failNext(count: number, status = 500): void {
		for (let i = 0; i < count; i++) this.forcedErrors.push(status);
	}

	// ---- test helpers -------------------------------------------------------------------------

	findByEmail(email: string): FakeContact | undefined {
		const wanted = email.toLowerCase();
		return [...this.contacts.values()].find((contact) => contact.email.toLowerCase() === wanted);
	}

	contactCount(): number {
		return this.contacts.size;
	}

	tagNamesOf(email: string): string[] {
		return [...(this.findByEmail(email)?.tags ?? [])].sort();
	}

	// ---- for vendor fakes ---------------------------------------------------------------------

	protected newId(): string {
		return String(this.nextId++);
	}

	protected isEmail(value: unknown): value is string {
		return typeof value === 'string' && EMAIL.test(value);
	}

	protected createContact(email: string, fields: Record<string, unknown> = {}, id = this.newId()): FakeContact {
		const contact: FakeContact = { id, email, fields: { ...fields }, tags: new Set(), createdAt: Date.now() };
		this.contacts.set(contact.id, contact);
		return contact;
	}

	/** The tag with this name (case-insensitive), created when `create` is set. */
	protected tagByName(name: string, create: boolean): FakeTag | undefined {
		const found = [...this.tags.values()].find((tag) => tag.name.toLowerCase() === name.toLowerCase());
		if (found || !create) return found;
		const tag = { id: this.newId(), name };
		this.tags.set(tag.id, tag);
		return tag;
	}

	/** Seeds `count` custom fields named `<prefix>1..n` (to test paging). */
	seedFields(count: number, make: (n: number) => FakeField): void {
		for (let n = 1; n <= count; n++) this.fields.push(make(n));
	}

	/** A page of `list` with offset/limit semantics. */
	protected page<T>(list: T[], offset: number, limit: number): T[] {
		return list.slice(offset, offset + limit);
	}

	protected route(method: string, path: string, handler: RouteHandler): void {
		const names: string[] = [];
		const source = (this.prefix + path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, name: string) => {
			names.push(name);
			return '([^/]+)';
		});
		this.routeTable.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
	}

	protected json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		sendJson(res, status, body, headers);
	}

	/** What the vendor sends for a 5xx (most send a short JSON or HTML body). */
	protected serverError(res: ServerResponse, status: number): void {
		this.json(res, status, { message: 'Internal Server Error' });
	}

	protected notFound(res: ServerResponse): void {
		this.json(res, 404, { message: 'Not Found' });
	}

	private rateLimited(): boolean {
		if (!this.enforceRateLimit) return false;
		const now = Date.now();
		while (this.recent.length && this.recent[0] <= now - this.rateLimit.windowMs) this.recent.shift();
		if (this.recent.length >= this.rateLimit.max) return true;
		this.recent.push(now);
		return false;
	}

	private async handle(req: RecordedRequest, res: ServerResponse): Promise<void> {
		if (!this.authorize(req)) {
			this.sent.unauthorized++;
			return this.unauthorized(res);
		}
		if (this.forcedThrottles > 0 || this.rateLimited()) {
			if (this.forcedThrottles > 0) this.forcedThrottles--;
			this.sent.throttled++;
			return this.throttled(res);
		}
		const forced = this.forcedErrors.shift();
		if (forced !== undefined) {
			this.sent.serverErrors++;
			return this.serverError(res, forced);
		}
		for (const route of this.routeTable) {
			if (route.method !== req.method) continue;
			const match = route.pattern.exec(req.path);
			if (!match) continue;
			const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
			return await route.handler(req, res, params);
		}
		return this.notFound(res);
	}
}

/** `user:password` from a Basic authorization header. */
export function basicAuth(req: RecordedRequest): { user: string; password: string } | undefined {
	const header = String(req.headers.authorization ?? '');
	if (!header.startsWith('Basic ')) return undefined;
	const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function bearer(req: RecordedRequest): string | undefined {
	const header = String(req.headers.authorization ?? '');
	return header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

export function asObject(body: unknown): Record<string, unknown> {
	return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
