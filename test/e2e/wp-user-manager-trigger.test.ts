// The WP User Manager Trigger in a real n8n server (installed from the package tarball), talking to the
// fake companion plugin: activation registers the webhook, signed events start executions, forged,
// stale and repeated ones do not, and deactivation removes the subscription.
import { makeEvent, makeUser, signedDelivery, startFakeWpumPlugin, type FakeWpumPlugin } from '../support/fake-wpum-plugin';
import { N8N_VERSIONS, packPackage, startN8n, waitFor, type N8nServer } from './n8n';

const TRIGGER_TYPE = 'n8n-nodes-wp-user-manager.wpUserManagerTrigger';
const WEBHOOK_ID = '5d7c5a52-4b1e-4c0e-9a51-0c3a2f7e9b11';

let tarball: string;
let n8n: N8nServer;
let plugin: FakeWpumPlugin;
let workflowId: string;

beforeAll(() => {
	tarball = packPackage();
}, 600_000);

async function post(delivery: { headers: Record<string, string>; rawBody: string }) {
	const response = await fetch(`${n8n.url}/webhook/${WEBHOOK_ID}/webhook`, { method: 'POST', headers: delivery.headers, body: delivery.rawBody });
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Finished executions only: n8n lists a running one before its data is saved. */
async function executions(): Promise<Array<{ id: string; data?: any }>> {
	const result = await n8n.api<{ data: Array<{ id: string; status: string; data?: any }> }>('GET', `/executions?workflowId=${workflowId}&includeData=true`);
	return result.data.filter((execution) => !['new', 'running', 'waiting'].includes(execution.status) && execution.data);
}

describe.each(N8N_VERSIONS)('WP User Manager Trigger in n8n %s', (version) => {
	beforeAll(async () => {
		plugin = await startFakeWpumPlugin({ users: [makeUser(7)] });
		n8n = await startN8n({ version, tarball });
	}, 900_000);

	afterAll(async () => {
		await n8n?.stop();
		await plugin?.close();
	});

	it('activation registers the webhook with the plugin', async () => {
		const credential = await n8n.api<{ id: string }>('POST', '/credentials', {
			name: 'WPUM site',
			type: 'wpUserManagerApi',
			// n8n adds the "Allowed HTTP Request Domains" setting to every credential; the public API requires it.
			data: { ...plugin.credentials(), allowedHttpRequestDomains: 'all' },
		});
		const workflow = await n8n.api<{ id: string }>('POST', '/workflows', {
			name: 'WPUM e2e',
			nodes: [
				{
					id: 'trigger',
					name: 'WP User Manager Trigger',
					type: TRIGGER_TYPE,
					typeVersion: 1,
					position: [0, 0],
					webhookId: WEBHOOK_ID,
					parameters: { events: ['user.registered', 'user.updated'] },
					credentials: { wpUserManagerApi: { id: credential.id, name: 'WPUM site' } },
				},
			],
			connections: {},
			settings: {},
		});
		workflowId = workflow.id;
		await n8n.api('POST', `/workflows/${workflowId}/activate`);
		expect(plugin.webhooks.map((w) => [w.url, w.events])).toEqual([
			[`${n8n.url}/webhook/${WEBHOOK_ID}/webhook`, ['user.registered', 'user.updated']],
		]);
	});

	it('a signed event is acknowledged with the explicit answer and runs the workflow with the event', async () => {
		const event = makeEvent('user.registered', makeUser(7));
		expect(await post(plugin.deliveryFor(plugin.webhooks[0].id, event))).toEqual({
			status: 200,
			body: { received: true, event_id: event.event_id },
		});
		await waitFor(async () => (await executions()).length === 1, 60_000);
		const [execution] = await executions();
		const output = execution.data.resultData.runData['WP User Manager Trigger'][0].data.main[0];
		expect(output.map((item: { json: unknown }) => item.json)).toEqual([event]);
	});

	it('a retry of the same event is acknowledged as a duplicate and starts nothing', async () => {
		const event = makeEvent('user.updated', makeUser(7));
		expect((await post(plugin.deliveryFor(plugin.webhooks[0].id, event))).status).toBe(200);
		await waitFor(async () => (await executions()).length === 2, 60_000);
		const retry = await post(plugin.deliveryFor(plugin.webhooks[0].id, event, { attempt: 2 }));
		expect(retry).toEqual({ status: 200, body: { received: true, event_id: event.event_id, duplicate: true } });
		// A later, distinct event shows the duplicate really started nothing in between.
		await post(plugin.deliveryFor(plugin.webhooks[0].id, makeEvent('user.updated', makeUser(7))));
		await waitFor(async () => (await executions()).length === 3, 60_000);
		const ids = (await executions()).map((e) => e.data.resultData.runData['WP User Manager Trigger'][0].data.main[0][0].json.event_id);
		expect(ids.filter((id: string) => id === event.event_id)).toHaveLength(1);
	});

	it('a forged or stale event gets 401 and starts nothing', async () => {
		const forged = await post(signedDelivery(makeEvent('user.registered', makeUser(7)), 'f'.repeat(64)));
		expect(forged).toEqual({ status: 401, body: { received: false, error: 'Invalid signature' } });
		const stale = await post(
			plugin.deliveryFor(plugin.webhooks[0].id, makeEvent('user.registered', makeUser(7)), { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
		);
		expect(stale.status).toBe(401);
		expect((await executions()).length).toBe(3);
	});

	it('deactivation deletes the subscription in WordPress', async () => {
		await n8n.api('POST', `/workflows/${workflowId}/deactivate`);
		expect(plugin.webhooks).toEqual([]);
	});

	it('activating against a site n8n cannot reach fails with the reason (n8n 2.8 answers the call, 2.10+ its publication status)', async () => {
		const credential = await n8n.api<{ id: string }>('POST', '/credentials', {
			name: 'Unreachable site',
			type: 'wpUserManagerApi',
			data: { ...plugin.credentials(), url: 'http://127.0.0.1:9', allowedHttpRequestDomains: 'all' },
		});
		const workflow = await n8n.api<{ id: string }>('POST', '/workflows', {
			name: 'WPUM unreachable',
			nodes: [
				{
					id: 'trigger',
					name: 'WP User Manager Trigger',
					type: TRIGGER_TYPE,
					typeVersion: 1,
					position: [0, 0],
					webhookId: '0b8e5a1c-7d2f-4c3e-8a9b-1f2e3d4c5b6a',
					parameters: { events: ['user.registered'] },
					credentials: { wpUserManagerApi: { id: credential.id, name: 'Unreachable site' } },
				},
			],
			connections: {},
			settings: {},
		});
		const activation = n8n.api('POST', `/workflows/${workflow.id}/activate`).then(
			() => 'activated',
			(error: Error) => error.message,
		);
		// 2.8 answers with the error description, 2.10+ reports the error message: both name the site.
		expect(await activation).toMatch(/127\.0\.0\.1:9|Check the Site URL/);
		expect(plugin.webhooks).toEqual([]);
	});
});
