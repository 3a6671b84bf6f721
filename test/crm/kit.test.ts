/** Kit specifics beyond the contract suite: silent field drops, unsubscribed look-ups, cursor paging, its rate limit. */
import { kit } from '../../nodes/WpumCrm/adapters/kit';
import type { KitFake } from './fakes/kit';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { kitTarget } from './targets/kit';

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
