import { WpUserManagerApi } from '../../../credentials/WpUserManagerApi.credentials';
import { WpUserManager } from '../../../nodes/WpUserManager/WpUserManager.node';
import { WpUserManagerTrigger } from '../../../nodes/WpUserManagerTrigger/WpUserManagerTrigger.node';
import { siteBaseUrl } from '../../../nodes/WpUserManager/transport';
import { ADMIN, startFakeWpumPlugin, SUBSCRIBER, type FakePluginOptions, type FakeWpumPlugin } from '../../support/fake-wpum-plugin';
import { startServer } from '../../support/http-server';
import { Harness } from '../../harness';

const harness = new Harness({ nodeTypes: [WpUserManager, WpUserManagerTrigger], credentialTypes: [WpUserManagerApi] });

async function testWith(data: Record<string, string>) {
	return await harness.testCredential('wpUserManager', 'wpUserManagerApiTest', 'wpUserManagerApi', data);
}

describe('WP User Manager API credential test', () => {
	let plugin: FakeWpumPlugin | undefined;

	async function site(options: FakePluginOptions = {}) {
		plugin = await startFakeWpumPlugin(options);
		return plugin;
	}

	afterEach(async () => {
		await plugin?.close();
		plugin = undefined;
	});

	it('succeeds against a site with the plugin and WP User Manager active', async () => {
		const wp = await site();
		const result = await testWith(wp.credentials());
		expect(result).toEqual({ status: 'OK', message: `Connected to ${wp.url} (wpum-n8n-connector 0.1.0, WP User Manager 2.9.14).` });
		expect(wp.requests[0].path).toBe('/wp-json/wpum-n8n/v1/status');
		expect(wp.requests[0].headers.authorization).toBe(`Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`);
	});

	it('accepts a Site URL typed with a trailing slash or /wp-admin', async () => {
		const wp = await site();
		expect((await testWith({ ...wp.credentials(), url: `${wp.url}/wp-admin/` })).status).toBe('OK');
		expect(siteBaseUrl('example.com/')).toBe('https://example.com');
		expect(siteBaseUrl(' https://example.com/blog/wp-json/ ')).toBe('https://example.com/blog');
	});

	it('works on a site with "Plain" permalinks through ?rest_route=', async () => {
		const wp = await site({ prettyPermalinks: false });
		const result = await testWith(wp.credentials());
		expect(result.status).toBe('OK');
		expect(wp.requests.map((r) => r.url)).toEqual(['/wp-json/wpum-n8n/v1/status', '/?rest_route=%2Fwpum-n8n%2Fv1%2Fstatus']);
	});

	it('on a "Plain" permalinks site, still tells a missing plugin apart from a wrong URL', async () => {
		const wp = await site({ prettyPermalinks: false, pluginActive: false });
		const result = await testWith(wp.credentials());
		expect(result.message).toContain('install the companion plugin wpum-n8n-connector');
	});

	it('succeeds with a warning when WP User Manager is not active', async () => {
		const wp = await site({ wpumActive: false });
		const result = await testWith(wp.credentials());
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(/^Connected to .*Warning: WP User Manager is not active on this site/);
	});

	it('says the site is unreachable when nothing answers', async () => {
		const closed = await startServer(() => undefined);
		const url = closed.url;
		await closed.close();
		const result = await testWith({ url, username: 'admin', applicationPassword: 'x' });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(new RegExp(`^Could not reach ${url} \\(.*ECONNREFUSED.*\\)\\. Check the Site URL`));
	});

	it('says the credentials were refused when WordPress reports a wrong application password', async () => {
		const wp = await site({ reportsPasswordErrors: true });
		const result = await testWith({ ...wp.credentials(), applicationPassword: 'wrong wrong wrong' });
		expect(result).toEqual({
			status: 'Error',
			message:
				'WordPress refused the username or application password (The provided password is an invalid application password.). Check the username and create a new application password under Users → Profile → Application Passwords.',
		});
	});

	it('says the credentials were refused when WordPress reports an unknown username', async () => {
		const wp = await site({ reportsPasswordErrors: true });
		const result = await testWith({ ...wp.credentials(), username: 'nobody' });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^WordPress refused the username or application password \(Unknown username/);
	});

	it('when WordPress treats a wrong password as no password, names both causes', async () => {
		const wp = await site();
		const result = await testWith({ ...wp.credentials(), applicationPassword: 'wrong wrong wrong' });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(
			/^WordPress did not accept the username and application password \(HTTP 401: Authentication required.*\)\. Check the username, and create a new application password .* If both are right, the web server strips the Authorization header/,
		);
	});

	it('says application passwords are unavailable when WordPress ignores them', async () => {
		const wp = await site({ applicationPasswords: false });
		const result = await testWith(wp.credentials());
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Application passwords are unavailable on http:\/\/127\.0\.0\.1:\d+: WordPress offers them only over HTTPS/);
	});

	it('says which user lacks permission (403)', async () => {
		const wp = await site();
		const result = await testWith(wp.credentials(SUBSCRIBER));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^WordPress accepted the login of "sub" but this user may not manage users \(HTTP 403: This WordPress user lacks the "list_users" capability\..*\)\. Use the application password of an administrator\./);
	});

	it('tells the user to install the companion plugin when its routes are missing', async () => {
		const wp = await site({ pluginActive: false });
		const result = await testWith(wp.credentials());
		expect(result.status).toBe('Error');
		expect(result.message).toContain(
			'install the companion plugin wpum-n8n-connector: download the zip from the n8n-nodes-wp-user-manager README and upload it in Plugins → Add New',
		);
	});

	it('says there is no WordPress REST API when the URL points elsewhere', async () => {
		const other = await startServer((_req, res) => {
			res.writeHead(404, { 'content-type': 'text/html' });
			res.end('<html>Not found</html>');
		});
		try {
			const result = await testWith({ url: other.url, username: 'admin', applicationPassword: 'x' });
			expect(result.status).toBe('Error');
			expect(result.message).toMatch(/^No WordPress REST API found at http:\/\/127\.0\.0\.1:\d+ \(HTTP 404 for \/wp-json\/ and \?rest_route=\)\. Check the Site URL/);
		} finally {
			await other.close();
		}
	});

	it('both nodes name this test for the credential, and the credential has a fallback test request', () => {
		for (const Node of [WpUserManager, WpUserManagerTrigger]) {
			const node = new Node();
			expect(node.description.credentials).toEqual([{ name: 'wpUserManagerApi', required: true, testedBy: 'wpUserManagerApiTest' }]);
			expect(typeof node.methods.credentialTest.wpUserManagerApiTest).toBe('function');
		}
		expect(new WpUserManagerApi().test.request.url).toBe('/status');
	});
});
