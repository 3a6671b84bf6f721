/** Drip specifics beyond the contract suite: documented request bodies, value types, tags, e-mail changes, limits. */
import type { INodeParameters } from 'n8n-workflow';

import { WpumDripApi } from '../../credentials/WpumDripApi.credentials';
import { WpumCrm } from '../../nodes/WpumCrm/WpumCrm.node';
import { drip, dripValue, toE164 } from '../../nodes/WpumCrm/adapters/drip';
import { Harness } from '../harness';
import { runCredentialTest } from './credential-test';
import { DRIP_ACCOUNT, DRIP_TOKEN, type DripFake, subscriberErrors } from './fakes/drip';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { dripTarget } from './targets/drip';

const subscriberPosts = (fake: DripFake) =>
	fake.requests.filter((r) => r.method === 'POST' && r.path === `/v2/${DRIP_ACCOUNT}/subscribers`).map((r) => (r.body as { subscribers: Array<Record<string, unknown>> }).subscribers);

describe('Drip adapter', () => {
	const { state, run } = useTarget<DripFake>(dripTarget as CrmTarget<DripFake>);

	it('sends only documented bodies: one subscriber per call, id + new_email for an e-mail change, tags and remove_tags in the upsert', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { first_name: 'Jane', membership_level: 'Gold' }, tags: ['Members'] }]);
		const contactId = String(created.items[0].contactId);
		await run('upsert', [{ email: 'jane.doe@example.org', contactId, fields: { membership_level: 'Platinum' } }]);
		await run('addTags', [{ contactId, tags: ['VIP'] }]);
		await run('removeTags', [{ contactId, tags: ['Members'] }]);
		expect(state.fake.docViolations).toEqual([]);
		expect(subscriberPosts(state.fake)).toEqual([
			[{ email: 'jane@example.com', first_name: 'Jane', custom_fields: { membership_level: 'Gold' }, tags: ['Members'] }],
			[{ id: contactId, new_email: 'jane.doe@example.org', custom_fields: { membership_level: 'Platinum' } }],
			[{ id: contactId, tags: ['VIP'] }],
			[{ id: contactId, remove_tags: ['Members'] }],
		]);
		const stored = state.fake.findByEmail('jane.doe@example.org')!;
		expect(stored).toMatchObject({ id: contactId, fields: { first_name: 'Jane' } });
		expect(state.fake.customOf('jane.doe@example.org')).toEqual({ membership_level: 'Platinum' });
		expect(state.fake.tagNamesOf('jane.doe@example.org')).toEqual(['VIP']);
		expect(state.fake.contactCount()).toBe(1);
	});

	it('updates a linked contact with one request, and says "created" only for a new subscriber', async () => {
		const first = await run('upsert', [{ email: 'jane@example.com', fields: { membership_level: 'Silver' } }]);
		expect(first.items[0]).toMatchObject({ action: 'created' });
		const before = state.fake.requests.length;
		const linked = await run('upsert', [{ email: 'jane@example.com', contactId: first.items[0].contactId, fields: { membership_level: 'Gold' } }]);
		expect(linked.items[0]).toMatchObject({ action: 'updated', contactId: first.items[0].contactId });
		// No field-list read (cached for 5 min) and no look-up: the stored id goes straight into the upsert.
		expect(state.fake.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`POST /v2/${DRIP_ACCOUNT}/subscribers`]);
	});

	it('falls back to the e-mail when Drip no longer has the stored id, without a duplicate', async () => {
		const jane = state.fake.addSubscriber('jane@example.com');
		const { items, error } = await run('upsert', [{ email: 'jane@example.com', contactId: 'zdeleted000', fields: {} }]);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'updated', contactId: jane.id });
		expect(state.fake.contactCount()).toBe(1);
	});

	it('updates a subscriber someone created in Drip (found by e-mail) instead of creating another', async () => {
		const existing = state.fake.addSubscriber('JANE@example.com');
		const { items } = await run('upsert', [{ email: 'jane@example.com', fields: { last_name: 'Doe' } }]);
		expect(items[0]).toMatchObject({ action: 'updated', contactId: existing.id });
		expect(subscriberPosts(state.fake)).toEqual([[{ id: existing.id, last_name: 'Doe' }]]);
		expect(state.fake.contactCount()).toBe(1);
	});

	it('fails an e-mail change to an address another subscriber has, saying what to do, and changes nothing', async () => {
		const jane = state.fake.addSubscriber('jane@example.com');
		state.fake.addSubscriber('taken@example.com');
		const { items, error } = await run('upsert', [{ email: 'taken@example.com', contactId: jane.id, fields: {} }], {}, true);
		expect(error).toBeUndefined();
		expect(String(items[0].error)).toContain('another Drip subscriber already has it (Email is already taken (uniqueness_error on email))');
		expect(state.fake.contacts.get(jane.id)?.email).toBe('jane@example.com');
		expect(state.fake.contactCount()).toBe(2);
	});

	it('converts values to the types Drip documents', async () => {
		const fields = {
			sms_consent: 'yes',
			prospect: 'no',
			lifetime_value: '1999',
			base_lead_score: 40,
			eu_consent: 'Granted',
			status: 'Active',
			sms_number: '+1 (612) 555-1212',
			membership_level: ['Gold', 'Silver'],
			extra_1: 42,
			extra_2: true,
			city: ['Paris'],
		};
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields }]);
		expect(error).toBeUndefined();
		expect(state.fake.docViolations).toEqual([]);
		expect(subscriberPosts(state.fake)[0][0]).toEqual({
			email: 'jane@example.com',
			sms_consent: true,
			prospect: false,
			lifetime_value: 1999,
			base_lead_score: 40,
			eu_consent: 'granted',
			status: 'active',
			sms_number: '+16125551212',
			city: 'Paris',
			custom_fields: { membership_level: 'Gold, Silver', extra_1: '42', extra_2: 'true' },
		});
	});

	it('clears text and custom fields with "" and leaves yes/no and number attributes alone when empty', async () => {
		await run('upsert', [{ email: 'jane@example.com', fields: { first_name: 'Jane', membership_level: 'Gold', sms_consent: true } }]);
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { first_name: null, membership_level: '', sms_consent: '', lifetime_value: null } }]);
		expect(error).toBeUndefined();
		expect(subscriberPosts(state.fake)[1][0]).toEqual({ id: state.fake.findByEmail('jane@example.com')!.id, first_name: '', custom_fields: { membership_level: '' } });
		expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({ first_name: '', sms_consent: true });
	});

	it('fails a value that does not fit, naming the field, before anything is sent', async () => {
		const { items, error } = await run(
			'upsert',
			[
				{ email: 'ann@example.com', fields: { sms_consent: 'maybe' }, tags: ['Members'] },
				{ email: 'bob@example.com', fields: { lifetime_value: '12.50' } },
				{ email: 'cid@example.com', fields: { sms_number: '612 555' } },
				{ email: 'dee@example.com', fields: { eu_consent: 'perhaps' } },
			],
			{},
			true,
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => String(item.error))).toEqual([
			'Drip field sms_consent needs yes/no (true or false), not "maybe" (contact ann@example.com)',
			'Drip field lifetime_value needs a whole number, not "12.50" (contact bob@example.com)',
			'Drip field sms_number needs a mobile number in E.164 format with its country code (e.g. +16125551212), not "612 555" (contact cid@example.com)',
			'Drip field eu_consent needs one of "granted", "denied", not "perhaps" (contact dee@example.com)',
		]);
		expect(state.fake.writes).toEqual([]);
	});

	it('passes Drip\'s own validation message through (a non-US SMS number)', async () => {
		const { items } = await run('upsert', [{ email: 'jane@example.com', fields: { sms_number: '+33 6 12 34 56 78' } }], {}, true);
		expect(String(items[0].error)).toBe('Drip answered HTTP 422: Sms number must be a valid US mobile number with E.164 formatting (sms_error on sms_number)');
		expect(state.fake.contactCount()).toBe(0);
	});

	it('reuses the spelling of existing tags, creates new ones by name, and reads the tag list once per run', async () => {
		state.fake.addSubscriber('someone@example.com', {}, ['VIP']);
		const input = emails(4).map((email) => ({ email, fields: {}, tags: ['vip', 'Brand New'] }));
		const { error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.requests.filter((r) => r.method === 'GET' && r.path === `/v2/${DRIP_ACCOUNT}/tags`)).toHaveLength(1);
		for (const { email } of input) expect(state.fake.tagNamesOf(email)).toEqual(['Brand New', 'VIP']);
		expect([...state.fake.tags.values()].map((tag) => tag.name).sort()).toEqual(['Brand New', 'VIP']);
	});

	it('removes a tag whatever its case, and the mapper\'s stale tags after the upsert', async () => {
		const jane = state.fake.addSubscriber('jane@example.com', {}, ['VIP', 'Trial']);
		const { error } = await run('upsert', [{ email: 'jane@example.com', contactId: jane.id, fields: {}, tags: ['Members'], removedTags: ['trial'] }]);
		expect(error).toBeUndefined();
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Members', 'VIP']);
	});

	it('lets a new custom field named in "Extra Custom Fields" through, and it is listed afterwards', async () => {
		const refused = await run('upsert', [{ email: 'jane@example.com', fields: { favorite_color: 'blue' } }], {}, true);
		expect(String(refused.items[0].error)).toContain('Drip has no field "favorite_color"');
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { favorite_color: 'blue' } }], { dripCustomFields: 'favorite_color, shoe_size' });
		expect(error).toBeUndefined();
		expect(state.fake.customOf('jane@example.com')).toEqual({ favorite_color: 'blue' });
		expect(state.fake.fields.map((field) => field.key)).toContain('favorite_color');
	});

	it('rides out Drip\'s hourly limit (scaled down here) and loses no contact', async () => {
		state.fake.rateLimit = { max: 6, windowMs: 1500 };
		state.fake.enforceRateLimit = true;
		const input = emails(6).map((email, n) => ({ email, fields: { membership_level: `m${n}` }, tags: ['Members'] }));
		const { items, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(items.map((item) => item.action)).toEqual(input.map(() => 'created'));
		for (const [n, { email }] of input.entries()) expect(state.fake.customOf(email)).toEqual({ membership_level: `m${n}` });
	});

	it('fails with the rate-limit message, not a hang, when the limit outlasts "Max Rate-Limit Wait"', async () => {
		state.fake.throttleNext(1000);
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: {} }], { options: { maxRateLimitWait: 1 } });
		expect(error?.message).toMatch(/^Drip is still rate-limiting after this run waited .*"Max Rate-Limit Wait" option, 1 s\)/);
		expect(state.fake.contactCount()).toBe(0);
	});

	it('points at the credential for a wrong account ID', async () => {
		const harness = new Harness({
			nodeTypes: [WpumCrm],
			credentialTypes: [WpumDripApi],
			credentials: { wpumDripApi: { ...dripTarget.credentials(state.fake), accountId: '1234' } },
		});
		const parameters = { crm: 'drip', operation: 'upsert', options: { maxRateLimitWait: 5 } } as INodeParameters;
		const { error } = await harness.runNode({ type: 'wpumCrm', parameters }, [{ email: 'jane@example.com', fields: {} }]);
		expect(error?.message).toBe(
			'Drip refused the request (HTTP 403: You are not authorized to access this resource). Check the Drip credential: its key or password, and that it may access contacts.',
		);
		expect(state.fake.requests.map((r) => r.path)).toEqual(['/v2/1234/subscribers/jane%40example.com']);
		expect(await runCredentialTest(WpumDripApi, { ...dripTarget.credentials(state.fake), accountId: '1234' })).toMatchObject({ ok: false, status: 403 });
	});

	it('reads Drip\'s signals: errors list, 429 message, and a reset header when one is sent', () => {
		expect(drip.errorMessage!({ statusCode: 422, headers: {}, body: { errors: [{ code: 'email_error', attribute: 'email', message: 'Email is invalid' }] } })).toBe(
			'Email is invalid (email_error on email)',
		);
		expect(drip.errorMessage!({ statusCode: 429, headers: {}, body: { message: 'API rate limit exceeded. Please try again in an hour.' } })).toBe(
			'API rate limit exceeded. Please try again in an hour.',
		);
		// Drip documents no reset header: exponential backoff then, unless one arrives.
		expect(drip.resetDelayMs!({ statusCode: 429, headers: { 'x-ratelimit-limit': '3600', 'x-ratelimit-remaining': '0' }, body: {} })).toBeUndefined();
		expect(drip.resetDelayMs!({ statusCode: 429, headers: { 'x-ratelimit-reset': '7' }, body: {} })).toBe(7000);
		const inTen = Math.floor(Date.now() / 1000) + 10;
		expect(drip.resetDelayMs!({ statusCode: 429, headers: { 'x-ratelimit-reset': String(inTen) }, body: {} })).toBeGreaterThan(8000);
	});

	it('converts single values as documented', () => {
		expect(toE164('0044 20 7946 0958')).toBe('+442079460958');
		expect(toE164('6125551212')).toBeUndefined();
		expect(dripValue('eu_consent', 'no')).toEqual({ value: 'denied' });
		expect(dripValue('sms_consent', false)).toEqual({ value: false });
		expect(dripValue('membership_level', { nested: 1 })).toEqual({ problem: 'needs text, not an object' });
		expect(dripValue('lifetime_value', '')).toEqual({ skip: true });
	});
});

describe('Drip fake', () => {
	const { state, run } = useTarget<DripFake>(dripTarget as CrmTarget<DripFake>);

	const post = (body: unknown) =>
		fetch(`${state.fake.url}/v2/${DRIP_ACCOUNT}/subscribers`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${DRIP_TOKEN}:`).toString('base64')}` },
			body: JSON.stringify(body),
		});

	it('rejects bodies the reference calls invalid with Drip\'s 422 errors shape (so the checks above can fail)', async () => {
		const missing = await post({ subscribers: [{ first_name: 'Jane' }] });
		expect(missing.status).toBe(422);
		expect(await missing.json()).toEqual({ errors: [{ code: 'presence_error', attribute: 'email', message: 'Email is required' }] });
		const wrongTypes = await post({ subscribers: [{ email: 'jane@example.com', sms_consent: 'yes', lifetime_value: 12.5, tags: 'VIP', eu_consent: 'maybe' }] });
		expect(wrongTypes.status).toBe(422);
		expect(((await wrongTypes.json()) as { errors: Array<{ attribute: string }> }).errors.map((e) => e.attribute)).toEqual([
			'sms_consent',
			'lifetime_value',
			'tags',
			'eu_consent',
		]);
		const unwrapped = await post({ email: 'jane@example.com' });
		expect(unwrapped.status).toBe(422);
		const several = await post({ subscribers: [{ email: 'a@example.com' }, { email: 'b@example.com' }] });
		expect(several.status).toBe(422);
		expect(state.fake.docViolations).toHaveLength(4);
		expect(state.fake.contactCount()).toBe(0);
	});

	it('records undocumented arguments (Drip would ignore them), and the node sends none', async () => {
		expect(subscriberErrors({ email: 'jane@example.com', firstname: 'Jane' })).toEqual({ errors: [], undocumented: ['firstname'] });
		await run('upsert', [{ email: 'jane@example.com', fields: { first_name: 'Jane', time_zone: 'Europe/Paris', user_id: 12 } }]);
		expect(state.fake.docViolations).toEqual([]);
		const response = await post({ subscribers: [{ email: 'ann@example.com', firstname: 'Ann' }] });
		expect(response.status).toBe(200);
		expect(state.fake.docViolations).toEqual([{ method: 'POST', path: `/v2/${DRIP_ACCOUNT}/subscribers`, errors: ['undocumented argument firstname (ignored)'] }]);
	});

	it('answers as documented: subscribers array of one, X-RateLimit headers, the hourly 429 body', async () => {
		const ok = await post({ subscribers: [{ email: 'jane@example.com', tags: ['Customer'] }] });
		expect(ok.headers.get('x-ratelimit-limit')).toBe('3600');
		expect(Number(ok.headers.get('x-ratelimit-remaining'))).toBeLessThan(3600);
		const body = (await ok.json()) as { subscribers: Array<Record<string, unknown>> };
		expect(body.subscribers).toHaveLength(1);
		expect(body.subscribers[0]).toMatchObject({ email: 'jane@example.com', status: 'active', tags: ['Customer'], custom_fields: {}, links: { account: DRIP_ACCOUNT } });
		state.fake.throttleNext(1);
		const limited = await post({ subscribers: [{ email: 'jane@example.com' }] });
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBeNull();
		expect(await limited.json()).toMatchObject({ message: 'API rate limit exceeded. Please try again in an hour.' });
	});
});
