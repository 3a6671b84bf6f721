import { WpUserManager } from '../../../nodes/WpUserManager/WpUserManager.node';
import { ADMIN, exampleUsers, makeDelivery, makeUser, startFakeWpumPlugin, SUBSCRIBER, type FakeWpumPlugin } from '../../support/fake-wpum-plugin';
import { actionNode, harnessFor } from './helpers';

describe('WP User Manager node', () => {
	let plugin: FakeWpumPlugin;

	beforeEach(async () => {
		plugin = await startFakeWpumPlugin({
			users: Array.from({ length: 230 }, (_, i) =>
				makeUser(i + 1, {
					roles: i % 10 === 0 ? ['customer'] : ['subscriber'],
					status: i % 7 === 0 ? 'pending_approval' : 'active',
				}),
			),
		});
	});
	afterEach(async () => {
		await plugin.close();
	});

	describe('User › Get', () => {
		it('returns the user object as the plugin serves it, paired with its input item', async () => {
			const { output, error } = await harnessFor(plugin).runNode(actionNode({ resource: 'user', operation: 'get', userId: '12' }));
			expect(error).toBeUndefined();
			expect(output[0].map((i) => i.json)).toEqual([plugin.users[11]]);
			expect(output[0][0].pairedItem).toEqual({ item: 0 });
			expect(plugin.routeLog()).toEqual(['GET /users/12']);
		});

		it('takes the user from the picker (resource locator, list or ID mode)', async () => {
			const h = harnessFor(plugin);
			const fromList = await h.runNode(actionNode({ resource: 'user', operation: 'get', userId: { __rl: true, mode: 'list', value: '9' } }));
			const byId = await h.runNode(actionNode({ resource: 'user', operation: 'get', userId: { __rl: true, mode: 'id', value: ' 10 ' } }));
			expect([fromList.output[0][0].json.id, byId.output[0][0].json.id]).toEqual([9, 10]);
		});

		it('runs once per input item with the ID mapped from each item', async () => {
			const { output } = await harnessFor(plugin).runNode(
				actionNode({ resource: 'user', operation: 'get', userId: '={{ $json.id }}' }),
				[{ id: 3 }, { id: 5 }],
			);
			expect(output[0].map((i) => [i.json.id, i.pairedItem])).toEqual([
				[3, { item: 0 }],
				[5, { item: 1 }],
			]);
		});

		it("surfaces the plugin's message and HTTP status for a missing user", async () => {
			const { error } = await harnessFor(plugin).runNode(actionNode({ resource: 'user', operation: 'get', userId: '999' }));
			expect(error?.message).toBe('No user with id 999. (HTTP 404)');
			expect((error as unknown as { httpCode: string }).httpCode).toBe('404');
		});

		it('with continue on fail, reports the error on the failing item and carries on', async () => {
			const { output, error } = await harnessFor(plugin).runNode(
				actionNode({ resource: 'user', operation: 'get', userId: '={{ $json.id }}' }, true),
				[{ id: 999 }, { id: 4 }],
			);
			expect(error).toBeUndefined();
			expect(output[0][0].json).toMatchObject({ error: 'No user with id 999. (HTTP 404)', httpCode: '404' });
			expect(output[0][0].pairedItem).toEqual({ item: 0 });
			expect(output[0][1].json.id).toBe(4);
			expect(output[0][1].pairedItem).toEqual({ item: 1 });
		});

		it('explains a User ID that is not a number, without calling WordPress', async () => {
			const { error } = await harnessFor(plugin).runNode(actionNode({ resource: 'user', operation: 'get', userId: 'jane' }));
			expect(error?.message).toBe('User ID must be a number like 12, not "jane"');
			expect(plugin.routeLog()).toEqual([]);
		});

		it('says the companion plugin is missing when its routes do not exist', async () => {
			const bare = await startFakeWpumPlugin({ pluginActive: false });
			try {
				const { error } = await harnessFor(bare).runNode(actionNode({ resource: 'user', operation: 'get', userId: '1' }));
				expect(error?.message).toMatch(/^The companion plugin wpum-n8n-connector is not installed or not active on http:\/\/127\.0\.0\.1:\d+, or too old for GET \/users\/1\. .*\(HTTP 404\)$/);
			} finally {
				await bare.close();
			}
		});

		it('reports refused credentials with the plugin message and 401', async () => {
			plugin.accounts[ADMIN.username].password = 'rotated';
			const { error } = await harnessFor(plugin).runNode(actionNode({ resource: 'user', operation: 'get', userId: '1' }));
			expect(error?.message).toBe('Authentication required: send a WordPress username and application password (HTTP Basic). (HTTP 401)');
		});

		it('says the site is unreachable, without the password anywhere in the error', async () => {
			const harness = harnessFor(plugin);
			await plugin.close();
			const { error } = await harness.runNode(actionNode({ resource: 'user', operation: 'get', userId: '1' }));
			plugin = await startFakeWpumPlugin();
			expect(error?.message).toMatch(/^Could not reach the WordPress site at http:\/\/127\.0\.0\.1:\d+: .*(ECONNREFUSED|refused the connection)/);
			const everything = JSON.stringify({ ...error, message: error?.message, description: error?.description, stack: error?.stack });
			expect(everything).not.toContain(ADMIN.password);
			expect(everything).not.toContain(Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64'));
		});

		it('never puts the application password into an error', async () => {
			const { output } = await harnessFor(plugin, SUBSCRIBER).runNode(
				actionNode({ resource: 'user', operation: 'linkCrmContact', userId: '1', crm: 'hubspot', contactId: '1' }, true),
			);
			expect(JSON.stringify(output)).not.toContain(SUBSCRIBER.password);
			expect(output[0][0].json.error).toBe('This WordPress user lacks the "edit_users" capability. Use an administrator\'s application password. (HTTP 403)');
		});
	});

	it('reaches a site with "Plain" permalinks through ?rest_route=, and goes there directly afterwards', async () => {
		const plain = await startFakeWpumPlugin({ prettyPermalinks: false, users: [makeUser(1), makeUser(2)] });
		try {
			const harness = harnessFor(plain);
			const first = await harness.runNode(actionNode({ resource: 'user', operation: 'get', userId: '2' }));
			expect(first.output[0][0].json.id).toBe(2);
			const many = await harness.runNode(actionNode({ resource: 'user', operation: 'getAll', returnAll: true }));
			expect(many.output[0].map((i) => i.json.id)).toEqual([1, 2]);
			expect(plain.requests.map((r) => `${r.path} ${r.query.get('rest_route') ?? ''}`)).toEqual([
				'/wp-json/wpum-n8n/v1/users/2 ',
				'/ /wpum-n8n/v1/users/2',
				'/ /wpum-n8n/v1/users',
			]);
			expect(plain.routeLog()).toEqual(['GET /users/2', 'GET /users?page=1&per_page=100']);
		} finally {
			await plain.close();
		}
	});

	describe('User › Get Many', () => {
		it('Return All pages through the plugin to the last page', async () => {
			const { output, error } = await harnessFor(plugin).runNode(actionNode({ resource: 'user', operation: 'getAll', returnAll: true }));
			expect(error).toBeUndefined();
			expect(output[0]).toHaveLength(230);
			expect(output[0].map((i) => i.json.id)).toEqual(Array.from({ length: 230 }, (_, i) => i + 1));
			expect(output[0].every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
			expect(plugin.routeLog()).toEqual([
				'GET /users?page=1&per_page=100',
				'GET /users?page=2&per_page=100',
				'GET /users?page=3&per_page=100',
			]);
		});

		it('a limit stops paging as soon as it is reached', async () => {
			const { output } = await harnessFor(plugin).runNode(actionNode({ resource: 'user', operation: 'getAll', returnAll: false, limit: 120 }));
			expect(output[0]).toHaveLength(120);
			expect(output[0][119].json.id).toBe(120);
			expect(plugin.routeLog()).toEqual(['GET /users?page=1&per_page=100', 'GET /users?page=2&per_page=100']);
		});

		it('a small limit asks for one small page', async () => {
			const { output } = await harnessFor(plugin).runNode(actionNode({ resource: 'user', operation: 'getAll', returnAll: false, limit: 5 }));
			expect(output[0].map((i) => i.json.id)).toEqual([1, 2, 3, 4, 5]);
			expect(plugin.routeLog()).toEqual(['GET /users?page=1&per_page=5']);
		});

		it('sends the role, status and date filters the way the plugin expects them', async () => {
			const { output } = await harnessFor(plugin).runNode(
				actionNode({
					resource: 'user',
					operation: 'getAll',
					returnAll: true,
					filters: {
						role: 'customer',
						status: 'active',
						registeredAfter: '2026-01-01T00:00:30',
						updatedAfter: '2026-06-01T00:00:00.000Z',
					},
				}),
			);
			const query = plugin.requests[0].query;
			expect(query.get('role')).toBe('customer');
			expect(query.get('status')).toBe('active');
			expect(query.get('registered_after')).toMatch(/^2026-01-01T\d\d:00:30Z$/);
			expect(query.get('updated_after')).toBe('2026-06-01T00:00:00Z');
			const expected = plugin.users.filter(
				(u) =>
					u.roles.includes('customer') &&
					u.status === 'active' &&
					u.registered_at > query.get('registered_after')! &&
					u.updated_at > '2026-06-01T00:00:00Z',
			);
			expect(expected.length).toBeGreaterThan(0);
			expect(output[0].map((i) => i.json.id)).toEqual(expected.map((u) => u.id));
		});

		it('explains a date filter that is not a date', async () => {
			const { error } = await harnessFor(plugin).runNode(
				actionNode({ resource: 'user', operation: 'getAll', returnAll: true, filters: { updatedAfter: 'yesterday-ish' } }),
			);
			expect(error?.message).toBe('"Updated After" is not a date: "yesterday-ish"');
		});

		it('returns no items for a site without matching users', async () => {
			const { output, error } = await harnessFor(plugin).runNode(
				actionNode({ resource: 'user', operation: 'getAll', returnAll: true, filters: { role: 'administrator' } }),
			);
			expect(error).toBeUndefined();
			expect(output[0]).toEqual([]);
		});
	});

	describe('User › Link CRM Contact', () => {
		it('writes the contact id and tags back and returns the updated user', async () => {
			const { output, error } = await harnessFor(plugin).runNode(
				actionNode({ resource: 'user', operation: 'linkCrmContact', userId: '7', crm: 'HubSpot ', contactId: ' 1234 ', tags: 'Member, Newsletter,,' }),
			);
			expect(error).toBeUndefined();
			const request = plugin.requests.find((r) => r.method === 'POST')!;
			expect(request.path).toBe('/wp-json/wpum-n8n/v1/users/7/crm-link');
			expect(request.headers['content-type']).toMatch(/application\/json/);
			expect(request.body).toEqual({ crm: 'hubspot', contact_id: '1234', tags: ['Member', 'Newsletter'] });
			expect(output[0][0].json.crm).toEqual({ hubspot: { contact_id: '1234', tags: ['Member', 'Newsletter'], linked_at: '2026-11-27T06:00:03Z' } });
		});

		it('sends no tags key when no tags are given', async () => {
			await harnessFor(plugin).runNode(actionNode({ resource: 'user', operation: 'linkCrmContact', userId: '7', crm: 'brevo', contactId: '55' }));
			expect(plugin.requests.find((r) => r.method === 'POST')!.body).toEqual({ crm: 'brevo', contact_id: '55' });
		});

		it('refuses a contact id that maps to nothing, naming the user', async () => {
			const { error } = await harnessFor(plugin).runNode(
				actionNode({ resource: 'user', operation: 'linkCrmContact', userId: '7', crm: 'brevo', contactId: '={{ $json.contactId }}' }),
				[{ email: 'no-contact@example.com' }],
			);
			expect(error?.message).toBe('Contact ID is empty for WordPress user 7');
			expect(plugin.requests.filter((r) => r.method === 'POST')).toEqual([]);
		});

		it('refuses a CRM name the plugin could not store', async () => {
			const { error } = await harnessFor(plugin).runNode(
				actionNode({ resource: 'user', operation: 'linkCrmContact', userId: '7', crm: 'Hub Spot', contactId: '1' }),
			);
			expect(error?.message).toBe('CRM must be a short name like "hubspot", not "hub spot"');
		});
	});

	describe('Field › Get Many', () => {
		it('returns one item per field of the catalog', async () => {
			const { output } = await harnessFor(plugin).runNode(actionNode({ resource: 'field', operation: 'getAll' }));
			expect(output[0].map((i) => i.json.key)).toEqual(['wpum_company', 'user_email', 'wpum_interests', 'first_name']);
			expect(output[0][2].json).toMatchObject({ label: 'Interests', type: 'multicheckbox', group: 'Company', source: 'wpum' });
		});
	});

	describe('Delivery', () => {
		beforeEach(() => {
			plugin.deliveries = Array.from({ length: 130 }, (_, i) => makeDelivery(i + 1, i % 2 === 0 ? 'failed' : 'delivered'));
		});

		it('Get Many by status pages to the last page', async () => {
			const { output } = await harnessFor(plugin).runNode(actionNode({ resource: 'delivery', operation: 'getAll', status: 'failed', returnAll: true }));
			expect(output[0]).toHaveLength(65);
			expect(output[0].every((i) => i.json.status === 'failed')).toBe(true);
			expect(plugin.routeLog()).toEqual(['GET /deliveries?status=failed&page=1&per_page=100']);
		});

		it('Get Many of any status with Return All', async () => {
			const { output } = await harnessFor(plugin).runNode(actionNode({ resource: 'delivery', operation: 'getAll', status: '', returnAll: true }));
			expect(output[0]).toHaveLength(130);
			expect(plugin.routeLog()).toEqual(['GET /deliveries?page=1&per_page=100', 'GET /deliveries?page=2&per_page=100']);
		});

		it('Retry sends a delivery again', async () => {
			const { output } = await harnessFor(plugin).runNode(actionNode({ resource: 'delivery', operation: 'retry', deliveryId: '3' }));
			expect(plugin.routeLog()).toEqual(['POST /deliveries/3/retry']);
			expect(output[0][0].json).toMatchObject({ id: 3, status: 'pending' });
		});

		it('Retry of an unknown delivery reports the plugin message', async () => {
			const { error } = await harnessFor(plugin).runNode(actionNode({ resource: 'delivery', operation: 'retry', deliveryId: '999' }));
			expect(error?.message).toBe('No delivery with id 999. (HTTP 404)');
		});
	});

	describe('dropdowns', () => {
		const node = { name: 'WPUM', type: 'wpUserManager' };

		it('the User picker pages through every user, 100 at a time, and filters by name, e-mail or ID', async () => {
			const harness = harnessFor(plugin);
			const first = await harness.listSearch(node, 'searchUsers');
			expect(first.results).toHaveLength(100);
			expect(first.results[0]).toEqual({ name: 'User 1 (user1@example.com)', value: '1', url: `${plugin.url}/wp-admin/user-edit.php?user_id=1` });
			expect(first.paginationToken).toBe('2');
			const third = await harness.listSearch(node, 'searchUsers', undefined, '3');
			expect(third.results.map((r) => r.value)).toEqual(Array.from({ length: 30 }, (_, i) => String(201 + i)));
			expect(third.paginationToken).toBeUndefined();
			const found = await harness.listSearch(node, 'searchUsers', 'USER17@');
			expect(found.results.map((r) => r.value)).toEqual(['17']);
		});

		it('fields are grouped the way WPUM groups them, labelled "Group › Label (type)", valued by key', async () => {
			const options = await harnessFor(plugin).loadOptions(node, 'getFields');
			expect(options.map((o) => [o.name, o.value])).toEqual([
				['Primary fields › Email (email)', 'user_email'],
				['Primary fields › First name (text)', 'first_name'],
				['Company › Company (text)', 'wpum_company'],
				['Company › Interests (multicheckbox)', 'wpum_interests'],
			]);
		});

		it('forms and roles load from the site', async () => {
			const harness = harnessFor(plugin);
			expect((await harness.loadOptions(node, 'getForms')).map((o) => [o.name, o.value])).toEqual([
				['Default registration form (default)', 1],
				['Partner signup', 2],
			]);
			expect((await harness.loadOptions(node, 'getRoles')).map((o) => o.value)).toEqual(['administrator', 'subscriber', 'customer']);
			expect((await harness.loadOptions({ name: 'T', type: 'wpUserManagerTrigger' }, 'getForms')).length).toBe(2);
		});
	});

	const examples = exampleUsers();
	(examples.length ? it : it.skip)(`User › Get returns every example user the plugin produced (contract/examples: ${examples.length})`, async () => {
		for (const { file, user } of examples) {
			const site = await startFakeWpumPlugin({ users: [user] });
			try {
				const { output, error } = await harnessFor(site).runNode(actionNode({ resource: 'user', operation: 'get', userId: String(user.id) }));
				expect({ file, error }).toEqual({ file, error: undefined });
				expect(output[0][0].json).toEqual(user);
			} finally {
				await site.close();
			}
		}
	});

	it('is usable as an AI agent tool', () => {
		expect(new WpUserManager().description.usableAsTool).toBe(true);
	});
});
