/** Keap specifics beyond the contract suite: the official spec, arrays Keap replaces, value types, tags, quotas. */
import { WpumKeapApi } from '../../credentials/WpumKeapApi.credentials';
import { keap } from '../../nodes/WpumCrm/adapters/keap';
import { WpumCrm } from '../../nodes/WpumCrm/WpumCrm.node';
import { Harness } from '../harness';
import { checkQuery, KEAP_KEY, type KeapFake, keapSpec } from './fakes/keap';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { keapTarget } from './targets/keap';

type Entry = Record<string, unknown>;

describe('Keap adapter', () => {
	const { state, run } = useTarget<KeapFake>(keapTarget as CrmTarget<KeapFake>);
	const record = (email: string) => state.fake.records.get(state.fake.findByEmail(email)?.id ?? '') ?? {};

	it('sends only requests the official spec accepts: create, update, e-mail change, tags, delete', async () => {
		const created = await run('upsert', [
			{ email: 'jane@example.com', fields: { given_name: 'Jane', MembershipLevel: 'Gold', phone1: '555-0100' }, tags: ['Members'] },
		]);
		expect(created.error).toBeUndefined();
		const contactId = String(created.items[0].contactId);
		await run('upsert', [{ email: 'jane@example.com', fields: { MembershipLevel: 'Platinum' } }]);
		await run('upsert', [{ email: 'jane.doe@example.org', contactId, fields: {} }]);
		await run('addTags', [{ contactId, tags: ['VIP'] }]);
		await run('removeTags', [{ contactId, tags: ['Members'] }]);
		expect(state.fake.specViolations).toEqual([]);
		expect(state.fake.responseViolations).toEqual([]);
		expect(state.fake.findByEmail('jane.doe@example.org')).toMatchObject({ id: contactId, fields: { given_name: 'Jane', phone1: '555-0100' } });
		expect(state.fake.customValue('jane.doe@example.org', 'MembershipLevel')).toBe('Platinum');
		expect(state.fake.tagNamesOf('jane.doe@example.org')).toEqual(['VIP']);
		const deleted = await run('delete', [{}], { lookupBy: 'contactId', lookupContactId: contactId, confirmDelete: true });
		expect(deleted.items[0]).toMatchObject({ deleted: true });
		expect(state.fake.contactCount()).toBe(0);
		expect(state.fake.requests.every((r) => r.headers['x-keap-api-key'] === KEAP_KEY)).toBe(true);
	});

	it('records a body the spec rejects (so the check above can fail) and surfaces Keap\'s message', async () => {
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { given_name: 'J'.repeat(41) } }]);
		expect(error?.message).toContain('Keap answered HTTP 400');
		expect(error?.message).toContain('/given_name must NOT have more than 40 characters');
		expect(state.fake.specViolations).toEqual([
			{ method: 'POST', path: '/crm/rest/v2/contacts', errors: ['/given_name must NOT have more than 40 characters'] },
		]);
		expect(state.fake.contactCount()).toBe(0);
	});

	it('keeps what Keap would wipe: other custom fields, e-mail slots and phone slots survive an update', async () => {
		state.fake.addField('Company', 'Company');
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { MembershipLevel: 'Gold', Company: 'Acme', phone1: '111', phone2: '222' } }]);
		const contactId = String(created.items[0].contactId);
		// Someone adds a second e-mail in Keap's app.
		(record('jane@example.com').email_addresses as Entry[]).push({ email: 'jane@work.example.com', field: 'EMAIL2' });

		const { error } = await run('upsert', [{ email: 'jane.doe@example.org', contactId, fields: { MembershipLevel: 'Platinum', phone1: '333' } }]);
		expect(error).toBeUndefined();
		const stored = state.fake.records.get(contactId)!;
		expect(stored.custom_fields).toEqual(
			expect.arrayContaining([
				{ id: expect.any(String), content: 'Acme' },
				{ id: expect.any(String), content: 'Platinum' },
			]),
		);
		expect(stored.custom_fields).toHaveLength(2);
		expect(stored.email_addresses).toEqual([
			{ email: 'jane@work.example.com', field: 'EMAIL2' },
			{ email: 'jane.doe@example.org', field: 'EMAIL1' },
		]);
		expect(stored.phone_numbers).toEqual(expect.arrayContaining([{ field: 'PHONE1', number: '333' }, { field: 'PHONE2', number: '222' }]));
		expect(stored.phone_numbers).toHaveLength(2);
		// Only the properties that changed were written.
		const patch = state.fake.requests.find((r) => r.method === 'PATCH')!;
		expect(patch.query.get('update_mask')?.split(',').sort()).toEqual(['custom_fields', 'email_addresses', 'phone_numbers']);
	});

	it('converts values to each custom field\'s type, and dates, phones and the billing address to Keap\'s shapes', async () => {
		state.fake.addField('Age', 'Age', 'WHOLE_NUMBER');
		state.fake.addField('Score', 'Score', 'DECIMAL_NUMBER');
		state.fake.addField('Newsletter', 'Newsletter', 'YES_NO');
		state.fake.addField('Joined', 'Joined', 'DATE');
		state.fake.addField('Plan', 'Plan', 'DROPDOWN', ['Free', 'Gold']);
		state.fake.addField('Interests', 'Interests', 'LIST_BOX', ['PHP', 'WordPress', 'n8n']);
		const fields = {
			Age: '42',
			Score: '3.5',
			Newsletter: 'yes',
			Joined: '2024-05-06T10:00:00Z',
			Plan: 'gold',
			Interests: ['wordpress', 'N8N'],
			MembershipLevel: ['Gold', 'Early'],
			birth_date: '1990-04-01',
			billing_locality: 'Phoenix',
			billing_country_code: 'USA',
		};
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields }]);
		expect(error).toBeUndefined();
		expect(state.fake.specViolations).toEqual([]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({
			Age: 42,
			Score: 3.5,
			Newsletter: true,
			Joined: '2024-05-06',
			Plan: 'Gold',
			Interests: 'WordPress,n8n',
			MembershipLevel: 'Gold, Early',
			birth_date: '1990-04-01',
			billing_locality: 'Phoenix',
			billing_country_code: 'USA',
		});
	});

	it('fails the item when a value cannot fit its field, naming the field and the choices, before anything is sent', async () => {
		state.fake.addField('Plan', 'Plan', 'DROPDOWN', ['Free', 'Gold']);
		state.fake.addField('Age', 'Age', 'WHOLE_NUMBER');
		const { items, error } = await run(
			'upsert',
			[
				{ email: 'jane@example.com', fields: { Plan: 'Platinum' }, tags: ['Members'] },
				{ email: 'bob@example.com', fields: { Age: 'forty' } },
			],
			{},
			true,
		);
		expect(error).toBeUndefined();
		expect(String(items[0].error)).toContain('Keap field Plan needs one of "Free", "Gold", not "Platinum" (contact jane@example.com)');
		expect(String(items[1].error)).toContain('Keap field Age needs a whole number, not "forty"');
		expect(state.fake.writes).toEqual([]);
	});

	it('clears a field the mapper sends empty', async () => {
		await run('upsert', [{ email: 'jane@example.com', fields: { MembershipLevel: 'Gold', given_name: 'Jane' } }]);
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { MembershipLevel: null, given_name: '' } }]);
		expect(error).toBeUndefined();
		expect(state.fake.specViolations).toEqual([]);
		expect(state.fake.customValue('jane@example.com', 'MembershipLevel')).toBeUndefined();
		expect(state.fake.findByEmail('jane@example.com')?.fields.given_name).toBe('');
	});

	it('finds tags past the first page of 1000 instead of creating them again, and creates a missing one once per run', async () => {
		for (let n = 1; n <= 1005; n++) state.fake.addTag(`Tag ${n}`);
		const input = emails(3).map((email) => ({ email, fields: {}, tags: ['Tag 1005', 'Brand New'] }));
		const { error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.tags.size).toBe(1006);
		expect(state.fake.requests.filter((r) => r.method === 'GET' && r.path === '/crm/rest/v2/tags')).toHaveLength(2);
		expect(state.fake.requests.filter((r) => r.method === 'POST' && r.path === '/crm/rest/v2/tags')).toHaveLength(1);
		for (const { email } of input) expect(state.fake.tagNamesOf(email)).toEqual(['Brand New', 'Tag 1005']);
	});

	it('does not apply a tag the contact already has again, and removing an unknown tag sends nothing', async () => {
		await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['Members'] }]);
		const applied = () => state.fake.requests.filter((r) => r.path.endsWith('contacts:applyTags')).length;
		expect(applied()).toBe(1);
		await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['members', 'VIP'] }]);
		expect(applied()).toBe(2);
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Members', 'VIP']);
		const writes = state.fake.writes.length;
		const removed = await run('removeTags', [{ email: 'jane@example.com', tags: ['Never Made'] }]);
		expect(removed.error).toBeUndefined();
		expect(state.fake.writes.length).toBe(writes);
	});

	it('matches the e-mail exactly: a longer address sharing the prefix is another person', async () => {
		await run('upsert', [{ email: 'jane@example.com.au', fields: {} }]);
		const { items } = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		expect(items[0]).toMatchObject({ action: 'created' });
		expect(state.fake.contactCount()).toBe(2);
	});

	it('creates the contact again when the stored id was deleted in Keap', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		state.fake.contacts.delete(String(created.items[0].contactId));
		const { items, error } = await run('upsert', [{ email: 'jane@example.com', contactId: created.items[0].contactId, fields: {} }]);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'created' });
		expect(items[0].contactId).not.toBe(created.items[0].contactId);
		expect(state.fake.contactCount()).toBe(1);
	});

	it('sends the "Opt-In Reason" with new and changed e-mail addresses only', async () => {
		const options = { keapOptInReason: 'Registered on example.com' };
		const created = await run('upsert', [{ email: 'jane@example.com', fields: {} }], options);
		expect(record('jane@example.com').email_addresses).toEqual([{ email: 'jane@example.com', field: 'EMAIL1', opt_in_reason: 'Registered on example.com' }]);
		await run('upsert', [{ email: 'jane@example.com', fields: { given_name: 'Jane' } }], options);
		expect(state.fake.requests.find((r) => r.method === 'PATCH')?.body).toEqual({ given_name: 'Jane' });
		await run('upsert', [{ email: 'jane.doe@example.org', previousEmail: 'jane@example.com', fields: {} }], options);
		expect(state.fake.contactCount()).toBe(1);
		expect(record('jane.doe@example.org').email_addresses).toEqual([
			{ email: 'jane.doe@example.org', field: 'EMAIL1', opt_in_reason: 'Registered on example.com' },
		]);
		expect(state.fake.findByEmail('jane.doe@example.org')?.id).toBe(created.items[0].contactId);
		expect(state.fake.specViolations).toEqual([]);
	});

	it('slows down under the key\'s throttle (429 with x-keap-* headers, no Retry-After) and loses no contact', async () => {
		state.fake.rateLimit = { max: 10, windowMs: 1000 };
		state.fake.enforceRateLimit = true;
		const input = emails(8).map((email, n) => ({ email, fields: { MembershipLevel: `m${n}` }, tags: ['Members'] }));
		const { items, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(items.map((item) => item.action)).toEqual(input.map(() => 'created'));
		for (const [n, { email }] of input.entries()) {
			expect(state.fake.customValue(email, 'MembershipLevel')).toBe(`m${n}`);
			expect(state.fake.tagNamesOf(email)).toEqual(['Members']);
		}
		expect(state.fake.specViolations).toEqual([]);
	});

	it('stops at once when the daily quota is spent instead of waiting until midnight UTC', async () => {
		state.fake.dailyQuota.exhausted = true;
		state.fake.throttleNext(1);
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: {} }], { options: { maxRateLimitWait: 300 } });
		expect(error?.message).toMatch(/Keap is still rate-limiting/);
		expect(state.fake.requests).toHaveLength(1);
	});

	it('reads Keap\'s quota headers and both shapes of its error bodies', () => {
		const now = Date.now();
		const quota = (headers: Record<string, string>) => keap.resetDelayMs!({ statusCode: 429, headers, body: {} });
		expect(quota({ 'x-keap-product-quota-available': '12', 'x-keap-product-throttle-available': '0' })).toBeUndefined();
		expect(quota({})).toBeUndefined();
		const inSeconds = quota({ 'x-keap-product-quota-available': '0', 'x-keap-product-quota-expiry-time': String(Math.round(now / 1000) + 60) })!;
		expect(inSeconds).toBeGreaterThan(55_000);
		expect(inSeconds).toBeLessThanOrEqual(61_000);
		const inMs = quota({ 'x-keap-product-quota-available': '0', 'x-keap-product-quota-expiry-time': String(now + 120_000) })!;
		expect(inMs).toBeGreaterThan(115_000);
		expect(inMs).toBeLessThanOrEqual(120_000);
		const midnight = quota({ 'x-keap-product-quota-available': '0' })!;
		expect(midnight).toBeGreaterThan(0);
		expect(midnight).toBeLessThanOrEqual(24 * 60 * 60 * 1000);
		expect(keap.errorMessage!({ statusCode: 400, headers: {}, body: { code: 400, message: 'Invalid email address', status: 'Bad Request' } })).toBe(
			'Invalid email address (Bad Request)',
		);
		expect(keap.errorMessage!({ statusCode: 401, headers: {}, body: { fault: { faultstring: 'Invalid ApiKey' } } })).toBe('Invalid ApiKey');
	});

	it('says what to do when the key is refused, with the gateway\'s own reason', async () => {
		const harness = new Harness({
			nodeTypes: [WpumCrm],
			credentialTypes: [WpumKeapApi],
			credentials: { wpumKeapApi: keapTarget.badCredentials(state.fake) },
		});
		const { error } = await harness.runNode({ type: 'wpumCrm', parameters: { crm: 'keap', operation: 'upsert' } }, [{ email: 'jane@example.com', fields: {} }]);
		expect(error?.message).toBe(
			'Keap refused the request (HTTP 401: Invalid ApiKey). Check the Keap credential: its key or password, and that it may access contacts.',
		);
		expect(state.fake.sent.unauthorized).toBe(1);
	});
});

describe('Keap fake', () => {
	const { state, run } = useTarget<KeapFake>(keapTarget as CrmTarget<KeapFake>);

	it('answers only as the official spec documents (status and body), across every route the adapter uses', async () => {
		await run('upsert', [{ email: 'jane@example.com', fields: { MembershipLevel: 'Gold' }, tags: ['Members'] }]);
		await run('upsert', [{ email: 'jane@example.com', fields: { MembershipLevel: 'Platinum' } }]);
		await run('upsert', [{ email: 'bad@example', fields: {} }], {}, true);
		await run('get', [{}], { lookupBy: 'email', lookupEmail: 'nobody@example.com' });
		await run('get', [{}], { lookupBy: 'contactId', lookupContactId: '999999' });
		await run('addTags', [{ email: 'jane@example.com', tags: ['VIP'] }]);
		await run('removeTags', [{ email: 'jane@example.com', tags: ['VIP'] }]);
		await run('delete', [{}], { lookupBy: 'email', lookupEmail: 'jane@example.com', confirmDelete: true });
		// What the credential test calls.
		await (await fetch(`${state.fake.url}/crm/rest/v2/contacts?page_size=1`, { headers: { 'x-keap-api-key': KEAP_KEY } })).arrayBuffer();
		const routes = new Set(state.fake.requests.map((r) => `${r.method} ${r.path.replace(/\/contacts\/\d+/, '/contacts/{id}').replace(/\/tags\/\d+\//, '/tags/{id}/')}`));
		expect([...routes].sort()).toEqual([
			'DELETE /crm/rest/v2/contacts/{id}',
			'GET /crm/rest/v2/contacts',
			'GET /crm/rest/v2/contacts/model',
			'GET /crm/rest/v2/contacts/{id}',
			'GET /crm/rest/v2/tags',
			'PATCH /crm/rest/v2/contacts/{id}',
			'POST /crm/rest/v2/contacts',
			'POST /crm/rest/v2/tags',
			'POST /crm/rest/v2/tags/{id}/contacts:applyTags',
			'POST /crm/rest/v2/tags/{id}/contacts:removeTags',
		]);
		expect(state.fake.responseViolations).toEqual([]);
		expect(state.fake.specViolations).toEqual([]);
	});

	it('would notice an answer or a query the spec does not document', () => {
		expect(keapSpec().checkResponse('GET', '/crm/rest/v2/tags', 200, { tags: [{ id: 7, name: 'x' }] }).errors.length).toBeGreaterThan(0);
		expect(keapSpec().checkResponse('DELETE', '/crm/rest/v2/contacts/1', 200, {}).errors).toEqual([
			{ path: '/', keyword: 'status', message: 'status 200 is not documented' },
		]);
		expect(checkQuery('GET', '/crm/rest/v2/tags', new URLSearchParams({ page_size: '2000' }))).toEqual(['page_size must be <= 1000']);
		expect(checkQuery('POST', '/crm/rest/v2/contacts', new URLSearchParams({ duplicate_option: 'email' }))).toHaveLength(1);
		expect(checkQuery('PATCH', '/crm/rest/v2/contacts/1', new URLSearchParams({ update_mask: 'given_name,nickname' }))).toEqual([
			expect.stringContaining('"nickname" is not one of'),
		]);
		expect(checkQuery('GET', '/crm/rest/v2/contacts', new URLSearchParams({ limit: '5' }))).toEqual(['query parameter limit is not in the spec']);
		expect(checkQuery('PATCH', '/crm/rest/v2/contacts/1', new URLSearchParams({ update_mask: 'given_name,custom_fields' }))).toEqual([]);
	});

	it('replaces the arrays it is sent, as the spec says, so the adapter\'s merging is what keeps data', async () => {
		state.fake.addField('Company', 'Company');
		await run('upsert', [{ email: 'jane@example.com', fields: { MembershipLevel: 'Gold', Company: 'Acme' } }]);
		const id = state.fake.findByEmail('jane@example.com')!.id;
		const response = await fetch(`${state.fake.url}/crm/rest/v2/contacts/${id}?update_mask=custom_fields`, {
			method: 'PATCH',
			headers: { 'x-keap-api-key': KEAP_KEY, 'content-type': 'application/json' },
			body: JSON.stringify({ custom_fields: [{ id: state.fake.fields.find((f) => f.key === 'Company')!.id, content: 'Globex' }] }),
		});
		expect(response.status).toBe(200);
		expect(response.headers.get('x-keap-product-quota-limit')).toBe('30000');
		expect(state.fake.customValue('jane@example.com', 'Company')).toBe('Globex');
		expect(state.fake.customValue('jane@example.com', 'MembershipLevel')).toBeUndefined();
	});
});
