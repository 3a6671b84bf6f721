import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { API_ROUTE, isRestError, siteBaseUrl } from '../transport';

export const PLUGIN_MISSING_MESSAGE =
	'The companion plugin is missing or inactive: install the companion plugin wpum-n8n-connector: download the zip from the n8n-nodes-wp-user-manager README and upload it in Plugins → Add New, then activate it.';

interface TestResponse {
	statusCode: number;
	body: unknown;
}

const REFUSED_CODES = ['incorrect_password', 'invalid_username', 'invalid_email', 'authentication_failed'];
const APP_PASSWORDS_OFF_CODES = ['application_passwords_disabled', 'application_passwords_disabled_for_user'];

function asObject(body: unknown): IDataObject {
	return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as IDataObject) : {};
}

/**
 * Tests the "WP User Manager API" credential against the plugin's status route and says precisely
 * what is wrong: site unreachable, credentials refused, application passwords unavailable, plugin
 * missing, or (as a warning on success) WP User Manager inactive.
 */
export async function wpUserManagerApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const base = siteBaseUrl(data.url);
	if (!base) return { status: 'Error', message: 'Enter the Site URL of your WordPress site, e.g. https://example.com' };
	const username = String(data.username ?? '');
	const password = String(data.applicationPassword ?? '');

	// Credential tests only get the request helper (ICredentialTestFunctions has no httpRequest in n8n 2.x).
	const { helpers } = this;
	const get = async (url: string, withAuth: boolean): Promise<TestResponse> =>
		(await helpers.request({
			method: 'GET',
			uri: url,
			json: true,
			auth: withAuth ? { user: username, pass: password } : undefined,
			resolveWithFullResponse: true,
			simple: false,
			timeout: 20000,
		})) as TestResponse;

	// /wp-json/ first; a non-REST 404 there means "Plain" permalinks, where only ?rest_route= works.
	const getRoute = async (route: string, withAuth: boolean): Promise<TestResponse> => {
		const pretty = await get(`${base}/wp-json${route}`, withAuth);
		if (pretty.statusCode !== 404 || isRestError(pretty.body)) return pretty;
		return await get(`${base}/?rest_route=${encodeURIComponent(route)}`, withAuth);
	};

	let response: TestResponse;
	try {
		response = await getRoute(`${API_ROUTE}/status`, true);
	} catch (error) {
		return {
			status: 'Error',
			message: `Could not reach ${base} (${(error as Error).message}). Check the Site URL and that the site is online and reachable from n8n.`,
		};
	}

	const body = asObject(response.body);
	const code = typeof body.code === 'string' ? body.code : '';
	const wpMessage = typeof body.message === 'string' ? body.message : '';

	if (response.statusCode >= 200 && response.statusCode < 300) {
		if (typeof body.plugin_version !== 'string') {
			return {
				status: 'Error',
				message: `${base} answered, but not like the wpum-n8n-connector plugin. Check the Site URL points to your WordPress site.`,
			};
		}
		const wpum = asObject(body.wpum);
		if (wpum.active !== true) {
			return {
				status: 'OK',
				message: `Connected to ${base} (wpum-n8n-connector ${body.plugin_version}). Warning: WP User Manager is not active on this site, so events carry only core WordPress fields and forms are empty. Activate WP User Manager in Plugins.`,
			};
		}
		return {
			status: 'OK',
			message: `Connected to ${base} (wpum-n8n-connector ${body.plugin_version}, WP User Manager ${String(wpum.version ?? '')}).`,
		};
	}

	if (response.statusCode === 404) {
		if (code === 'rest_no_route') return { status: 'Error', message: PLUGIN_MISSING_MESSAGE };
		return {
			status: 'Error',
			message: `No WordPress REST API found at ${base} (HTTP 404 for /wp-json/ and ?rest_route=). Check the Site URL points to your WordPress site.`,
		};
	}

	if (response.statusCode === 403) {
		return {
			status: 'Error',
			message: `WordPress accepted the login of "${username}" but this user may not manage users (HTTP 403${wpMessage ? `: ${wpMessage}` : ''}). Use the application password of an administrator.`,
		};
	}

	if (response.statusCode === 401) {
		if (APP_PASSWORDS_OFF_CODES.includes(code)) {
			return {
				status: 'Error',
				message: `Application passwords are turned off for "${username}" on ${base}${wpMessage ? ` (${wpMessage})` : ''}. Enable them (a security plugin may disable them) and create one under Users → Profile.`,
			};
		}
		if (REFUSED_CODES.includes(code)) {
			return {
				status: 'Error',
				message: `WordPress refused the username or application password (${wpMessage || code}). Check the username and create a new application password under Users → Profile → Application Passwords.`,
			};
		}
		// Not a refusal of the password: WordPress never looked at it. Ask the REST index whether
		// application passwords are available at all.
		let index: IDataObject = {};
		try {
			index = asObject((await getRoute('/', false)).body);
		} catch (error) {
			return {
				status: 'Error',
				message: `WordPress did not accept the credentials (HTTP 401) and its REST index could not be read (${(error as Error).message}).`,
			};
		}
		const authentication = asObject(index.authentication);
		if (!('application-passwords' in authentication)) {
			return {
				status: 'Error',
				message: `Application passwords are unavailable on ${base}: WordPress offers them only over HTTPS (or with WP_ENVIRONMENT_TYPE set to "local"), and security plugins can turn them off. Serve the site over HTTPS or enable application passwords.`,
			};
		}
		// WordPress often treats a wrong password like no password at all, so both causes stay possible.
		return {
			status: 'Error',
			message: `WordPress did not accept the username and application password (HTTP 401${wpMessage ? `: ${wpMessage}` : ''}). Check the username, and create a new application password under Users → Profile → Application Passwords. If both are right, the web server strips the Authorization header: on Apache add "SetEnvIf Authorization (.*) HTTP_AUTHORIZATION=$1" to .htaccess.`,
		};
	}

	return {
		status: 'Error',
		message: `${base} answered HTTP ${response.statusCode}${wpMessage ? `: ${wpMessage}` : ''}. Check the site is working and try again.`,
	};
}
