// The n8n nodes (in n8n's real engine, through the test harness) against the real companion plugin on a
// real WordPress: the credential test, the action node's routes, and the trigger's whole path: it
// subscribes in WordPress, the plugin signs a real event in PHP, the trigger verifies it and outputs it.
import '../setup-after-env';

import type { IncomingHttpHeaders } from 'node:http';

import { WpUserManagerApi } from '../../credentials/WpUserManagerApi.credentials';
import { WpUserManager } from '../../nodes/WpUserManager/WpUserManager.node';
import { WpUserManagerTrigger } from '../../nodes/WpUserManagerTrigger/WpUserManagerTrigger.node';
import { Harness, type TestNode } from '../harness';
import { sendJson, startServer, type LocalServer } from '../support/http-server';
import { assertEvent, assertUser, outbox, php, phpString, resetPlugin, runDeliveries, site } from './site';

let seq = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++seq}`;

const register = (login: string) =>
	php<number>(`return wpum_fixture_register( array( 'login' => ${phpString(login)}, 'email' => ${phpString(`${login}@example.org`)}, 'custom' => array( 'wpum_company' => 'Acme' ) ) );`);

function credentialsOf(who: 'admin' | 'subscriber' = 'admin') {
	const state = site();
	return { url: state.url, username: state[who].user, applicationPassword: state[who].password };
}

function harness(staticData = {}) {
	return new Harness({
		nodeTypes: [WpUserManagerTrigger, WpUserManager],
		credentialTypes: [WpUserManagerApi],
		credentials: { wpUserManagerApi: credentialsOf() },
		staticData,
	});
}

const testCredential = (data: Record<string, string>) =>
	harness().testCredential('wpUserManager', 'wpUserManagerApiTest', 'wpUserManagerApi', data);

beforeAll(async () => {
	await resetPlugin();
});

describe('credential test on a real WordPress', () => {
	it('passes with an administrator application password', async () => {
		const result = await testCredential(credentialsOf());
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(/^Connected to http:\/\/127\.0\.0\.1:\d+ \(wpum-n8n-connector /);
	});

	it('explains a wrong application password', async () => {
		const result = await testCredential({ ...credentialsOf(), applicationPassword: 'aaaa bbbb cccc dddd eeee ffff' });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^WordPress did not accept the username and application password \(HTTP 401/);
	});

	it('explains a user without the permission', async () => {
		const result = await testCredential(credentialsOf('subscriber'));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/may not manage users \(HTTP 403/);
	});
});

describe('WP User Manager node on a real WordPress', () => {
	it('User › Get and Get Many return contract users; Field › Get Many the catalog', async () => {
		const login = unique('nodeget');
		const userId = await register(login);
		const h = harness();

		const one = await h.runNode({ type: 'wpUserManager', parameters: { resource: 'user', operation: 'get', userId: String(userId) } });
		expect(one.error).toBeUndefined();
		assertUser(one.output[0][0].json);
		expect(one.output[0][0].json).toMatchObject({ id: userId, login });

		const many = await h.runNode({ type: 'wpUserManager', parameters: { resource: 'user', operation: 'getAll', returnAll: true } });
		expect(many.error).toBeUndefined();
		const ids = many.output[0].map((i) => i.json.id as number);
		expect(ids).toContain(userId);
		expect(ids).toEqual([...ids].sort((a, b) => a - b));
		many.output[0].forEach((i) => assertUser(i.json));

		const fields = await h.runNode({ type: 'wpUserManager', parameters: { resource: 'field', operation: 'getAll' } });
		expect(fields.output[0].map((i) => i.json.key)).toContain('user_email');
	});

	it('User › Link CRM Contact writes the contact id back', async () => {
		const userId = await register(unique('nodelink'));
		const { output, error } = await harness().runNode({
			type: 'wpUserManager',
			parameters: { resource: 'user', operation: 'linkCrmContact', userId: String(userId), crm: 'hubspot', contactId: '98765', tags: 'Member' },
		});
		expect(error).toBeUndefined();
		expect(output[0][0].json.crm).toMatchObject({ hubspot: { contact_id: '98765', tags: ['Member'] } });
	});

	it("a missing user surfaces the plugin's own message and 404", async () => {
		const { error } = await harness().runNode({ type: 'wpUserManager', parameters: { resource: 'user', operation: 'get', userId: '987654' } });
		expect(error?.message).toMatch(/987654.*\(HTTP 404\)$/);
	});
});

describe('WP User Manager Trigger with the real plugin', () => {
	let receiver: LocalServer;
	const staticData = {};
	const node: TestNode = {
		name: 'WPUM Trigger',
		type: 'wpUserManagerTrigger',
		webhookId: 'e2c0a1f4-7c44-4d2a-9a53-3d1c2b0f9e01',
		parameters: { events: ['user.registered'] },
	};
	const received: Array<{ status: number; items: unknown[] }> = [];

	beforeAll(async () => {
		// Stands in for n8n's webhook server: hands each raw request to the trigger and sends its answer.
		receiver = await startServer(async (req, res) => {
			const headers = Object.fromEntries(
				Object.entries(req.headers as IncomingHttpHeaders).map(([k, v]) => [k, Array.isArray(v) ? v[0] : String(v)]),
			);
			const { result, response } = await harness(staticData).runWebhook(node, { headers, rawBody: req.rawBody });
			received.push({ status: response.statusCode, items: (result.workflowData?.[0] ?? []).map((i) => i.json) });
			sendJson(res, response.statusCode, response.body);
		});
	});
	afterAll(async () => {
		await receiver.close();
		await resetPlugin();
	});

	it('activation subscribes in WordPress with a fresh secret', async () => {
		const h = harness(staticData);
		expect(await h.runWebhookMethod(node, 'checkExists')).toBe(false);
		expect(await h.runWebhookMethod(node, 'create')).toBe(true);
		const rows = await php<Array<{ id: string; url: string; secret: string }>>(
			'global $wpdb; return $wpdb->get_results( "SELECT id, url, secret FROM " . WPUM_N8N_Schema::webhooks_table(), ARRAY_A );',
		);
		expect(rows).toHaveLength(1);
		expect(rows[0].secret).toBe((staticData as Record<string, { secret: string }>)['node:WPUM Trigger'].secret);
		expect(await h.runWebhookMethod(node, 'checkExists')).toBe(true);
	});

	it('a registration is signed by the plugin, verified by the trigger and output as the event', async () => {
		// The harness's webhook URL is not served; point the subscription at the stand-in receiver.
		await php(
			`global $wpdb; $wpdb->update( WPUM_N8N_Schema::webhooks_table(), array( 'url' => ${phpString(`${receiver.url}/hook`)} ), array( 'id' => (int) ${(staticData as Record<string, { webhookId: number }>)['node:WPUM Trigger'].webhookId} ) ); return true;`,
		);
		const userId = await register(unique('trig'));
		const [row] = (await outbox()).filter((r) => r.user_id === userId && r.event === 'user.registered');
		expect(await runDeliveries()).toBeGreaterThanOrEqual(1);

		const accepted = received.find((r) => r.items.length > 0);
		expect(accepted?.status).toBe(200);
		expect(accepted?.items).toHaveLength(1);
		const event = accepted!.items[0] as Record<string, any>;
		assertEvent(event);
		expect(event).toEqual(row.payload);
		expect(event.user.id).toBe(userId);
		const [delivered] = (await outbox()).filter((r) => r.id === row.id);
		expect(delivered.status).toBe('delivered');
	});

	it('deactivation removes the subscription in WordPress', async () => {
		expect(await harness(staticData).runWebhookMethod(node, 'delete')).toBe(true);
		const count = await php<string>('global $wpdb; return $wpdb->get_var( "SELECT COUNT(*) FROM " . WPUM_N8N_Schema::webhooks_table() );');
		expect(Number(count)).toBe(0);
	});
});
