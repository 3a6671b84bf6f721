/** Customer.io specifics beyond the contract suite: the reference's rules, the two APIs, identifiers, values, segments, limits. */
import { attributeValue, customerio, READ_BACK_WAITS_MS, toUnixSeconds } from '../../nodes/WpumCrm/adapters/customerio';
import { CIO_APP_KEY, CIO_SITE_ID, CIO_TRACK_KEY, type CustomerIoFake } from './fakes/customerio';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { customerioTarget } from './targets/customerio';

const declared = { customerioCustomAttributes: 'company, plan, interests, score, ratio' };
const basic = `Basic ${Buffer.from(`${CIO_SITE_ID}:${CIO_TRACK_KEY}`).toString('base64')}`;
const routeOf = (method: string, path: string) =>
	`${method} ${path
		.replace(/^\/api\/v1\/customers\/[^/]+$/, '/api/v1/customers/{identifier}')
		.replace(/^\/v1\/customers\/[^/]+\/attributes$/, '/v1/customers/{customer_id}/attributes')
		.replace(/^\/api\/v1\/segments\/\d+\//, '/api/v1/segments/{segment_id}/')}`;

describe('Customer.io adapter', () => {
	const { state, run, harness } = useTarget<CustomerIoFake>(customerioTarget as CrmTarget<CustomerIoFake>);

	it('writes through the Track API (basic auth) and reads through the App API (bearer), with requests the reference accepts', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { first_name: 'Jane', company: 'Acme' }, tags: ['Members'], wpUserId: 12 }], declared);
		expect(created.error).toBeUndefined();
		const contactId = String(created.items[0].contactId);
		const jane = state.fake.findByEmail('jane@example.com')!;
		expect(created.items[0]).toEqual({ crm: 'customerio', contactId: jane.id, action: 'created', email: 'jane@example.com', wpUserId: 12 });
		// New people get the WordPress user ID as their "id": created through PUT /customers/12.
		expect(state.fake.customerIds.get(contactId)).toBe('12');
		expect(state.fake.requests.some((r) => r.method === 'PUT' && r.path === '/api/v1/customers/12')).toBe(true);

		await run('upsert', [{ email: 'jane.doe@example.org', contactId, fields: { company: 'Globex' } }], declared);
		await run('addTags', [{ contactId, tags: ['VIP'] }]);
		await run('removeTags', [{ contactId, tags: ['Members'] }]);
		expect(state.fake.findByEmail('jane.doe@example.org')).toMatchObject({ id: contactId, fields: { first_name: 'Jane', company: 'Globex' } });
		expect(state.fake.tagNamesOf('jane.doe@example.org')).toEqual(['VIP']);
		const got = await run('get', [{}], { lookupBy: 'email', lookupEmail: 'jane.doe@example.org' });
		expect(got.items[0]).toMatchObject({ found: true, contactId, contact: { identifiers: { id: '12', cio_id: contactId }, attributes: { company: 'Globex' } } });
		const deleted = await run('delete', [{}], { lookupBy: 'contactId', lookupContactId: contactId, confirmDelete: true });
		expect(deleted.items[0]).toMatchObject({ deleted: true, contactId });
		expect(state.fake.contactCount()).toBe(0);

		expect(state.fake.invalidRequests).toEqual([]);
		expect(state.fake.attributeUpdateFailures).toEqual([]);
		for (const request of state.fake.requests) {
			expect(request.headers.authorization).toBe(request.path.startsWith('/v1/') ? `Bearer ${CIO_APP_KEY}` : basic);
		}
		expect([...new Set(state.fake.requests.map((r) => routeOf(r.method, r.path)))].sort()).toEqual([
			'DELETE /api/v1/customers/{identifier}',
			'GET /v1/customers',
			'GET /v1/customers/{customer_id}/attributes',
			'GET /v1/segments',
			'POST /api/v1/segments/{segment_id}/add_customers',
			'POST /api/v1/segments/{segment_id}/remove_customers',
			'POST /v1/segments',
			'PUT /api/v1/customers/{identifier}',
		]);
		// Identifiers of an existing person change only through cio_<id>; the delete uses it too.
		expect(state.fake.requests.filter((r) => r.method !== 'GET' && r.path.startsWith('/api/v1/customers/')).map((r) => `${r.method} ${r.path}`)).toEqual([
			'PUT /api/v1/customers/12',
			`PUT /api/v1/customers/cio_${contactId}`,
			`DELETE /api/v1/customers/cio_${contactId}`,
		]);
	});

	it('finds a person by the WordPress user ID, so an e-mail change without contact ID or previous e-mail keeps one person', async () => {
		const jane = state.fake.seedPerson('jane@example.com', 'shop-7');
		const { items, error } = await run('upsert', [{ email: 'jane.new@example.com', fields: {}, wpUserId: 7 }], { customerioIdPrefix: 'shop-' });
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'updated', contactId: jane.id });
		expect(state.fake.contactCount()).toBe(1);
		expect(state.fake.contacts.get(jane.id)?.email).toBe('jane.new@example.com');
		// Turned off, the ID is neither looked up nor set.
		const other = await run('upsert', [{ email: 'bob@example.com', fields: {}, wpUserId: 8 }], { customerioUseWpUserId: false });
		expect(state.fake.customerIds.get(String(other.items[0].contactId))).toBeUndefined();
		expect(state.fake.requests.some((r) => r.path === '/api/v1/customers/bob%40example.com' || r.path === '/api/v1/customers/bob@example.com')).toBe(true);
	});

	it('gives an existing person without an ID the WordPress user ID, and never changes an ID already set', async () => {
		const ann = state.fake.seedPerson('ann@example.com');
		const bob = state.fake.seedPerson('bob@example.com', 'legacy-99');
		await run('upsert', [{ email: 'ann@example.com', fields: {}, wpUserId: 5 }, { email: 'bob@example.com', fields: {}, wpUserId: 6 }]);
		expect(state.fake.customerIds.get(ann.id)).toBe('5');
		expect(state.fake.customerIds.get(bob.id)).toBe('legacy-99');
		expect(state.fake.attributeUpdateFailures).toEqual([]);
	});

	it('refuses an e-mail change to an address another person has, saying how to fix it, and changes nothing', async () => {
		const jane = state.fake.seedPerson('jane@example.com');
		const other = state.fake.seedPerson('jane.doe@example.org');
		const { items } = await run('upsert', [{ email: 'jane.doe@example.org', contactId: jane.id, fields: {} }], {}, true);
		expect(String(items[0].error)).toContain(`Customer.io already has another person with the e-mail jane.doe@example.org (cio_id ${other.id})`);
		expect(String(items[0].errorDetails)).toContain('Merge the two people in Customer.io');
		expect(state.fake.writes).toEqual([]);
		expect(state.fake.contacts.get(jane.id)?.email).toBe('jane@example.com');
	});

	it('converts values to what the Track API takes: Unix seconds, yes/no, whole numbers, text; "" clears', async () => {
		const fields = { created_at: '2026-01-02', unsubscribed: 'yes', score: 3, ratio: 2.5, interests: ['golf', 'chess'], plan: true };
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields }], declared);
		expect(error).toBeUndefined();
		expect(state.fake.invalidRequests).toEqual([]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toEqual({
			created_at: 1767312000,
			unsubscribed: true,
			score: 3,
			ratio: '2.5',
			interests: 'golf, chess',
			plan: true,
		});
		await run('upsert', [{ email: 'jane@example.com', fields: { plan: '', interests: null } }], declared);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toEqual({ created_at: 1767312000, unsubscribed: true, score: 3, ratio: '2.5' });
		expect(toUnixSeconds(1767312000123)).toEqual({ value: 1767312000 });
		expect(toUnixSeconds('2026-01-02T10:00:00+02:00')).toEqual({ value: 1767340800 });
	});

	it('fails a value Customer.io would refuse before anything (even a segment) is sent, naming the attribute', async () => {
		const tooLong = 'x'.repeat(1001);
		const { items } = await run(
			'upsert',
			[
				{ email: 'a@example.com', fields: { company: tooLong }, tags: ['New'] },
				{ email: 'b@example.com', fields: { company: { nested: true } } },
				{ email: 'c@example.com', fields: { created_at: 'next tuesday' } },
				{ email: 'd@example.com', fields: { unsubscribed: 'maybe' } },
			],
			declared,
			true,
		);
		expect(items.map((item) => String(item.error))).toEqual([
			'Customer.io attribute company is 1001 bytes long; Customer.io takes at most 1000 bytes per attribute value (contact a@example.com)',
			'Customer.io attribute company needs text, a number, true/false or a list of those, not {"nested":true} (contact b@example.com)',
			'Customer.io attribute created_at needs a date (YYYY-MM-DD, an ISO date-time or a Unix time), not "next tuesday" (contact c@example.com)',
			'Customer.io attribute unsubscribed needs yes/no (true or false), not "maybe" (contact d@example.com)',
		]);
		expect(state.fake.requests).toEqual([]);
		expect(attributeValue('company', 'ünïcödé'.repeat(100)).problem).toContain('bytes long');
	});

	it('offers the standard attributes and the declared ones (never reserved names) without a request', async () => {
		const parameters = { crm: 'customerio', operation: 'upsert', customerioCustomAttributes: 'plan, email, id, plan, first_name, favorite color' };
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters }, 'getCrmFields');
		expect(options.map((option) => option.value)).toEqual(['first_name', 'last_name', 'created_at', 'unsubscribed', 'timezone', 'plan', 'favorite color']);
		expect(options.find((option) => option.value === 'plan')?.name).toBe('plan (custom)');
		expect(state.fake.requests).toEqual([]);
	});

	it('uses manual segments as tags: finds them by name (not data-driven ones), creates a missing one once per run', async () => {
		const members = state.fake.addSegment('Members');
		state.fake.addSegment('VIP', 'dynamic');
		const input = emails(3).map((email) => ({ email, fields: {}, tags: ['members', 'VIP'] }));
		const { error } = await run('upsert', input);
		expect(error).toBeUndefined();
		const manualVip = [...state.fake.segments.values()].filter((s) => s.name === 'VIP' && s.type === 'manual');
		expect(manualVip).toHaveLength(1);
		expect(state.fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/segments')).toHaveLength(1);
		expect(state.fake.requests.filter((r) => r.method === 'GET' && r.path === '/v1/segments')).toHaveLength(1);
		for (const { email } of input) expect(state.fake.tagNamesOf(email)).toEqual(['Members', 'VIP']);
		expect(state.fake.segments.get(members)?.type).toBe('manual');
		// Removing a tag with no segment creates nothing.
		const removed = await run('removeTags', [{ email: 'user1@example.com', tags: ['Nope'] }]);
		expect(removed.error).toBeUndefined();
		expect(state.fake.segments.size).toBe(3);
		expect(state.fake.invalidRequests).toEqual([]);
	});

	it('waits for a new person to show in the App API (Track calls are processed asynchronously)', async () => {
		state.fake.readLag = 2;
		const { items, error } = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'created', contactId: state.fake.findByEmail('jane@example.com')?.id });
	});

	it('says what to do when a new person does not show in time, and a re-run links it without a duplicate', async () => {
		state.fake.readLag = READ_BACK_WAITS_MS.length + 1;
		const first = await run('upsert', [{ email: 'jane@example.com', fields: {} }], {}, true);
		expect(String(first.items[0].error)).toMatch(/Customer.io accepted jane@example.com but its App API did not show the person within 7.75 s/);
		expect(String(first.items[0].errorDetails)).toContain('Run this item again later');
		const again = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		expect(again.items[0]).toMatchObject({ action: 'updated', contactId: state.fake.findByEmail('jane@example.com')?.id });
		expect(state.fake.contactCount()).toBe(1);
	}, 20_000);

	it('slows down under the App API limit (10 requests/s, 429 without headers) and loses no contact', async () => {
		state.fake.enforceRateLimit = true;
		const input = emails(8).map((email, n) => ({ email, fields: { company: `c${n}` }, tags: ['Members'] }));
		const { items, error } = await run('upsert', input, declared);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(items.map((item) => item.action)).toEqual(input.map(() => 'created'));
		for (const [n, { email }] of input.entries()) {
			expect(state.fake.findByEmail(email)?.fields.company).toBe(`c${n}`);
			expect(state.fake.tagNamesOf(email)).toEqual(['Members']);
		}
	}, 30_000);

	it('names the credential when only the App API key is wrong (the Test button checks the Track keys)', async () => {
		const credentials = { ...customerioTarget.credentials(state.fake), appApiKey: 'app_wrong' };
		const { Harness } = await import('../harness');
		const { WpumCrm } = await import('../../nodes/WpumCrm/WpumCrm.node');
		const h = new Harness({ nodeTypes: [WpumCrm], credentialTypes: [customerioTarget.credentialClass], credentials: { wpumCustomerIoApi: credentials } });
		const { error } = await h.runNode({ type: 'wpumCrm', parameters: { crm: 'customerio', operation: 'upsert', options: { maxRateLimitWait: 5 } } }, [{ email: 'jane@example.com', fields: {} }]);
		expect(error?.message).toContain('Customer.io refused the request (HTTP 401');
		expect(error?.message).toContain('Check the Customer.io credential');
		expect(state.fake.writes).toEqual([]);
	});

	it('reads Customer.io\'s error bodies', () => {
		const message = (body: unknown) => customerio.errorMessage!({ statusCode: 400, headers: {}, body });
		expect(message({ meta: { errors: ['email: "x" is not a valid email address', 'too many attributes'] } })).toBe('email: "x" is not a valid email address; too many attributes');
		expect(message({ meta: { error: 'Unauthorized request' } })).toBe('Unauthorized request');
		expect(message({ errors: [{ detail: 'The customer_id does not exist.', status: '404' }] })).toBe('The customer_id does not exist.');
		expect(message(JSON.stringify({ meta: { errors: ['bad'] } }))).toBe('bad');
		expect(message('')).toBeUndefined();
	});
});

describe('Customer.io fake', () => {
	const { state } = useTarget<CustomerIoFake>(customerioTarget as CrmTarget<CustomerIoFake>);
	const send = async (method: string, path: string, body: unknown, authorization = basic) => {
		const response = await fetch(`${state.fake.url}${path}`, { method, headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
		return { status: response.status, body: (await response.text()) || undefined };
	};

	it('refuses what the reference calls invalid with its 400 body, and stores nothing', async () => {
		expect(await send('PUT', '/api/v1/customers/jane%40example.com', { email: 'jane@example', ratio: 2.5, tags: ['a'], created_at: '2026-01-01' })).toEqual({
			status: 400,
			body: JSON.stringify({
				meta: {
					errors: [
						'email: "jane@example" is not a valid email address',
						'attribute ratio must be a string, an integer or a boolean, not 2.5',
						'attribute tags must be a string, an integer or a boolean, not ["a"]',
						'created_at must be an integer Unix timestamp, not "2026-01-01"',
					],
				},
			}),
		});
		expect((await send('PUT', '/api/v1/customers/x', [1, 2])).status).toBe(400);
		expect((await send('PUT', '/api/v1/customers/x', { note: 'y'.repeat(1001) })).status).toBe(400);
		const segment = state.fake.addSegment('Members');
		const dynamic = state.fake.addSegment('Active', 'dynamic');
		expect((await send('POST', `/api/v1/segments/${segment}/add_customers`, { ids: [] })).status).toBe(400);
		expect((await send('POST', `/api/v1/segments/${segment}/add_customers`, { ids: [12] })).status).toBe(400);
		expect((await send('POST', `/api/v1/segments/${dynamic}/add_customers`, { ids: ['12'] })).status).toBe(400);
		expect((await send('POST', '/v1/segments', { segment: {} }, `Bearer ${CIO_APP_KEY}`)).status).toBe(400);
		expect(state.fake.invalidRequests).toHaveLength(7);
		expect(state.fake.contactCount()).toBe(0);
		// Each API wants its own key.
		expect((await send('GET', '/v1/segments', undefined, basic)).status).toBe(401);
		expect((await send('GET', '/api/v1/accounts/region', undefined, `Bearer ${CIO_APP_KEY}`)).status).toBe(401);
	});

	it('follows the identify rules: an identifier change needs cio_, an unknown cio_ is dropped, a taken e-mail fails later', async () => {
		const jane = state.fake.seedPerson('jane@example.com', '1');
		state.fake.seedPerson('bob@example.com', '2');
		expect((await send('PUT', '/api/v1/customers/1', { email: 'jane.new@example.com' })).status).toBe(200);
		expect(state.fake.contacts.get(jane.id)?.email).toBe('jane@example.com');
		expect((await send('PUT', `/api/v1/customers/cio_${jane.id}`, { email: 'bob@example.com' })).status).toBe(200);
		expect(state.fake.contacts.get(jane.id)?.email).toBe('jane@example.com');
		expect(state.fake.attributeUpdateFailures.map((f) => f.value)).toEqual(['jane.new@example.com', 'bob@example.com']);
		expect((await send('PUT', '/api/v1/customers/cio_99999999', { email: 'ghost@example.com' })).status).toBe(200);
		expect(state.fake.contactCount()).toBe(2);
		expect((await send('PUT', `/api/v1/customers/cio_${jane.id}`, { email: 'jane.new@example.com' })).status).toBe(200);
		expect(state.fake.contacts.get(jane.id)?.email).toBe('jane.new@example.com');
	});
});
