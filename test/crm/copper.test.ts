/** Copper specifics beyond the contract suite: documented bodies, typed custom fields, merged tags, e-mail changes, tag paging, the 180/min limit, messages. */
import { toCopperDate } from '../../nodes/WpumCrm/adapters/copper';
import { COPPER_KEY, COPPER_USER, type CopperFake } from './fakes/copper';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { copperTarget } from './targets/copper';

const bodies = (fake: CopperFake, method: string, path: RegExp) => fake.requests.filter((r) => r.method === method && path.test(r.path)).map((r) => r.body as any);

function seedTypedFields(fake: CopperFake) {
	fake.definitions.push(
		{ id: 301, name: 'Plan', data_type: 'Dropdown', available_on: ['person'], options: [{ id: 11, name: 'Free', rank: 0 }, { id: 12, name: 'Pro', rank: 1 }] },
		{ id: 302, name: 'Interests', data_type: 'MultiSelect', available_on: ['person'], options: [{ id: 21, name: 'Golf', rank: 0 }, { id: 22, name: 'Chess', rank: 1 }] },
		{ id: 303, name: 'Joined', data_type: 'Date', available_on: ['person'] },
		{ id: 304, name: 'Newsletter', data_type: 'Checkbox', available_on: ['person'] },
		{ id: 305, name: 'Score', data_type: 'Float', available_on: ['person'] },
		{ id: 306, name: 'Deal stage', data_type: 'String', available_on: ['opportunity'] },
		{ id: 307, name: 'Linked', data_type: 'Connect', available_on: ['person'] },
	);
}

describe('Copper adapter', () => {
	const { state, run, harness } = useTarget<CopperFake>(copperTarget as CrmTarget<CopperFake>);

	it('sends only documented bodies with the three X-PW headers: fetch by e-mail, create with name and e-mail, partial update, delete', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { first_name: 'Jane', last_name: 'Doe', cf_100764: 'Acme', city: 'Boston' }, tags: ['Member'] }]);
		expect(created.error).toBeUndefined();
		const contactId = String(created.items[0].contactId);
		expect(bodies(state.fake, 'POST', /\/people\/fetch_by_email$/)).toEqual([{ email: 'jane@example.com' }]);
		expect(bodies(state.fake, 'POST', /\/people$/)).toEqual([
			{
				name: 'Jane Doe',
				emails: [{ email: 'jane@example.com', category: 'work' }],
				custom_fields: [{ custom_field_definition_id: 100764, value: 'Acme' }],
				address: { city: 'Boston' },
				tags: ['Member'],
			},
		]);

		const updated = await run('upsert', [{ email: 'jane@example.com', fields: { title: 'CTO', last_name: 'Smith' } }]);
		expect(updated.items[0]).toMatchObject({ action: 'updated', contactId });
		expect(bodies(state.fake, 'PUT', /\/people\/\d+$/)).toEqual([{ title: 'CTO', name: 'Jane Smith' }]);

		const deleted = await run('delete', [{}], { lookupBy: 'contactId', lookupContactId: contactId, confirmDelete: true });
		expect(deleted.items[0]).toMatchObject({ deleted: true });
		expect(state.fake.contactCount()).toBe(0);

		expect(state.fake.violations).toEqual([]);
		for (const request of state.fake.requests) {
			expect(request.headers).toMatchObject({ 'x-pw-accesstoken': COPPER_KEY, 'x-pw-application': 'developer_api', 'x-pw-useremail': COPPER_USER });
		}
	});

	it('converts values to each custom field type: dropdown and multi-select option ids, Unix dates, booleans, numbers', async () => {
		seedTypedFields(state.fake);
		const fields = { cf_301: 'pro', cf_302: 'Golf, chess', cf_303: '2024-03-01', cf_304: 'yes', cf_305: '42.5', cf_100764: ['a', 'b'] };
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields }]);
		expect(error).toBeUndefined();
		expect(state.fake.violations).toEqual([]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({
			cf_301: 12,
			cf_302: [21, 22],
			cf_303: Date.UTC(2024, 2, 1) / 1000,
			cf_304: true,
			cf_305: 42.5,
			cf_100764: 'a, b',
		});
		expect(toCopperDate('2024-03-01T12:00:00Z')).toEqual({ value: Date.UTC(2024, 2, 1, 12) / 1000 });
		expect(toCopperDate(1709294400000)).toEqual({ value: 1709294400 });

		// An empty value clears the field (null).
		await run('upsert', [{ email: 'jane@example.com', fields: { cf_301: '' } }]);
		expect(state.fake.findByEmail('jane@example.com')?.fields.cf_301).toBeNull();
	});

	it('fails a value that does not fit its field before sending anything, naming the field and the options', async () => {
		seedTypedFields(state.fake);
		const writes = state.fake.writes.length;
		const bad = await run('upsert', [{ email: 'jane@example.com', fields: { cf_301: 'Enterprise' } }]);
		expect(bad.error?.message).toMatch(/Copper custom field "Plan" \(cf_301\) needs one of "Free", "Pro", not "Enterprise"/);
		const date = await run('upsert', [{ email: 'jane@example.com', fields: { cf_303: 'next week' } }]);
		expect(date.error?.message).toMatch(/needs a date as YYYY-MM-DD/);
		// Fields of other records and Connect fields are not person fields (the node checks keys against listFields).
		const other = await run('upsert', [{ email: 'jane@example.com', fields: { cf_306: 'x' } }]);
		expect(other.error?.message).toMatch(/Copper has no field "cf_306".*Valid keys: first_name/);
		expect(state.fake.writes.length).toBe(writes);
		expect(state.fake.contactCount()).toBe(0);
	});

	it('lists person fields only: standard ones, then custom fields available on people (not Connect, not other records)', async () => {
		seedTypedFields(state.fake);
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'copper', operation: 'upsert' } }, 'getCrmFields');
		const keys = options.map((option) => option.value);
		expect(keys.slice(0, 3)).toEqual(['first_name', 'last_name', 'title']);
		expect(keys).toEqual(expect.arrayContaining(['cf_301', 'cf_302', 'cf_303', 'cf_304', 'cf_305', 'cf_100764']));
		expect(keys).not.toContain('cf_306');
		expect(keys).not.toContain('cf_307');
	});

	it('merges tags into the list the person has, and removes only the named ones', async () => {
		const seeded = state.fake.seedPerson('jane@example.com', { name: 'Jane', tags: ['Old', 'VIP'] });
		const upserted = await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['vip', 'New'] }]);
		expect(upserted.items[0]).toMatchObject({ action: 'updated', contactId: seeded.id });
		expect(bodies(state.fake, 'PUT', /\/people\//)).toEqual([{ tags: ['Old', 'VIP', 'New'] }]);
		await run('removeTags', [{ contactId: seeded.id, tags: ['old', 'Unknown'] }]);
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['New', 'VIP']);
		// Nothing to change: no write at all.
		const before = state.fake.writes.length;
		await run('addTags', [{ contactId: seeded.id, tags: ['New'] }]);
		expect(state.fake.writes.length).toBe(before);
	});

	it('changes the e-mail in place and keeps the other addresses of the person', async () => {
		const seeded = state.fake.seedPerson('jane@example.com', {
			name: 'Jane Doe',
			emails: [{ email: 'jane@example.com', category: 'personal' }, { email: 'jd@work.example', category: 'work' }],
		});
		const moved = await run('upsert', [{ email: 'jane.doe@example.org', previousEmail: 'jane@example.com', fields: {} }]);
		expect(moved.items[0]).toMatchObject({ action: 'updated', contactId: seeded.id });
		expect(state.fake.emailsOf(seeded.id)).toEqual([
			{ email: 'jane.doe@example.org', category: 'personal' },
			{ email: 'jd@work.example', category: 'work' },
		]);
		expect(state.fake.contactCount()).toBe(1);
	});

	it('says to merge the people when the new e-mail belongs to another person, and changes nothing', async () => {
		const jane = state.fake.seedPerson('jane@example.com', { name: 'Jane' });
		state.fake.seedPerson('jane.doe@example.org', { name: 'Other' });
		const { error } = await run('upsert', [{ email: 'jane.doe@example.org', contactId: jane.id, fields: {} }]);
		// By e-mail the node finds the other person first only without a stored id; with the id it moves Jane.
		expect(error?.message).toMatch(/Copper already has another person with the e-mail jane.doe@example.org/);
		expect(error?.description).toMatch(/Merge the two people in Copper/);
		expect(state.fake.emailsOf(jane.id)).toEqual([{ email: 'jane@example.com', category: 'work' }]);
	});

	it('reads the tags in use from every page of the people search (200 a page)', async () => {
		for (const [n, email] of emails(405).entries()) state.fake.seedPerson(email, { tags: n === 404 ? ['Last Page'] : ['Common'] });
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'copper', operation: 'upsert' } }, 'getCrmTags');
		expect(options.map((option) => option.value)).toEqual(['Common', 'Last Page']);
		expect(bodies(state.fake, 'POST', /\/people\/search$/).map((b) => b.page_number)).toEqual([1, 2, 3]);
		expect(bodies(state.fake, 'POST', /\/people\/search$/).every((b) => b.page_size === 200)).toBe(true);
	});

	it("rides out Copper's rolling-window limit (429, no headers) without losing a contact", async () => {
		state.fake.rateLimit = { max: 4, windowMs: 1_500 };
		state.fake.enforceRateLimit = true;
		const input = emails(4).map((email, n) => ({ email, fields: { cf_100764: `v${n}` } }));
		const { items, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(items.map((item) => item.action)).toEqual(['created', 'created', 'created', 'created']);
		expect(state.fake.contactCount()).toBe(4);
	});

	it('the fake refuses what Copper documents as invalid: no name, a bad category, a wrong custom value', async () => {
		const send = async (body: unknown) =>
			await fetch(`${state.fake.url}/developer_api/v1/people`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-pw-accesstoken': COPPER_KEY, 'x-pw-application': 'developer_api', 'x-pw-useremail': COPPER_USER },
				body: JSON.stringify(body),
			});
		const noName = await send({ emails: [{ email: 'a@example.com', category: 'work' }] });
		expect(noName.status).toBe(422);
		expect(await noName.json()).toEqual({ success: false, status: 422, message: "Validation error: Name can't be blank" });
		expect((await send({ name: 'A', emails: [{ email: 'a@example.com', category: 'office' }] })).status).toBe(422);
		expect((await send({ name: 'A', custom_fields: [{ custom_field_definition_id: 100764, value: 5 }] })).status).toBe(422);
		expect(state.fake.violations).toHaveLength(3);
		expect(state.fake.contactCount()).toBe(0);
	});

	it("passes Copper's own validation message through to the item", async () => {
		const { error } = await run('upsert', [{ email: 'jane@example', fields: {} }]);
		expect(error?.message).toBe('Copper answered HTTP 422: Validation error: Email is invalid (jane@example)');
	});
});
