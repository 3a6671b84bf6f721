/** Mautic specifics beyond the contract suite: batch/new of 200, minus tags, loose search, blanks, capped paging. */
import type { IDataObject } from 'n8n-workflow';

import { mautic } from '../../nodes/WpumCrm/adapters/mautic';
import type { MauticFake } from './fakes/mautic';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { mauticTarget } from './targets/mautic';

describe('Mautic adapter', () => {
	const { state, run, harness } = useTarget<MauticFake>(mauticTarget as CrmTarget<MauticFake>);

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

	it('looks up the exact e-mail, never a longer address that starts the same', async () => {
		await run('upsert', [{ email: 'jane@example.com.au', fields: {} }]);
		const missing = await run('get', [{}], { lookupBy: 'email', lookupEmail: 'jane@example.com' });
		expect(missing.items[0]).toMatchObject({ found: false });
		const moved = await run('upsert', [{ email: 'jane@new.example', previousEmail: 'jane@example.com', fields: {} }]);
		expect(moved.items[0]).toMatchObject({ action: 'created' });
		expect(state.fake.findByEmail('jane@example.com.au')).toBeDefined();
		const lookups = state.fake.requests.filter((r) => r.method === 'GET' && r.path === '/api/contacts');
		expect(lookups.every((r) => r.query.get('where[0][expr]') === 'eq' && r.query.get('where[0][col]') === 'email')).toBe(true);
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
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'mautic', operation: 'upsert' } }, 'getCrmFields');
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
