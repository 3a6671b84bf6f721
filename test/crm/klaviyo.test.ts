/** Klaviyo specifics beyond the contract suite: the official spec (requests, answers, limits), value conversion, lists, e-mail changes. */
import { klaviyo, toE164 } from '../../nodes/WpumCrm/adapters/klaviyo';
import { KLAVIYO_KEY, type KlaviyoFake, klaviyoSpec } from './fakes/klaviyo';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { klaviyoTarget } from './targets/klaviyo';

const declared = { klaviyoCustomProperties: 'company, plan, interests, newsletter' };

describe('Klaviyo adapter', () => {
	const { state, run, harness } = useTarget<KlaviyoFake>(klaviyoTarget as CrmTarget<KlaviyoFake>);

	it('sends only bodies the official spec accepts: create, update, e-mail change, lists, clearing, delete', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { first_name: 'Jane', 'properties.company': 'Acme' }, tags: ['Members'] }], declared);
		expect(created.error).toBeUndefined();
		const contactId = String(created.items[0].contactId);
		expect(created.items[0]).toMatchObject({ crm: 'klaviyo', action: 'created' });
		const updated = await run('upsert', [{ email: 'jane@example.com', fields: { 'properties.company': 'Globex', 'location.city': 'Boston' } }], declared);
		expect(updated.items[0]).toMatchObject({ action: 'updated', contactId });
		await run('upsert', [{ email: 'jane.doe@example.org', contactId, fields: { 'properties.plan': '' } }], declared);
		await run('addTags', [{ contactId, tags: ['VIP'] }]);
		await run('removeTags', [{ contactId, tags: ['Members'] }]);
		expect(state.fake.specViolations).toEqual([]);
		expect(state.fake.responseViolations).toEqual([]);
		expect(state.fake.findByEmail('jane.doe@example.org')).toMatchObject({
			id: contactId,
			fields: { first_name: 'Jane', 'properties.company': 'Globex', 'location.city': 'Boston' },
		});
		expect(state.fake.tagNamesOf('jane.doe@example.org')).toEqual(['VIP']);
		const deleted = await run('delete', [{}], { lookupBy: 'contactId', lookupContactId: contactId, confirmDelete: true });
		expect(deleted.items[0]).toMatchObject({ deleted: true, contactId });
		expect(state.fake.deletionJobs).toEqual([{ id: contactId }]);
		expect(state.fake.contactCount()).toBe(0);
		expect(state.fake.specViolations).toEqual([]);
		// Every request carried the revision and the JSON:API media type.
		expect(state.fake.requests.every((r) => r.headers.revision === '2026-07-15')).toBe(true);
		expect(state.fake.writes.every((r) => r.headers['content-type'] === 'application/vnd.api+json')).toBe(true);
	});

	it('converts values to what Klaviyo accepts: E.164 phones, BCP 47 locales, numeric coordinates, text, lists', async () => {
		const fields = {
			phone_number: '+1 (650) 555-1212',
			locale: 'en_US',
			'location.latitude': '40.7128',
			'location.zip': 2110,
			organization: ['Acme', 'Globex'],
			'properties.interests': ['golf', 'chess'],
			'properties.newsletter': true,
			'properties.plan': 3,
		};
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields }], declared);
		expect(error).toBeUndefined();
		expect(state.fake.specViolations).toEqual([]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toEqual({
			phone_number: '+16505551212',
			locale: 'en-US',
			'location.latitude': 40.7128,
			'location.zip': '2110',
			organization: 'Acme, Globex',
			'properties.interests': ['golf', 'chess'],
			'properties.newsletter': true,
			'properties.plan': 3,
		});
	});

	it('clears with null (standard attributes) and meta.patch_properties.unset (custom properties)', async () => {
		await run('upsert', [{ email: 'jane@example.com', fields: { title: 'CEO', 'location.city': 'Boston', 'properties.plan': 'Gold', 'properties.company': 'Acme' } }], declared);
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { title: '', 'location.city': null, 'properties.plan': '' } }], declared);
		expect(error).toBeUndefined();
		const body = state.fake.requests.filter((r) => r.path === '/api/profile-import').at(-1)!.body as any;
		expect(body.data.attributes).toEqual({ email: 'jane@example.com', title: null, location: { city: null } });
		expect(body.data.meta).toEqual({ patch_properties: { unset: ['plan'] } });
		expect(state.fake.findByEmail('jane@example.com')?.fields).toEqual({ 'properties.company': 'Acme' });
		expect(state.fake.specViolations).toEqual([]);
	});

	it('fails the item when a phone number has no country code, before anything (even a list) is created', async () => {
		const { items, error } = await run('upsert', [{ email: 'jane@example.com', fields: { phone_number: '555-1234' }, tags: ['Members'] }], declared, true);
		expect(error).toBeUndefined();
		expect(String(items[0].error)).toContain('Klaviyo attribute phone_number needs an international number with its country code (E.164, e.g. +15005550006), not "555-1234"');
		expect(state.fake.writes).toEqual([]);
		expect(toE164('0044 20 7946 0958')).toEqual({ value: '+442079460958' });
	});

	it('fails a custom property that is not declared in "Custom Properties", naming the setting\'s keys, before sending', async () => {
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { 'properties.compnay': 'Acme' } }], declared);
		expect(error?.message).toContain('has no field "properties.compnay"');
		expect(error?.message).toContain('properties.company');
		expect(state.fake.writes).toEqual([]);
	});

	it('offers the standard attributes and the declared custom properties in the field dropdown', async () => {
		const parameters = { crm: 'klaviyo', operation: 'upsert', ...declared };
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters }, 'getCrmFields');
		const values = options.map((option) => option.value);
		expect(values.slice(0, 3)).toEqual(['first_name', 'last_name', 'phone_number']);
		expect(values).toEqual(expect.arrayContaining(['location.city', 'location.latitude', 'properties.company', 'properties.newsletter']));
		expect(values).not.toContain('email');
		expect(options.find((option) => option.value === 'properties.plan')?.name).toBe('plan (custom)');
		// Klaviyo has no field schema: the dropdown costs no request.
		expect(state.fake.requests).toEqual([]);
	});

	it('finds lists past the first page of 10 instead of creating them again, and creates a missing one once per run', async () => {
		for (let n = 1; n <= 25; n++) state.fake.addList(`List ${n}`);
		const input = emails(5).map((email) => ({ email, fields: {}, tags: ['List 25', 'Brand New'] }));
		const { error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.listCreations).toEqual(['Brand New']);
		expect(state.fake.requests.filter((r) => r.method === 'GET' && r.path === '/api/lists')).toHaveLength(3);
		for (const { email } of input) expect(state.fake.tagNamesOf(email)).toEqual(['Brand New', 'List 25']);
		expect(state.fake.responseViolations).toEqual([]);
	});

	it('adds every upserted profile to the lists chosen in "Add to List Names or IDs"', async () => {
		const newsletter = state.fake.addList('Newsletter');
		await run('upsert', [{ email: 'ann@example.com', fields: {} }, { email: 'bob@example.com', fields: {}, tags: ['Beta'] }], { klaviyoListIds: [newsletter] });
		expect(state.fake.tagNamesOf('ann@example.com')).toEqual(['Newsletter']);
		expect(state.fake.tagNamesOf('bob@example.com')).toEqual(['Beta', 'Newsletter']);
	});

	it('refuses an e-mail change to an address another profile has, saying how to fix it, and duplicates nothing', async () => {
		const jane = state.fake.seedProfile('jane@example.com');
		const other = state.fake.seedProfile('jane.doe@example.org');
		const { items } = await run('upsert', [{ email: 'jane.doe@example.org', contactId: jane.id, fields: {} }], {}, true);
		expect(String(items[0].error)).toContain(`Klaviyo already has another profile with the e-mail jane.doe@example.org (profile ${other.id})`);
		expect(String(items[0].errorDetails)).toContain('Merge the two profiles in Klaviyo');
		expect(state.fake.contactCount()).toBe(2);
		expect(state.fake.contacts.get(jane.id)?.email).toBe('jane@example.com');
	});

	it('updates by e-mail when the stored contact id no longer exists (profile deleted in Klaviyo)', async () => {
		const jane = state.fake.seedProfile('jane@example.com');
		const { items, error } = await run('upsert', [{ email: 'jane@example.com', contactId: '01KGONE0000000000000000000', fields: { first_name: 'Jane' } }]);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'updated', contactId: jane.id });
		expect(state.fake.contactCount()).toBe(1);
	});

	it('slows down under the per-endpoint limits of the spec (list membership: 10/s) and loses no contact', async () => {
		state.fake.enforceRateLimit = true;
		const input = emails(12).map((email, n) => ({ email, fields: { 'properties.company': `c${n}` }, tags: ['Members'] }));
		const started = Date.now();
		const { items, error } = await run('upsert', input, declared);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		// Retry-After (whole seconds) was honoured: the run waited at least one second.
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(items.map((item) => item.action)).toEqual(input.map(() => 'created'));
		for (const [n, { email }] of input.entries()) {
			expect(state.fake.findByEmail(email)?.fields['properties.company']).toBe(`c${n}`);
			expect(state.fake.tagNamesOf(email)).toEqual(['Members']);
		}
		expect(state.fake.specViolations).toEqual([]);
		expect(state.fake.responseViolations).toEqual([]);
	});

	it('reads Klaviyo\'s own signals: RateLimit-Reset as fallback, JSON:API error details with their pointer', () => {
		expect(klaviyo.resetDelayMs!({ statusCode: 429, headers: { 'ratelimit-reset': '7' }, body: {} })).toBe(7000);
		expect(klaviyo.resetDelayMs!({ statusCode: 429, headers: {}, body: {} })).toBeUndefined();
		const body = { errors: [{ id: 'x', code: 'invalid', title: 'Invalid input.', detail: 'Invalid email address', source: { pointer: '/data/attributes/email' } }] };
		expect(klaviyo.errorMessage!({ statusCode: 400, headers: {}, body })).toBe('Invalid email address (/data/attributes/email)');
		expect(klaviyo.errorMessage!({ statusCode: 400, headers: {}, body: JSON.stringify(body) })).toBe('Invalid email address (/data/attributes/email)');
	});
});

describe('Klaviyo fake', () => {
	const { state, run } = useTarget<KlaviyoFake>(klaviyoTarget as CrmTarget<KlaviyoFake>);

	it('answers only as the official spec documents (status and body), across every route the adapter uses', async () => {
		for (let n = 1; n <= 12; n++) state.fake.addList(`List ${n}`);
		await run('upsert', [{ email: 'jane@example.com', fields: { 'properties.company': 'Acme' }, tags: ['Members'] }], declared);
		const jane = state.fake.findByEmail('jane@example.com')!;
		await run('upsert', [{ email: 'jane@example.com', contactId: jane.id, fields: { 'properties.company': 'Globex' } }], declared);
		await run('upsert', [{ email: 'bad@example', fields: {} }], {}, true);
		await run('get', [{}], { lookupBy: 'email', lookupEmail: 'nobody@example.com' });
		await run('get', [{}], { lookupBy: 'contactId', lookupContactId: 'nobody' });
		await run('addTags', [{ email: 'jane@example.com', tags: ['VIP'] }]);
		await run('removeTags', [{ email: 'jane@example.com', tags: ['VIP'] }]);
		await run('delete', [{}], { lookupBy: 'email', lookupEmail: 'jane@example.com', confirmDelete: true });
		state.fake.throttleNext(1);
		await run('get', [{}], { lookupBy: 'email', lookupEmail: 'nobody@example.com' });
		// What the credential test calls.
		await (await fetch(`${state.fake.url}/api/accounts`, { headers: { authorization: `Klaviyo-API-Key ${KLAVIYO_KEY}`, revision: '2026-07-15' } })).arrayBuffer();
		const routes = new Set(state.fake.requests.map((r) => `${r.method} ${klaviyoSpec().operation(r.method, r.path)?.template}`));
		expect([...routes].sort()).toEqual([
			'GET /api/accounts',
			'GET /api/lists',
			'GET /api/profiles',
			'GET /api/profiles/{id}',
			'POST /api/data-privacy-deletion-jobs',
			'POST /api/lists',
			'POST /api/lists/{id}/relationships/profiles',
			'POST /api/profile-import',
			'DELETE /api/lists/{id}/relationships/profiles',
		].sort());
		expect(state.fake.sent.throttled).toBe(1);
		expect(state.fake.responseViolations).toEqual([]);
		expect(state.fake.specViolations).toEqual([]);
	});

	it('would notice a request body or an answer the spec does not allow, and a body without the JSON:API media type', async () => {
		expect(klaviyoSpec().checkRequest('POST', '/api/profile-import', { data: { type: 'person', attributes: {} } }).length).toBeGreaterThan(0);
		expect(klaviyoSpec().checkRequest('POST', '/api/lists/L1/relationships/profiles', { data: [{ id: 'x' }] }).length).toBeGreaterThan(0);
		expect(klaviyoSpec().checkResponse('GET', '/api/lists', 200, { data: [{ type: 'list', id: 1 }] }).length).toBeGreaterThan(0);
		expect(klaviyoSpec().checkResponse('POST', '/api/lists/L1/relationships/profiles', 200, {})).toEqual([
			{ path: '/', keyword: 'status', message: 'status 200 is not documented' },
		]);
		const response = await fetch(`${state.fake.url}/api/profile-import`, {
			method: 'POST',
			headers: { authorization: `Klaviyo-API-Key ${KLAVIYO_KEY}`, revision: '2026-07-15', 'content-type': 'application/json' },
			body: JSON.stringify({ data: { type: 'profile', attributes: { email: 'jane@example.com' } } }),
		});
		expect(response.status).toBe(400);
		expect(state.fake.specViolations).toEqual([
			{ method: 'POST', path: '/api/profile-import', errors: ['content-type application/json is not application/vnd.api+json'] },
		]);
		expect(state.fake.contactCount()).toBe(0);
	});

	it('reads each endpoint\'s limits from the spec and refuses requests without a revision header', async () => {
		expect(klaviyoSpec().operation('POST', '/api/profile-import')?.limits).toEqual({ burst: 75, steady: 750 });
		expect(klaviyoSpec().operation('POST', '/api/lists/L1/relationships/profiles')?.limits).toEqual({ burst: 10, steady: 150 });
		expect(klaviyoSpec().operation('GET', '/api/profiles/01X')?.limits).toEqual({ burst: 75, steady: 750 });
		const response = await fetch(`${state.fake.url}/api/lists`, { headers: { authorization: `Klaviyo-API-Key ${KLAVIYO_KEY}` } });
		expect(response.status).toBe(400);
	});
});
