/** Pipedrive specifics beyond the contract suite: value shapes, labels, e-mail lists, paging, burst and daily limits, messages. */
import { pipedriveCustomValue } from '../../nodes/WpumCrm/adapters/pipedrive';
import { PIPEDRIVE_TOKEN, type PipedriveFake, pipedriveFieldCode } from './fakes/pipedrive';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { pipedriveTarget } from './targets/pipedrive';

const code = pipedriveFieldCode;

describe('Pipedrive adapter', () => {
	const { state, run, harness } = useTarget<PipedriveFake>(pipedriveTarget as CrmTarget<PipedriveFake>);

	function typedFields() {
		const fake = state.fake;
		fake.addCustomField('Seats', 'int');
		fake.addCustomField('Score', 'double');
		fake.addCustomField('Budget', 'monetary');
		fake.addCustomField('Newsletter', 'boolean');
		fake.addCustomField('Birthday', 'date');
		fake.addCustomField('Plan', 'enum', ['Free', 'Pro']);
		fake.addCustomField('Interests', 'set', ['Sports', 'Music', 'Books']);
		fake.addCustomField('Address', 'address');
		fake.addCustomField('Call Time', 'time');
	}

	it('converts values to the shape each custom field type takes in API v2, options by label or id', async () => {
		typedFields();
		const plan = state.fake.personFields.find((f) => f.field_code === code('Plan'))!.options!;
		const interests = state.fake.personFields.find((f) => f.field_code === code('Interests'))!.options!;
		const { error } = await run('upsert', [
			{
				email: 'jane@example.com',
				fields: {
					first_name: 'Jane',
					last_name: 'Doe',
					[code('Seats')]: '12',
					[code('Score')]: '4.5',
					[code('Budget')]: '250.5 eur',
					[code('Newsletter')]: 'yes',
					[code('Birthday')]: '1990-04-01T00:00:00Z',
					[code('Plan')]: 'pro',
					[code('Interests')]: ['Music', String(interests[2].id)],
					[code('Address')]: '1 Main St, Springfield',
					[code('Call Time')]: '9:30',
				},
			},
		]);
		expect(error).toBeUndefined();
		expect(state.fake.rejected).toEqual([]);
		expect(state.fake.person('jane@example.com')).toMatchObject({
			name: 'Jane Doe',
			[code('Seats')]: 12,
			[code('Score')]: 4.5,
			[code('Budget')]: { value: 250.5, currency: 'EUR' },
			[code('Newsletter')]: true,
			[code('Birthday')]: '1990-04-01',
			[code('Plan')]: plan[1].id,
			[code('Interests')]: [interests[1].id, interests[2].id],
			[code('Address')]: { value: '1 Main St, Springfield' },
			[code('Call Time')]: { value: '09:30:00' },
		});
	});

	it('fails a value Pipedrive cannot take before sending anything, listing the options', async () => {
		typedFields();
		const writes = state.fake.writes.length;
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { [code('Plan')]: 'Enterprise' }, tags: ['New Label'] }]);
		expect(error?.message).toContain(`Pipedrive field ${code('Plan')} needs one of "Free"`);
		expect(error?.message).toContain('not "Enterprise"');
		expect(state.fake.writes.length).toBe(writes);
		expect(state.fake.tags.size).toBe(0);
		expect(pipedriveCustomValue({ field_type: 'int' }, '12.5').problem).toMatch(/whole number/);
		expect(pipedriveCustomValue({ field_type: 'date' }, 'April 1st').problem).toMatch(/YYYY-MM-DD/);
		expect(pipedriveCustomValue({ field_type: 'set', options: [] }, '').value).toBeNull();
		expect(pipedriveCustomValue({ field_type: 'picture' }, 'x').problem).toMatch(/cannot write/);
	});

	it('clears a set field with null (Pipedrive refuses []) and never sends null on create', async () => {
		typedFields();
		await run('upsert', [{ email: 'jane@example.com', fields: { [code('Interests')]: 'Sports' } }]);
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { [code('Interests')]: [] } }]);
		expect(error).toBeUndefined();
		expect(state.fake.person('jane@example.com')?.[code('Interests')]).toBeNull();
		const patch = state.fake.writes.filter((r) => r.method === 'PATCH').at(-1)!;
		expect((patch.body as { custom_fields: Record<string, unknown> }).custom_fields).toEqual({ [code('Interests')]: null });
		await run('upsert', [{ email: 'bob@example.com', fields: { [code('Plan')]: '' } }]);
		const post = state.fake.writes.filter((r) => r.method === 'POST' && r.path === '/api/v2/persons').at(-1)!;
		expect(post.body).not.toHaveProperty('custom_fields');
		expect(state.fake.rejected).toEqual([]);
	});

	it('creates missing labels once through the label field options, reuses existing ones and keeps labels set in Pipedrive', async () => {
		const vip = state.fake.addLabel('VIP');
		const created = await run('upsert', [
			{ email: 'ann@example.com', fields: {}, tags: ['vip', 'Member'] },
			{ email: 'bob@example.com', fields: {}, tags: ['Member'] },
		]);
		expect(created.error).toBeUndefined();
		const optionCalls = state.fake.requests.filter((r) => r.path === '/api/v2/personFields/label_ids/options');
		expect(optionCalls.map((r) => r.body)).toEqual([[{ label: 'Member' }]]);
		expect(state.fake.tagNamesOf('ann@example.com')).toEqual(['Member', 'VIP']);
		expect(state.fake.person('ann@example.com')?.label_ids).toContain(vip);

		// A label someone set in Pipedrive survives our tags: label_ids replaces the list, so we merge.
		const hot = state.fake.addLabel('Hot lead');
		const ann = state.fake.findByEmail('ann@example.com')!;
		ann.fields.label_ids = [...(ann.fields.label_ids as number[]), hot];
		await run('addTags', [{ contactId: ann.id, tags: ['Beta'] }]);
		expect(state.fake.tagNamesOf('ann@example.com')).toEqual(['Beta', 'Hot lead', 'Member', 'VIP']);
		await run('removeTags', [{ contactId: ann.id, tags: ['member', 'No Such Label'] }]);
		expect(state.fake.tagNamesOf('ann@example.com')).toEqual(['Beta', 'Hot lead', 'VIP']);
		expect(state.fake.tags.size).toBe(4);
	});

	it('follows an e-mail change as the primary address, keeping other addresses and phones, and finds by exact e-mail only', async () => {
		const seeded = state.fake.seedPerson(['jane@example.com', 'jane@work.example'], { phones: [{ value: '+1 555 0100', primary: true, label: 'work' }] });
		// A person whose address merely contains the term must not match.
		state.fake.seedPerson(['xjane@example.com']);
		const changed = await run('upsert', [{ email: 'jane.doe@example.org', previousEmail: 'JANE@example.com', fields: { phone: '+1 555 0199' } }]);
		expect(changed.items[0]).toMatchObject({ action: 'updated', contactId: seeded.id });
		expect(state.fake.contactCount()).toBe(2);
		const person = state.fake.person('jane.doe@example.org')!;
		expect(person.emails).toEqual([
			{ value: 'jane.doe@example.org', primary: true, label: 'work' },
			{ value: 'jane@work.example', primary: false, label: 'work' },
		]);
		expect(person.phones).toEqual([{ value: '+1 555 0199', primary: true, label: 'work' }]);
		const searches = state.fake.requests.filter((r) => r.path === '/api/v2/persons/search');
		expect(searches.length).toBeGreaterThan(0);
		for (const search of searches) {
			expect(search.query.get('exact_match')).toBe('true');
			expect(search.query.get('fields')).toBe('email');
		}
		expect(state.fake.rejected).toEqual([]);
	});

	it('reads person fields to the last page and shows their names in the dropdown', async () => {
		const options = await harness().loadOptions(
			{ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'pipedrive', operation: 'upsert' } },
			'getCrmFields',
		);
		expect(options.find((o) => o.value === code('Extra 505'))).toMatchObject({ name: 'Extra 505 (custom)' });
		expect(options.find((o) => o.value === 'name')).toMatchObject({ name: 'Name (full name)' });
		// System fields (emails, label_ids, …) are not offered as custom fields.
		expect(options.map((o) => o.value)).not.toContain('label_ids');
		const pages = state.fake.requests.filter((r) => r.path === '/api/v2/personFields');
		expect(pages.map((r) => [r.query.get('limit'), r.query.get('cursor') !== null])).toEqual([
			['500', false],
			['500', true],
		]);
	});

	it('rides out the burst limit and the search limit with the x-ratelimit-reset wait, losing no one', async () => {
		state.fake.enforceRateLimit = true;
		state.fake.rateLimit = { max: 8, windowMs: 1000 };
		state.fake.searchLimit = { max: 3, windowMs: 1000 };
		const list = emails(6);
		const { items, error } = await run('upsert', list.map((email) => ({ email, fields: { [code('Company')]: email } })));
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(items.map((item) => item.action)).toEqual(list.map(() => 'created'));
		for (const email of list) expect(state.fake.person(email)?.[code('Company')]).toBe(email);
		const throttled = state.fake.requests.filter((r) => r.path === '/api/v2/persons/search');
		expect(throttled.length).toBeGreaterThan(list.length);
	}, 30_000);

	it('stops at once, saying what to do, when the daily allowance is used up', async () => {
		state.fake.dailyRequestsLeft = 0;
		const started = Date.now();
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		expect(Date.now() - started).toBeLessThan(5000);
		expect(error?.message).toMatch(/Pipedrive is still rate-limiting/);
		expect(error?.message).toMatch(/run it again later or raise the option/);
		expect(state.fake.contactCount()).toBe(0);
	});

	it("passes Pipedrive's own validation message on, and the fake refuses what the docs call invalid", async () => {
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { owner_id: '999' } }]);
		expect(error?.message).toBe('Pipedrive answered HTTP 400: Validation failed: owner_id: User 999 not found');

		const post = async (body: unknown) => {
			const response = await fetch(`${state.fake.url}/api/v2/persons`, {
				method: 'POST',
				headers: { 'x-api-token': PIPEDRIVE_TOKEN, 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
			return { status: response.status, body: (await response.json()) as Record<string, unknown> };
		};
		expect(await post({ emails: [{ value: 'a@example.com' }] })).toMatchObject({ status: 400, body: { success: false, error: 'Validation failed: name: Required' } });
		expect((await post({ name: 'A', custom_fields: { [code('Company')]: 5 } })).body.error).toMatch(/must be a string/);
		expect((await post({ name: 'A', org_id: '7' })).body.error).toMatch(/org_id: must be an integer/);
		expect((await post({ name: 'A', email: 'a@example.com' })).body.error).toMatch(/unknown properties email/);
		expect((await post({ name: 'A', label_ids: [123456] })).body.error).toMatch(/existing label ids/);
	});

	it('gets a person by id only when the id is numeric, and deletes twice without an error', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		const contactId = String(created.items[0].contactId);
		const bad = await run('get', [{}], { lookupBy: 'contactId', lookupContactId: 'abc' });
		expect(bad.items[0]).toMatchObject({ found: false });
		const once = await run('delete', [{}], { lookupBy: 'contactId', lookupContactId: contactId, confirmDelete: true });
		expect(once.error).toBeUndefined();
		const twice = await run('delete', [{}], { lookupBy: 'contactId', lookupContactId: contactId, confirmDelete: true });
		expect(twice.error).toBeUndefined();
		expect(state.fake.contactCount()).toBe(0);
	});
});
