import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'wpUserManagerApi';
export const API_ROUTE = '/wpum-n8n/v1';
export const API_NAMESPACE = `/wp-json${API_ROUTE}`;

export type WpumContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

/** The site's base URL from what a user typed: scheme added, trailing slashes, /wp-admin and /wp-json removed. */
export function siteBaseUrl(raw: unknown): string {
	let url = String(raw ?? '').trim();
	if (url && !/^https?:\/\//i.test(url)) url = `https://${url}`;
	url = url.replace(/\/+$/, '');
	url = url.replace(/\/(wp-admin|wp-json)(\/.*)?$/i, '');
	return url.replace(/\/+$/, '');
}

/** The WordPress REST error body: `{code, message, data: {status}}`. */
interface WpRestError {
	code?: string;
	message?: string;
	data?: { status?: number };
}

function hintFor(status: number): string | undefined {
	if (status === 401)
		return 'WordPress refused the username or application password. Check the "WP User Manager API" credential.';
	if (status === 403)
		return 'The WordPress user in the credential lacks the permission for this. Use an administrator account.';
	return undefined;
}

/** Whether a body is WordPress's REST error shape (as opposed to an HTML "page not found"). */
export function isRestError(body: unknown): boolean {
	return typeof body === 'object' && body !== null && typeof (body as WpRestError).code === 'string';
}

/**
 * How to reach a REST route: `/wp-json/<route>` needs pretty permalinks; `/?rest_route=<route>` works on
 * every WordPress site, including those with "Plain" permalinks.
 */
export function restRouteUrl(base: string, route: string, viaQuery: boolean): { url: string; qs: IDataObject } {
	return viaQuery ? { url: `${base}/`, qs: { rest_route: route } } : { url: `${base}/wp-json${route}`, qs: {} };
}

// Sites seen answering /wp-json/ with a non-REST 404 (Plain permalinks); later calls go straight to ?rest_route=.
const plainPermalinkSites = new Set<string>();

/**
 * Calls the companion plugin's REST API (`/wp-json/wpum-n8n/v1` + `path`) with the node's
 * "WP User Manager API" credential. A non-2xx answer becomes a NodeApiError carrying the plugin's own
 * message and the HTTP status.
 */
export async function wpumApiRequest(
	this: WpumContext,
	method: IHttpRequestMethods,
	path: string,
	body?: IDataObject,
	qs?: IDataObject,
): Promise<any> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const base = siteBaseUrl(credentials.url);
	const send = async (viaQuery: boolean) => {
		const target = restRouteUrl(base, `${API_ROUTE}${path}`, viaQuery);
		const options: IHttpRequestOptions = {
			method,
			url: target.url,
			qs: { ...target.qs, ...(qs ?? {}) },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		if (body !== undefined) options.body = body;
		return (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, options)) as {
			statusCode: number;
			body: unknown;
		};
	};

	let response: { statusCode: number; body: unknown };
	try {
		const viaQuery = plainPermalinkSites.has(base);
		response = await send(viaQuery);
		if (!viaQuery && response.statusCode === 404 && !isRestError(response.body)) {
			response = await send(true);
			if (isRestError(response.body) || (response.statusCode >= 200 && response.statusCode < 300)) plainPermalinkSites.add(base);
		}
	} catch (error) {
		// Built from the message only: the raw error carries the request, including its Authorization header.
		const { message, code } = error as { message?: string; code?: string };
		throw new NodeApiError(this.getNode(), { message: message ?? 'Request failed', code: code ?? null } as JsonObject, {
			message: `Could not reach the WordPress site at ${base}: ${message ?? code ?? 'no answer'}`,
			description: 'Check the Site URL in the "WP User Manager API" credential and that the site is online.',
		});
	}

	const { statusCode } = response;
	if (statusCode >= 200 && statusCode < 300) return response.body;

	const rest = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as WpRestError;
	let pluginMessage =
		typeof rest.message === 'string' && rest.message
			? rest.message
			: `The site answered ${method} ${path} with HTTP ${statusCode} and no error message`;
	if (rest.code === 'rest_no_route') {
		pluginMessage = `The companion plugin wpum-n8n-connector is not installed or not active on ${base}, or too old for ${method} ${path}. Install or update it (Plugins → Add New → Upload Plugin)`;
	}
	const details = [`HTTP ${statusCode}`, rest.code ? `code ${rest.code}` : undefined, hintFor(statusCode)]
		.filter(Boolean)
		.join(' · ');
	throw new NodeApiError(
		this.getNode(),
		{ message: pluginMessage, code: rest.code ?? null, httpCode: String(statusCode) } as JsonObject,
		{ message: `${pluginMessage} (HTTP ${statusCode})`, description: details, httpCode: String(statusCode) },
	);
}

/** Reads every page of a paged list route (`{<key>: [...], total_pages}`), up to `limit` items when given. */
export async function wpumApiRequestAllPages(
	this: WpumContext,
	path: string,
	key: string,
	qs: IDataObject = {},
	limit?: number,
): Promise<IDataObject[]> {
	const results: IDataObject[] = [];
	const perPage = limit !== undefined ? Math.min(Math.max(limit, 1), 100) : 100;
	for (let page = 1; ; page++) {
		const body = (await wpumApiRequest.call(this, 'GET', path, undefined, { ...qs, page, per_page: perPage })) as IDataObject;
		const items = (body[key] as IDataObject[] | undefined) ?? [];
		results.push(...items);
		if (limit !== undefined && results.length >= limit) return results.slice(0, limit);
		const totalPages = Number(body.total_pages ?? 0);
		if (items.length === 0 || page >= totalPages) return results;
	}
}
