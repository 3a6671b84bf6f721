/** Omnisend specifics beyond the contract suite: documented request shapes, value conversion, merged tags, e-mail changes, tag paging, limits. */
import { omnisend, toE164 } from '../../nodes/WpumCrm/adapters/omnisend';
import { OMNISEND_KEY, OMNISEND_VERSION, type OmnisendFake } from './fakes/omnisend';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { omnisendTarget } from './targets/omnisend';

const declared = { omnisendCustomProperties: 'company, plan, interests, newsletter' };
const bodies = (fake: OmnisendFake, method: string, path: RegExp) => fake.requests.filter((r) => r.method === method && path.test(r.path)).map((r) => r.body as any);

describe('Omnisend adapter', () => {
	const { state, run, harness } = useTarget<OmnisendFake>(omnisendTarget as CrmTarget<OmnisendFake>);

	it('sends only documented bodies: create, update, e-mail change, tags, unsubscribe-on-delete; every request carries key and version', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { firstName: 'Jane', 'customProperties.company': 'Acme' }, tags: ['Members'] }], declared);
		expect(created.error).toBeUndefined();
		const contactId = String(created.items[0].contactId);
		expect(created.items[0]).toMatchObject({ crm: 'omnisend', action: 'created' });
		expect(bodies(state.fake, 'POST', /^\/api\/contacts$/)).toEqual([
			{
				identifiers: [{ type: 'email', id: 'jane@example.com', sendWelcomeMessage: false }],
				firstName: 'Jane',
				customProperties: { company: 'Acme' },
				tags: ['Members'],
			},
		]);

		const updated = await run('upsert', [{ email: 'jane@example.com', fields: { 'customProperties.company': 'Globex', city: 'Boston' } }], declared);
		expect(updated.items[0]).toMatchObject({ action: 'updated', contactId });
		const moved = await run('upsert', [{ email: 'jane.doe@example.org', contactId, fields: {} }], declared);
		expect(moved.items[0]).toMatchObject({ action: 'updated', contactId, email: 'jane.doe@example.org' });
		expect(bodies(state.fake, 'PATCH', /^\/api\/contacts\//)).toEqual([
			{ city: 'Boston', customProperties: { company: 'Globex' } },
			{ identifiers: [{ type: 'email', id: 'jane.doe@example.org', sendWelcomeMessage: false }] },
		]);

		await run('addTags', [{ contactId, tags: ['VIP'] }]);
		await run('removeTags', [{ contactId, tags: ['Members'] }]);
		expect(bodies(state.fake, 'POST', /\/contacts\/tags$/)).toEqual([{ contactIDs: [contactId], tags: ['VIP'] }]);
		expect(bodies(state.fake, 'DELETE', /\/contacts\/tags$/)).toEqual([{ contactIDs: [contactId], tags: ['Members'] }]);
		expect(state.fake.tagNamesOf('jane.doe@example.org')).toEqual(['VIP']);
		expect(state.fake.findByEmail('jane.doe@example.org')).toMatchObject({
			id: contactId,
			fields: { firstName: 'Jane', city: 'Boston', 'customProperties.company': 'Globex' },
		});

		const deleted = await run('delete', [{}], { lookupBy: 'contactId', lookupContactId: contactId, confirmDelete: true });
		expect(deleted.items[0]).toMatchObject({ deleted: true, contactId });
		expect(state.fake.emailStatus.get(contactId)).toBe('unsubscribed');
		expect(state.fake.contactCount()).toBe(1);

		expect(state.fake.violations).toEqual([]);
		expect(state.fake.requests.every((r) => r.headers['omnisend-version'] === OMNISEND_VERSION)).toBe(true);
		expect(state.fake.requests.every((r) => r.headers.authorization === `Omnisend-API-Key ${OMNISEND_KEY}`)).toBe(true);
	});

	it('converts values to what Omnisend accepts: phone identifier in E.164, gender m/f, ISO country code, YYYY-MM-DD, text, custom lists', async () => {
		const fields = {
			phone: '+1 (415) 555-0123',
			gender: 'Female',
			countryCode: 'us',
			birthdate: '1990-05-02T00:00:00Z',
			postalCode: 2110,
			lastName: ['Doe', 'Smith'],
			'customProperties.interests': ['golf', 'chess'],
			'customProperties.newsletter': true,
			'customProperties.plan': 3,
		};
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields }], declared);
		expect(error).toBeUndefined();
		expect(state.fake.violations).toEqual([]);
		expect(bodies(state.fake, 'POST', /^\/api\/contacts$/)[0]).toEqual({
			identifiers: [
				{ type: 'email', id: 'jane@example.com', sendWelcomeMessage: false },
				{ type: 'phone', id: '+14155550123', sendWelcomeMessage: false },
			],
			gender: 'f',
			countryCode: 'US',
			birthdate: '1990-05-02',
			postalCode: '2110',
			lastName: 'Doe, Smith',
			customProperties: { interests: ['golf', 'chess'], newsletter: true, plan: 3 },
		});
		expect(state.fake.findByEmail('jane@example.com')?.fields.phone).toBe('+14155550123');
		expect(toE164('0044 20 7946 0958')).toEqual({ value: '+442079460958' });
	});

	it('fails a value Omnisend would refuse, naming field and value, before anything is sent', async () => {
		const input = [
			{ email: 'a@example.com', fields: { phone: '555-1234' } },
			{ email: 'b@example.com', fields: { gender: 'x' } },
			{ email: 'c@example.com', fields: { countryCode: 'USA' } },
			{ email: 'd@example.com', fields: { birthdate: '02/05/1990' } },
			{ email: 'e@example.com', fields: { 'customProperties.plan': { tier: 1 } } },
		];
		const { items, error } = await run('upsert', input, declared, true);
		expect(error).toBeUndefined();
		expect(items.map((item) => String(item.error))).toEqual([
			'Omnisend field phone needs an international number with its country code (E.164, e.g. +14155550123), not "555-1234" (contact a@example.com)',
			'Omnisend field gender needs m or f (male or female), not "x" (contact b@example.com)',
			'Omnisend field countryCode needs a two-letter ISO country code (e.g. US), not "USA" (contact c@example.com)',
			'Omnisend field birthdate needs a date as YYYY-MM-DD, not "02/05/1990" (contact d@example.com)',
			'Omnisend custom property customProperties.plan needs text, a number, true/false or a list of those, not {"tier":1} (contact e@example.com)',
		]);
		expect(state.fake.writes).toEqual([]);
	});

	it('clears text fields and custom properties with "" and leaves fixed-format fields alone when the value is empty', async () => {
		state.fake.seedContact('jane@example.com', { city: 'Boston', gender: 'f', 'customProperties.plan': 'Gold' });
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { city: '', gender: '', 'customProperties.plan': null } }], declared);
		expect(error).toBeUndefined();
		expect(bodies(state.fake, 'PATCH', /^\/api\/contacts\//)).toEqual([{ city: '', customProperties: { plan: '' } }]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toEqual({ city: '', gender: 'f', 'customProperties.plan': '' });
	});

	it('keeps the tags a contact has: Omnisend replaces the list on a write, so the node sends old and new together', async () => {
		state.fake.seedContact('jane@example.com', {}, ['Customer', 'vip']);
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['VIP', 'Member'] }]);
		expect(error).toBeUndefined();
		expect(bodies(state.fake, 'PATCH', /^\/api\/contacts\//)).toEqual([{ tags: ['Customer', 'vip', 'Member'] }]);
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Customer', 'Member', 'vip']);
		// Nothing new to write: no request beyond the look-up.
		const again = await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['member'] }]);
		expect(again.items[0]).toMatchObject({ action: 'updated' });
		expect(state.fake.writes).toHaveLength(1);
	});

	it('refuses an e-mail change to an address another contact has, saying what to do, and duplicates nothing', async () => {
		const jane = state.fake.seedContact('jane@example.com');
		state.fake.seedContact('jane.doe@example.org');
		const { items } = await run('upsert', [{ email: 'jane.doe@example.org', contactId: jane.id, fields: {} }], {}, true);
		expect(String(items[0].error)).toContain('Omnisend already has another contact with the e-mail jane.doe@example.org');
		expect(String(items[0].errorDetails)).toContain('Delete or change the other contact in Omnisend');
		expect(state.fake.contactCount()).toBe(2);
		expect(state.fake.contacts.get(jane.id)?.email).toBe('jane@example.com');
	});

	it('finds a contact whose e-mail differs only in case (Omnisend compares e-mails case-sensitively) and keeps its address', async () => {
		const jane = state.fake.seedContact('jane@example.com');
		const { items, error } = await run('upsert', [{ email: 'Jane@Example.com', fields: { firstName: 'Jane' } }]);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'updated', contactId: jane.id });
		expect(bodies(state.fake, 'PATCH', /^\/api\/contacts\//)).toEqual([{ firstName: 'Jane' }]);
		expect(state.fake.requests.filter((r) => r.method === 'GET').map((r) => r.query.get('email'))).toEqual(['Jane@Example.com', 'jane@example.com']);
		expect(state.fake.contactCount()).toBe(1);
	});

	it('updates by e-mail when the stored contact id no longer exists (contact deleted in Omnisend)', async () => {
		const jane = state.fake.seedContact('jane@example.com');
		const { items, error } = await run('upsert', [{ email: 'jane@example.com', contactId: '60a6170920d91c215e94ffff', fields: { firstName: 'Jane' } }]);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'updated', contactId: jane.id });
		expect(state.fake.contactCount()).toBe(1);
	});

	it('creates contacts as subscribed and welcomed only when the settings say so', async () => {
		await run('upsert', [{ email: 'ann@example.com', fields: {} }]);
		await run('upsert', [{ email: 'bob@example.com', fields: {} }], { omnisendEmailStatus: 'subscribed', omnisendSendWelcome: true });
		const [ann, bob] = bodies(state.fake, 'POST', /^\/api\/contacts$/);
		expect(ann.identifiers[0]).toEqual({ type: 'email', id: 'ann@example.com', sendWelcomeMessage: false });
		expect(bob.identifiers[0]).toMatchObject({ type: 'email', id: 'bob@example.com', sendWelcomeMessage: true, channels: { email: { status: 'subscribed' } } });
		expect(state.fake.emailStatus.get(state.fake.findByEmail('ann@example.com')!.id)).toBe('nonSubscribed');
		expect(state.fake.emailStatus.get(state.fake.findByEmail('bob@example.com')!.id)).toBe('subscribed');
		// An existing contact keeps its status: updates never send channels.
		await run('upsert', [{ email: 'ann@example.com', fields: { firstName: 'Ann' } }], { omnisendEmailStatus: 'subscribed' });
		expect(state.fake.emailStatus.get(state.fake.findByEmail('ann@example.com')!.id)).toBe('nonSubscribed');
		expect(state.fake.violations).toEqual([]);
	});

	it('offers standard fields and declared custom properties without a request; refuses undeclared ones before sending', async () => {
		const parameters = { crm: 'omnisend', operation: 'upsert', ...declared };
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters }, 'getCrmFields');
		const values = options.map((option) => option.value);
		expect(values.slice(0, 3)).toEqual(['firstName', 'lastName', 'phone']);
		expect(values).toEqual(expect.arrayContaining(['countryCode', 'birthdate', 'customProperties.company', 'customProperties.newsletter']));
		expect(options.find((option) => option.value === 'customProperties.plan')?.name).toBe('plan (custom)');
		expect(state.fake.requests).toEqual([]);
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { 'customProperties.compnay': 'Acme' } }], declared);
		expect(error?.message).toContain('has no field "customProperties.compnay"');
		expect(error?.message).toContain('customProperties.company');
		expect(state.fake.writes).toEqual([]);
	});

	it('lists the tags in use by reading every contact page (250 a page) to the end', async () => {
		for (let n = 1; n <= 520; n++) state.fake.seedContact(`user${n}@example.com`, {}, n === 1 ? ['Oldest Only'] : ['Member']);
		const parameters = { crm: 'omnisend', operation: 'addTags' };
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters }, 'getCrmTags');
		expect(options.map((option) => option.value)).toEqual(['Member', 'Oldest Only']);
		const pages = state.fake.requests.filter((r) => r.method === 'GET' && r.path === '/api/contacts');
		expect(pages.map((r) => r.query.get('limit'))).toEqual(['250', '250', '250']);
		expect(pages[0].query.get('after')).toBeNull();
		expect(pages[2].query.get('after')).toBeTruthy();
	});

	it('slows down under the account limit (scaled: 5 requests per 2 s) using retryAfter, and loses no contact', async () => {
		state.fake.enforceRateLimit = true;
		state.fake.setLimit(5, 2000);
		const input = emails(6).map((email, n) => ({ email, fields: { 'customProperties.company': `c${n}` } }));
		const started = Date.now();
		const { items, error } = await run('upsert', input, declared);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(items.map((item) => item.action)).toEqual(input.map(() => 'created'));
		for (const [n, { email }] of input.entries()) expect(state.fake.findByEmail(email)?.fields['customProperties.company']).toBe(`c${n}`);
		const throttled = state.fake.requests.length - 12;
		expect(throttled).toBe(state.fake.sent.throttled);
	});

	it('keeps to the tag routes\' own limit (scaled: 2 per 1.5 s) while tagging', async () => {
		state.fake.enforceRateLimit = true;
		state.fake.tagLimit.max = 2;
		state.fake.tagLimit.windowMs = 1500;
		const people = emails(4).map((email) => state.fake.seedContact(email));
		const { items, error } = await run('addTags', people.map((p) => ({ contactId: p.id, tags: ['VIP'] })));
		expect(error).toBeUndefined();
		expect(items).toHaveLength(4);
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		for (const p of people) expect(state.fake.tagNamesOf(p.email)).toEqual(['VIP']);
	});

	it('rides out 429s that carry neither retryAfter nor X-Rate-Limit headers (backs off)', async () => {
		state.fake.rateLimitHeaders = false;
		state.fake.retryAfterInBody = false;
		state.fake.throttleNext(3);
		const started = Date.now();
		const { items, error } = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'created' });
		expect(state.fake.sent.throttled).toBe(3);
		// Exponential backoff with jitter: at least 0.25 + 0.5 + 1 s.
		expect(Date.now() - started).toBeGreaterThanOrEqual(1750);
	});

	it('reads Omnisend\'s own signals: retryAfter, else X-Rate-Limit-Reset on a 429 only; problem details with field errors', () => {
		expect(omnisend.resetDelayMs!({ statusCode: 429, headers: { 'x-rate-limit-reset': '42' }, body: { retryAfter: 7 } })).toBe(7000);
		expect(omnisend.resetDelayMs!({ statusCode: 429, headers: { 'x-rate-limit-reset': '42' }, body: {} })).toBe(42000);
		expect(omnisend.resetDelayMs!({ statusCode: 429, headers: {}, body: {} })).toBeUndefined();
		expect(omnisend.resetDelayMs!({ statusCode: 503, headers: { 'x-rate-limit-reset': '42' }, body: {} })).toBeUndefined();
		const body = {
			title: 'Bad Request',
			status: 400,
			detail: 'Request contains invalid or missing fields',
			errors: [{ field: 'identifiers[0].id', code: 'invalid_format', message: 'Must be a valid email address' }],
		};
		expect(omnisend.errorMessage!({ statusCode: 400, headers: {}, body })).toBe(
			'Request contains invalid or missing fields — identifiers[0].id: Must be a valid email address',
		);
		expect(omnisend.errorMessage!({ statusCode: 400, headers: {}, body: { error: 'legacy v5 error' } })).toBe('legacy v5 error');
	});
});

describe('Omnisend fake', () => {
	const { state } = useTarget<OmnisendFake>(omnisendTarget as CrmTarget<OmnisendFake>);
	const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
		fetch(`${state.fake.url}/api${path}`, {
			method,
			headers: { authorization: `Omnisend-API-Key ${OMNISEND_KEY}`, 'omnisend-version': OMNISEND_VERSION, 'content-type': 'application/json', ...headers },
			body: body === undefined ? undefined : JSON.stringify(body),
		});

	it('refuses bodies the docs call invalid with a 400 problem naming each field, and requests without the version header', async () => {
		const cases: Array<[string, string, unknown, string]> = [
			['POST', '/contacts', { firstName: 'Jane' }, 'identifiers'],
			['POST', '/contacts', { identifiers: [{ type: 'email' }] }, 'identifiers[0].id'],
			['POST', '/contacts', { identifiers: [{ type: 'fax', id: 'x' }] }, 'identifiers[0].type'],
			['POST', '/contacts', { identifiers: [{ type: 'email', id: 'jane@example.com' }], firstName: 7 }, 'firstName'],
			['POST', '/contacts', { identifiers: [{ type: 'email', id: 'jane@example.com' }], gender: 'female' }, 'gender'],
			['POST', '/contacts', { identifiers: [{ type: 'email', id: 'jane@example.com' }], tags: 'VIP' }, 'tags'],
			['POST', '/contacts', { identifiers: [{ type: 'email', id: 'jane@example.com', channels: { email: {} } }] }, 'identifiers[0].channels.email.status'],
			['POST', '/contacts', { identifiers: [{ type: 'email', id: 'jane@example.com' }], email: 'jane@example.com' }, 'email'],
			['POST', '/contacts/tags', { contactIDs: ['1'] }, 'tags'],
			['DELETE', '/contacts/tags', { tags: ['VIP'] }, 'contactIDs'],
		];
		for (const [method, path, body, field] of cases) {
			const response = await send(method, path, body);
			expect(response.status).toBe(400);
			const problem = (await response.json()) as any;
			expect(problem).toMatchObject({ status: 400, title: 'Bad Request' });
			expect(problem.errors.map((e: any) => e.field)).toContain(field);
		}
		const noVersion = await send('GET', '/contacts', undefined, { 'omnisend-version': '' });
		expect(noVersion.status).toBe(400);
		expect(state.fake.violations).toHaveLength(cases.length + 1);
		expect(state.fake.contactCount()).toBe(0);
	});

	it('answers as documented: 201 then 200 for the same e-mail, 404 problem, X-Rate-Limit headers, 401 for a wrong key', async () => {
		const create = await send('POST', '/contacts', { identifiers: [{ type: 'email', id: 'jane@example.com' }] });
		expect(create.status).toBe(201);
		expect(create.headers.get('x-rate-limit-limit')).toBe('400');
		const again = await send('POST', '/contacts', { identifiers: [{ type: 'email', id: 'jane@example.com' }], firstName: 'Jane' });
		expect(again.status).toBe(200);
		expect(((await again.json()) as any).firstName).toBe('Jane');
		const missing = await send('GET', '/contacts/60a6170920d91c215e94ffff');
		expect(missing.status).toBe(404);
		expect(await missing.json()).toMatchObject({ status: 404, detail: 'Contact not found' });
		const wrong = await send('GET', '/contacts', undefined, { authorization: 'Omnisend-API-Key nope' });
		expect(wrong.status).toBe(401);
		expect(state.fake.contactCount()).toBe(1);
	});
});
