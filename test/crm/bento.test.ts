/** Bento specifics beyond the contract suite: documented request bodies, commands, value conversion, tags, e-mail changes, limits, errors. */
import { WpumBentoApi } from '../../credentials/WpumBentoApi.credentials';
import { bentoValue } from '../../nodes/WpumCrm/adapters/bento';
import { runCredentialTest } from './credential-test';
import { BENTO_PUBLISHABLE_KEY, BENTO_SECRET_KEY, BENTO_SITE_UUID, type BentoFake, commandErrors } from './fakes/bento';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { bentoTarget } from './targets/bento';

type Command = { command: string; email: string; query?: unknown };

const commandCalls = (fake: BentoFake) =>
	fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/fetch/commands').map((r) => (r.body as { command: Command[] }).command);
const routes = (fake: BentoFake, from = 0) => fake.requests.slice(from).map((r) => `${r.method} ${r.path}`);

describe('Bento adapter', () => {
	const { state, run, harness } = useTarget<BentoFake>(bentoTarget as CrmTarget<BentoFake>);

	it('creates with the documented bodies: find, create { subscriber: { email } }, then add_field/add_tag commands', async () => {
		const { items, error } = await run('upsert', [{ email: 'jane@example.com', fields: { first_name: 'Jane', membership_level: 'Gold' }, tags: ['Members'] }]);
		expect(error).toBeUndefined();
		const stored = state.fake.findByEmail('jane@example.com')!;
		expect(items[0]).toMatchObject({ action: 'created', contactId: stored.id });
		expect(routes(state.fake)).toEqual([
			'GET /api/v1/fetch/fields',
			'GET /api/v1/fetch/tags',
			'GET /api/v1/fetch/subscribers',
			'POST /api/v1/fetch/subscribers',
			'POST /api/v1/fetch/commands',
		]);
		const create = state.fake.requests.find((r) => r.method === 'POST' && r.path === '/api/v1/fetch/subscribers')!;
		expect(create.body).toEqual({ subscriber: { email: 'jane@example.com' } });
		expect(commandCalls(state.fake)).toEqual([
			[
				{ command: 'add_field', email: 'jane@example.com', query: { key: 'first_name', value: 'Jane' } },
				{ command: 'add_field', email: 'jane@example.com', query: { key: 'membership_level', value: 'Gold' } },
				{ command: 'add_tag', email: 'jane@example.com', query: 'Members' },
			],
		]);
		// Every request carries the site UUID, Basic auth and a real User-Agent.
		for (const request of state.fake.requests) {
			expect(request.query.get('site_uuid')).toBe(BENTO_SITE_UUID);
			expect(String(request.headers['user-agent'])).toContain('n8n-nodes-wp-user-manager');
		}
		expect(state.fake.docViolations).toEqual([]);
		expect(stored.fields).toEqual({ first_name: 'Jane', membership_level: 'Gold' });
	});

	it('changes the e-mail of the linked subscriber with change_email (old → new) before writing the fields', async () => {
		const jane = state.fake.addSubscriber('jane@example.com', { membership_level: 'Silver' });
		const { items, error } = await run('upsert', [{ email: 'jane.doe@example.org', contactId: jane.id, fields: { membership_level: 'Gold' } }]);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'updated', contactId: jane.id, email: 'jane.doe@example.org' });
		expect(commandCalls(state.fake)).toEqual([
			[{ command: 'change_email', email: 'jane@example.com', query: 'jane.doe@example.org' }],
			[{ command: 'add_field', email: 'jane.doe@example.org', query: { key: 'membership_level', value: 'Gold' } }],
		]);
		expect(state.fake.contacts.get(jane.id)).toMatchObject({ email: 'jane.doe@example.org', fields: { membership_level: 'Gold' } });
		expect(state.fake.contactCount()).toBe(1);
	});

	it('fails an e-mail change to an address another subscriber has, saying what to do, and changes nothing', async () => {
		const jane = state.fake.addSubscriber('jane@example.com');
		state.fake.addSubscriber('taken@example.com');
		const writes = state.fake.writes.length;
		const { items } = await run('upsert', [{ email: 'taken@example.com', contactId: jane.id, fields: {} }], {}, true);
		expect(String(items[0].error)).toContain(`Bento cannot change the e-mail of subscriber ${jane.id} (jane@example.com) to taken@example.com`);
		expect(state.fake.writes.length).toBe(writes);
		expect(state.fake.contacts.get(jane.id)?.email).toBe('jane@example.com');
	});

	it('falls back to the e-mail when Bento no longer has the stored uuid, without a duplicate', async () => {
		const jane = state.fake.addSubscriber('jane@example.com');
		const { items, error } = await run('upsert', [{ email: 'jane@example.com', contactId: '7c9e6679-0000-0000-0000-000000000000', fields: {} }]);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'updated', contactId: jane.id });
		expect(state.fake.contactCount()).toBe(1);
	});

	it('converts values to what Bento stores: flat values kept, lists joined, empty values clear the field', async () => {
		expect(bentoValue('Gold')).toEqual({ value: 'Gold' });
		expect(bentoValue(42)).toEqual({ value: 42 });
		expect(bentoValue(true)).toEqual({ value: true });
		expect(bentoValue(['red', 'blue', 3])).toEqual({ value: 'red, blue, 3' });
		expect(bentoValue('')).toEqual({ remove: true });
		expect(bentoValue(null)).toEqual({ remove: true });
		expect(bentoValue({ a: 1 }).problem).toContain('needs a flat value');
		expect(bentoValue([['nested']]).problem).toContain('needs a flat value');

		state.fake.addSubscriber('jane@example.com', { last_name: 'Doe', membership_level: 'Silver' });
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { last_name: '', membership_level: ['Gold', 'VIP'] } }]);
		expect(error).toBeUndefined();
		expect(commandCalls(state.fake)).toEqual([
			[
				{ command: 'remove_field', email: 'jane@example.com', query: 'last_name' },
				{ command: 'add_field', email: 'jane@example.com', query: { key: 'membership_level', value: 'Gold, VIP' } },
			],
		]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toEqual({ membership_level: 'Gold, VIP' });
	});

	it('fails a value Bento cannot store before anything is sent, naming the field and what to do', async () => {
		const writes = state.fake.writes.length;
		const { items } = await run('upsert', [{ email: 'jane@example.com', fields: { membership_level: { level: 'Gold' } } }], {}, true);
		expect(String(items[0].error)).toBe('Bento field membership_level needs a flat value (text, a number or yes/no), not {"level":"Gold"} (contact jane@example.com)');
		expect(state.fake.writes.length).toBe(writes);
		expect(state.fake.contactCount()).toBe(0);
	});

	it('reuses the spelling of a tag the site has, creates a new one by name, and removes every spelling', async () => {
		const jane = state.fake.addSubscriber('jane@example.com', {}, ['VIP']);
		const added = await run('addTags', [{ contactId: jane.id, tags: ['vip', 'Beta Tester'] }]);
		expect(added.error).toBeUndefined();
		expect(commandCalls(state.fake)).toEqual([
			[
				{ command: 'add_tag', email: 'jane@example.com', query: 'VIP' },
				{ command: 'add_tag', email: 'jane@example.com', query: 'Beta Tester' },
			],
		]);
		expect([...state.fake.tags.values()].map((t) => t.name).sort()).toEqual(['Beta Tester', 'VIP']);
		const removed = await run('removeTags', [{ contactId: jane.id, tags: ['vip'] }]);
		expect(removed.error).toBeUndefined();
		expect(commandCalls(state.fake)[1]).toEqual([
			{ command: 'remove_tag', email: 'jane@example.com', query: 'vip' },
			{ command: 'remove_tag', email: 'jane@example.com', query: 'VIP' },
		]);
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Beta Tester']);
		expect(state.fake.docViolations).toEqual([]);
	});

	it('says what to do when a tag operation names a uuid Bento does not have', async () => {
		const { items } = await run('addTags', [{ contactId: '7c9e6679-0000-0000-0000-000000000000', tags: ['VIP'] }], {}, true);
		expect(String(items[0].error)).toContain('Bento has no subscriber with uuid 7c9e6679-0000-0000-0000-000000000000');
		expect(state.fake.writes).toHaveLength(0);
	});

	it('splits more than 100 commands into calls of at most 100 (the documented maximum)', async () => {
		const fields = Object.fromEntries(Array.from({ length: 120 }, (_, n) => [`extra_${n + 1}`, `v${n + 1}`]));
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields, tags: ['A', 'B'] }]);
		expect(error).toBeUndefined();
		expect(commandCalls(state.fake).map((call) => call.length)).toEqual([100, 22]);
		expect(state.fake.docViolations).toEqual([]);
		expect(state.fake.findByEmail('jane@example.com')?.fields.extra_120).toBe('v120');
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['A', 'B']);
	});

	it('lists every field of the one unpaged answer, the name fields as standard, and the declared new fields', async () => {
		const parameters = { crm: 'bento', operation: 'upsert', bentoCustomFields: 'favorite_color, extra_1' };
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters }, 'getCrmFields');
		const keys = options.map((option) => option.value);
		expect(keys.slice(0, 2)).toEqual(['first_name', 'last_name']);
		expect(keys.filter((key) => String(key).startsWith('extra_'))).toHaveLength(120);
		expect(keys).toContain('favorite_color');
		expect(keys.filter((key) => key === 'extra_1')).toHaveLength(1);
		expect(options.find((option) => option.value === 'first_name')?.name).toBe('First Name');
		expect(options.find((option) => option.value === 'membership_level')?.name).toBe('Membership Level (custom)');

		// A declared new field may be written; Bento creates it.
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { favorite_color: 'teal' } }], { bentoCustomFields: 'favorite_color' });
		expect(error).toBeUndefined();
		expect(state.fake.fields.some((field) => field.key === 'favorite_color')).toBe(true);
	});

	it('lists every tag of the site for the tag dropdown', async () => {
		for (let n = 1; n <= 130; n++) state.fake.addSubscriber(`t${n}@example.com`, {}, [`tag_${n}`]);
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'bento', operation: 'upsert' } }, 'getCrmTags');
		expect(options).toHaveLength(130);
		expect(options.map((option) => option.value)).toContain('tag_130');
	});

	it('stays under the documented limit by riding out enforced 429s without losing a contact', async () => {
		state.fake.rateLimit = { max: 6, windowMs: 1500 };
		state.fake.enforceRateLimit = true;
		const input = emails(4).map((email, n) => ({ email, fields: { membership_level: `L${n}` } }));
		const { items, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(items.map((item) => item.action)).toEqual(['created', 'created', 'created', 'created']);
		expect(state.fake.contactCount()).toBe(4);
		for (const [n, contact] of input.entries()) expect(state.fake.findByEmail(contact.email)?.fields.membership_level).toBe(`L${n}`);
	}, 60_000);

	it("shows Bento's validation error for an invalid e-mail, and fails the credential test for another site's UUID", async () => {
		const invalid = await run('upsert', [{ email: 'jane@example', fields: {} }], {}, true);
		expect(String(invalid.items[0].error)).toBe('Bento answered HTTP 400: email is invalid');

		const bad = useCredentials({ publishableKey: BENTO_PUBLISHABLE_KEY, secretKey: BENTO_SECRET_KEY, siteUuid: 'another-site' });
		expect(await runCredentialTest(WpumBentoApi, bad)).toMatchObject({ ok: false, status: 401 });
		expect(await runCredentialTest(WpumBentoApi, useCredentials({}))).toMatchObject({ ok: true, status: 200 });
	});

	it('deletes through a data deletion request for the subscriber e-mail (Bento anonymises it)', async () => {
		const jane = state.fake.addSubscriber('jane@example.com');
		const { items } = await run('delete', [{}], { lookupBy: 'contactId', lookupContactId: jane.id, confirmDelete: true });
		expect(items[0]).toMatchObject({ deleted: true });
		const request = state.fake.requests.find((r) => r.path === '/api/v1/data_deletion_requests')!;
		expect(request.body).toEqual({ data_deletion_request: { email: 'jane@example.com' } });
		expect(state.fake.anonymised.has(jane.id)).toBe(true);
		const again = await run('get', [{}], { lookupBy: 'contactId', lookupContactId: jane.id });
		expect(again.items[0]).toMatchObject({ found: false });
	});

	it('the fake rejects what the reference rules out (so a wrong adapter body fails a test)', () => {
		expect(commandErrors({ command: 'add_tag', email: 'jane@example.com', query: 'VIP' }, 0)).toEqual([]);
		expect(commandErrors({ command: 'add_field', email: 'jane@example.com', query: { key: 'a', value: 1 } }, 0)).toEqual([]);
		expect(commandErrors({ command: 'tag', email: 'jane@example.com' }, 0)[0].field).toBe('command[0].command');
		expect(commandErrors({ command: 'add_tag', email: 'jane@example.com', query: ['VIP'] }, 1)).toEqual([{ field: 'command[1].query', message: 'must be a non-empty string' }]);
		expect(commandErrors({ command: 'add_field', email: 'jane@example.com', query: { key: 'a', value: { b: 1 } } }, 0)[0].field).toBe('command[0].query.value');
		expect(commandErrors({ command: 'change_email', email: 'jane@example.com', query: 'nope' }, 0)[0].field).toBe('command[0].query');
		expect(commandErrors({ command: 'subscribe', email: 'not-an-email' }, 0)[0].field).toBe('command[0].email');
	});

	function useCredentials(overrides: Record<string, string>) {
		return { ...bentoTarget.credentials(state.fake), ...overrides };
	}
});
