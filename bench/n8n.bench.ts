/**
 * Benchmarks 2, 3 and 6, in the real n8n server (the pinned version, this package installed from its
 * npm tarball, executions saved as n8n does by default for production runs). Not tests: targets are
 * reported, not asserted.
 *
 * 6 Memory: n8n's resident set (n8n and its task-runner processes) idle, then its peak while a 10,000-user
 *   backfill runs (fake plugin's paged users route → Mapper → CRM node, HubSpot fake enforcing its limit).
 * 2 End-to-end latency: a WPUM registration in a real WordPress (Playground) with the plugin's real
 *   delivery (a non-blocking loopback after the response) → the "WPUM → FluentCRM" template in n8n →
 *   the contact in the FluentCRM fake. Latency = registration response received → contact created in
 *   the fake (both clocks in this process). Users one after another; median and p95.
 * 3 Throughput: N signed events sent to our Trigger → Mapper → CRM node workflow vs the same job built
 *   from n8n's Webhook → Set → HTTP Request nodes, same n8n, same FluentCRM fake, 8 requests in flight.
 *   Events/s = N / (first event sent → last contact created). Sides alternate, several rounds; medians.
 * Run alone: npm run bench -- n8n   (BENCH_LATENCY_USERS, BENCH_EVENTS, BENCH_THROUGHPUT_ROUNDS, BENCH_N8N_BACKFILL_USERS;
 * BENCH_N8N_PARTS=latency,throughput,memory picks the parts, all by default)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { FLUENTCRM_PASSWORD, FLUENTCRM_USER, FluentCrmFake } from '../test/crm/fakes/fluentcrm';
import { HUBSPOT_TOKEN, HubSpotFake } from '../test/crm/fakes/hubspot';
import { packPackage, startN8n, type N8nServer } from '../test/e2e/n8n';
import { type FakeWpumPlugin, makeEvent, makeUser, signedDelivery, startFakeWpumPlugin } from '../test/support/fake-wpum-plugin';
import { bootSite } from '../test/wordpress/global-setup';
import { stopSite } from '../test/wordpress/global-teardown';
import { php, phpString, type SiteState } from '../test/wordpress/site';
import { type BenchRow, int, log, mb, median, ms, now, percentile, ratio, sleep, treeRss } from './support';

const LATENCY_USERS = Number(process.env.BENCH_LATENCY_USERS ?? 50);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const THROUGHPUT_ROUNDS = Number(process.env.BENCH_THROUGHPUT_ROUNDS ?? 2);
const BACKFILL_USERS = Number(process.env.BENCH_N8N_BACKFILL_USERS ?? 10_000);
const IN_FLIGHT = 8;
const PARTS = new Set((process.env.BENCH_N8N_PARTS ?? 'latency,throughput,memory').split(',').map((part) => part.trim()));
const TEMPLATES = path.resolve(__dirname, '../templates');

type Credentials = Record<string, { id: string; name: string }>;

async function credential(n8n: N8nServer, name: string, type: string, data: Record<string, unknown>) {
	// n8n adds "Allowed HTTP Request Domains" to credentials of community nodes; its public API requires it there.
	const extra = type === 'httpBasicAuth' ? {} : { allowedHttpRequestDomains: 'all' };
	const created = await n8n.api<{ id: string }>('POST', '/credentials', { name, type, data: { ...data, ...extra } });
	return { id: created.id, name };
}

/** Creates and activates a workflow; credentials are set by type from `credentials`. */
async function activeWorkflow(n8n: N8nServer, name: string, nodes: any[], connections: unknown, credentials: Credentials): Promise<string> {
	for (const node of nodes) {
		for (const type of Object.keys(node.credentials ?? {})) {
			if (!credentials[type]) throw new Error(`no credential of type ${type} for node ${node.name}`);
			node.credentials[type] = credentials[type];
		}
	}
	const created = await n8n.api<{ id: string }>('POST', '/workflows', { name, nodes, connections, settings: { executionOrder: 'v1' } });
	await n8n.api('POST', `/workflows/${created.id}/activate`);
	return created.id;
}

function template(file: string) {
	const parsed = JSON.parse(readFileSync(path.join(TEMPLATES, file), 'utf8'));
	const nodes = (parsed.nodes as any[]).filter((node) => node.type !== 'n8n-nodes-base.stickyNote');
	for (const node of nodes) if (node.type.endsWith('.wpUserManagerTrigger')) node.webhookId = randomUUID();
	return { nodes, connections: parsed.connections };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
	const started = Date.now();
	while (!(await check())) {
		if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what()}`);
		await sleep(20);
	}
}

// ---- 6: memory -----------------------------------------------------------------------------------

async function memory(n8n: N8nServer): Promise<BenchRow[]> {
	const idleSamples: number[] = [];
	for (let i = 0; i < 10; i++) {
		idleSamples.push(treeRss(n8n.process.pid!));
		await sleep(500);
	}
	const idle = median(idleSamples);
	const users = Array.from({ length: BACKFILL_USERS }, (_, i) => makeUser(i + 1, { login: `backfill${i + 1}` }));
	const plugin = await startFakeWpumPlugin({ users });
	const hubspot = new HubSpotFake();
	hubspot.enforceRateLimit = true;
	await hubspot.start();
	try {
		const credentials: Credentials = {
			wpUserManagerApi: await credential(n8n, 'Backfill site (fake plugin)', 'wpUserManagerApi', plugin.credentials()),
			wpumHubSpotApi: await credential(n8n, 'HubSpot (fake)', 'wpumHubSpotApi', { accessToken: HUBSPOT_TOKEN, baseUrl: hubspot.url }),
		};
		const { nodes, connections } = template('backfill-existing-users.json');
		// Started by a webhook instead of the editor's button: the public API cannot press "Test workflow".
		const manual = nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
		const hookPath = `bench-backfill-${randomUUID()}`;
		Object.assign(manual, { type: 'n8n-nodes-base.webhook', typeVersion: 2, webhookId: randomUUID(), parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'onReceived', options: {} } });
		const workflowId = await activeWorkflow(n8n, 'Bench: backfill (memory)', nodes, connections, credentials);
		let peak = 0;
		const sampler = setInterval(() => (peak = Math.max(peak, treeRss(n8n.process.pid!))), 100);
		const started = now();
		try {
			const response = await fetch(`${n8n.url}/webhook/${hookPath}`, { method: 'POST' });
			if (!response.ok) throw new Error(`backfill webhook answered ${response.status}: ${await response.text()}`);
			let status = '';
			await until(
				async () => {
					const { data } = await n8n.api<{ data: Array<{ status: string }> }>('GET', `/executions?workflowId=${workflowId}&limit=1`);
					status = data[0]?.status ?? '';
					return ['success', 'error', 'crashed', 'canceled'].includes(status);
				},
				600_000,
				() => `the backfill execution (status ${status}, ${hubspot.contactCount()} contacts)`,
			);
			if (status !== 'success') throw new Error(`the backfill execution ended ${status}; see ${n8n.logFile}`);
		} finally {
			clearInterval(sampler);
		}
		const seconds = (now() - started) / 1000;
		const lost = BACKFILL_USERS - hubspot.contactCount();
		const routes = new Map<string, number>();
		for (const request of hubspot.requests) routes.set(`${request.method} ${request.path}`, (routes.get(`${request.method} ${request.path}`) ?? 0) + 1);
		log(`  HubSpot requests by route: ${[...routes].map(([route, count]) => `${route} ×${count}`).join(', ')} (${hubspot.sent.throttled} answered 429)`);
		log(`memory: idle ${mb(idle)}, peak ${mb(peak)} during a ${int(BACKFILL_USERS)}-user backfill (${seconds.toFixed(1)} s, ${hubspot.requests.length} HubSpot requests, ${lost} contacts lost)`);
		return [
			{ bench: '6 memory', measure: 'n8n resident set (n8n + task runner), idle, median of 10 samples', value: mb(idle) },
			{
				bench: '6 memory',
				measure: `n8n peak resident set during a ${int(BACKFILL_USERS)}-user backfill → HubSpot fake (${seconds.toFixed(0)} s, ${lost} lost), sampled every 100 ms`,
				value: mb(peak),
				ratio: `${ratio(peak / idle)} vs idle`,
			},
		];
	} finally {
		await hubspot.close();
		await plugin.close();
	}
}

// ---- 2: end-to-end latency -----------------------------------------------------------------------

async function latency(n8n: N8nServer, site: SiteState, fluent: FluentCrmFake, fluentCredential: { id: string; name: string }): Promise<BenchRow[]> {
	await php(`update_option( 'wpum_fixture_loopback', 1 ); return true;`, site.url);
	const credentials: Credentials = {
		wpUserManagerApi: await credential(n8n, 'WP User Manager site', 'wpUserManagerApi', { url: site.url, username: site.admin.user, applicationPassword: site.admin.password }),
		wpumFluentCrmApi: fluentCredential,
	};
	const { nodes, connections } = template('wpum-to-fluentcrm.json');
	await activeWorkflow(n8n, 'Bench: WPUM → FluentCRM (latency)', nodes, connections, credentials);
	const register = async (login: string) => {
		const args = { login, email: `${login}@example.org`, first_name: 'Jane', last_name: 'Doe', custom: { wpum_company: 'Acme' }, pending: false };
		const sent = Date.now();
		const id = await php<number | string>(`return wpum_fixture_register( json_decode( ${phpString(JSON.stringify(args))}, true ) );`, site.url);
		if (typeof id !== 'number') throw new Error(`registration of ${login} failed: ${id}`);
		return { sent, answered: Date.now() };
	};
	// One untimed user first: n8n and WordPress load their code on first use.
	const warm = `warmup${Date.now().toString(36)}`;
	await register(warm);
	await until(() => Boolean(fluent.findByEmail(`${warm}@example.org`)), 60_000, () => `the warm-up contact ${warm}`);
	const latencies: number[] = [];
	const fromSubmit: number[] = [];
	const missing: string[] = [];
	// A site with visitors runs WP-Cron, which retries any delivery a loopback missed: do the same.
	const cron = setInterval(() => void fetch(`${site.url}/wp-cron.php`).catch(() => undefined), 5000);
	try {
		for (let i = 0; i < LATENCY_USERS; i++) {
			const login = `latency${Date.now().toString(36)}${i}`;
			const registered = await register(login);
			try {
				await until(() => Boolean(fluent.findByEmail(`${login}@example.org`)), 30_000, () => `the contact of ${login}`);
				const created = fluent.findByEmail(`${login}@example.org`)!.createdAt;
				latencies.push(created - registered.answered);
				fromSubmit.push(created - registered.sent);
			} catch {
				const rows = await php(
					`global $wpdb; return $wpdb->get_results( $wpdb->prepare( "SELECT o.status, o.attempts, o.last_http_status, o.last_error FROM {$wpdb->prefix}wpum_n8n_outbox o JOIN {$wpdb->users} u ON u.ID = o.user_id WHERE u.user_login = %s", ${phpString(login)} ), ARRAY_A );`,
					site.url,
				);
				missing.push(login);
				log(`  ${login}: no contact after 30 s; outbox: ${JSON.stringify(rows)}`);
			}
		}
	} finally {
		clearInterval(cron);
	}
	if (latencies.length === 0) throw new Error(`no registration reached the CRM within 30 s (${missing.length} tried)`);
	const middle = median(latencies);
	const p95 = percentile(latencies, 95);
	log(`latency over ${LATENCY_USERS} users: median ${ms(middle)}, p95 ${ms(p95)}, min ${ms(Math.min(...latencies))}, max ${ms(Math.max(...latencies))}`);
	log(`from the registration request sent: median ${ms(median(fromSubmit))}, p95 ${ms(percentile(fromSubmit, 95))}`);
	return [
		{
			bench: '2 end-to-end',
			measure: `registration in WordPress (Playground) → contact in the FluentCRM fake via n8n; ${LATENCY_USERS} users one after another`,
			value: `median ${ms(middle)}, p95 ${ms(p95)}${missing.length ? `; ${missing.length} not in the CRM after 30 s (left out)` : ''}`,
			target: 'median ≤ 1 s',
			met: middle <= 1000,
		},
		{
			bench: '2 end-to-end',
			measure: 'the same, counted from the registration request sent (includes WordPress handling the registration itself)',
			value: `median ${ms(median(fromSubmit))}, p95 ${ms(percentile(fromSubmit, 95))}`,
		},
	];
}

// ---- 3: throughput -------------------------------------------------------------------------------

interface Side {
	name: string;
	send(index: number, email: string): Promise<Response>;
}

async function sendAll(side: Side, fluent: FluentCrmFake, prefix: string): Promise<number> {
	const emails = Array.from({ length: EVENTS }, (_, i) => `${prefix}${i}@example.com`);
	const started = Date.now();
	let next = 0;
	const worker = async () => {
		while (next < emails.length) {
			const index = next++;
			const response = await side.send(index, emails[index]);
			if (!response.ok) throw new Error(`${side.name}: event ${index} answered ${response.status}: ${await response.text()}`);
			await response.arrayBuffer();
		}
	};
	await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
	const contacts = () => emails.filter((email) => fluent.findByEmail(email)).length;
	let count = 0;
	await until(
		() => {
			count = [...fluent.contacts.values()].filter((contact) => contact.email.startsWith(prefix)).length;
			return count >= EVENTS;
		},
		600_000,
		() => `${side.name}: ${contacts()} of ${EVENTS} contacts`,
	);
	const last = Math.max(...[...fluent.contacts.values()].filter((contact) => contact.email.startsWith(prefix)).map((contact) => contact.createdAt));
	return EVENTS / ((last - started) / 1000);
}

async function throughput(n8n: N8nServer, fluent: FluentCrmFake, fluentCredential: { id: string; name: string }): Promise<BenchRow[]> {
	const plugin: FakeWpumPlugin = await startFakeWpumPlugin();
	try {
		const siteCredential = await credential(n8n, 'Throughput site (fake plugin)', 'wpUserManagerApi', plugin.credentials());
		// Ours: the template's Trigger → Mapper → CRM node (its write-back to WordPress left out).
		const ours = template('wpum-to-fluentcrm.json');
		const nodes = ours.nodes.filter((node) => node.name !== 'Link CRM Contact');
		const connections = { ...ours.connections };
		delete connections['WPUM CRM Sync'];
		await activeWorkflow(n8n, 'Bench: ours (throughput)', nodes, connections, { wpUserManagerApi: siteCredential, wpumFluentCrmApi: fluentCredential });
		const webhook = plugin.webhooks[plugin.webhooks.length - 1];
		if (!webhook) throw new Error('the trigger did not subscribe at the fake plugin');

		// Baseline: what a user builds from n8n's own nodes for the same job.
		const basic = await credential(n8n, 'FluentCRM basic auth', 'httpBasicAuth', { user: FLUENTCRM_USER, password: FLUENTCRM_PASSWORD });
		const hookPath = `bench-baseline-${randomUUID()}`;
		const field = (name: string, value: string) => ({ id: randomUUID(), name, value, type: 'string' });
		const baselineNodes = [
			{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: randomUUID(), parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'onReceived', options: {} } },
			{
				name: 'Set',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [220, 0],
				parameters: {
					mode: 'manual',
					assignments: {
						assignments: [
							field('email', '={{ $json.body.user.email }}'),
							field('first_name', '={{ $json.body.user.fields.first_name }}'),
							field('last_name', '={{ $json.body.user.fields.last_name }}'),
							field('company', '={{ $json.body.user.fields.wpum_company }}'),
						],
					},
					options: {},
				},
			},
			{
				name: 'HTTP Request',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [440, 0],
				credentials: { httpBasicAuth: basic },
				parameters: {
					method: 'POST',
					url: `${fluent.url}/wp-json/fluent-crm/v2/subscribers`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpBasicAuth',
					sendBody: true,
					specifyBody: 'json',
					jsonBody:
						'={{ JSON.stringify({ email: $json.email, first_name: $json.first_name, last_name: $json.last_name, status: "subscribed", custom_values: { company: $json.company }, tags: ["WordPress member"], __force_update: "yes" }) }}',
					options: {},
				},
			},
		];
		await activeWorkflow(
			n8n,
			'Bench: baseline (throughput)',
			baselineNodes,
			{ Webhook: { main: [[{ node: 'Set', type: 'main', index: 0 }]] }, Set: { main: [[{ node: 'HTTP Request', type: 'main', index: 0 }]] } },
			{ httpBasicAuth: basic },
		);

		let userId = 100_000;
		const event = (email: string) => makeEvent('user.registered', makeUser(++userId, { login: email.split('@')[0], email, fields: { ...makeUser(userId).fields, user_email: email, wpum_company: 'Acme' } }));
		const sides: Side[] = [
			{
				name: 'ours',
				send: (_index, email) => {
					const delivery = signedDelivery(event(email), webhook.secret);
					return fetch(webhook.url, { method: 'POST', headers: delivery.headers, body: delivery.rawBody });
				},
			},
			{
				name: 'baseline',
				send: (_index, email) => fetch(`${n8n.url}/webhook/${hookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event(email)) }),
			},
		];
		// Warm-up: a few events through each side.
		for (const side of sides) for (let i = 0; i < 3; i++) await side.send(i, `warm-${side.name}-${i}@example.com`);
		await sleep(3000);
		const rates: Record<string, number[]> = { ours: [], baseline: [] };
		for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
			const order = round % 2 === 0 ? sides : [...sides].reverse();
			for (const side of order) {
				const crmBefore = fluent.requests.length;
				const siteBefore = plugin.server.requests.length;
				const rate = await sendAll(side, fluent, `tp${round}-${side.name}-`);
				rates[side.name].push(rate);
				const perEvent = (count: number) => (count / EVENTS).toFixed(2);
				log(
					`throughput round ${round + 1}/${THROUGHPUT_ROUNDS}, ${side.name}: ${rate.toFixed(1)} events/s ` +
						`(per event: ${perEvent(fluent.requests.length - crmBefore)} CRM requests, ${perEvent(plugin.server.requests.length - siteBefore)} site requests)`,
				);
			}
		}
		const oursRate = median(rates.ours);
		const baseRate = median(rates.baseline);
		return [
			{
				bench: '3 throughput',
				measure: `${int(EVENTS)} events, ${IN_FLIGHT} in flight: our Trigger → Mapper → CRM node vs Webhook → Set → HTTP Request (median of ${THROUGHPUT_ROUNDS})`,
				value: `${oursRate.toFixed(1)} vs ${baseRate.toFixed(1)} events/s`,
				ratio: ratio(oursRate / baseRate),
				target: '≥ 1.0×',
				met: oursRate / baseRate >= 1,
			},
		];
	} finally {
		await plugin.close();
	}
}

export async function run(): Promise<BenchRow[]> {
	log('Building and packing the package, starting n8n and WordPress…');
	const booting = bootSite();
	booting.catch(() => undefined);
	const fluent = new FluentCrmFake();
	fluent.fields.push({ key: 'company', label: 'Company', type: 'text' });
	await fluent.start();
	let n8n: N8nServer | undefined;
	let site: SiteState | undefined;
	try {
		n8n = await startN8n({ tarball: packPackage() });
		site = await booting;
		const fluentCredential = await credential(n8n, 'FluentCRM', 'wpumFluentCrmApi', { siteUrl: fluent.url, username: FLUENTCRM_USER, applicationPassword: FLUENTCRM_PASSWORD });
		await sleep(5000); // let n8n settle before its idle memory is sampled
		const rows: BenchRow[] = [];
		const memoryRows = PARTS.has('memory') ? await memory(n8n) : [];
		if (PARTS.has('latency')) rows.push(...(await latency(n8n, site, fluent, fluentCredential)));
		stopSite(site);
		site = undefined;
		if (PARTS.has('throughput')) rows.push(...(await throughput(n8n, fluent, fluentCredential)));
		rows.push(...memoryRows);
		return rows;
	} finally {
		await n8n?.stop();
		if (site) stopSite(site);
		else await booting.then(stopSite, () => undefined).catch(() => undefined);
		await fluent.close();
	}
}
