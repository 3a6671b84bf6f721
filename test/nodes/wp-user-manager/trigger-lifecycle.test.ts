import { ADMIN, SUBSCRIBER, startFakeWpumPlugin, type FakeWpumPlugin } from '../../support/fake-wpum-plugin';
import { harnessFor, TRIGGER_NAME, triggerNode } from './helpers';

const WEBHOOK_URL = 'http://127.0.0.1:5678/webhook/b6a1c1c2-0000-4000-8000-000000000001/webhook';

describe('WP User Manager Trigger: webhook subscription lifecycle', () => {
	let plugin: FakeWpumPlugin;

	beforeEach(async () => {
		plugin = await startFakeWpumPlugin();
	});
	afterEach(async () => {
		await plugin.close();
	});

	it('activation: checkExists finds nothing, create registers the URL, events and a fresh secret kept in static data', async () => {
		const harness = harnessFor(plugin);
		const node = triggerNode({ events: ['user.updated', 'user.registered', 'user.activated'] });

		expect(await harness.runWebhookMethod(node, 'checkExists')).toBe(false);
		expect(await harness.runWebhookMethod(node, 'create')).toBe(true);

		expect(plugin.routeLog()).toEqual(['GET /webhooks', 'POST /webhooks']);
		const post = plugin.requests.find((r) => r.method === 'POST')!;
		const body = post.body as Record<string, unknown>;
		expect(body.url).toBe(WEBHOOK_URL);
		expect(body.events).toEqual(['user.activated', 'user.registered', 'user.updated']);
		expect(body.secret).toMatch(/^[0-9a-f]{64}$/);
		expect(String(body.name)).toContain(TRIGGER_NAME);
		expect(post.headers.authorization).toBe(`Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`);

		const stored = harness.staticData[`node:${TRIGGER_NAME}`] as Record<string, unknown>;
		expect(stored.webhookId).toBe(1);
		expect(stored.secret).toBe(body.secret);
		expect(plugin.webhooks).toHaveLength(1);
	});

	it('uses a different secret for every subscription', async () => {
		const first = harnessFor(plugin);
		const second = harnessFor(plugin);
		await first.runWebhookMethod(triggerNode(), 'create');
		await second.runWebhookMethod({ ...triggerNode(), webhookId: 'other-node' }, 'create');
		const [a, b] = plugin.webhooks;
		expect(a.secret).not.toBe(b.secret);
	});

	it('checkExists finds its own subscription by URL and id once created', async () => {
		const harness = harnessFor(plugin);
		await harness.runWebhookMethod(triggerNode(), 'create');
		plugin.requests.length = 0;
		expect(await harness.runWebhookMethod(triggerNode(), 'checkExists')).toBe(true);
		expect(plugin.routeLog()).toEqual(['GET /webhooks']);
		expect(plugin.webhooks).toHaveLength(1);
	});

	it('checkExists replaces a subscription whose events no longer match the node', async () => {
		const harness = harnessFor(plugin);
		await harness.runWebhookMethod(triggerNode({ events: ['user.registered'] }), 'create');
		expect(await harness.runWebhookMethod(triggerNode({ events: ['user.registered', 'user.deleted'] }), 'checkExists')).toBe(false);
		expect(plugin.webhooks).toHaveLength(0);
		await harness.runWebhookMethod(triggerNode({ events: ['user.registered', 'user.deleted'] }), 'create');
		expect(plugin.webhooks.map((w) => w.events)).toEqual([['user.deleted', 'user.registered']]);
	});

	it('checkExists removes a leftover subscription to its URL whose secret it no longer holds', async () => {
		const earlier = harnessFor(plugin);
		await earlier.runWebhookMethod(triggerNode(), 'create');
		const fresh = harnessFor(plugin); // static data lost (e.g. workflow re-imported)
		expect(await fresh.runWebhookMethod(triggerNode(), 'checkExists')).toBe(false);
		expect(plugin.routeLog()).toContain('DELETE /webhooks/1');
		expect(plugin.webhooks).toHaveLength(0);
	});

	it('checkExists leaves subscriptions to other URLs alone', async () => {
		const other = harnessFor(plugin);
		await other.runWebhookMethod({ ...triggerNode(), webhookId: 'another-workflow' }, 'create');
		expect(await harnessFor(plugin).runWebhookMethod(triggerNode(), 'checkExists')).toBe(false);
		expect(plugin.webhooks).toHaveLength(1);
	});

	it('deactivation deletes the subscription and forgets the secret', async () => {
		const harness = harnessFor(plugin);
		await harness.runWebhookMethod(triggerNode(), 'create');
		expect(await harness.runWebhookMethod(triggerNode(), 'delete')).toBe(true);
		expect(plugin.routeLog()).toContain('DELETE /webhooks/1');
		expect(plugin.webhooks).toHaveLength(0);
		expect(harness.staticData[`node:${TRIGGER_NAME}`]).toEqual({});
	});

	it('deactivation succeeds when the subscription was already deleted in WordPress (404)', async () => {
		const harness = harnessFor(plugin);
		await harness.runWebhookMethod(triggerNode(), 'create');
		plugin.webhooks = [];
		expect(await harness.runWebhookMethod(triggerNode(), 'delete')).toBe(true);
		expect(harness.staticData[`node:${TRIGGER_NAME}`]).toEqual({});
	});

	it('deactivation surfaces any other failure instead of swallowing it', async () => {
		const harness = harnessFor(plugin);
		await harness.runWebhookMethod(triggerNode(), 'create');
		plugin.accounts[ADMIN.username].password = 'changed in WordPress';
		await expect(harness.runWebhookMethod(triggerNode(), 'delete')).rejects.toThrow(/Authentication required.*\(HTTP 401\)/);
		expect(plugin.webhooks).toHaveLength(1);
	});

	it('activation with a non-admin user fails with the plugin message and the HTTP status', async () => {
		const harness = harnessFor(plugin, SUBSCRIBER);
		await expect(harness.runWebhookMethod(triggerNode(), 'checkExists')).rejects.toThrow(
			'This WordPress user lacks the "manage_options" capability. Use an administrator\'s application password. (HTTP 403)',
		);
	});

	it('activation with no event selected explains what to do', async () => {
		const harness = harnessFor(plugin);
		await expect(harness.runWebhookMethod(triggerNode({ events: [] }), 'create')).rejects.toThrow(/Choose at least one event/);
		expect(plugin.webhooks).toHaveLength(0);
	});
});
