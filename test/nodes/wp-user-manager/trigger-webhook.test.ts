import type { IncomingHttpHeaders } from 'node:http';

import type { INodeParameters } from 'n8n-workflow';

import { RECENT_EVENT_LIMIT, rememberEvent } from '../../../nodes/WpUserManagerTrigger/recentEvents';
import {
	exampleEvents,
	makeEvent,
	makeUser,
	signBody,
	signedDelivery,
	startFakeWpumPlugin,
	type FakeWpumPlugin,
} from '../../support/fake-wpum-plugin';
import { sendJson, startServer } from '../../support/http-server';
import type { Harness, TestNode } from '../../harness';
import { harnessFor, TRIGGER_NAME, triggerNode } from './helpers';

const now = () => Math.floor(Date.now() / 1000);

describe('WP User Manager Trigger: incoming events', () => {
	let plugin: FakeWpumPlugin;
	let harness: Harness;
	let node: TestNode;

	/** Activates `node` against the fake plugin, so the plugin holds the subscription's secret. */
	async function activate(parameters: INodeParameters = {}) {
		node = triggerNode(parameters);
		harness = harnessFor(plugin);
		await harness.runWebhookMethod(node, 'checkExists');
		await harness.runWebhookMethod(node, 'create');
		return plugin.webhooks[plugin.webhooks.length - 1].id;
	}

	async function deliver(event: Record<string, unknown>, options?: Parameters<FakeWpumPlugin['deliveryFor']>[2], mode: 'trigger' | 'manual' = 'trigger') {
		const delivery = plugin.deliveryFor(plugin.webhooks[0].id, event, options);
		const outcome = await harness.runWebhook(node, delivery, mode);
		// n8n stores static data as JSON between executions; reusing the engine's live object would nest
		// one observable proxy per run inside the next.
		harness = harnessFor(plugin, undefined, JSON.parse(JSON.stringify(harness.staticData)));
		return outcome;
	}

	beforeEach(async () => {
		plugin = await startFakeWpumPlugin();
	});
	afterEach(async () => {
		await plugin.close();
	});

	describe('signature and replay protection', () => {
		it('accepts an event signed with the secret it registered and outputs it unchanged', async () => {
			await activate();
			const event = makeEvent('user.registered', makeUser(7));
			const { result, response } = await deliver(event);
			expect(result.workflowData).toEqual([[{ json: event }]]);
			expect(result.noWebhookResponse).toBe(true);
			expect(response.statusCode).toBe(200);
			expect(response.body).toEqual({ received: true, event_id: event.event_id });
		});

		it('answers 401 and starts nothing when the signature does not match', async () => {
			await activate();
			const delivery = plugin.deliveryFor(1, makeEvent('user.registered', makeUser(7)));
			delivery.headers['X-WPUM-Signature'] = signBody('some other secret of 32 characters!!', delivery.headers['X-WPUM-Timestamp'], delivery.rawBody);
			const { result, response } = await harness.runWebhook(node, delivery);
			expect(response.statusCode).toBe(401);
			expect(response.body).toEqual({ received: false, error: 'Invalid signature' });
			expect(result.workflowData).toBeUndefined();
		});

		it('answers 401 when the body was changed after signing', async () => {
			await activate();
			const delivery = plugin.deliveryFor(1, makeEvent('user.registered', makeUser(7)));
			delivery.rawBody = delivery.rawBody.replace('user7@example.com', 'attacker@example.com');
			const { result, response } = await harness.runWebhook(node, delivery);
			expect(response.statusCode).toBe(401);
			expect(result.workflowData).toBeUndefined();
		});

		it('answers 401 when the timestamp header was changed after signing', async () => {
			await activate();
			const delivery = plugin.deliveryFor(1, makeEvent('user.registered', makeUser(7)));
			delivery.headers['X-WPUM-Timestamp'] = String(Number(delivery.headers['X-WPUM-Timestamp']) + 1);
			const { result, response } = await harness.runWebhook(node, delivery);
			expect(response.statusCode).toBe(401);
			expect(result.workflowData).toBeUndefined();
		});

		it('answers 401 when the signature headers are missing', async () => {
			await activate();
			const { rawBody } = plugin.deliveryFor(1, makeEvent('user.registered', makeUser(7)));
			const { result, response } = await harness.runWebhook(node, { rawBody, headers: { 'Content-Type': 'application/json' } });
			expect(response.statusCode).toBe(401);
			expect(result.workflowData).toBeUndefined();
		});

		it('answers 401 when the trigger holds no secret (never activated)', async () => {
			harness = harnessFor(plugin);
			node = triggerNode();
			const delivery = signedDelivery(makeEvent('user.registered', makeUser(7)), 'x'.repeat(64));
			const { result, response } = await harness.runWebhook(node, delivery);
			expect(response.statusCode).toBe(401);
			expect(String((response.body as { error: string }).error)).toMatch(/Deactivate and activate the workflow again/);
			expect(result.workflowData).toBeUndefined();
		});

		it('refuses a correctly signed event older than 5 minutes by default (replay)', async () => {
			await activate();
			const { result, response } = await deliver(makeEvent('user.registered', makeUser(7)), { timestamp: now() - 301 });
			expect(response.statusCode).toBe(401);
			expect(response.body).toEqual({ received: false, error: 'Timestamp outside the allowed clock difference' });
			expect(result.workflowData).toBeUndefined();
		});

		it('refuses a timestamp too far in the future', async () => {
			await activate();
			const { response } = await deliver(makeEvent('user.registered', makeUser(7)), { timestamp: now() + 400 });
			expect(response.statusCode).toBe(401);
		});

		it('accepts a signed event within the default tolerance', async () => {
			await activate();
			const { result } = await deliver(makeEvent('user.registered', makeUser(7)), { timestamp: now() - 200 });
			expect(result.workflowData?.[0]).toHaveLength(1);
		});

		it('applies a configured tolerance, and 0 turns the check off', async () => {
			await activate({ options: { timestampTolerance: 60 } });
			expect((await deliver(makeEvent('user.registered', makeUser(7)), { timestamp: now() - 100 })).response.statusCode).toBe(401);

			node = { ...node, parameters: { ...node.parameters, options: { timestampTolerance: 0 } } };
			const { result } = await deliver(makeEvent('user.registered', makeUser(7)), { timestamp: now() - 86400 });
			expect(result.workflowData?.[0]).toHaveLength(1);
		});

		it('answers 400 for a signed body that is not JSON', async () => {
			await activate();
			const secret = plugin.webhooks[0].secret;
			const ts = String(now());
			const rawBody = 'not json';
			const { result, response } = await harness.runWebhook(node, {
				rawBody,
				body: {},
				headers: { 'X-WPUM-Timestamp': ts, 'X-WPUM-Signature': signBody(secret, ts, rawBody) },
			});
			expect(response.statusCode).toBe(400);
			expect(result.workflowData).toBeUndefined();
		});
	});

	describe('duplicates', () => {
		it('a retry of the same event id produces no second item', async () => {
			await activate();
			const event = makeEvent('user.updated', makeUser(7));
			const first = await deliver(event, { attempt: 1 });
			const retry = await deliver(event, { attempt: 2, timestamp: now() + 1 });
			expect(first.result.workflowData?.[0]).toHaveLength(1);
			expect(retry.result.workflowData).toBeUndefined();
			expect(retry.response.statusCode).toBe(200);
			expect(retry.response.body).toEqual({ received: true, event_id: event.event_id, duplicate: true });
		});

		it('different events for the same user each produce an item', async () => {
			await activate();
			const user = makeUser(7);
			expect((await deliver(makeEvent('user.updated', user))).result.workflowData?.[0]).toHaveLength(1);
			expect((await deliver(makeEvent('user.updated', user))).result.workflowData?.[0]).toHaveLength(1);
		});

		it(`keeps at most ${RECENT_EVENT_LIMIT} event ids in static data`, async () => {
			await activate();
			const user = makeUser(7);
			const events = Array.from({ length: RECENT_EVENT_LIMIT + 5 }, () => makeEvent('user.updated', user));
			for (const event of events) await deliver(event);
			const remembered = (harness.staticData[`node:${TRIGGER_NAME}`] as { recentEventIds: string[] }).recentEventIds;
			expect(remembered).toHaveLength(RECENT_EVENT_LIMIT);
			expect(remembered[0]).toBe(events[5].event_id);
			expect(remembered[RECENT_EVENT_LIMIT - 1]).toBe(events[events.length - 1].event_id);
		});

		it('rememberEvent drops the oldest id first', () => {
			const data = {};
			expect(['a', 'b', 'c', 'd'].map((id) => rememberEvent(data, id, 3))).toEqual([true, true, true, true]);
			expect(rememberEvent(data, 'b', 3)).toBe(false);
			expect(rememberEvent(data, 'a', 3)).toBe(true);
			expect(data).toEqual({ recentEventIds: ['c', 'd', 'a'] });
		});
	});

	describe('filters', () => {
		it('events: an event type the node does not listen for produces no item', async () => {
			await activate({ events: ['user.registered'] });
			const { result, response } = await deliver(makeEvent('user.deleted', makeUser(7)));
			expect(result.workflowData).toBeUndefined();
			expect(response.statusCode).toBe(200);
			expect(response.body).toMatchObject({ received: true, filtered: true });
			expect((await deliver(makeEvent('user.registered', makeUser(7)))).result.workflowData?.[0]).toHaveLength(1);
		});

		it('every event type passes when selected', async () => {
			const all = ['user.registered', 'user.updated', 'user.activated', 'user.rejected', 'user.role_changed', 'user.deleted'];
			await activate({ events: all });
			for (const type of all) {
				const { result } = await deliver(makeEvent(type, makeUser(7)));
				expect(result.workflowData?.[0]?.[0].json.event).toBe(type);
			}
		});

		it('forms: only users who registered through a chosen form', async () => {
			await activate({ forms: [2] });
			const partner = makeUser(8, { registration_form: { id: 2, name: 'Partner signup' } });
			const adminCreated = makeUser(9, { registration_form: null });
			expect((await deliver(makeEvent('user.registered', makeUser(7)))).result.workflowData).toBeUndefined();
			expect((await deliver(makeEvent('user.registered', adminCreated))).result.workflowData).toBeUndefined();
			expect((await deliver(makeEvent('user.registered', partner))).result.workflowData?.[0]).toHaveLength(1);
			expect((await deliver(makeEvent('user.updated', partner))).result.workflowData?.[0]).toHaveLength(1);
		});

		it('roles: only users with one of the chosen roles', async () => {
			await activate({ roles: ['customer', 'editor'] });
			expect((await deliver(makeEvent('user.updated', makeUser(7)))).result.workflowData).toBeUndefined();
			const customer = makeUser(8, { roles: ['subscriber', 'customer'] });
			expect((await deliver(makeEvent('user.updated', customer))).result.workflowData?.[0]).toHaveLength(1);
		});

		it('statuses: only users with one of the chosen statuses', async () => {
			await activate({ statuses: ['pending_approval'] });
			expect((await deliver(makeEvent('user.registered', makeUser(7)))).result.workflowData).toBeUndefined();
			const pending = makeUser(8, { status: 'pending_approval' });
			expect((await deliver(makeEvent('user.registered', pending))).result.workflowData?.[0]).toHaveLength(1);
		});

		it('filters combine: every chosen filter must match', async () => {
			await activate({ roles: ['customer'], statuses: ['active'] });
			expect((await deliver(makeEvent('user.updated', makeUser(8, { roles: ['customer'], status: 'pending_verification' })))).result.workflowData).toBeUndefined();
			expect((await deliver(makeEvent('user.updated', makeUser(9, { roles: ['customer'] })))).result.workflowData?.[0]).toHaveLength(1);
		});
	});

	describe('test events (ping)', () => {
		const ping = () => makeEvent('ping', makeUser(1, { login: 'admin', roles: ['administrator'] }));

		it('while listening for a test event in the editor, a ping produces an item despite filters', async () => {
			await activate({ roles: ['customer'] });
			const event = ping();
			const { result } = await deliver(event, undefined, 'manual');
			expect(result.workflowData).toEqual([[{ json: event }]]);
		});

		it('an active workflow acknowledges a ping without running', async () => {
			await activate();
			const { result, response } = await deliver(ping());
			expect(result.workflowData).toBeUndefined();
			expect(response.statusCode).toBe(200);
			expect(response.body).toMatchObject({ received: true, ignored: 'test event' });
		});

		it('an active workflow runs on a ping with "Run on Test Events"', async () => {
			await activate({ options: { runOnPing: true } });
			expect((await deliver(ping())).result.workflowData?.[0]).toHaveLength(1);
		});

		it('a ping still needs a valid signature', async () => {
			await activate();
			const delivery = signedDelivery(ping(), 'y'.repeat(64));
			const { result, response } = await harness.runWebhook(node, delivery, 'manual');
			expect(response.statusCode).toBe(401);
			expect(result.workflowData).toBeUndefined();
		});
	});

	it('over real HTTP: the plugin POSTs a signed event and gets the explicit 2xx answer', async () => {
		await activate();
		// A stand-in for n8n's webhook server: hands the raw request to the trigger and sends its answer.
		const receiver = await startServer(async (req, res) => {
			const headers = Object.fromEntries(
				Object.entries(req.headers as IncomingHttpHeaders).map(([k, v]) => [k, Array.isArray(v) ? v[0] : String(v)]),
			);
			const { result, response } = await harness.runWebhook(node, { headers, rawBody: req.rawBody });
			sendJson(res, response.statusCode, { answer: response.body, items: result.workflowData?.[0]?.length ?? 0 });
		});
		try {
			const event = makeEvent('user.registered', makeUser(7));
			const good = await plugin.post(receiver.url, plugin.deliveryFor(1, event));
			expect(good.status).toBe(200);
			expect(JSON.parse(good.body)).toEqual({ answer: { received: true, event_id: event.event_id }, items: 1 });

			const forged = signedDelivery(makeEvent('user.registered', makeUser(8)), 'z'.repeat(64));
			const bad = await plugin.post(receiver.url, forged);
			expect(bad.status).toBe(401);
			expect(JSON.parse(bad.body).items).toBe(0);
		} finally {
			await receiver.close();
		}
	});

	const examples = exampleEvents();
	(examples.length ? it : it.skip)(`passes every example event the plugin produced (contract/examples: ${examples.length})`, async () => {
		const all = ['user.registered', 'user.updated', 'user.activated', 'user.rejected', 'user.role_changed', 'user.deleted'];
		await activate({ events: all });
		for (const { file, event } of examples) {
			const { result, response } = await deliver(event, undefined, 'manual');
			expect({ file, status: response.statusCode }).toEqual({ file, status: 200 });
			expect(result.workflowData).toEqual([[{ json: event }]]);
		}
	});
});
