/** Sender specifics beyond the contract suite: paging, typed values, groups by name, e-mail moves, limits, messages. */
import { sender } from '../../nodes/WpumCrm/adapters/sender';
import type { SenderFake } from './fakes/sender';
import { useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { senderTarget } from './targets/sender';

describe('Sender adapter', () => {
	const { state, run, harness } = useTarget<SenderFake>(senderTarget as CrmTarget<SenderFake>);
	const bodiesTo = (method: string, path: RegExp) =>
		state.fake.requests.filter((r) => r.method === method && path.test(r.path)).map((r) => r.body as Record<string, unknown>);

	it('reads groups and fields to the last page', async () => {
		for (let n = 1; n <= 120; n++) state.fake.addGroup(`Group ${n}`);
		const tags = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'sender', operation: 'upsert' } }, 'getCrmTags');
		expect(tags).toHaveLength(120);
		expect(tags.map((t) => t.value)).toContain('Group 120');
		expect(state.fake.requests.filter((r) => r.path === '/v2/groups').map((r) => r.query.get('page'))).toEqual(['1', '2', '3']);

		const fields = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'sender', operation: 'upsert' } }, 'getCrmFields');
		const keys = fields.map((f) => f.value);
		expect(keys.slice(0, 3)).toEqual(['firstname', 'lastname', 'phone']);
		expect(keys).toContain('{$extra_60}');
		expect(keys).toHaveLength(3 + 61);
	});

	it('converts values to the field types Sender takes', async () => {
		const score = state.fake.addField('Score', 'number');
		const joined = state.fake.addField('Joined', 'datetime');
		const { items, error } = await run('upsert', [
			{
				email: 'jane@example.com',
				fields: { firstname: 'Jane', phone: '+370 (600) 00-000', [score]: '42.5', [joined]: '2024-05-06T10:11:12Z', '{$membership}': ['Gold', 'Silver'] },
			},
		]);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'created' });
		const [body] = bodiesTo('POST', /^\/v2\/subscribers$/);
		expect(body).toEqual({
			email: 'jane@example.com',
			firstname: 'Jane',
			phone: '+37060000000',
			fields: { [score]: 42.5, [joined]: '2024-05-06', '{$membership}': 'Gold, Silver' },
			trigger_automation: true,
		});
		expect(state.fake.refused).toEqual([]);
	});

	it('fails a value that does not fit before anything is sent, naming the field', async () => {
		const score = state.fake.addField('Score', 'number');
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { [score]: 'lots', phone: '600 000' }, tags: ['New group'] }]);
		expect(error?.message).toContain(`${score} needs a number, not "lots"`);
		expect(error?.message).toContain('phone needs an international number');
		expect(state.fake.writes).toHaveLength(0);
	});

	it('creates a missing group once, reuses groups by name in any case, and never leaves other groups on update', async () => {
		const vip = state.fake.addGroup('VIP');
		const first = await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['vip', 'Members', 'members'] }]);
		expect(first.error).toBeUndefined();
		expect(bodiesTo('POST', /^\/v2\/groups$/)).toEqual([{ title: 'Members' }]);
		expect(bodiesTo('POST', /^\/v2\/subscribers$/)[0].groups).toEqual([vip, expect.any(String)]);
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Members', 'VIP']);

		const second = await run('upsert', [{ email: 'jane@example.com', fields: { '{$membership}': 'Gold' }, tags: ['MEMBERS', 'Beta'] }]);
		expect(second.error).toBeUndefined();
		expect(second.items[0]).toMatchObject({ action: 'updated', contactId: first.items[0].contactId });
		expect(bodiesTo('POST', /^\/v2\/groups$/)).toEqual([{ title: 'Members' }, { title: 'Beta' }]);
		// The update goes through PATCH without `groups`; only the missing group is joined, by e-mail.
		expect(bodiesTo('PATCH', /^\/v2\/subscribers\//)).toEqual([{ fields: { '{$membership}': 'Gold' }, trigger_automation: true }]);
		expect(bodiesTo('POST', /^\/v2\/subscribers\/groups\//)).toEqual([{ subscribers: ['jane@example.com'], trigger_automation: true }]);
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Beta', 'Members', 'VIP']);
	});

	it('moves a person to a new subscriber on an e-mail change, keeping name, values, groups and unsubscription', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { firstname: 'Jane', '{$membership}': 'Gold' }, tags: ['Members'] }]);
		const oldId = String(created.items[0].contactId);
		state.fake.statuses.set(oldId, 'unsubscribed');
		const { items, error } = await run('upsert', [{ email: 'jane.doe@example.org', contactId: oldId, fields: { lastname: 'Doe' }, tags: ['VIP'] }]);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'updated', email: 'jane.doe@example.org' });
		const moved = state.fake.findByEmail('jane.doe@example.org')!;
		expect(items[0].contactId).toBe(moved.id);
		expect(moved.id).not.toBe(oldId);
		expect(moved.fields).toMatchObject({ firstname: 'Jane', lastname: 'Doe', '{$membership}': 'Gold' });
		expect(state.fake.tagNamesOf('jane.doe@example.org')).toEqual(['Members', 'VIP']);
		expect(state.fake.statuses.get(moved.id)).toBe('unsubscribed');
		expect(state.fake.findByEmail('jane@example.com')).toBeUndefined();
		expect(bodiesTo('DELETE', /^\/v2\/subscribers$/)).toEqual([{ subscribers: ['jane@example.com'] }]);
	});

	it('with "Fail the Item", refuses an e-mail change and changes nothing', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		const writes = state.fake.writes.length;
		const { error } = await run('upsert', [{ email: 'jane.doe@example.org', previousEmail: 'jane@example.com', fields: {} }], { senderEmailChange: 'fail' });
		expect(error?.message).toContain(`Sender cannot change the e-mail of subscriber ${String(created.items[0].contactId)}`);
		expect(state.fake.writes.length).toBe(writes);
		expect(state.fake.findByEmail('jane@example.com')).toBeDefined();
	});

	it('updates the subscriber that already has the new e-mail and leaves the old one alone', async () => {
		const old = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		const other = await run('upsert', [{ email: 'jane.doe@example.org', fields: {} }]);
		const { items } = await run('upsert', [{ email: 'jane.doe@example.org', contactId: String(old.items[0].contactId), fields: { firstname: 'Jane' } }]);
		expect(items[0]).toMatchObject({ action: 'updated', contactId: other.items[0].contactId });
		expect(state.fake.contactCount()).toBe(2);
		expect(state.fake.findByEmail('jane.doe@example.org')?.fields.firstname).toBe('Jane');
	});

	it('sends "Trigger Automations" off when the setting says so', async () => {
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['Members'] }], { senderTriggerAutomation: false });
		expect(error).toBeUndefined();
		expect(bodiesTo('POST', /^\/v2\/subscribers$/)[0].trigger_automation).toBe(false);
	});

	it('waits out 429s by Retry-After, reads the X-RateLimit-Reset date, and gives up with a clear message', async () => {
		state.fake.throttleNext(2);
		const started = Date.now();
		const ok = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		expect(ok.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
		expect(state.fake.sent.throttled).toBe(2);
		expect(state.fake.contactCount()).toBe(1);

		const inTwoSeconds = new Date(Date.now() + 2000).toISOString();
		const delay = sender.resetDelayMs!({ statusCode: 429, headers: { 'x-ratelimit-reset': inTwoSeconds }, body: {} });
		expect(delay).toBeGreaterThan(1000);
		expect(delay).toBeLessThanOrEqual(2000);

		state.fake.throttleNext(10);
		const { error } = await run('upsert', [{ email: 'bob@example.com', fields: {} }], { options: { maxRateLimitWait: 1 } });
		expect(error?.message).toMatch(/Sender is still rate-limiting .* "Max Rate-Limit Wait"/);
		expect(state.fake.findByEmail('bob@example.com')).toBeUndefined();
	});

	it("shows Sender's field errors, and says what to do about a stale contact id", async () => {
		const invalid = await run('upsert', [{ email: 'jane@example', fields: {} }]);
		expect(invalid.error?.message).toBe('Sender answered HTTP 422: The given data was invalid. (email: The email must be a valid email address.)');

		expect(state.fake.writes.filter((r) => r.method !== 'POST' || r.path !== '/v2/subscribers')).toHaveLength(0);

		const gone = await run('addTags', [{ contactId: '999', tags: ['VIP'] }]);
		expect(gone.error?.message).toContain('Sender has no subscriber 999');
		expect(gone.error?.description).toContain('run an upsert for this user first');
	});
});
