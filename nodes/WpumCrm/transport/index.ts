import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { CrmAdapter, CrmContext, CrmResponse } from '../adapters/types';

export interface CrmRequest {
	method: IHttpRequestMethods;
	/** Path below the adapter's base URL, starting with `/`. */
	path: string;
	body?: IDataObject | IDataObject[];
	qs?: IDataObject;
	headers?: IDataObject;
}

/** Default for the node option "Max Rate-Limit Wait (Seconds)". */
export const DEFAULT_MAX_WAIT_SECONDS = 300;
/** Dropdowns in the editor should not hang for long. */
const LOAD_OPTIONS_MAX_WAIT_SECONDS = 30;
const MAX_SERVER_ERROR_RETRIES = 4;
const MAX_THROTTLE_RETRIES = 100;
const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

/** Milliseconds already spent waiting, per node run (one execute() or one dropdown load). */
const waitedPerRun = new WeakMap<object, number>();

function isExecuteContext(ctx: CrmContext): ctx is IExecuteFunctions {
	return typeof (ctx as IExecuteFunctions).getInputData === 'function';
}

function maxWaitMs(ctx: CrmContext): number {
	if (!isExecuteContext(ctx)) return LOAD_OPTIONS_MAX_WAIT_SECONDS * 1000;
	const seconds = ctx.getNodeParameter('options.maxRateLimitWait', 0, DEFAULT_MAX_WAIT_SECONDS) as number;
	return Math.max(0, Number(seconds) || 0) * 1000;
}

function header(response: CrmResponse, name: string): string | undefined {
	const value = response.headers[name.toLowerCase()] ?? response.headers[name];
	if (value === undefined || value === null) return undefined;
	return Array.isArray(value) ? String(value[0]) : String(value);
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds. */
export function retryAfterMs(response: CrmResponse, now = Date.now()): number | undefined {
	const value = header(response, 'retry-after');
	if (value === undefined || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with equal jitter: half the step fixed, half random. */
export function backoffMs(attempt: number): number {
	const step = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
	return step / 2 + Math.random() * (step / 2);
}

export function retryDelayMs(adapter: CrmAdapter, response: CrmResponse, attempt: number): number {
	return retryAfterMs(response) ?? adapter.resetDelayMs?.(response) ?? backoffMs(attempt);
}

function isThrottled(adapter: CrmAdapter, response: CrmResponse): boolean {
	return response.statusCode === 429 || adapter.isThrottled?.(response) === true;
}

/** The vendor's message from an error body, for the common shapes; adapters override. */
export function vendorMessage(adapter: CrmAdapter, response: CrmResponse): string {
	const own = adapter.errorMessage?.(response);
	if (own) return own;
	const body = response.body as IDataObject | string | undefined;
	if (typeof body === 'string') return body.slice(0, 500);
	if (body && typeof body === 'object') {
		for (const key of ['message', 'detail', 'error', 'title']) {
			const value = body[key];
			if (typeof value === 'string' && value) return value;
			if (value && typeof value === 'object' && typeof (value as IDataObject).message === 'string') {
				return (value as IDataObject).message as string;
			}
		}
	}
	return 'no details given';
}

/** A NodeApiError carrying the vendor's message; 401/403 point at the credential. */
export function crmApiError(ctx: CrmContext, adapter: CrmAdapter, response: CrmResponse, itemIndex?: number): NodeApiError {
	const message = vendorMessage(adapter, response);
	const authProblem = response.statusCode === 401 || response.statusCode === 403;
	const text = authProblem
		? `${adapter.displayName} refused the request (HTTP ${response.statusCode}: ${message}). Check the ${adapter.displayName} credential: its key or password, and that it may access contacts.`
		: `${adapter.displayName} answered HTTP ${response.statusCode}: ${message}`;
	const body = response.body && typeof response.body === 'object' ? (response.body as JsonObject) : { message };
	return new NodeApiError(ctx.getNode(), body, {
		message: text,
		description: authProblem ? `Open the ${adapter.displayName} credential and use "Test" to check it.` : undefined,
		httpCode: String(response.statusCode),
		itemIndex,
	});
}

async function send(ctx: CrmContext, adapter: CrmAdapter, options: IHttpRequestOptions): Promise<CrmResponse> {
	const raw = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, adapter.credentialType, options)) as IN8nHttpFullResponse;
	return { statusCode: raw.statusCode, headers: (raw.headers ?? {}) as IDataObject, body: raw.body };
}

/** Asks n8n to refresh the credential's OAuth2 token (n8n stores the new one); false when it cannot. */
async function refreshOAuth2Token(ctx: CrmContext, adapter: CrmAdapter): Promise<boolean> {
	const refresh = ctx.helpers.refreshOAuth2Token as ((type: string) => Promise<unknown>) | undefined;
	if (typeof refresh !== 'function') return false;
	try {
		const data = (await refresh.call(ctx, adapter.credentialType)) as IDataObject | undefined;
		// Some token servers (Zoho) answer a revoked refresh token with HTTP 200 and `{ error }`.
		return !!data && !data.error;
	} catch {
		return false;
	}
}

/**
 * One request to the CRM, retried on 429, 5xx, network failures and the vendor's own throttle signal.
 * Waits honour `Retry-After`, else the adapter's reset headers, else exponential backoff with jitter,
 * and all waits of one node run together stay under the "Max Rate-Limit Wait" option. An OAuth2
 * CRM's expired token (`adapter.isTokenExpired`) is refreshed once and the request sent again. Returns the
 * final response whatever its status; use `crmRequestOk` to turn errors into NodeApiErrors.
 */
export async function crmRequest(ctx: CrmContext, adapter: CrmAdapter, request: CrmRequest): Promise<CrmResponse> {
	const response = await requestWithRetries(ctx, adapter, request);
	if (!adapter.isTokenExpired?.(response) || !(await refreshOAuth2Token(ctx, adapter))) return response;
	return await requestWithRetries(ctx, adapter, request);
}

async function requestWithRetries(ctx: CrmContext, adapter: CrmAdapter, request: CrmRequest): Promise<CrmResponse> {
	const credentials = await ctx.getCredentials(adapter.credentialType);
	const options: IHttpRequestOptions = {
		method: request.method,
		url: adapter.baseUrl(credentials) + request.path,
		qs: request.qs,
		body: request.body,
		headers: { accept: 'application/json', ...(request.headers ?? {}) },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	let serverErrors = 0;
	let throttles = 0;
	for (;;) {
		let response: CrmResponse | undefined;
		let networkError: Error | undefined;
		try {
			response = await send(ctx, adapter, options);
		} catch (error) {
			networkError = error as Error;
		}
		const throttled = response !== undefined && isThrottled(adapter, response);
		const failed = networkError !== undefined || (response !== undefined && response.statusCode >= 500);
		if (response && !throttled && !failed) return response;

		const unreachable = () =>
			new NodeOperationError(
				ctx.getNode(),
				`Could not reach ${adapter.displayName} after ${serverErrors} attempt(s). Check the base URL in the ${adapter.displayName} credential and that the service is up.`,
				{ description: networkError!.message },
			);
		if (failed && ++serverErrors > MAX_SERVER_ERROR_RETRIES) {
			if (response) return response;
			throw unreachable();
		}
		if (throttled && ++throttles > MAX_THROTTLE_RETRIES) return response!;

		const delay = response ? retryDelayMs(adapter, response, throttled ? throttles - 1 : serverErrors - 1) : backoffMs(serverErrors - 1);
		const waited = waitedPerRun.get(ctx) ?? 0;
		const budget = maxWaitMs(ctx);
		if (waited + delay > budget) {
			if (!response) throw unreachable();
			if (!throttled) return response;
			throw new NodeApiError(ctx.getNode(), { message: 'rate limited' }, {
				message: `${adapter.displayName} is still rate-limiting after this run waited ${Math.round(waited / 1000)} s (limit: the "Max Rate-Limit Wait" option, ${Math.round(budget / 1000)} s). Nothing was sent for this item: run it again later or raise the option.`,
				httpCode: response ? String(response.statusCode) : undefined,
			});
		}
		waitedPerRun.set(ctx, waited + delay);
		await sleep(delay);
	}
}

/** Like crmRequest, but any status outside 2xx (and `allow`) becomes a NodeApiError. */
export async function crmRequestOk(
	ctx: CrmContext,
	adapter: CrmAdapter,
	request: CrmRequest,
	allow: number[] = [],
): Promise<CrmResponse> {
	const response = await crmRequest(ctx, adapter, request);
	if ((response.statusCode >= 200 && response.statusCode < 300) || allow.includes(response.statusCode)) return response;
	throw crmApiError(ctx, adapter, response);
}
