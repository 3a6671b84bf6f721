// The REST API: capabilities on every route, input errors that say what to fix, users, CRM links, fields.
import { TEST_SECRET, assertNoSecrets, assertUser, php, phpString, pluginNotices, resetPlugin, rest, saveExample, setWpum, site, subscribe } from './site';

let seq = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++seq}`;
const NS = '/wpum-n8n/v1';

const register = (login: string, custom: Record<string, unknown> = {}, pending = false) =>
	php<number>(
		`return wpum_fixture_register( array( 'login' => ${phpString(login)}, 'email' => ${phpString(`${login}@example.org`)}, 'first_name' => 'Rest', 'pending' => ${pending ? 'true' : 'false'}, 'custom' => json_decode( ${phpString(JSON.stringify(custom))}, true ) ) );`,
	);

describe('REST API', () => {
	beforeAll(async () => {
		await setWpum({ wpum: true, customFields: true, userVerification: true, method: 'email' });
		await resetPlugin();
	});
	afterAll(async () => {
		await setWpum({ wpum: true, customFields: true });
		expect(await pluginNotices()).toBe('');
	});

	it('checks capabilities on every route: 401 without (or with wrong) credentials, 403 for a subscriber, 2xx for an admin', async () => {
		const hook = await subscribe('http://127.0.0.1:9/perm');
		const userId = site().subscriber.id;
		const routes: Array<[string, string, unknown?]> = [
			['GET', '/status'],
			['GET', '/fields'],
			['GET', '/forms'],
			['GET', '/roles'],
			['GET', '/users'],
			['GET', `/users/${userId}`],
			['POST', `/users/${userId}/crm-link`, { crm: 'hubspot', contact_id: '42' }],
			['GET', '/webhooks'],
			['POST', '/webhooks', { url: 'https://n8n.example.org/webhook/x', events: ['*'], secret: TEST_SECRET }],
			['POST', `/webhooks/${hook.id}/test`],
			['GET', '/deliveries'],
			['DELETE', `/webhooks/${hook.id}`],
		];
		const seen = await Promise.all(
			routes.map(async ([method, route, body]) => {
				const [anonymous, subscriber] = await Promise.all([
					rest(method, NS + route, { auth: 'none', body }),
					rest(method, NS + route, { auth: 'subscriber', body }),
				]);
				expect(subscriber.body.message).toEqual(expect.any(String));
				return `${method} ${route}: ${anonymous.status} ${subscriber.status}`;
			}),
		);
		// The admin calls run in order: the DELETE comes last.
		for (const [index, [method, route, body]] of routes.entries()) {
			seen[index] += ` ${(await rest(method, NS + route, { auth: 'admin', body })).status}`;
		}
		const wrong = await rest('GET', `${NS}/status`, { auth: { user: 'admin', password: 'xxxx xxxx xxxx xxxx xxxx xxxx' } });
		expect(wrong.status).toBe(401);
		expect(seen).toEqual(
			routes.map(([method, route]) => `${method} ${route}: 401 403 ${method === 'POST' && route === '/webhooks' ? 201 : 200}`),
		);
		// A failed delivery retry route needs manage_options as well.
		const retry = await rest('POST', `${NS}/deliveries/1/retry`, { auth: 'subscriber' });
		expect(retry.status).toBe(403);
	});

	it('manages subscriptions without ever returning the secret, and rejects bad input with a message', async () => {
		await resetPlugin();
		const created = await rest('POST', `${NS}/webhooks`, {
			body: { url: 'https://n8n.example.org/webhook/abc/webhook', events: ['user.registered', 'user.updated'], secret: TEST_SECRET, name: 'CRM sync' },
		});
		expect(created.status).toBe(201);
		expect(created.body).toEqual({ id: expect.any(Number), url: 'https://n8n.example.org/webhook/abc/webhook', events: ['user.registered', 'user.updated'], name: 'CRM sync', created_at: expect.stringMatching(/Z$/) });
		saveExample('rest/webhook-created', created.body);
		const list = await rest('GET', `${NS}/webhooks`);
		expect(list.body).toEqual([created.body]);
		expect(JSON.stringify(list.body)).not.toContain(TEST_SECRET);
		saveExample('rest/webhooks', list.body);

		const bad = async (body: unknown) => rest('POST', `${NS}/webhooks`, { body });
		const unknownEvent = await bad({ url: 'https://x.example', events: ['user.created'], secret: TEST_SECRET });
		expect(unknownEvent.status).toBe(400);
		expect(unknownEvent.body).toMatchObject({ code: 'wpum_n8n_invalid_events', message: expect.stringContaining('user.created') });
		const ftp = await bad({ url: 'ftp://x.example/hook', events: ['*'], secret: TEST_SECRET });
		expect(ftp.status).toBe(400);
		expect(ftp.body).toMatchObject({ code: 'wpum_n8n_invalid_url', message: expect.stringContaining('http') });
		const short = await bad({ url: 'https://x.example', events: ['*'], secret: 'short' });
		expect(short.status).toBe(400);
		expect(short.body).toMatchObject({ code: 'wpum_n8n_invalid_secret', message: expect.stringContaining('32') });
		const none = await bad({ url: 'https://x.example', events: [], secret: TEST_SECRET });
		expect(none.status).toBe(400);

		const deleted = await rest('DELETE', `${NS}/webhooks/${created.body.id}`);
		expect(deleted.body).toEqual({ deleted: true, id: created.body.id });
		const again = await rest('DELETE', `${NS}/webhooks/${created.body.id}`);
		expect(again.status).toBe(404);
		expect(again.body.message).toMatch(/no webhook subscription/);
		expect(await php(`global $wpdb; return $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->prefix}wpum_n8n_webhooks" );`)).toBe('0');
	});

	it('returns one user and pages through users with role, status, registered_after and updated_after filters', async () => {
		const before = await php<string>("return gmdate( 'Y-m-d\\\\TH:i:s\\\\Z', time() - 1 );");
		const a = await register(unique('list'), { wpum_company: 'A', wpum_interests: ['js'] });
		const b = await register(unique('list'), { wpum_company: 'B' }, true);
		const c = await register(unique('list'), { wpum_company: 'C' });
		await php(`( new WP_User( ${c} ) )->set_role( 'author' ); return true;`);

		const one = await rest('GET', `${NS}/users/${a}`);
		expect(one.status).toBe(200);
		assertUser(one.body);
		assertNoSecrets(one.body);
		expect(one.body).toMatchObject({ id: a, fields: { wpum_company: 'A', wpum_interests: ['js'] }, field_labels: { wpum_interests: ['JavaScript'] } });
		saveExample('rest-user', one.body);

		const missing = await rest('GET', `${NS}/users/999999`);
		expect(missing.status).toBe(404);
		expect(missing.body).toMatchObject({ code: 'wpum_n8n_user_not_found', message: expect.stringContaining('999999') });

		const page1 = await rest('GET', `${NS}/users`, { query: { registered_after: before, per_page: 2, page: 1 } });
		const page2 = await rest('GET', `${NS}/users`, { query: { registered_after: before, per_page: 2, page: 2 } });
		expect(page1.body).toMatchObject({ page: 1, per_page: 2, total: 3, total_pages: 2 });
		expect([...page1.body.users, ...page2.body.users].map((u: any) => u.id)).toEqual([a, b, c]);
		page1.body.users.forEach(assertUser);
		saveExample('rest/users', page1.body);

		const authors = await rest('GET', `${NS}/users`, { query: { registered_after: before, role: 'author' } });
		expect(authors.body.users.map((u: any) => u.id)).toEqual([c]);
		const pending = await rest('GET', `${NS}/users`, { query: { registered_after: before, status: 'pending_verification' } });
		expect(pending.body.users.map((u: any) => [u.id, u.status])).toEqual([[b, 'pending_verification']]);
		const active = await rest('GET', `${NS}/users`, { query: { registered_after: before, status: 'active' } });
		expect(active.body.users.map((u: any) => u.id)).toEqual([a, c]);
		// Without the User Verification addon nobody is pending (a leftover flag gates nothing).
		await setWpum({ wpum: true, customFields: true });
		const noAddon = await rest('GET', `${NS}/users`, { query: { registered_after: before, status: 'active' } });
		expect(noAddon.body.users.map((u: any) => [u.id, u.status])).toEqual([[a, 'active'], [b, 'active'], [c, 'active']]);
		expect((await rest('GET', `${NS}/users`, { query: { registered_after: before, status: 'pending_verification' } })).body.users).toEqual([]);
		await setWpum({ wpum: true, customFields: true, userVerification: true, method: 'email' });

		const mark = await php<string>("sleep( 1 ); return gmdate( 'Y-m-d\\\\TH:i:s\\\\Z', time() );");
		await php(`sleep( 1 ); wpum_fixture_account_update( ${a}, array(), array( 'wpum_company' => 'A2' ) ); return true;`);
		const updated = await rest('GET', `${NS}/users`, { query: { updated_after: mark } });
		expect(updated.body.users.map((u: any) => u.id)).toEqual([a]);

		const badRole = await rest('GET', `${NS}/users`, { query: { role: 'wizard' } });
		expect(badRole.status).toBe(400);
		expect(badRole.body.message).toContain('wizard');
		expect((await rest('GET', `${NS}/users`, { query: { per_page: 500 } })).status).toBe(400);
		expect((await rest('GET', `${NS}/users`, { query: { registered_after: 'yesterday' } })).status).toBe(400);
	});

	it('stores a CRM contact id and tags for a user and returns them in later payloads', async () => {
		const id = await register(unique('crm'));
		const linked = await rest('POST', `${NS}/users/${id}/crm-link`, { body: { crm: 'hubspot', contact_id: '1234', tags: ['Member'] } });
		expect(linked.status).toBe(200);
		assertUser(linked.body);
		expect(linked.body.crm).toEqual({ hubspot: { contact_id: '1234', tags: ['Member'], linked_at: expect.stringMatching(/Z$/) } });
		saveExample('rest-user-crm-link', linked.body);

		await resetPlugin('http://127.0.0.1:9/crm');
		await php(`wpum_fixture_account_update( ${id}, array(), array( 'wpum_company' => 'Linked Inc' ) ); return true;`);
		const row = await php<string>(`global $wpdb; return $wpdb->get_var( "SELECT payload FROM {$wpdb->prefix}wpum_n8n_outbox WHERE user_id = ${id}" );`);
		expect(JSON.parse(row).user.crm.hubspot.contact_id).toBe('1234');

		const noContact = await rest('POST', `${NS}/users/${id}/crm-link`, { body: { crm: 'hubspot' } });
		expect(noContact.status).toBe(400);
		expect(noContact.body.message).toContain('contact_id');
		const badSlug = await rest('POST', `${NS}/users/${id}/crm-link`, { body: { crm: 'Hub Spot!', contact_id: '1' } });
		expect(badSlug.status).toBe(400);
		const noUser = await rest('POST', `${NS}/users/999999/crm-link`, { body: { crm: 'hubspot', contact_id: '1' } });
		expect(noUser.status).toBe(404);
	});

	it('lists every WPUM field with options and groups; primary fields only without the Custom Fields addon', async () => {
		const withCustom = await rest('GET', `${NS}/fields`);
		expect(withCustom.body.source).toBe('wpum');
		expect(withCustom.body.groups).toEqual([
			{ id: 1, name: 'Primary fields', is_primary: true },
			{ id: 2, name: 'Company details', is_primary: false },
		]);
		const keys = withCustom.body.fields.map((f: any) => f.key);
		expect(keys).toEqual([
			'user_login', 'user_email', 'first_name', 'last_name', 'nickname', 'display_name', 'user_url', 'description', 'current_user_avatar', 'user_cover',
			'wpum_company', 'wpum_newsletter', 'wpum_interests', 'wpum_channels', 'wpum_plan', 'wpum_birthday', 'wpum_member_since', 'wpum_cv', 'wpum_portfolio', 'wpum_employees', 'wpum_phones',
		]);
		expect(withCustom.body.fields.find((f: any) => f.key === 'wpum_interests')).toEqual({
			key: 'wpum_interests', label: 'Interests', type: 'multiselect', group_id: 2, group: 'Company details',
			options: [{ value: 'php', label: 'PHP' }, { value: 'js', label: 'JavaScript' }, { value: 'py', label: 'Python' }],
			multiple: true, required: false,
		});
		expect(withCustom.body.fields.find((f: any) => f.key === 'wpum_company')).toMatchObject({ type: 'text', required: true });
		expect(withCustom.body.fields.find((f: any) => f.key === 'user_email')).toMatchObject({ type: 'email', group: 'Primary fields', required: true });
		saveExample('rest/fields-wpum', withCustom.body);

		await setWpum({ wpum: true, customFields: false });
		const primaryOnly = await rest('GET', `${NS}/fields`);
		expect(primaryOnly.body.source).toBe('wpum');
		expect(primaryOnly.body.groups.map((g: any) => g.id)).toEqual([1]);
		expect(primaryOnly.body.fields.map((f: any) => f.key)).toEqual(keys.slice(0, 10));

		const forms = await rest('GET', `${NS}/forms`);
		expect(forms.body).toEqual([{ id: 1, name: 'Default registration form', role: 'subscriber', is_default: true }]);
		saveExample('rest/forms', forms.body);
		const roles = await rest('GET', `${NS}/roles`);
		expect(roles.body).toEqual(expect.arrayContaining([{ slug: 'administrator', name: 'Administrator' }, { slug: 'subscriber', name: 'Subscriber' }]));
		saveExample('rest/roles', roles.body);
	});

	it('falls back to core WordPress fields and says so in its status when WPUM is absent', async () => {
		await setWpum({ wpum: false });
		const status = await rest('GET', `${NS}/status`);
		expect(status.body).toMatchObject({ plugin_version: '0.1.0', wpum: { active: false, version: null }, custom_fields: { active: false }, user_verification: { active: false, method: null } });
		saveExample('rest/status-without-wpum', status.body);
		const fields = await rest('GET', `${NS}/fields`);
		expect(fields.body.source).toBe('core');
		expect(fields.body.fields.map((f: any) => f.key)).toEqual(['user_login', 'user_email', 'first_name', 'last_name', 'nickname', 'display_name', 'user_url', 'description']);
		saveExample('rest/fields-core', fields.body);
		expect((await rest('GET', `${NS}/forms`)).body).toEqual([]);

		// Core hooks alone still produce events, with core fields.
		await resetPlugin('http://127.0.0.1:9/core');
		const login = unique('core');
		const id = await php<number>(`return wp_insert_user( array( 'user_login' => ${phpString(login)}, 'user_email' => ${phpString(`${login}@example.org`)}, 'user_pass' => 'Plain-Text-Password-123!', 'first_name' => 'Core' ) );`);
		const payload = JSON.parse(await php<string>(`global $wpdb; return $wpdb->get_var( "SELECT payload FROM {$wpdb->prefix}wpum_n8n_outbox WHERE user_id = ${id}" );`));
		expect(Object.keys(payload.user.fields)).toEqual(['user_login', 'user_email', 'first_name', 'last_name', 'nickname', 'display_name', 'user_url', 'description']);
		expect(payload).toMatchObject({ event: 'user.registered', form: null, user: { status: 'active', fields: { first_name: 'Core' } } });

		await setWpum({ wpum: true, customFields: true, userVerification: true, method: 'manual' });
		const full = await rest('GET', `${NS}/status`);
		expect(full.body).toMatchObject({ wpum: { active: true, version: '2.9.14' }, custom_fields: { active: true }, user_verification: { active: true, method: 'approval' }, outbox: { pending: 1, delivered: 0, failed: 0 } });
		saveExample('rest/status', full.body);
	});
});
