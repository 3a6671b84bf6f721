/**
 * What the contract suite does not cover for Brevo, MailerLite, Kit and Mautic: each vendor's own
 * rules (Brevo's spec and folders, MailerLite's /batch, Kit's cursor paging and silent drops,
 * Mautic's loose search, minus tags and batch size), through the real engine and the WPUM CRM Sync node.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { WpumCrm } from '../../nodes/WpumCrm/WpumCrm.node';
import { brevo } from '../../nodes/WpumCrm/adapters/brevo';
import { kit } from '../../nodes/WpumCrm/adapters/kit';
import { mailerlite } from '../../nodes/WpumCrm/adapters/mailerlite';
import { mautic } from '../../nodes/WpumCrm/adapters/mautic';
import { Harness } from '../harness';
import type { FakeCrm } from './fakes/base';
import { BREVO_KEY, type BrevoFake, brevoSpec } from './fakes/brevo';
import type { KitFake } from './fakes/kit';
import type { MailerLiteFake } from './fakes/mailerlite';
import type { MauticFake } from './fakes/mautic';
import { brevoTarget } from './targets/brevo';
import type { CrmTarget } from './targets';
import { kitTarget } from './targets/kit';
import { mailerliteTarget } from './targets/mailerlite';
import { mauticTarget } from './targets/mautic';

/** Starts a target's fake for each test and runs the node against it. */
function useTarget<F extends FakeCrm>(target: CrmTarget<F>) {
	const state = {} as { fake: F };
	beforeEach(async () => {
		state.fake = await target.start();
	});
	afterEach(async () => {
		await state.fake.close();
	});
	async function run(operation: string, input: IDataObject[], extra: IDataObject = {}, continueOnFail = false) {
		const credentials: ICredentialDataDecryptedObject = target.credentials(state.fake);
		const harness = new Harness({ nodeTypes: [WpumCrm], credentialTypes: [target.credentialClass], credentials: { [target.credentialType]: credentials } });
		const parameters = { crm: target.slug, operation, options: { maxRateLimitWait: 20 }, ...extra } as INodeParameters;
		const result = await harness.runNode({ type: 'wpumCrm', parameters, continueOnFail }, input);
		return { ...result, items: (result.output[0] ?? []).map((item) => item.json), paired: (result.output[0] ?? []).map((item) => item.pairedItem) };
	}
	return { state, run };
}

const emails = (count: number, prefix = 'user') => Array.from({ length: count }, (_, n) => `${prefix}${n + 1}@example.com`);

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

describe('MailerLite adapter', () => {
	const { state, run } = useTarget<MailerLiteFake>(mailerliteTarget as CrmTarget<MailerLiteFake>);

	it('upserts 120 contacts in /batch calls of 50, 50 and 20, each result back on its item', async () => {
		const input = emails(120).map((email, n) => ({ email, fields: { membership: `m${n}` } }));
		const { items, paired, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.batchSizes).toEqual([50, 50, 20]);
		expect(state.fake.contactCount()).toBe(120);
		expect(items.map((item) => item.email)).toEqual(input.map((c) => c.email));
		expect(items.every((item) => item.action === 'created' && item.contactId === state.fake.findByEmail(String(item.email))?.id)).toBe(true);
		expect(paired).toEqual(input.map((_c, item) => ({ item })));
		expect(state.fake.findByEmail('user120@example.com')?.fields.membership).toBe('m119');
	});

	it('in a batch, follows an e-mail change by stored id (PUT) and falls back to the e-mail when the id is gone', async () => {
		const first = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		const janeId = String(first.items[0].contactId);
		const { items, error } = await run('upsert', [
			{ email: 'jane.doe@example.org', contactId: janeId, fields: {} },
			{ email: 'carl@example.com', contactId: '999999', fields: {} },
			{ email: 'dora@example.com', fields: {} },
		]);
		expect(error).toBeUndefined();
		expect(state.fake.batchSizes).toEqual([3]);
		expect(items.map((item) => [item.email, item.action])).toEqual([
			['jane.doe@example.org', 'updated'],
			['carl@example.com', 'created'],
			['dora@example.com', 'created'],
		]);
		expect(items[0].contactId).toBe(janeId);
		expect(state.fake.findByEmail('jane.doe@example.org')?.id).toBe(janeId);
		expect(state.fake.contactCount()).toBe(3);
	});

	it('adds every subscriber to the groups chosen in "Add to Group Names or IDs"', async () => {
		await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['Seed'] }]);
		const seed = [...state.fake.tags.values()][0];
		await run('upsert', [{ email: 'ann@example.com', fields: {} }, { email: 'bob@example.com', fields: {}, tags: ['Beta'] }], { mailerliteGroupIds: [seed.id] });
		expect(state.fake.tagNamesOf('ann@example.com')).toEqual(['Seed']);
		expect(state.fake.tagNamesOf('bob@example.com')).toEqual(['Beta', 'Seed']);
	});

	it('does not create a group just to remove it', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['Members'] }]);
		const { error } = await run('removeTags', [{ contactId: created.items[0].contactId, tags: ['Never Existed'] }]);
		expect(error).toBeUndefined();
		expect([...state.fake.tags.values()].map((group) => group.name)).toEqual(['Members']);
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Members']);
	});

	it('shows MailerLite\'s field errors with its message', () => {
		const body = { message: 'The email must be a valid email address.', errors: { email: ['The email must be a valid email address.'] } };
		expect(mailerlite.errorMessage!({ statusCode: 422, headers: {}, body })).toBe(
			'The email must be a valid email address. (email: The email must be a valid email address.)',
		);
	});
});

describe('Kit adapter', () => {
	const { state, run } = useTarget<KitFake>(kitTarget as CrmTarget<KitFake>);

	it('never lets Kit drop a field silently: unknown keys fail the item, known ones are stored', async () => {
		const { items, error } = await run(
			'upsert',
			[
				{ email: 'jane@example.com', fields: { first_name: 'Jane', company: 'Acme' } },
				{ email: 'bob@example.com', fields: { compnay: 'Typo Inc' } },
			],
			{},
			true,
		);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'created', email: 'jane@example.com' });
		expect(String(items[1].error)).toContain('compnay');
		expect(state.fake.droppedFields).toEqual([]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({ first_name: 'Jane', company: 'Acme' });
		expect(state.fake.findByEmail('bob@example.com')).toBeUndefined();
	});

	it('finds an unsubscribed subscriber (Kit lists only active ones by default) instead of creating another', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		const id = String(created.items[0].contactId);
		state.fake.states.set(id, 'cancelled');
		const found = await run('get', [{}], { lookupBy: 'email', lookupEmail: 'jane@example.com' });
		expect(found.items[0]).toMatchObject({ found: true, contactId: id });
		const moved = await run('upsert', [{ email: 'jane.doe@example.org', previousEmail: 'jane@example.com', fields: {} }]);
		expect(moved.items[0]).toMatchObject({ action: 'updated', contactId: id });
		expect(state.fake.contactCount()).toBe(1);
	});

	it('finds tags past the first cursor page of 1000 instead of creating them again', async () => {
		for (let n = 1; n <= 1002; n++) state.fake.tags.set(String(100000 + n), { id: String(100000 + n), name: `Tag ${n}` });
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['Tag 1002'] }]);
		expect(error).toBeUndefined();
		expect(state.fake.tags.size).toBe(1002);
		expect(state.fake.requests.filter((r) => r.method === 'GET' && r.path === '/v4/tags')).toHaveLength(2);
	});

	it('slows down under a sliding-window limit (429 without Retry-After) and loses no contact', async () => {
		state.fake.rateLimit = { max: 8, windowMs: 1000 };
		state.fake.enforceRateLimit = true;
		const input = emails(6).map((email, n) => ({ email, fields: { company: `c${n}` }, tags: ['Members'] }));
		const { items, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(items.map((item) => item.email)).toEqual(input.map((c) => c.email));
		for (const [n, { email }] of input.entries()) {
			expect(state.fake.findByEmail(email)?.fields.company).toBe(`c${n}`);
			expect(state.fake.tagNamesOf(email)).toEqual(['Members']);
		}
		expect(state.fake.tags.size).toBe(1);
	});

	it('reads Kit\'s error list', () => {
		expect(kit.errorMessage!({ statusCode: 422, headers: {}, body: { errors: ['Email address is invalid'] } })).toBe('Email address is invalid');
	});
});

describe('Mautic adapter', () => {
	const { state, run } = useTarget<MauticFake>(mauticTarget as CrmTarget<MauticFake>);

	it('upserts 250 contacts in batch/new calls of 200 and 50', async () => {
		const input = emails(250).map((email) => ({ email, fields: { firstname: 'A' } }));
		const { items, paired, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.batchSizes).toEqual([200, 50]);
		expect(state.fake.contactCount()).toBe(250);
		expect(items.map((item) => item.email)).toEqual(input.map((c) => c.email));
		expect(paired).toEqual(input.map((_c, item) => ({ item })));
	});

	it('sends a contact with a stored id as its own PATCH, the rest in the batch', async () => {
		const first = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		const janeId = String(first.items[0].contactId);
		const { items } = await run('upsert', [
			{ email: 'jane.doe@example.org', contactId: janeId, fields: { firstname: 'Jane' } },
			{ email: 'ann@example.com', fields: {} },
			{ email: 'bob@example.com', fields: {} },
		]);
		expect(state.fake.batchSizes).toEqual([2]);
		expect(items.map((item) => item.action)).toEqual(['updated', 'created', 'created']);
		expect(state.fake.findByEmail('jane.doe@example.org')).toMatchObject({ id: janeId, fields: { firstname: 'Jane' } });
		expect(state.fake.contactCount()).toBe(3);
	});

	it('matches the exact e-mail although Mautic\'s search also returns longer addresses', async () => {
		await run('upsert', [{ email: 'jane@example.com.au', fields: {} }]);
		const missing = await run('get', [{}], { lookupBy: 'email', lookupEmail: 'jane@example.com' });
		expect(missing.items[0]).toMatchObject({ found: false });
		const moved = await run('upsert', [{ email: 'jane@new.example', previousEmail: 'jane@example.com', fields: {} }]);
		expect(moved.items[0]).toMatchObject({ action: 'created' });
		expect(state.fake.findByEmail('jane@example.com.au')).toBeDefined();
	});

	it('clears a field the mapper sends empty ("Send Empty to Clear") with overwriteWithBlank', async () => {
		await run('upsert', [{ email: 'jane@example.com', fields: { firstname: 'Jane', city: 'Paris' } }]);
		await run('upsert', [{ email: 'jane@example.com', fields: { firstname: 'Jane', city: '' } }]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({ firstname: 'Jane', city: null });
		const sent = state.fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/contacts/new');
		expect(sent.map((r) => (r.body as IDataObject).overwriteWithBlank)).toEqual([undefined, true]);
	});

	it('removes tags with a leading minus', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['VIP', 'Beta'] }]);
		await run('removeTags', [{ contactId: created.items[0].contactId, tags: ['VIP'] }]);
		const edit = state.fake.requests.filter((r) => r.method === 'PATCH').pop();
		expect(edit?.body).toEqual({ tags: ['-VIP'] });
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Beta']);
	});

	it('pages fields to the end when the instance caps "limit" at 30', async () => {
		state.fake.maxLimit = 30;
		const harness = new Harness({
			nodeTypes: [WpumCrm],
			credentialTypes: [mauticTarget.credentialClass],
			credentials: { wpumMauticApi: mauticTarget.credentials(state.fake) },
		});
		const options = await harness.loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'mautic', operation: 'upsert' } }, 'getCrmFields');
		const keys = options.map((option) => option.value);
		expect(keys).toHaveLength(8 - 1 + 1 + 120); // core fields without email, membership, 120 extras
		expect(keys).toContain('extra120');
		expect(state.fake.requests.filter((r) => r.path === '/api/fields/contact')).toHaveLength(5);
	});

	it('waits until X-RateLimit-Reset (a Unix time) and reads Mautic\'s error list', () => {
		const now = Date.now();
		const delay = mautic.resetDelayMs!({ statusCode: 429, headers: { 'x-ratelimit-reset': String(Math.floor(now / 1000) + 10) }, body: {} })!;
		expect(delay).toBeGreaterThan(8000);
		expect(delay).toBeLessThanOrEqual(10000);
		const body = { errors: [{ code: 400, message: 'email: A valid email is required.', details: {} }] };
		expect(mautic.errorMessage!({ statusCode: 400, headers: {}, body })).toBe('email: A valid email is required.');
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
