/** Intercom specifics beyond the contract suite: the official spec, external_id, search lag, value types, tags, limits. */
import { intercom } from '../../nodes/WpumCrm/adapters/intercom';
import { INTERCOM_TOKEN, INTERCOM_VERSION, type IntercomFake, intercomSpec } from './fakes/intercom';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { intercomTarget } from './targets/intercom';

const routeOf = (method: string, path: string) =>
	`${method} ${path.replace(/^\/contacts\/(?!search$|find_by)[^/]+/, '/contacts/{id}').replace(/\/tags\/\d+$/, '/tags/{tag_id}').replace(/find_by_external_id\/.+$/, 'find_by_external_id/{external_id}')}`;

describe('Intercom adapter', () => {
	const { state, run, harness } = useTarget<IntercomFake>(intercomTarget as CrmTarget<IntercomFake>);

	it('sends only bodies the official spec accepts, and the fake answers only as it documents', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { name: 'Jane', membership_level: 'Gold' }, tags: ['Members'], wpUserId: 12 }]);
		expect(created.error).toBeUndefined();
		const contactId = String(created.items[0].contactId);
		await run('upsert', [{ email: 'jane@example.com', fields: { membership_level: 'Platinum' }, wpUserId: 12 }]);
		await run('upsert', [{ email: 'jane.doe@example.org', contactId, fields: {} }]);
		await run('addTags', [{ contactId, tags: ['VIP'] }]);
		await run('removeTags', [{ contactId, tags: ['Members'] }]);
		await run('get', [{}], { lookupBy: 'email', lookupEmail: 'nobody@example.com' });
		await run('get', [{}], { lookupBy: 'contactId', lookupContactId: '000000000000000000000000' });
		expect(state.fake.findByEmail('jane.doe@example.org')).toMatchObject({ id: contactId, fields: { name: 'Jane', membership_level: 'Platinum' } });
		expect(state.fake.tagNamesOf('jane.doe@example.org')).toEqual(['VIP']);
		const deleted = await run('delete', [{}], { lookupBy: 'contactId', lookupContactId: contactId, confirmDelete: true });
		expect(deleted.items[0]).toMatchObject({ deleted: true });
		// What the credential test calls.
		await (await fetch(`${state.fake.url}/me`, { headers: { authorization: `Bearer ${INTERCOM_TOKEN}`, 'intercom-version': INTERCOM_VERSION } })).arrayBuffer();

		expect(state.fake.specViolations).toEqual([]);
		expect(state.fake.responseViolations).toEqual([]);
		expect(state.fake.contactCount()).toBe(0);
		expect([...new Set(state.fake.requests.map((r) => routeOf(r.method, r.path)))].sort()).toEqual([
			'DELETE /contacts/{id}',
			'DELETE /contacts/{id}/tags/{tag_id}',
			'GET /contacts/find_by_external_id/{external_id}',
			'GET /contacts/{id}',
			'GET /contacts/{id}/tags',
			'GET /data_attributes',
			'GET /me',
			'GET /tags',
			'POST /contacts',
			'POST /contacts/search',
			'POST /contacts/{id}/tags',
			'POST /tags',
			'PUT /contacts/{id}',
		]);
	});

	it('records a request the spec rejects, a missing Intercom-Version header and an answer it does not document', async () => {
		const response = await fetch(`${state.fake.url}/contacts/search`, {
			method: 'POST',
			headers: { authorization: `Bearer ${INTERCOM_TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({ query: { field: 'email', operator: 'LIKE', value: 'jane@example.com' } }),
		});
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ type: 'error.list', errors: [{ code: 'parameter_invalid' }] });
		expect(state.fake.specViolations.map((v) => v.errors.join(' '))).toEqual([
			`Intercom-Version header is undefined, not ${INTERCOM_VERSION}`,
			expect.stringContaining('must be equal to one of the allowed values'),
		]);
		expect(intercomSpec().checkResponse('GET', '/tags', 200, { type: 'list', data: [{ id: 7 }] }).errors.length).toBeGreaterThan(0);
		expect(intercomSpec().checkResponse('POST', '/contacts', 201, {}).errors).toEqual([{ path: '/', keyword: 'status', message: 'status 201 is not documented' }]);
	});

	it('stores the WordPress user id as external_id and follows an e-mail change by it alone', async () => {
		const first = await run('upsert', [{ email: 'jane@example.com', fields: {}, wpUserId: 12 }]);
		expect(state.fake.externalIdOf('jane@example.com')).toBe('12');
		expect(state.fake.roleOf('jane@example.com')).toBe('user');
		// No stored contact id, no previous e-mail: the external_id still finds her.
		const changed = await run('upsert', [{ email: 'jane.doe@example.org', fields: {}, wpUserId: 12 }]);
		expect(changed.items[0]).toMatchObject({ action: 'updated', contactId: first.items[0].contactId, email: 'jane.doe@example.org' });
		expect(state.fake.contactCount()).toBe(1);
		expect(state.fake.requests.some((r) => r.path === '/contacts/find_by_external_id/12')).toBe(true);
	});

	it('sets an external_id on a matching user that has none, and never overwrites one', async () => {
		state.fake.addContact('ann@example.com');
		state.fake.addContact('bob@example.com', { externalId: 'crm-77' });
		await run('upsert', [{ email: 'ann@example.com', fields: {}, wpUserId: 5 }, { email: 'bob@example.com', fields: {}, wpUserId: 6 }]);
		expect(state.fake.externalIdOf('ann@example.com')).toBe('5');
		expect(state.fake.externalIdOf('bob@example.com')).toBe('crm-77');
		expect(state.fake.contactCount()).toBe(2);
	});

	it('prefixes the external_id, can leave it out, and creates leads without one', async () => {
		await run('upsert', [{ email: 'a@example.com', fields: {}, wpUserId: 1 }], { intercomExternalIdPrefix: 'shop-' });
		await run('upsert', [{ email: 'b@example.com', fields: {}, wpUserId: 2 }], { intercomUseExternalId: false });
		await run('upsert', [{ email: 'c@example.com', fields: {}, wpUserId: 3 }], { intercomRole: 'lead' });
		expect(state.fake.externalIdOf('a@example.com')).toBe('shop-1');
		expect(state.fake.externalIdOf('b@example.com')).toBeNull();
		expect(state.fake.externalIdOf('c@example.com')).toBeNull();
		expect(state.fake.roleOf('c@example.com')).toBe('lead');
		expect(state.fake.specViolations).toEqual([]);
	});

	it('updates a contact that search does not show yet: the 409 names it (registration and profile update in one run)', async () => {
		state.fake.searchLagMs = 60_000;
		const { items, error } = await run('upsert', [
			{ email: 'jane@example.com', fields: { membership_level: 'Gold' } },
			{ email: 'jane@example.com', fields: { membership_level: 'Platinum' } },
		]);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.action)).toEqual(['created', 'updated']);
		expect(items[1].contactId).toBe(items[0].contactId);
		expect(state.fake.contactCount()).toBe(1);
		expect(state.fake.findByEmail('jane@example.com')?.fields.membership_level).toBe('Platinum');
		expect(state.fake.requests.filter((r) => r.method === 'POST' && r.path === '/contacts')).toHaveLength(2);
	});

	it('unarchives and updates an archived contact instead of failing on its 409', async () => {
		const archived = state.fake.addContact('jane@example.com');
		state.fake.archive(archived.id);
		const { items, error } = await run('upsert', [{ email: 'jane@example.com', fields: { membership_level: 'Gold' } }]);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'updated', contactId: archived.id });
		expect(state.fake.meta.get(archived.id)?.archived).toBe(false);
		expect(state.fake.contactCount()).toBe(1);
	});

	it('follows a merged contact (410 with a canonical Link) to the contact it was merged into', async () => {
		const old = state.fake.addContact('jane@old.example.com');
		const kept = state.fake.addContact('jane@example.com');
		state.fake.merge(old.id, kept.id);
		const got = await run('get', [{}], { lookupBy: 'contactId', lookupContactId: old.id });
		expect(got.items[0]).toMatchObject({ found: true, contactId: kept.id });
		const upserted = await run('upsert', [{ email: 'jane@example.com', contactId: old.id, fields: { membership_level: 'Gold' } }]);
		expect(upserted.items[0]).toMatchObject({ action: 'updated', contactId: kept.id });
		expect(state.fake.responseViolations).toEqual([]);
	});

	it('converts values to each attribute\'s type (numbers, yes/no, Unix-time dates, list options, joined lists)', async () => {
		state.fake.addAttribute('age', 'integer');
		state.fake.addAttribute('score', 'float');
		state.fake.addAttribute('newsletter', 'boolean');
		state.fake.addAttribute('birthday', 'date');
		state.fake.addAttribute('plan', 'string', ['Free', 'Gold']);
		state.fake.addAttribute('interests');
		const fields = {
			age: '42',
			score: '4.5',
			newsletter: 'yes',
			birthday: '1990-04-01',
			plan: 'gold',
			interests: ['Chess', 'Go'],
			signed_up_at: '2024-01-02T03:04:05Z',
			owner_id: 991268,
		};
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields }]);
		expect(error).toBeUndefined();
		expect(state.fake.typeMismatches).toEqual([]);
		expect(state.fake.specViolations).toEqual([]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({
			age: 42,
			score: 4.5,
			newsletter: true,
			birthday: Date.UTC(1990, 3, 1) / 1000,
			plan: 'Gold',
			interests: 'Chess, Go',
			signed_up_at: Date.UTC(2024, 0, 2, 3, 4, 5) / 1000,
			owner_id: '991268',
		});
	});

	it('fails an item whose value cannot fit its attribute, naming it, before anything is sent', async () => {
		state.fake.addAttribute('age', 'integer');
		state.fake.addAttribute('plan', 'string', ['Free', 'Gold']);
		const { items, error } = await run(
			'upsert',
			[
				{ email: 'jane@example.com', fields: { age: 'forty' }, tags: ['Members'] },
				{ email: 'bob@example.com', fields: { plan: 'Platinum' } },
			],
			{},
			true,
		);
		expect(error).toBeUndefined();
		expect(String(items[0].error)).toContain('Intercom attribute age needs a whole number, not "forty" (contact jane@example.com)');
		expect(String(items[1].error)).toContain('Intercom attribute plan needs one of "Free", "Gold", not "Platinum"');
		expect(state.fake.writes).toEqual([]);
	});

	it('clears an attribute the mapper sends empty with null', async () => {
		await run('upsert', [{ email: 'jane@example.com', fields: { membership_level: 'Gold', phone: '+44 20 7946 0000' } }]);
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { membership_level: '', phone: null } }]);
		expect(error).toBeUndefined();
		expect(state.fake.specViolations).toEqual([]);
		const stored = state.fake.findByEmail('jane@example.com')!.fields;
		expect(stored.membership_level).toBeUndefined();
		expect(stored.phone).toBeNull();
	});

	it('reads tags once per run, creates a missing tag once, reuses one whatever its case, removes only applied ones', async () => {
		state.fake.addContact('seed@example.com');
		await run('addTags', [{ email: 'seed@example.com', tags: ['VIP'] }]);
		const before = state.fake.requests.length;
		const input = emails(5).map((email) => ({ email, fields: {}, tags: ['Members', 'vip'] }));
		const { error } = await run('upsert', input);
		expect(error).toBeUndefined();
		const during = state.fake.requests.slice(before);
		expect(during.filter((r) => r.method === 'GET' && r.path === '/tags')).toHaveLength(1);
		expect(during.filter((r) => r.method === 'POST' && r.path === '/tags')).toEqual([expect.objectContaining({ body: { name: 'Members' } })]);
		for (const { email } of input) expect(state.fake.tagNamesOf(email)).toEqual(['Members', 'VIP']);
		expect(state.fake.tags.size).toBe(2);

		const removed = await run('removeTags', [{ email: 'user1@example.com', tags: ['Members', 'Never Applied'] }]);
		expect(removed.error).toBeUndefined();
		expect(state.fake.tagNamesOf('user1@example.com')).toEqual(['VIP']);
		expect(state.fake.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
		expect(state.fake.tags.size).toBe(2);
	});

	it('lists only writable contact attributes (model=contact), standard ones flagged', async () => {
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'intercom', operation: 'upsert' } }, 'getCrmFields');
		const keys = options.map((option) => option.value);
		expect(keys.slice(0, 7)).toEqual(['name', 'phone', 'avatar', 'owner_id', 'unsubscribed_from_emails', 'signed_up_at', 'last_seen_at']);
		expect(keys).toContain('membership_level');
		for (const key of ['email', 'external_id', 'created_at', 'location.city', 'computed_score', 'monthly_spend']) expect(keys).not.toContain(key);
		expect(options.find((o) => o.value === 'membership_level')?.name).toBe('membership_level (custom)');
		expect(state.fake.requests.filter((r) => r.path === '/data_attributes').map((r) => r.query.get('model'))).toEqual(['contact']);
	});

	it('slows down under an enforced rate limit (scaled down to 6 calls a second) and loses no contact', async () => {
		state.fake.enforceRateLimit = true;
		state.fake.rateLimit = { max: 6, windowMs: 1000 };
		const input = emails(8).map((email, n) => ({ email, fields: { membership_level: `m${n}` } }));
		const { items, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(items.map((item) => item.action)).toEqual(input.map(() => 'created'));
		for (const [n, { email }] of input.entries()) expect(state.fake.findByEmail(email)?.fields.membership_level).toBe(`m${n}`);
		expect(state.fake.specViolations).toEqual([]);
	});

	it('reads X-RateLimit-Reset as Unix seconds and Intercom\'s error list as the message', () => {
		const inThreeSeconds = Math.floor(Date.now() / 1000) + 3;
		const wait = intercom.resetDelayMs!({ statusCode: 429, headers: { 'x-ratelimit-reset': String(inThreeSeconds) }, body: {} })!;
		expect(wait).toBeGreaterThan(1500);
		expect(wait).toBeLessThanOrEqual(3000);
		// A reset already past (clocks differ) or missing: the transport backs off instead.
		expect(intercom.resetDelayMs!({ statusCode: 429, headers: { 'x-ratelimit-reset': String(inThreeSeconds - 60) }, body: {} })).toBeUndefined();
		expect(intercom.resetDelayMs!({ statusCode: 429, headers: {}, body: {} })).toBeUndefined();
		const body = { type: 'error.list', errors: [{ code: 'parameter_invalid', message: "Custom attribute 'x' does not exist" }, { code: 'conflict' }] };
		expect(intercom.errorMessage!({ statusCode: 400, headers: {}, body })).toBe("Custom attribute 'x' does not exist (parameter_invalid); conflict");
	});

	it('shows Intercom\'s own message when it refuses a contact', async () => {
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { owner_id: '12345' } }]);
		expect(error?.message).toBe('Intercom answered HTTP 400: The owner specified is not a member of the workspace (parameter_invalid)');
		expect(state.fake.contactCount()).toBe(0);
	});
});
