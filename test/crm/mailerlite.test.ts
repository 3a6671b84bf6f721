/** MailerLite specifics beyond the contract suite: /batch of 50, e-mail changes inside a batch, groups. */
import { mailerlite } from '../../nodes/WpumCrm/adapters/mailerlite';
import type { MailerLiteFake } from './fakes/mailerlite';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { mailerliteTarget } from './targets/mailerlite';

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

	it('never takes a subscriber out of its other groups when updating by stored id, alone or in a batch', async () => {
		const first = await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['Members', 'Beta'] }]);
		const janeId = String(first.items[0].contactId);
		await run('upsert', [{ email: 'jane.doe@example.org', contactId: janeId, fields: {}, tags: ['VIP'] }]);
		expect(state.fake.tagNamesOf('jane.doe@example.org')).toEqual(['Beta', 'Members', 'VIP']);
		const { error } = await run('upsert', [
			{ email: 'jane.doe@example.org', contactId: janeId, fields: {}, tags: ['Gold'] },
			{ email: 'ann@example.com', fields: {}, tags: ['Gold'] },
		]);
		expect(error).toBeUndefined();
		expect(state.fake.tagNamesOf('jane.doe@example.org')).toEqual(['Beta', 'Gold', 'Members', 'VIP']);
		expect(state.fake.tagNamesOf('ann@example.com')).toEqual(['Gold']);
	});

	it('sends an entry that failed inside the batch again on its own', async () => {
		state.fake.failBatchEntries = [1];
		const { items, error } = await run('upsert', emails(3).map((email) => ({ email, fields: { membership: 'Gold' } })));
		expect(error).toBeUndefined();
		expect(items.map((item) => item.action)).toEqual(['created', 'created', 'created']);
		expect(state.fake.contactCount()).toBe(3);
		expect(state.fake.findByEmail('user2@example.com')?.fields.membership).toBe('Gold');
		expect(state.fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/subscribers')).toHaveLength(1);
	});

	it('adds every subscriber to the groups chosen in "Add to Group Names or IDs"', async () => {
		await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['Seed'] }]);
		const seed = [...state.fake.tags.values()][0];
		await run('upsert', [{ email: 'ann@example.com', fields: {} }, { email: 'bob@example.com', fields: {}, tags: ['Beta'] }], { mailerliteGroupIds: [seed.id] });
		expect(state.fake.tagNamesOf('ann@example.com')).toEqual(['Seed']);
		expect(state.fake.tagNamesOf('bob@example.com')).toEqual(['Beta', 'Seed']);
	});

	it('waits out the import limit on batches of upserts and loses no contact', async () => {
		state.fake.importLimit = { max: 2, windowMs: 1000 };
		state.fake.enforceRateLimit = true;
		const input = emails(150).map((email) => ({ email, fields: {} }));
		const { items, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(state.fake.batchSizes).toEqual([50, 50, 50]);
		expect(items.filter((item) => item.action === 'created')).toHaveLength(150);
		expect(state.fake.contactCount()).toBe(150);
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
