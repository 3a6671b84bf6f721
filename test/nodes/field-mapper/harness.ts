import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { WpUserManagerApi } from '../../../credentials/WpUserManagerApi.credentials';
import { WpumFluentCrmApi } from '../../../credentials/WpumFluentCrmApi.credentials';
import { WpumFieldMapper } from '../../../nodes/WpumFieldMapper/WpumFieldMapper.node';
import { Harness } from '../../harness';
import { type LocalServer, sendJson, startServer } from '../../support/http-server';
import { FIELD_CATALOG } from './fixtures';

export const NODE = 'wpumFieldMapper';

export const ROLES = [
	{ slug: 'subscriber', name: 'Subscriber' },
	{ slug: 'customer', name: 'Customer' },
];
export const FORMS = [
	{ id: 1, name: 'Default registration form', role: 'subscriber', is_default: true },
	{ id: 2, name: 'Partners', role: 'customer', is_default: false },
];

/** A local stand-in for the plugin routes the mapper calls: GET /fields, /roles and /forms. */
export async function startCatalogServer(catalog: unknown = FIELD_CATALOG): Promise<LocalServer> {
	return await startServer((req, res) => {
		if (req.headers.authorization !== `Basic ${Buffer.from('admin:abcd efgh ijkl mnop').toString('base64')}`) {
			return sendJson(res, 401, { code: 'rest_not_logged_in', message: 'You are not currently logged in.', data: { status: 401 } });
		}
		if (req.method === 'GET' && req.path === '/wp-json/wpum-n8n/v1/fields') return sendJson(res, 200, catalog);
		if (req.method === 'GET' && req.path === '/wp-json/wpum-n8n/v1/roles') return sendJson(res, 200, ROLES);
		if (req.method === 'GET' && req.path === '/wp-json/wpum-n8n/v1/forms') return sendJson(res, 200, FORMS);
		return sendJson(res, 404, { code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } });
	});
}

/** A harness whose WP User Manager credential points at `server` (when given). */
export function mapperHarness(server?: LocalServer, extra: { credentials?: Record<string, IDataObject> } = {}): Harness {
	return new Harness({
		nodeTypes: [WpumFieldMapper],
		credentialTypes: [WpUserManagerApi, WpumFluentCrmApi],
		credentials: {
			...(server ? { wpUserManagerApi: { url: server.url, username: 'admin', applicationPassword: 'abcd efgh ijkl mnop' } } : {}),
			...(extra.credentials ?? {}),
		},
	});
}

export interface Association {
	field: string;
	to: string;
	format?: string;
	[option: string]: unknown;
}

/** Association rows as the editor stores them, for typed keys (`site` = the field dropdown instead). */
export function associations(rows: Association[], mode: 'typed' | 'site' = 'typed'): INodeParameters & { association: INodeParameters[] } {
	return {
		association: rows.map(({ field, to, format = 'auto', ...options }) => ({
			...(mode === 'site' ? { wpumField: field } : { wpumFieldKey: field }),
			crmFieldKey: to,
			format,
			...options,
		})) as INodeParameters[],
	};
}

export const json = (items: INodeExecutionData[] | undefined) => (items ?? []).map((item) => item.json);
export const paired = (items: INodeExecutionData[] | undefined) => (items ?? []).map((item) => item.pairedItem);
