// Keeps the fake plugin honest: its answers must have the shape of the answers the real plugin gave
// on a real WordPress (contract/examples/rest/*.json, recorded by the plugin's own test suite), and
// the nodes must handle those real answers.
import { ADMIN, makeDelivery, makeUser, restExample, signedDelivery, startFakeWpumPlugin, type FakeWpumPlugin } from '../../support/fake-wpum-plugin';
import { actionNode, harnessFor } from './helpers';

/** Keys whose members are data (field keys, CRM slugs), not part of the shape. */
const DATA_MAPS = new Set(['fields', 'field_labels', 'crm']);

function differences(real: unknown, fake: unknown, path = '$', found: string[] = []): string[] {
	if (real === null || fake === null || real === undefined || fake === undefined) return found;
	const kind = (v: unknown) => (Array.isArray(v) ? 'array' : typeof v);
	if (kind(real) !== kind(fake)) {
		found.push(`${path}: the plugin sends ${kind(real)}, the fake ${kind(fake)}`);
		return found;
	}
	if (Array.isArray(real) && Array.isArray(fake)) {
		if (real.length && fake.length) differences(real[0], fake[0], `${path}[0]`, found);
		return found;
	}
	if (typeof real === 'object' && typeof fake === 'object' && !DATA_MAPS.has(path.split('.').pop()!)) {
		const r = real as Record<string, unknown>;
		const f = fake as Record<string, unknown>;
		for (const key of Object.keys(r)) if (!(key in f)) found.push(`${path}.${key}: missing in the fake`);
		for (const key of Object.keys(f)) if (!(key in r)) found.push(`${path}.${key}: the plugin does not send it`);
		for (const key of Object.keys(r)) if (key in f) differences(r[key], f[key], `${path}.${key}`, found);
	}
	return found;
}

const hasExamples = restExample('status') !== undefined;

(hasExamples ? describe : describe.skip)('the fake plugin against the real plugin’s recorded answers', () => {
	let plugin: FakeWpumPlugin;

	async function call(method: string, route: string, body?: unknown): Promise<any> {
		const response = await fetch(`${plugin.url}/wp-json/wpum-n8n/v1${route}`, {
			method,
			headers: {
				authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`,
				...(body ? { 'content-type': 'application/json' } : {}),
			},
			body: body ? JSON.stringify(body) : undefined,
		});
		return await response.json();
	}

	beforeEach(async () => {
		plugin = await startFakeWpumPlugin({ users: [makeUser(1), makeUser(2)] });
		plugin.deliveries = [makeDelivery(1, 'delivered'), makeDelivery(2, 'failed')];
	});
	afterEach(async () => {
		await plugin.close();
	});

	it('the shape check notices a missing key, an extra key and a changed type', () => {
		expect(differences({ a: 1, b: [{ c: 'x' }] }, { b: [{ c: 2 }], d: true })).toEqual([
			'$.a: missing in the fake',
			'$.d: the plugin does not send it',
			'$.b[0].c: the plugin sends string, the fake number',
		]);
	});

	it.each([
		['status', 'GET', '/status'],
		['fields-wpum', 'GET', '/fields'],
		['forms', 'GET', '/forms'],
		['roles', 'GET', '/roles'],
		['users', 'GET', '/users'],
		['deliveries', 'GET', '/deliveries'],
		['delivery-retry', 'POST', '/deliveries/2/retry'],
	])('%s: same shape as the plugin answers %s %s', async (example, method, route) => {
		expect(differences(restExample(example), await call(method, route))).toEqual([]);
	});

	it('webhooks: create, list and test answer in the plugin’s shape', async () => {
		const created = await call('POST', '/webhooks', { url: 'https://n8n.example.org/webhook/abc/webhook', events: ['user.registered'], secret: 's'.repeat(40), name: 'x' });
		expect(differences(restExample('webhook-created'), created)).toEqual([]);
		expect(differences(restExample('webhooks'), await call('GET', '/webhooks'))).toEqual([]);
		expect(differences(restExample('webhook-test'), await call('POST', `/webhooks/${created.id}/test`))).toEqual([]);
	});

	it('a delivery carries the same headers as the plugin sends', () => {
		const real = Object.keys(restExample('delivery-request-headers')).sort();
		const fake = Object.keys(signedDelivery({ ...makeEventLike() }, 's'.repeat(40)).headers).map((h) => h.toLowerCase()).sort();
		expect(fake).toEqual(real);
	});

	describe('the nodes on the real answers', () => {
		it('field dropdown: one option per field of the real catalog, in WPUM’s groups', async () => {
			const catalog = restExample('fields-wpum');
			plugin.fieldCatalog = catalog;
			const options = await harnessFor(plugin).loadOptions({ name: 'WPUM', type: 'wpUserManager' }, 'getFields');
			expect(options.map((o) => o.value).sort()).toEqual(catalog.fields.map((f: { key: string }) => f.key).sort());
			const groupNames = catalog.groups.map((g: { name: string }) => g.name);
			const order = options.map((o) => groupNames.indexOf(String(o.name).split(' › ')[0]));
			expect(order).toEqual([...order].sort((a, b) => a - b));
			expect(order.every((i) => i >= 0)).toBe(true);
		});

		it('field dropdown also works on a site without WPUM (core catalog)', async () => {
			const catalog = restExample('fields-core');
			plugin.fieldCatalog = catalog;
			const options = await harnessFor(plugin).loadOptions({ name: 'WPUM', type: 'wpUserManager' }, 'getFields');
			expect(options).toHaveLength(catalog.fields.length);
		});

		it('forms and roles dropdowns list the real answers', async () => {
			plugin.forms = restExample('forms');
			plugin.roles = restExample('roles');
			const harness = harnessFor(plugin);
			expect((await harness.loadOptions({ name: 'WPUM', type: 'wpUserManager' }, 'getForms')).map((o) => o.value)).toEqual(plugin.forms.map((f) => f.id));
			expect((await harness.loadOptions({ name: 'WPUM', type: 'wpUserManager' }, 'getRoles')).map((o) => o.value)).toEqual(plugin.roles.map((r) => r.slug));
		});

		it('User › Get Many returns the real users unchanged', async () => {
			const page = restExample('users');
			plugin.users = page.users;
			const { output } = await harnessFor(plugin).runNode(actionNode({ resource: 'user', operation: 'getAll', returnAll: true }));
			expect(output[0].map((i) => i.json)).toEqual(page.users);
		});

		it('Delivery › Get Many returns the real deliveries unchanged', async () => {
			const page = restExample('deliveries');
			plugin.deliveries = page.deliveries;
			const { output } = await harnessFor(plugin).runNode(actionNode({ resource: 'delivery', operation: 'getAll', status: '', returnAll: true }));
			expect(output[0].map((i) => i.json)).toEqual(page.deliveries);
		});

		it('credential test: the real status answers give OK, and a warning without WPUM', async () => {
			const harness = harnessFor(plugin);
			plugin.statusBody = restExample('status');
			const ok = await harness.testCredential('wpUserManager', 'wpUserManagerApiTest', 'wpUserManagerApi', plugin.credentials());
			expect(ok.status).toBe('OK');
			expect(ok.message).not.toContain('Warning');
			plugin.statusBody = restExample('status-without-wpum');
			const warned = await harness.testCredential('wpUserManager', 'wpUserManagerApiTest', 'wpUserManagerApi', plugin.credentials());
			expect(warned.status).toBe('OK');
			expect(warned.message).toContain('Warning: WP User Manager is not active');
		});
	});
});

function makeEventLike() {
	return {
		event_id: '274132af-a3ac-4d28-bf77-c1f8a4c7857c',
		event: 'user.registered',
		occurred_at: '2026-11-27T06:00:00Z',
		site_url: 'https://example.com',
		user: makeUser(1),
		form: null,
	};
}
