import type { IDataObject } from 'n8n-workflow';

/** What the n8n webhook server would have parsed from an incoming request. */
export interface FakeRequestInit {
	method?: string;
	headers?: Record<string, string>;
	/** The raw body as received; `body` is parsed from it as JSON when it is JSON. */
	rawBody?: string | Buffer;
	body?: unknown;
	query?: IDataObject;
}

export function makeRequest(init: FakeRequestInit) {
	const rawBody = init.rawBody === undefined ? Buffer.from(JSON.stringify(init.body ?? {})) : Buffer.from(init.rawBody);
	let body = init.body;
	if (body === undefined) {
		try {
			body = JSON.parse(rawBody.toString('utf8'));
		} catch {
			body = {};
		}
	}
	const headers = Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
	return {
		method: init.method ?? 'POST',
		headers,
		header: (name: string) => headers[name.toLowerCase()],
		get: (name: string) => headers[name.toLowerCase()],
		rawBody,
		body,
		query: init.query ?? {},
		params: {},
	};
}

/** Records what a node answers through `getResponseObject()`. */
export class FakeResponse {
	statusCode = 200;
	headers: Record<string, string> = {};
	body: unknown = undefined;
	ended = false;

	status(code: number) {
		this.statusCode = code;
		return this;
	}

	setHeader(name: string, value: string) {
		this.headers[name.toLowerCase()] = value;
		return this;
	}

	set(name: string, value: string) {
		return this.setHeader(name, value);
	}

	header(name: string, value: string) {
		return this.setHeader(name, value);
	}

	json(body: unknown) {
		this.body = body;
		this.ended = true;
		return this;
	}

	send(body?: unknown) {
		this.body = body;
		this.ended = true;
		return this;
	}

	end(body?: unknown) {
		if (body !== undefined) this.body = body;
		this.ended = true;
		return this;
	}
}
