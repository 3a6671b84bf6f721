/** Brevo specifics beyond the contract suite: the official spec (requests and answers), attribute types, lists and folders. */
import { brevo } from '../../nodes/WpumCrm/adapters/brevo';
import { BREVO_KEY, type BrevoFake, brevoSpec } from './fakes/brevo';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { brevoTarget } from './targets/brevo';

describe('Brevo adapter', () => {
	const { state, run } = useTarget<BrevoFake>(brevoTarget as CrmTarget<BrevoFake>);

	it('sends only bodies the official spec accepts: create, update, e-mail change, lists, delete', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { FIRSTNAME: 'Jane', COMPANY: 'Acme' }, tags: ['Members'] }]);
		const contactId = String(created.items[0].contactId);
		await run('upsert', [{ email: 'jane@example.com', fields: { COMPANY: 'Globex' } }]);
		await run('upsert', [{ email: 'jane.doe@example.org', contactId, fields: {} }]);
		await run('addTags', [{ contactId, tags: ['VIP'] }]);
		await run('removeTags', [{ contactId, tags: ['Members'] }]);
		expect(state.fake.specViolations).toEqual([]);
		expect(state.fake.responseViolations).toEqual([]);
		expect(state.fake.findByEmail('jane.doe@example.org')).toMatchObject({ id: contactId, fields: { FIRSTNAME: 'Jane', COMPANY: 'Globex' } });
		expect(state.fake.tagNamesOf('jane.doe@example.org')).toEqual(['VIP']);
		const deleted = await run('delete', [{}], { lookupBy: 'contactId', lookupContactId: contactId, confirmDelete: true });
		expect(deleted.items[0]).toMatchObject({ deleted: true });
		expect(state.fake.contactCount()).toBe(0);
	});

	it('records a body the spec rejects (so the check above can fail) and surfaces Brevo\'s message', async () => {
		const { error } = await run('upsert', [{ email: 'jane@example', fields: {} }]);
		expect(error?.message).toContain('Invalid email address');
		expect(state.fake.specViolations).toEqual([{ method: 'POST', path: '/v3/contacts', errors: ['/email must match format "email"'] }]);
	});

	it('clears an attribute the mapper sends as null with an empty string (the spec allows no null)', async () => {
		await run('upsert', [{ email: 'jane@example.com', fields: { COMPANY: 'Acme', EXTRA_1: 'x' } }]);
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { COMPANY: null, EXTRA_1: '' } }]);
		expect(error).toBeUndefined();
		expect(state.fake.specViolations).toEqual([]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({ COMPANY: '', EXTRA_1: '' });
	});

	it('converts values to each attribute\'s type, which Brevo would otherwise drop without a word', async () => {
		state.fake.fields.push({ key: 'AGE', label: 'AGE', type: 'float' }, { key: 'NEWSLETTER', label: 'NEWSLETTER', type: 'boolean' });
		state.fake.fields.push({ key: 'BIRTHDAY', label: 'BIRTHDAY', type: 'date' }, { key: 'PLAN', label: 'PLAN', type: 'category' });
		state.fake.categoryOptions.set('PLAN', [
			{ value: 1, label: 'Free' },
			{ value: 2, label: 'Gold' },
		]);
		const fields = { AGE: '42', NEWSLETTER: 'yes', BIRTHDAY: '1990-04-01', PLAN: 'Gold', COMPANY: ['Acme', 'Globex'] };
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields }]);
		expect(error).toBeUndefined();
		expect(state.fake.ignoredAttributes).toEqual([]);
		expect(state.fake.specViolations).toEqual([]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({ AGE: 42, NEWSLETTER: true, BIRTHDAY: '1990-04-01', PLAN: 2, COMPANY: 'Acme, Globex' });
	});

	it('fails the item when a value cannot fit its attribute, before anything is created', async () => {
		state.fake.fields.push({ key: 'PLAN', label: 'PLAN', type: 'category' });
		state.fake.categoryOptions.set('PLAN', [{ value: 1, label: 'Free' }]);
		const { items, error } = await run('upsert', [{ email: 'jane@example.com', fields: { PLAN: 'Platinum' }, tags: ['Members'] }], {}, true);
		expect(error).toBeUndefined();
		expect(String(items[0].error)).toContain('Brevo attribute PLAN needs one of "Free" (1), not "Platinum"');
		expect(state.fake.writes).toEqual([]);
	});

	it('finds lists past the first page of 50 instead of creating them again, and creates missing ones in a folder', async () => {
		for (let n = 1; n <= 55; n++) state.fake.addList(`List ${n}`);
		const { items, error } = await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['List 55', 'Brand New'] }]);
		expect(error).toBeUndefined();
		expect(state.fake.tags.size).toBe(56);
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Brand New', 'List 55']);
		const created = [...state.fake.tags.values()].find((list) => list.name === 'Brand New')!;
		expect(state.fake.listFolders.get(created.id)).toBe([...state.fake.folders.keys()][0]);
		expect(items[0]).toMatchObject({ action: 'created' });
	});

	it('creates a "WP User Manager" folder when the account has none', async () => {
		state.fake.folders.clear();
		await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['Members'] }]);
		expect([...state.fake.folders.values()]).toEqual(['WP User Manager']);
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Members']);
	});

	it('adds every upserted contact to the lists chosen in "Add to List Names or IDs"', async () => {
		const newsletter = state.fake.addList('Newsletter');
		await run('upsert', [{ email: 'ann@example.com', fields: {} }, { email: 'bob@example.com', fields: {}, tags: ['Beta'] }], { brevoListIds: [newsletter] });
		expect(state.fake.tagNamesOf('ann@example.com')).toEqual(['Newsletter']);
		expect(state.fake.tagNamesOf('bob@example.com')).toEqual(['Beta', 'Newsletter']);
	});

	it('reads the account\'s lists once per run and creates a missing one once, however many contacts carry it', async () => {
		const input = emails(5).map((email) => ({ email, fields: {}, tags: ['Members'] }));
		const { error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.requests.filter((r) => r.method === 'GET' && r.path === '/v3/contacts/lists')).toHaveLength(1);
		expect(state.fake.requests.filter((r) => r.method === 'POST' && r.path === '/v3/contacts/lists')).toHaveLength(1);
		for (const { email } of input) expect(state.fake.tagNamesOf(email)).toEqual(['Members']);
	});

	it('slows down under Brevo\'s 10 requests/s limit and loses no contact', async () => {
		state.fake.enforceRateLimit = true;
		const input = emails(12).map((email, n) => ({ email, fields: { COMPANY: `c${n}` }, tags: ['Members'] }));
		const { items, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(items.map((item) => item.action)).toEqual(input.map(() => 'created'));
		for (const [n, { email }] of input.entries()) expect(state.fake.findByEmail(email)?.fields.COMPANY).toBe(`c${n}`);
		expect(state.fake.specViolations).toEqual([]);
	});

	it('waits for x-sib-ratelimit-reset, Brevo\'s own reset header (it sends no Retry-After)', () => {
		expect(brevo.resetDelayMs!({ statusCode: 429, headers: { 'x-sib-ratelimit-reset': '3' }, body: {} })).toBe(3000);
		expect(brevo.resetDelayMs!({ statusCode: 429, headers: {}, body: {} })).toBeUndefined();
		expect(brevo.errorMessage!({ statusCode: 400, headers: {}, body: { code: 'duplicate_parameter', message: 'Contact already exist' } })).toBe(
			'Contact already exist (duplicate_parameter)',
		);
	});
});

describe('Brevo fake', () => {
	const { state, run } = useTarget<BrevoFake>(brevoTarget as CrmTarget<BrevoFake>);

	it('answers only as the official spec documents (status and body), across every route the adapter uses', async () => {
		state.fake.folders.clear();
		await run('upsert', [{ email: 'jane@example.com', fields: { COMPANY: 'Acme' }, tags: ['Members'] }]);
		await run('upsert', [{ email: 'jane@example.com', fields: { COMPANY: 'Globex' } }]);
		await run('upsert', [{ email: 'bad@example', fields: {} }], {}, true);
		await run('get', [{}], { lookupBy: 'email', lookupEmail: 'nobody@example.com' });
		await run('addTags', [{ email: 'jane@example.com', tags: ['VIP'] }]);
		await run('removeTags', [{ email: 'jane@example.com', tags: ['VIP'] }]);
		await run('delete', [{}], { lookupBy: 'email', lookupEmail: 'jane@example.com', confirmDelete: true });
		// What the credential test calls.
		await (await fetch(`${state.fake.url}/v3/account`, { headers: { 'api-key': BREVO_KEY } })).arrayBuffer();
		const routes = new Set(state.fake.requests.map((r) => `${r.method} ${r.path.replace(/\/\d+$|\/[^/]*(@|%40)[^/]*$/, '/{identifier}')}`));
		expect([...routes].sort()).toEqual([
			'DELETE /v3/contacts/{identifier}',
			'GET /v3/account',
			'GET /v3/contacts/attributes',
			'GET /v3/contacts/folders',
			'GET /v3/contacts/lists',
			'GET /v3/contacts/{identifier}',
			'POST /v3/contacts',
			'POST /v3/contacts/folders',
			'POST /v3/contacts/lists',
			'PUT /v3/contacts/{identifier}',
		]);
		expect(state.fake.responseViolations).toEqual([]);
	});

	it('would notice an answer the spec does not document', () => {
		expect(brevoSpec().checkResponse('GET', '/v3/contacts/lists', 200, { lists: [{ id: 'seven', name: 'x' }] }).errors.length).toBeGreaterThan(0);
		expect(brevoSpec().checkResponse('POST', '/v3/contacts', 200, { id: 1 }).errors).toEqual([
			{ path: '/', keyword: 'status', message: 'status 200 is not documented' },
		]);
	});
});
