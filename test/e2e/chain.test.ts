// The whole chain, for real: a real WordPress (Playground) with the companion plugin, the pinned n8n
// server with this package installed from its npm tarball, the workflow templates imported through
// n8n's public API, and fake CRMs on 127.0.0.1. WordPress is driven by firing WP User Manager's hooks on
// real users; the plugin delivers its outbox when the test runs its WP-Cron runner.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { FLUENTCRM_PASSWORD, FLUENTCRM_USER, FluentCrmFake } from '../crm/fakes/fluentcrm';
import { HUBSPOT_TOKEN, HubSpotFake } from '../crm/fakes/hubspot';
import { MAILCHIMP_AUDIENCE, MAILCHIMP_KEY, MailchimpFake } from '../crm/fakes/mailchimp';
import { MAUTIC_PASSWORD, MAUTIC_USER, MauticFake } from '../crm/fakes/mautic';
import { bootSite } from '../wordpress/global-setup';
import { stopSite } from '../wordpress/global-teardown';
import { php, phpString, type SiteState } from '../wordpress/site';
import { N8N_VERSIONS, packPackage, startN8n, waitFor, type N8nServer } from './n8n';

const TEMPLATES = path.resolve(__dirname, '../../templates');
/** Users who register while n8n is down (each costs a few Playground requests). */
const OFFLINE_USERS = 25;
/** Users the site has when the backfill runs (most written straight to the tables, as an importer would). */
const BACKFILL_USERS = 500;

let wp: SiteState;
let n8n: N8nServer;
let fluent: FluentCrmFake;
let mailchimp: MailchimpFake;

let seq = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++seq}`;

// ---- WordPress ---------------------------------------------------------------------------------

const wpPhp = <T = unknown>(code: string) => php<T>(code, wp.url);

/** A WPUM front-end registration (hooks in WPUM's order, real arguments). */
function register(login: string, options: { pending?: boolean; first?: string; company?: string } = {}) {
	const args = {
		login,
		email: `${login}@example.org`,
		first_name: options.first ?? 'Jane',
		last_name: 'Doe',
		custom: { wpum_company: options.company ?? 'Acme' },
		pending: options.pending ?? false,
	};
	return wpPhp<number>(`return wpum_fixture_register( json_decode( ${phpString(JSON.stringify(args))}, true ) );`);
}

/** Runs the plugin's delivery runner once, as WP-Cron would; returns the attempts made. */
const runDeliveries = () => wpPhp<number>('return WPUM_N8N_Dispatcher::run_due();');

async function wpRest<T = any>(method: string, route: string, query: Record<string, string | number> = {}, body?: unknown): Promise<T> {
	const search = new URLSearchParams({ rest_route: route });
	for (const [key, value] of Object.entries(query)) search.set(key, String(value));
	const response = await fetch(`${wp.url}/?${search.toString()}`, {
		method,
		headers: {
			authorization: `Basic ${Buffer.from(`${wp.admin.user}:${wp.admin.password}`).toString('base64')}`,
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`WordPress ${method} ${route} → ${response.status}: ${text}`);
	return JSON.parse(text) as T;
}

const subscriptions = () => wpRest<Array<{ id: number; url: string; events: string[] }>>('GET', '/wpum-n8n/v1/webhooks');
const wpUser = (id: number) => wpRest<any>('GET', `/wpum-n8n/v1/users/${id}`);

/** The user's outbox rows, oldest first: [event, status, attempts, last HTTP status]. */
async function outboxFor(userId: number): Promise<Array<[string, string, number, number | null]>> {
	const rows = await wpPhp<Array<Record<string, string | null>>>(
		`global $wpdb; return $wpdb->get_results( $wpdb->prepare( "SELECT event, status, attempts, last_http_status FROM {$wpdb->prefix}wpum_n8n_outbox WHERE user_id = %d ORDER BY id", ${userId} ), ARRAY_A );`,
	);
	return rows.map((row) => [String(row.event), String(row.status), Number(row.attempts), row.last_http_status === null ? null : Number(row.last_http_status)]);
}

async function setUserVerification(method: 'manual' | 'email' | false) {
	await wpPhp(`
		update_option( 'wpum_fixture_user_verification', ${method ? 1 : 0} );
		update_option( 'wpum_settings', array( 'user_verification_method' => ${phpString(method || 'email')} ) );
		return true;`);
}

// ---- n8n ---------------------------------------------------------------------------------------

interface Execution {
	id: string;
	status: string;
	data?: { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: any }> | null> } }>>; error?: unknown } };
}

async function executions(workflowId: string): Promise<Execution[]> {
	const result = await n8n.api<{ data: Execution[] }>('GET', `/executions?workflowId=${workflowId}&includeData=true&limit=250`);
	return result.data;
}

/** Waits until the workflow has `count` finished executions and returns them, oldest first. */
async function finishedExecutions(workflowId: string, count: number): Promise<Execution[]> {
	let list: Execution[] = [];
	await waitFor(
		async () => {
			list = await executions(workflowId);
			return list.length >= count && list.every((e) => !['new', 'running', 'waiting'].includes(e.status));
		},
		90_000,
		() => `executions: ${JSON.stringify(list.map((e) => [e.id, e.status]))}\n${readFileSync(n8n.logFile, 'utf8').slice(-2000)}`,
	);
	return [...list].sort((a, b) => Number(a.id) - Number(b.id));
}

/** Runs a workflow from its manual trigger as the editor's "Execute workflow" button does; the finished execution. */
async function runManually(workflowId: string, trigger: string): Promise<Execution> {
	const workflowData = await n8n.rest<any>('GET', `/workflows/${workflowId}`);
	const run = await n8n.rest<{ executionId: string }>('POST', `/workflows/${workflowId}/run`, { workflowData, triggerToStartFrom: { name: trigger } });
	let execution: Execution | undefined;
	await waitFor(
		async () => {
			execution = await n8n.api<Execution>('GET', `/executions/${run.executionId}?includeData=true`).catch(() => undefined);
			return execution !== undefined && !['new', 'running', 'waiting'].includes(execution.status);
		},
		300_000,
	);
	return execution!;
}

/** The items a node put out on `output` in an execution (undefined when the node did not run). */
function nodeOutput(execution: Execution, node: string, output = 0): any[] | undefined {
	const runs = execution.data?.resultData.runData[node];
	return runs?.[0]?.data?.main[output]?.map((item) => item.json);
}

async function createCredential(name: string, type: string, data: Record<string, unknown>) {
	// n8n adds "Allowed HTTP Request Domains" to every credential; its public API requires the field.
	return await n8n.api<{ id: string }>('POST', '/credentials', { name, type, data: { ...data, allowedHttpRequestDomains: 'all' } });
}

/** Imports a template as a user would (credentials matched by name), with `edit` applied first. */
async function importTemplate(file: string, edit: (node: any) => void = () => {}): Promise<string> {
	const template = JSON.parse(readFileSync(path.join(TEMPLATES, file), 'utf8'));
	for (const node of template.nodes) {
		// The templates carry no webhookId, so every import gets its own trigger address. n8n's editor gives
		// a webhook node one when it lands on the canvas; the public API does not, so do what the editor does.
		if (node.type.endsWith('.wpUserManagerTrigger')) node.webhookId = randomUUID();
		edit(node);
	}
	const { name, nodes, connections, settings } = template;
	const created = await n8n.api<{ id: string; nodes: any[] }>('POST', '/workflows', { name, nodes, connections, settings });
	// Every credential the template names was found by its name.
	for (const node of created.nodes) {
		for (const credential of Object.values<{ id: string | null }>(node.credentials ?? {})) expect(credential.id).toEqual(expect.any(String));
	}
	return created.id;
}

/** The n8n webhook URL WordPress holds for a workflow's trigger (there must be exactly one). */
async function triggerUrl(): Promise<string> {
	const list = await subscriptions();
	expect(list).toHaveLength(1);
	return list[0].url;
}

let tarball: string;
beforeAll(() => {
	tarball = packPackage();
}, 600_000);

// The oldest and the newest n8n we support, each with a fresh WordPress and fresh CRM fakes.
describe.each(N8N_VERSIONS)('the whole chain in n8n %s', (version) => {
	// ---- setup -------------------------------------------------------------------------------------

	beforeAll(async () => {
		const booting = bootSite();
		booting.catch(() => undefined);
		fluent = new FluentCrmFake();
		fluent.fields.push({ key: 'company', label: 'Company', type: 'text' });
		await fluent.start();
		mailchimp = new MailchimpFake();
		mailchimp.fields.push({ key: 'FNAME', label: 'First Name' }, { key: 'LNAME', label: 'Last Name' }, { key: 'COMPANY', label: 'Company' });
		await mailchimp.start();
		const [site, server] = await Promise.allSettled([booting, startN8n({ version, tarball })]);
		if (site.status === 'fulfilled') wp = site.value;
		if (server.status === 'fulfilled') n8n = server.value;
		if (site.status === 'rejected') throw site.reason;
		if (server.status === 'rejected') throw server.reason;

		await setUserVerification(false);
		await createCredential('WP User Manager site', 'wpUserManagerApi', { url: wp.url, username: wp.admin.user, applicationPassword: wp.admin.password });
		await createCredential('FluentCRM', 'wpumFluentCrmApi', { siteUrl: fluent.url, username: FLUENTCRM_USER, applicationPassword: FLUENTCRM_PASSWORD });
		await createCredential('Mailchimp', 'wpumMailchimpApi', { apiKey: MAILCHIMP_KEY, baseUrl: `${mailchimp.url}/3.0` });
	}, 900_000);

	afterAll(async () => {
		await n8n?.stop();
		if (wp) stopSite(wp);
		await fluent?.close();
		await mailchimp?.close();
	});

	// ---- scenarios ---------------------------------------------------------------------------------

	describe('WPUM → FluentCRM template in n8n with a real WordPress', () => {
		let workflowId: string;
		let userId: number;
		let contactId: string;

		it('activating the imported template subscribes its trigger in WordPress', async () => {
			workflowId = await importTemplate('wpum-to-fluentcrm.json');
			expect(await subscriptions()).toEqual([]);
			await n8n.api('POST', `/workflows/${workflowId}/activate`);
			const [subscription] = await subscriptions();
			expect(subscription.url.startsWith(`${n8n.url}/webhook/`)).toBe(true);
			expect([...subscription.events].sort()).toEqual(['user.registered', 'user.updated']);
		});

		it('a registration creates the contact with the mapped fields and tags, and its id is written back to the user', async () => {
			const login = unique('jane');
			userId = await register(login, { first: 'Jane', company: 'Acme' });
			expect(await runDeliveries()).toBe(1);
			expect(await outboxFor(userId)).toEqual([['user.registered', 'delivered', 1, 200]]);

			const [execution] = await finishedExecutions(workflowId, 1);
			expect(execution.status).toBe('success');
			expect(nodeOutput(execution, 'WP User Manager Trigger')?.map((event) => [event.event, event.user.id])).toEqual([['user.registered', userId]]);

			expect(fluent.contactCount()).toBe(1);
			const contact = fluent.findByEmail(`${login}@example.org`)!;
			expect(contact.fields).toMatchObject({ first_name: 'Jane', last_name: 'Doe', company: 'Acme' });
			expect(fluent.tagNamesOf(`${login}@example.org`)).toEqual(['WordPress member']);
			contactId = contact.id;
			const [synced] = nodeOutput(execution, 'WPUM CRM Sync')!;
			expect([synced.crm, String(synced.contactId), synced.action, synced.email, synced.wpUserId]).toEqual(['fluentcrm', contactId, 'created', `${login}@example.org`, userId]);

			const user = await wpUser(userId);
			expect(user.crm.fluentcrm).toMatchObject({ contact_id: contactId, tags: ['WordPress member'] });
		});

		it('a forged and an unsigned request to the trigger URL get 401 and start nothing', async () => {
			const url = await triggerUrl();
			const body = JSON.stringify({ event_id: '9d7e0c7e-0000-4000-8000-000000000001', event: 'user.registered', user: { id: userId } });
			const timestamp = String(Math.floor(Date.now() / 1000));
			const forged = await fetch(url, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'x-wpum-timestamp': timestamp,
					'x-wpum-signature': `sha256=${createHmac('sha256', 'not-the-secret-0123456789-0123456789').update(`${timestamp}.${body}`).digest('hex')}`,
				},
				body,
			});
			expect(forged.status).toBe(401);
			const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
			expect(unsigned.status).toBe(401);
			expect((await executions(workflowId)).length).toBe(1);
		});

		it('a profile update that changes the e-mail updates that same contact (no duplicate), and only it ran', async () => {
			const newEmail = `${unique('janet')}@example.org`;
			await wpPhp(`return wpum_fixture_account_update( ${userId}, array( 'user_email' => ${phpString(newEmail)}, 'first_name' => 'Janet' ), array( 'wpum_company' => 'Globex' ) );`);
			expect(await runDeliveries()).toBe(1);

			// The two 401s before started nothing: the update is the second execution, not the fourth.
			const list = await finishedExecutions(workflowId, 2);
			expect(list).toHaveLength(2);
			const update = list[1];
			expect(update.status).toBe('success');
			const [event] = nodeOutput(update, 'WP User Manager Trigger')!;
			expect(event.event).toBe('user.updated');
			expect(event.user.crm.fluentcrm.contact_id).toBe(contactId);
			const [synced] = nodeOutput(update, 'WPUM CRM Sync')!;
			expect([String(synced.contactId), synced.action, synced.email]).toEqual([contactId, 'updated', newEmail]);

			expect(fluent.contactCount()).toBe(1);
			const contact = fluent.contacts.get(contactId)!;
			expect(contact.email).toBe(newEmail);
			expect(contact.fields).toMatchObject({ first_name: 'Janet', last_name: 'Doe', company: 'Globex' });
			expect((await wpUser(userId)).crm.fluentcrm.contact_id).toBe(contactId);
		});

		it('deactivating the workflow removes its subscription in WordPress; activating re-creates it', async () => {
			const before = await subscriptions();
			await n8n.api('POST', `/workflows/${workflowId}/deactivate`);
			expect(await subscriptions()).toEqual([]);
			await n8n.api('POST', `/workflows/${workflowId}/activate`);
			const after = await subscriptions();
			expect(after.map((s) => [s.url, [...s.events].sort()])).toEqual([[before[0].url, ['user.registered', 'user.updated']]]);
			expect(after[0].id).not.toBe(before[0].id);
		});

		it(`n8n stopped while ${OFFLINE_USERS} users register: once it is back, the plugin's retries create every contact, each once`, async () => {
			const executionsBefore = (await finishedExecutions(workflowId, 2)).length;
			const contactsBefore = fluent.contactCount();
			await n8n.stop();
			const registeredFrom = await wpPhp<number>('return time();');
			const logins = Array.from({ length: OFFLINE_USERS }, () => unique('offline'));
			const ids = await wpPhp<number[]>(`
				$ids = array();
				foreach ( json_decode( ${phpString(JSON.stringify(logins))}, true ) as $login ) {
					$ids[] = wpum_fixture_register( array( 'login' => $login, 'email' => $login . '@example.org', 'first_name' => 'Olly', 'last_name' => 'Line', 'custom' => array( 'wpum_company' => 'Offline Inc' ) ) );
				}
				return $ids;`);
			expect(ids).toHaveLength(OFFLINE_USERS);

			// The outbox rows of these users: [event, status] each, in one request.
			const statuses = () =>
				wpPhp<Array<[string, string]>>(
					`global $wpdb; return array_map( fn( $r ) => array( $r['event'], $r['status'] ), $wpdb->get_results( "SELECT event, status FROM {$wpdb->prefix}wpum_n8n_outbox WHERE user_id IN (${ids.join(',')}) ORDER BY id", ARRAY_A ) );`,
				);

			// n8n is down: the first delivery is refused and the subscription's other events wait their turn.
			expect(await runDeliveries()).toBe(1);
			expect(await statuses()).toEqual(ids.map(() => ['user.registered', 'pending']));
			expect(fluent.contactCount()).toBe(contactsBefore);

			await n8n.restart();
			// WP-Cron retries after the backoff: move the plugin's clock on (6 h a run, inside its 72 h window).
			const start = await wpPhp<number>('return time();');
			let run = 0;
			let last: Array<[string, string]> = [];
			try {
				await waitFor(
					async () => {
						run++;
						await wpPhp(`update_option( 'wpum_fixture_now', ${start + run * 21600} ); return WPUM_N8N_Dispatcher::run_due();`);
						last = await statuses();
						return last.every(([, status]) => status === 'delivered');
					},
					240_000,
					() => `after ${run} runs: ${JSON.stringify(last)}\n${readFileSync(n8n.logFile, 'utf8').slice(-1500)}`,
				);
			} finally {
				await wpPhp("delete_option( 'wpum_fixture_now' ); return true;");
			}

			const list = await finishedExecutions(workflowId, executionsBefore + OFFLINE_USERS);
			expect(list).toHaveLength(executionsBefore + OFFLINE_USERS);
			const fresh = list.slice(executionsBefore);
			expect(fresh.map((e) => e.status)).toEqual(fresh.map(() => 'success'));
			const eventUsers = fresh.map((e) => nodeOutput(e, 'WP User Manager Trigger')![0].user.id as number);
			expect([...eventUsers].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));

			expect(fluent.contactCount()).toBe(contactsBefore + OFFLINE_USERS);
			for (const login of logins) {
				expect(fluent.findByEmail(`${login}@example.org`)?.fields).toMatchObject({ first_name: 'Olly', last_name: 'Line', company: 'Offline Inc' });
			}
			const registeredAfter = new Date((registeredFrom - 1) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
			const users = await wpRest<{ users: any[] }>('GET', '/wpum-n8n/v1/users', { per_page: 100, registered_after: registeredAfter });
			const linked = users.users.filter((user) => ids.includes(user.id)).map((user) => fluent.contacts.get(String(user.crm.fluentcrm?.contact_id))?.email);
			expect(linked.sort()).toEqual(logins.map((login) => `${login}@example.org`).sort());
		}, 480_000);

		afterAll(async () => {
			await n8n.api('POST', `/workflows/${workflowId}/deactivate`);
			expect(await subscriptions()).toEqual([]);
		});
	});

	describe('WPUM → Mailchimp template: Defer until activation', () => {
		let workflowId: string;

		beforeAll(async () => {
			workflowId = await importTemplate('wpum-to-mailchimp-deferred.json', (node) => {
				// What the user does after importing: pick the audience.
				if ('mailchimpAudience' in node.parameters) node.parameters.mailchimpAudience = MAILCHIMP_AUDIENCE;
			});
			await n8n.api('POST', `/workflows/${workflowId}/activate`);
			expect((await subscriptions()).map((s) => [...s.events].sort())).toEqual([['user.activated', 'user.registered', 'user.updated']]);
		});

		afterAll(async () => {
			await setUserVerification(false);
			await n8n.api('POST', `/workflows/${workflowId}/deactivate`);
			expect(await subscriptions()).toEqual([]);
		});

		async function pendingThenActivated(method: 'manual' | 'email', previousExecutions: number) {
			await setUserVerification(method);
			const login = unique(method === 'manual' ? 'approve' : 'verify');
			const email = `${login}@example.org`;
			const requestsBefore = mailchimp.requests.length;
			const id = await register(login, { pending: true, first: 'Penny', company: 'Initech' });
			expect(await runDeliveries()).toBe(1);
			const [deferred] = (await finishedExecutions(workflowId, previousExecutions + 1)).slice(previousExecutions);
			expect(deferred.status).toBe('success');
			expect(nodeOutput(deferred, 'WPUM Field Mapper', 1)).toEqual([
				expect.objectContaining({ action: 'defer', email, status: method === 'manual' ? 'pending_approval' : 'pending_verification' }),
			]);
			expect(nodeOutput(deferred, 'WPUM CRM Sync')).toBeUndefined();
			expect(mailchimp.findByEmail(email)).toBeUndefined();
			expect(mailchimp.requests.length).toBe(requestsBefore);

			await wpPhp(
				method === 'manual'
					? `do_action( 'wpumuv_after_user_approval', ${id} ); delete_user_meta( ${id}, 'wpumuv_needs_verification' ); return true;`
					: `delete_user_meta( ${id}, 'wpumuv_needs_verification' ); do_action( 'wpumuv_after_user_verification', ${id} ); return true;`,
			);
			expect(await runDeliveries()).toBe(1);
			const [activated] = (await finishedExecutions(workflowId, previousExecutions + 2)).slice(previousExecutions + 1);
			expect(activated.status).toBe('success');
			expect(nodeOutput(activated, 'WP User Manager Trigger')?.[0].activation).toEqual({ method: method === 'manual' ? 'approval' : 'email_verification' });
			const member = mailchimp.findByEmail(email)!;
			expect(member.fields).toMatchObject({ FNAME: 'Penny', LNAME: 'Doe', COMPANY: 'Initech' });
			expect(mailchimp.tagNamesOf(email)).toEqual(['WordPress member']);
			expect((await wpUser(id)).crm.mailchimp.contact_id).toBe(String(nodeOutput(activated, 'WPUM CRM Sync')?.[0].contactId));
		}

		it('a user pending approval produces no Mailchimp call; approval then creates the member with the full profile', async () => {
			await pendingThenActivated('manual', 0);
		});

		it('a user pending e-mail verification likewise, once they confirm', async () => {
			await pendingThenActivated('email', 2);
		});
	});

	describe('WPUM → any CRM (HTTP Request) template: n8n\'s own HTTP node, the id written back', () => {
		// The template is wired for a Mautic-style REST API; the Mautic fake plays "a CRM with no adapter".
		let crm: MauticFake;
		let workflowId: string;

		beforeAll(async () => {
			crm = await new MauticFake().start();
			// n8n's own credential type: no "Allowed HTTP Request Domains" field to fill.
			await n8n.api('POST', '/credentials', { name: 'Your CRM login', type: 'httpBasicAuth', data: { user: MAUTIC_USER, password: MAUTIC_PASSWORD } });
			workflowId = await importTemplate('wpum-to-any-crm-http.json', (node) => {
				// What the user does after importing: point the request at their CRM.
				if (node.type === 'n8n-nodes-base.httpRequest') node.parameters.url = node.parameters.url.replace('https://crm.example.com', crm.url);
			});
			await n8n.api('POST', `/workflows/${workflowId}/activate`);
		});

		afterAll(async () => {
			try {
				if (workflowId) await n8n.api('POST', `/workflows/${workflowId}/deactivate`);
				expect(await subscriptions()).toEqual([]);
			} finally {
				await crm?.close();
			}
		});

		it('a registration creates the contact through the HTTP Request node; an e-mail change then updates it by the stored id', async () => {
			const login = unique('http');
			const id = await register(login, { first: 'Henry', company: 'Http Ltd' });
			expect(await runDeliveries()).toBe(1);
			const [created] = await finishedExecutions(workflowId, 1);
			expect(created.status).toBe('success');
			const contact = crm.findByEmail(`${login}@example.org`)!;
			expect(contact.fields).toMatchObject({ firstname: 'Henry', lastname: 'Doe', company: 'Http Ltd' });
			expect(crm.tagNamesOf(`${login}@example.org`)).toEqual(['WordPress member']);
			expect((await wpUser(id)).crm.my_crm).toMatchObject({ contact_id: String(contact.id), tags: ['WordPress member'] });

			const newEmail = `${unique('henrietta')}@example.org`;
			await wpPhp(`return wpum_fixture_account_update( ${id}, array( 'user_email' => ${phpString(newEmail)}, 'first_name' => 'Henrietta' ), array() );`);
			expect(await runDeliveries()).toBe(1);
			const [, updated] = await finishedExecutions(workflowId, 2);
			expect(updated.status).toBe('success');
			expect(crm.contactCount()).toBe(1);
			expect(crm.findByEmail(newEmail)).toMatchObject({ id: contact.id, fields: expect.objectContaining({ firstname: 'Henrietta', company: 'Http Ltd' }) });
			expect(crm.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path}`)).toEqual([
				'POST /api/contacts/new',
				`PATCH /api/contacts/${contact.id}/edit`,
			]);
		});
	});

	describe('WPUM → HubSpot template, and the backfill template', () => {
		let hubspot: HubSpotFake;
		let liveWorkflowId: string;
		let liveUserId: number;
		let liveEmail: string;

		beforeAll(async () => {
			hubspot = await new HubSpotFake().start();
			await createCredential('HubSpot', 'wpumHubSpotApi', { accessToken: HUBSPOT_TOKEN, baseUrl: hubspot.url });
		});

		afterAll(async () => {
			await hubspot?.close();
		});

		it('a registration creates the HubSpot contact with its tags and links it to the user', async () => {
			liveWorkflowId = await importTemplate('wpum-to-hubspot.json');
			await n8n.api('POST', `/workflows/${liveWorkflowId}/activate`);
			const login = unique('hubert');
			liveEmail = `${login}@example.org`;
			liveUserId = await register(login, { first: 'Hubert', company: 'Hub Co' });
			expect(await runDeliveries()).toBe(1);
			const [execution] = await finishedExecutions(liveWorkflowId, 1);
			expect(execution.status).toBe('success');
			const contact = hubspot.findByEmail(liveEmail)!;
			expect(contact.fields).toMatchObject({ firstname: 'Hubert', lastname: 'Doe', company: 'Hub Co', wpum_tags: 'WordPress member' });
			expect((await wpUser(liveUserId)).crm.hubspot).toMatchObject({ contact_id: contact.id, tags: ['WordPress member'] });
		});

		it('an e-mail change updates that same HubSpot contact by its stored id (no duplicate)', async () => {
			const contactId = (await wpUser(liveUserId)).crm.hubspot.contact_id as string;
			const contactsBefore = hubspot.contactCount();
			const newEmail = `${unique('hubertina')}@example.org`;
			await wpPhp(`return wpum_fixture_account_update( ${liveUserId}, array( 'user_email' => ${phpString(newEmail)}, 'first_name' => 'Hubertina' ), array() );`);
			expect(await runDeliveries()).toBe(1);
			const [, update] = await finishedExecutions(liveWorkflowId, 2);
			expect(update.status).toBe('success');
			expect(nodeOutput(update, 'WPUM CRM Sync')?.map((item) => [String(item.contactId), item.action, item.email])).toEqual([[contactId, 'updated', newEmail]]);
			expect(hubspot.contactCount()).toBe(contactsBefore);
			expect(hubspot.findByEmail(liveEmail)).toBeUndefined();
			expect(hubspot.findByEmail(newEmail)).toMatchObject({ id: contactId, fields: expect.objectContaining({ firstname: 'Hubertina', company: 'Hub Co' }) });
			liveEmail = newEmail;
			await n8n.api('POST', `/workflows/${liveWorkflowId}/deactivate`);
			expect(await subscriptions()).toEqual([]);
		});

		it('the backfill pulls every existing user (all pages) and upserts them in batches of 100, without duplicates', async () => {
			expect(await subscriptions()).toEqual([]);
			// Five pages of the plugin's user list and five HubSpot batches. Written to the tables as an importer
			// would (wp_insert_user takes ~0.5 s a user in Playground).
			const existing = (await wpRest<{ total: number }>('GET', '/wpum-n8n/v1/users', { per_page: 1 })).total;
			await wpPhp(`
				global $wpdb;
				for ( $n = 1; $n <= ${BACKFILL_USERS - existing}; $n++ ) {
					$wpdb->insert( $wpdb->users, array( 'user_login' => 'backfill' . $n, 'user_nicename' => 'backfill' . $n, 'user_email' => 'backfill' . $n . '@example.org', 'user_pass' => '', 'user_registered' => gmdate( 'Y-m-d H:i:s' ), 'display_name' => 'Back Fill ' . $n ) );
					$id = (int) $wpdb->insert_id;
					$wpdb->query( $wpdb->prepare( "INSERT INTO {$wpdb->usermeta} (user_id, meta_key, meta_value) VALUES (%d, %s, %s), (%d, 'first_name', 'Back'), (%d, 'last_name', %s)", $id, $wpdb->prefix . 'capabilities', serialize( array( 'subscriber' => true ) ), $id, $id, 'Fill ' . $n ) );
				}
				return true;`);
			const { total } = await wpRest<{ total: number }>('GET', '/wpum-n8n/v1/users', { per_page: 1 });
			expect(total).toBe(BACKFILL_USERS);
			const writesBefore = hubspot.writes.length;

			const workflowId = await importTemplate('backfill-existing-users.json');
			const execution = await runManually(workflowId, 'Run Backfill');
			expect(execution.status).toBe('success');
			expect(nodeOutput(execution, 'Get All Users')).toHaveLength(total);
			expect(nodeOutput(execution, 'WPUM CRM Sync')).toHaveLength(total);

			// Every user is a contact exactly once; the one the live workflow created was updated, not duplicated.
			expect(hubspot.contactCount()).toBe(total);
			expect(hubspot.findByEmail(liveEmail)!.id).toBe((await wpUser(liveUserId)).crm.hubspot.contact_id);
			expect(hubspot.findByEmail('backfill1@example.org')?.fields).toMatchObject({ firstname: 'Back', lastname: 'Fill 1' });
			// Batches of at most 100; the contact with a stored id is updated by that id, the others upserted by e-mail.
			const batches = hubspot.writes.slice(writesBefore).filter((request) => request.path.endsWith('/batch/upsert'));
			const sizes = batches.map((request) => (request.body as { inputs: unknown[] }).inputs.length);
			expect(sizes).toHaveLength(Math.ceil((total - 1) / 100));
			expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
			expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(total - 1);
		});

		it('the same backfill switched to FluentCRM (CRM selector + credential, as an agency would) upserts every user once', async () => {
			const { total } = await wpRest<{ total: number }>('GET', '/wpum-n8n/v1/users', { per_page: 1 });
			const linked = fluent.contactCount();
			const fluentFields: Record<string, string> = { firstname: 'first_name', lastname: 'last_name', company: 'company' };
			const workflowId = await importTemplate('backfill-existing-users.json', (node) => {
				if (!('crm' in node.parameters)) return;
				node.parameters.crm = 'fluentcrm';
				delete node.credentials.wpumHubSpotApi;
				node.credentials.wpumFluentCrmApi = { id: null, name: 'FluentCRM' };
				for (const row of node.parameters.associations?.association ?? []) row.crmField = fluentFields[row.crmField];
			});
			const execution = await runManually(workflowId, 'Run Backfill');
			expect(execution.status).toBe('success');
			const synced = nodeOutput(execution, 'WPUM CRM Sync')!;
			expect(synced).toHaveLength(total);
			// Users a live workflow linked earlier were updated by their stored id; every other user was created.
			expect(synced.filter((item) => item.action === 'updated')).toHaveLength(linked);
			expect(fluent.contactCount()).toBe(total);
			expect(new Set(synced.map((item) => String(item.contactId))).size).toBe(total);
			expect(fluent.findByEmail('backfill1@example.org')?.fields).toMatchObject({ first_name: 'Back', last_name: 'Fill 1' });
			expect(fluent.tagNamesOf('backfill1@example.org')).toEqual(['WordPress member']);
		});
	});
});
