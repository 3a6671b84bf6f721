/** Ortto specifics beyond the contract suite: merge request shapes, batches, value types, tags, e-mail changes, rate limit, listings, messages. */
import type { IDataObject } from 'n8n-workflow';

import { ortto } from '../../nodes/WpumCrm/adapters/ortto';
import type { CrmResponse } from '../../nodes/WpumCrm/adapters/types';
import { ORTTO_KEY, type OrttoFake } from './fakes/ortto';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { orttoTarget } from './targets/ortto';

describe('Ortto adapter', () => {
	const { state, run, harness } = useTarget<OrttoFake>(orttoTarget as CrmTarget<OrttoFake>);
	const merges = () => state.fake.merges as IDataObject[];
	const people = (merge: IDataObject) => merge.people as IDataObject[];

	it('sends 250 contacts as synchronous merges by e-mail of 100, 100 and 50, mapped back in order', async () => {
		const input = emails(250).map((email, n) => ({ email, fields: { 'str::first': `U${n}` } }));
		const { items, paired, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(merges().map((m) => people(m).length)).toEqual([100, 100, 50]);
		for (const merge of merges()) expect(merge).toMatchObject({ async: false, merge_by: ['str::email'], merge_strategy: 2 });
		expect(items).toHaveLength(250);
		expect(items[249]).toMatchObject({ email: 'user250@example.com', action: 'created', contactId: state.fake.findByEmail('user250@example.com')?.id });
		expect(paired[249]).toEqual({ item: 249 });
		expect(state.fake.contactCount()).toBe(250);
		expect(state.fake.rejected).toEqual([]);
	});

	it('converts values to the shape of each field id type, decimals times 1,000', async () => {
		state.fake.addField('int:cm:rating', 'Rating', 'integer');
		state.fake.addField('int:cm:price', 'Price', 'decimal');
		state.fake.addField('bol:cm:member', 'Member', 'bool');
		state.fake.addField('sst:cm:interests', 'Interests', 'multi_select');
		const { error } = await run('upsert', [
			{
				email: 'jane@example.com',
				fields: {
					'int:cm:rating': '42',
					'int:cm:price': '12.5',
					'bol:cm:member': 'yes',
					'sst:cm:interests': ['PHP', 'Go'],
					'phn::phone': '+61 401 234 567',
					'dtz::b': '1980-03-04',
					'geo::city': 'Melbourne',
					'str::last': '',
				},
			},
		]);
		expect(error).toBeUndefined();
		expect(people(merges()[0])[0].fields).toEqual({
			'int:cm:rating': 42,
			'int:cm:price': 12500,
			'bol:cm:member': true,
			'sst:cm:interests': ['PHP', 'Go'],
			'phn::phone': { phone: '61401234567', parse_with_country_code: true },
			'dtz::b': { year: 1980, month: 3, day: 4, timezone: 'UTC' },
			'geo::city': { name: 'Melbourne' },
			'str::last': null,
			'str::email': 'jane@example.com',
		});
		expect(state.fake.rejected).toEqual([]);
	});

	it('fails a value that does not fit its field before sending anything, naming field, value and contact', async () => {
		state.fake.addField('int:cm:rating', 'Rating', 'integer');
		const { items, error } = await run(
			'upsert',
			[
				{ email: 'jane@example.com', fields: { 'int:cm:rating': 'lots' } },
				{ email: 'john@example.com', fields: { 'phn::phone': '0401 234 567' } },
				{ email: 'ann@example.com', fields: { 'str:cm:company': 'x'.repeat(256) } },
			],
			{},
			true,
		);
		expect(error).toBeUndefined();
		expect(String(items[0].error)).toMatch(/Ortto field int:cm:rating needs a number, not "lots" \(contact jane@example\.com\)/);
		expect(String(items[1].error)).toMatch(/phn::phone needs an international number with its country code/);
		expect(String(items[2].error)).toMatch(/str:cm:company takes at most 255 characters/);
		expect(state.fake.writes).toHaveLength(0);
	});

	it('reuses the spelling of existing tags, creates new ones by name, and removes with unset_tags', async () => {
		const h = harness();
		await h.runNode({ type: 'wpumCrm', parameters: { crm: 'ortto', operation: 'upsert' } }, [{ email: 'a@example.com', fields: {}, tags: ['VIP'] }]);
		const { output } = await h.runNode({ type: 'wpumCrm', parameters: { crm: 'ortto', operation: 'upsert' } }, [
			{ email: 'b@example.com', fields: {}, tags: ['vip', 'Beta'] },
		]);
		expect(people(merges()[1])[0].tags).toEqual(['VIP', 'Beta']);
		expect(state.fake.tagNamesOf('b@example.com')).toEqual(['Beta', 'VIP']);
		expect([...state.fake.tags.values()].map((t) => t.name).sort()).toEqual(['Beta', 'VIP']);

		const contactId = String(output[0][0].json.contactId);
		const removed = await run('removeTags', [{ contactId, email: 'b@example.com', tags: ['VIP'] }]);
		expect(removed.error).toBeUndefined();
		expect(merges()[2]).toMatchObject({ merge_by: ['str::person_id'], skip_non_existing: true, people: [{ fields: { 'str::person_id': contactId }, unset_tags: ['VIP'] }] });
		expect(state.fake.tagNamesOf('b@example.com')).toEqual(['Beta']);
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'ortto', operation: 'upsert' } }, 'getCrmTags');
		expect(options.map((o) => o.value).sort()).toEqual(['Beta', 'VIP']);
	});

	it('changes the e-mail of the person found by stored id through a merge by str::person_id, never by e-mail', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { 'str::first': 'Jane' } }]);
		const id = String(created.items[0].contactId);
		const changed = await run('upsert', [{ email: 'jane.doe@example.org', contactId: id, previousEmail: 'jane@example.com', fields: {} }]);
		expect(changed.items[0]).toMatchObject({ contactId: id, action: 'updated' });
		expect(merges()[1]).toMatchObject({
			merge_by: ['str::person_id'],
			skip_non_existing: true,
			people: [{ fields: { 'str::person_id': id, 'str::email': 'jane.doe@example.org' } }],
		});
		expect(state.fake.requests.some((r) => r.path === '/v1/person/get-by-ids')).toBe(true);
		expect(state.fake.contactCount()).toBe(1);
		expect(state.fake.findByEmail('jane.doe@example.org')?.fields['str::first']).toBe('Jane');
	});

	it('sends contacts with an e-mail change one by one inside a batch, the rest in one merge', async () => {
		const first = await run('upsert', [{ email: 'old@example.com', fields: {} }]);
		const { items, error } = await run('upsert', [
			{ email: 'a@example.com', fields: {} },
			{ email: 'new@example.com', previousEmail: 'old@example.com', fields: {} },
			{ email: 'b@example.com', fields: {} },
		]);
		expect(error).toBeUndefined();
		expect(items.map((i) => i.action)).toEqual(['created', 'updated', 'created']);
		expect(items[1].contactId).toBe(first.items[0].contactId);
		expect(merges().slice(1).map((m) => [m.merge_by, people(m).length])).toEqual([
			[['str::person_id'], 1],
			[['str::email'], 2],
		]);
		expect(state.fake.contactCount()).toBe(3);
	});

	it('waits as long as the 429 answer\'s try-in-seconds says, then succeeds', async () => {
		state.fake.tryInSeconds = 2;
		state.fake.throttleNext(1);
		const started = Date.now();
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		expect(error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
		expect(state.fake.sent.throttled).toBe(1);
		const response: CrmResponse = { statusCode: 429, headers: {}, body: { error: { code: 'rate-limit', message: 'rate limit', 'try-in-seconds': 10 } } };
		expect(ortto.resetDelayMs?.(response)).toBe(10_000);
	});

	it('rides out the enforced per-plan limit on many single requests', async () => {
		const created = await run('upsert', emails(6).map((email) => ({ email, fields: {} })));
		expect(created.error).toBeUndefined();
		state.fake.rateLimit = { max: 3, windowMs: 1000 };
		state.fake.enforceRateLimit = true;
		const got = await run('get', emails(6).map((email) => ({ email })), { lookupBy: 'email', lookupEmail: '={{$json.email}}' });
		expect(got.error).toBeUndefined();
		expect(got.items.map((i) => i.found)).toEqual([true, true, true, true, true, true]);
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
	});

	it('lists the built-in fields and every custom field from the one answer custom-field/get gives', async () => {
		for (let n = 61; n <= 150; n++) state.fake.addField(`str:cm:extra-${n}`, `Extra ${n}`);
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'ortto', operation: 'upsert' } }, 'getCrmFields');
		const keys = options.map((o) => o.value);
		expect(keys.slice(0, 3)).toEqual(['str::first', 'str::last', 'phn::phone']);
		expect(keys).toContain('str:cm:extra-150');
		expect(keys).not.toContain('str::email');
		expect(keys).toHaveLength(13 + 151);
	});

	it('archives before deleting (Ortto deletes only archived people)', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		const deleted = await run('delete', [{}], { lookupBy: 'contactId', lookupContactId: created.items[0].contactId, confirmDelete: true });
		expect(deleted.items[0]).toMatchObject({ deleted: true });
		expect(state.fake.writes.slice(-2).map((r) => [r.method, r.path, r.body])).toEqual([
			['PUT', '/v1/person/archive', { inclusion_ids: [created.items[0].contactId] }],
			['DELETE', '/v1/person/delete', { inclusion_ids: [created.items[0].contactId] }],
		]);
		expect(state.fake.contacts.size).toBe(0);
	});

	it('says what to do for a suppressed e-mail and shows Ortto\'s own message for a refused request', async () => {
		state.fake.suppressed.add('blocked@example.com');
		const suppressed = await run('upsert', [{ email: 'blocked@example.com', fields: {} }]);
		expect(suppressed.error?.message).toMatch(/Ortto did not save blocked@example\.com: Email is suppressed/);
		expect(suppressed.error?.description).toMatch(/suppression list/);

		const response: CrmResponse = { statusCode: 400, headers: {}, body: { error: { code: 'bad-request', message: 'unknown field id "x"' } } };
		expect(ortto.errorMessage?.(response)).toBe('unknown field id "x"');
	});

	it('the fake refuses merge bodies outside the documented shapes, so the checks above can fail', async () => {
		const send = async (body: unknown) =>
			await fetch(`${state.fake.url}/v1/person/merge`, { method: 'POST', headers: { 'X-Api-Key': ORTTO_KEY, 'content-type': 'application/json' }, body: JSON.stringify(body) });
		const person = { fields: { 'str::email': 'a@example.com' } };
		const cases: Array<[unknown, RegExp]> = [
			[{ people: [] }, /between 1 and 100/],
			[{ people: Array.from({ length: 101 }, () => person) }, /between 1 and 100/],
			[{ people: [person], merge_by: ['str::person_id', 'str::email'] }, /only field in merge_by/],
			[{ people: [{ fields: { 'str::email': 'a@example.com', 'str:cm:nope': 'x' } }] }, /unknown field id/],
			[{ people: [{ fields: { 'str::email': 'a@example.com', 'phn::phone': '+61401234567' } }] }, /phn::phone: invalid value/],
			[{ people: [{ fields: { 'str::email': 'a@example.com' }, tags: 'VIP' }] }, /tags must be an array/],
			[{ people: [person], merge_strategy: 4 }, /merge_strategy/],
		];
		for (const [body, message] of cases) {
			const answer = await send(body);
			expect(answer.status).toBe(400);
			expect(((await answer.json()) as { error: { message: string } }).error.message).toMatch(message);
		}
		expect(state.fake.contactCount()).toBe(0);
	});
});
