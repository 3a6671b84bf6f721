/** Capsule specifics beyond the contract suite: documented bodies, exact e-mail matching in the global search, typed custom fields, e-mail change by entry id, tags, paging, the hourly quota, messages. */
import { toCapsuleDate } from '../../nodes/WpumCrm/adapters/capsule';
import { CAPSULE_TOKEN, type CapsuleFake } from './fakes/capsule';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { capsuleTarget } from './targets/capsule';

const bodies = (fake: CapsuleFake, method: string, path: RegExp) => fake.requests.filter((r) => r.method === method && path.test(r.path)).map((r) => r.body as any);

function seedTypedFields(fake: CapsuleFake) {
	fake.definitions.push(
		{ id: 301, name: 'Plan', type: 'list', displayOrder: 1, options: ['Free', 'Pro'] },
		{ id: 302, name: 'Score', type: 'number', displayOrder: 2 },
		{ id: 303, name: 'Newsletter', type: 'boolean', displayOrder: 3 },
		{ id: 304, name: 'Joined', type: 'date', displayOrder: 4, captureRule: 'person' },
		{ id: 305, name: 'Industry', type: 'text', displayOrder: 5, captureRule: 'organisation' },
	);
}

describe('Capsule adapter', () => {
	const { state, run, harness } = useTarget<CapsuleFake>(capsuleTarget as CrmTarget<CapsuleFake>);

	it('sends only documented bodies with the Bearer token: search, create {party}, partial update, delete', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { firstName: 'Jane', lastName: 'Doe', field_45: 'Acme', phoneNumber: '+44 20 7946 0000' }, tags: ['Member'] }]);
		expect(created.error).toBeUndefined();
		const contactId = String(created.items[0].contactId);
		const search = state.fake.requests.find((r) => r.path === '/api/v2/parties/search')!;
		expect(Object.fromEntries(search.query)).toEqual({ q: 'jane@example.com', embed: 'tags,fields', page: '1', perPage: '100' });
		expect(bodies(state.fake, 'POST', /\/parties$/)).toEqual([
			{
				party: {
					type: 'person',
					firstName: 'Jane',
					lastName: 'Doe',
					emailAddresses: [{ address: 'jane@example.com' }],
					phoneNumbers: [{ number: '+44 20 7946 0000' }],
					fields: [{ definition: { id: 45 }, value: 'Acme' }],
					tags: [{ name: 'Member' }],
				},
			},
		]);

		const updated = await run('upsert', [{ email: 'jane@example.com', fields: { jobTitle: 'CTO', lastName: 'Doe', field_45: 'Globex' } }]);
		expect(updated.items[0]).toMatchObject({ action: 'updated', contactId });
		const valueId = state.fake.fieldValuesOf(contactId)[0].id;
		// Unchanged keys are left out; the existing custom value is changed by its own id.
		expect(bodies(state.fake, 'PUT', /\/parties\/\d+$/)).toEqual([{ party: { jobTitle: 'CTO', fields: [{ id: valueId, definition: { id: 45 }, value: 'Globex' }] } }]);
		expect(state.fake.fieldValuesOf(contactId)).toHaveLength(1);

		const deleted = await run('delete', [{}], { lookupBy: 'contactId', lookupContactId: contactId, confirmDelete: true });
		expect(deleted.items[0]).toMatchObject({ deleted: true });
		expect(state.fake.contactCount()).toBe(0);

		expect(state.fake.violations).toEqual([]);
		for (const request of state.fake.requests) expect(request.headers.authorization).toBe(`Bearer ${CAPSULE_TOKEN}`);
	});

	it('uses the e-mail as first name when no name is mapped (Capsule needs one for a person)', async () => {
		await run('upsert', [{ email: 'nameless@example.com', fields: {} }]);
		expect(bodies(state.fake, 'POST', /\/parties$/)[0].party.firstName).toBe('nameless@example.com');
		expect(state.fake.violations).toEqual([]);
	});

	it('matches the e-mail exactly in the global search: not a longer address, not an organisation, any case', async () => {
		state.fake.seedPerson('jane@example.com.au', { firstName: 'Other' });
		state.fake.seedOrganisation('Jane Ltd', 'jane@example.com');
		const created = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		expect(created.items[0].action).toBe('created');
		expect(state.fake.contactCount()).toBe(3);
		const again = await run('upsert', [{ email: 'JANE@example.com', fields: {} }]);
		expect(again.items[0]).toMatchObject({ action: 'updated', contactId: created.items[0].contactId });
	});

	it('reads every page of the search until the person turns up', async () => {
		for (const email of emails(120, 'jane@example.com.')) state.fake.seedPerson(email.replace(/@example\.com$/, ''));
		const jane = state.fake.seedPerson('jane@example.com', { firstName: 'Jane' });
		const { items } = await run('upsert', [{ email: 'jane@example.com', fields: { lastName: 'Doe' } }]);
		expect(items[0]).toMatchObject({ action: 'updated', contactId: jane.id });
		const pages = state.fake.requests.filter((r) => r.path === '/api/v2/parties/search').map((r) => r.query.get('page'));
		expect(pages).toEqual(['1', '2']);
	});

	it('converts values to each custom field type: list option, number, boolean, YYYY-MM-DD; blank deletes the value by id', async () => {
		seedTypedFields(state.fake);
		const fields = { field_301: 'pro', field_302: '42.5', field_303: 'yes', field_304: '2024-03-01T10:00:00Z', field_45: ['a', 'b'] };
		const { items, error } = await run('upsert', [{ email: 'jane@example.com', fields }]);
		expect(error).toBeUndefined();
		expect(state.fake.violations).toEqual([]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({ field_301: 'Pro', field_302: 42.5, field_303: true, field_304: '2024-03-01', field_45: 'a, b' });
		expect(toCapsuleDate('2024-02-30')).toEqual({ problem: 'needs a date as YYYY-MM-DD, not "2024-02-30"' });

		const planId = state.fake.fieldValuesOf(String(items[0].contactId)).find((v) => (v.definition as { id: number }).id === 301)!.id;
		await run('upsert', [{ email: 'jane@example.com', fields: { field_301: '' } }]);
		expect(bodies(state.fake, 'PUT', /\/parties\//).at(-1)).toEqual({ party: { fields: [{ id: planId, _delete: true }] } });
		expect(state.fake.findByEmail('jane@example.com')?.fields.field_301).toBeUndefined();
	});

	it('fails a value that does not fit its field before sending anything, naming the field and its options', async () => {
		seedTypedFields(state.fake);
		const bad = await run('upsert', [{ email: 'jane@example.com', fields: { field_301: 'Enterprise' } }]);
		expect(bad.error?.message).toBe('Capsule custom field "Plan" (field_301) needs one of "Free", "Pro", not "Enterprise" (contact jane@example.com)');
		const date = await run('upsert', [{ email: 'jane@example.com', fields: { field_304: '01/03/2024' } }]);
		expect(date.error?.message).toMatch(/"Joined" \(field_304\) needs a date as YYYY-MM-DD/);
		expect(state.fake.writes).toHaveLength(0);
	});

	it('offers person fields only: an organisation-only custom field is neither listed nor accepted', async () => {
		seedTypedFields(state.fake);
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'capsule', operation: 'upsert' } }, 'getCrmFields');
		const keys = options.map((option) => option.value);
		expect(keys).toEqual(expect.arrayContaining(['firstName', 'lastName', 'jobTitle', 'about', 'phoneNumber', 'field_301', 'field_304', 'field_1130']));
		expect(keys).not.toContain('field_305');
		expect(state.fake.requests.filter((r) => r.path.endsWith('/fields/definitions')).map((r) => r.query.get('page'))).toEqual(['1', '2']);
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { field_305: 'Retail' } }]);
		expect(error?.message).toMatch(/Capsule has no field "field_305"/);
		expect(state.fake.writes).toHaveLength(0);
	});

	it('changes the e-mail in place (the same entry id) and keeps the other addresses', async () => {
		const seeded = state.fake.seedPerson('jane@example.com', { emails: ['jane@example.com', 'jd@work.example'] });
		const entryId = state.fake.extras.get(seeded.id)!.emailAddresses[0].id;
		const moved = await run('upsert', [{ email: 'jane.doe@example.org', previousEmail: 'jane@example.com', fields: {} }]);
		expect(moved.items[0]).toMatchObject({ action: 'updated', contactId: seeded.id });
		expect(bodies(state.fake, 'PUT', /\/parties\//)).toEqual([{ party: { emailAddresses: [{ id: entryId, address: 'jane.doe@example.org' }] } }]);
		expect(state.fake.emailsOf(seeded.id)).toEqual(['jane.doe@example.org', 'jd@work.example']);
		expect(state.fake.contactCount()).toBe(1);
	});

	it('adds tags by name (creating new ones), removes them by id with _delete, and writes nothing when nothing changes', async () => {
		const seeded = state.fake.seedPerson('jane@example.com', { tags: ['VIP'] });
		await run('addTags', [{ contactId: seeded.id, tags: ['vip', 'Brand New'] }]);
		expect(bodies(state.fake, 'PUT', /\/parties\//)).toEqual([{ party: { tags: [{ name: 'Brand New' }] } }]);
		expect([...state.fake.tags.values()].map((t) => t.name).sort()).toEqual(['Brand New', 'VIP']);
		const vipId = Number([...state.fake.tags.values()].find((t) => t.name === 'VIP')!.id);
		await run('removeTags', [{ contactId: seeded.id, tags: ['vip', 'Unknown'] }]);
		expect(bodies(state.fake, 'PUT', /\/parties\//).at(-1)).toEqual({ party: { tags: [{ id: vipId, _delete: true }] } });
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Brand New']);
		const before = state.fake.writes.length;
		await run('addTags', [{ contactId: seeded.id, tags: ['Brand New'] }]);
		await run('removeTags', [{ contactId: seeded.id, tags: ['VIP'] }]);
		expect(state.fake.writes.length).toBe(before);
		expect(state.fake.violations).toEqual([]);
	});

	it('lists every tag, 100 a page, following the Link header to the last page', async () => {
		for (let n = 1; n <= 205; n++) state.fake.seedPerson(`t${n}@example.com`, { tags: [`Tag ${n}`] });
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'capsule', operation: 'upsert' } }, 'getCrmTags');
		expect(options).toHaveLength(205);
		expect(options.at(-1)?.value).toBe('Tag 205');
		expect(state.fake.requests.filter((r) => r.path === '/api/v2/parties/tags').map((r) => [r.query.get('page'), r.query.get('perPage')])).toEqual([
			['1', '100'],
			['2', '100'],
			['3', '100'],
		]);
	});

	it("waits for Capsule's X-RateLimit-Reset when the hourly quota runs out, without losing a contact", async () => {
		state.fake.quota = { max: 5, windowMs: 2_000 };
		state.fake.enforceQuota = true;
		const input = emails(3).map((email, n) => ({ email, fields: { field_45: `v${n}` } }));
		const started = Date.now();
		const { items, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(Date.now() - started).toBeGreaterThanOrEqual(500);
		expect(items.map((item) => item.action)).toEqual(['created', 'created', 'created']);
		expect(state.fake.contactCount()).toBe(3);
	});

	it('says when the quota resets later than the node may wait, and sends nothing more', async () => {
		state.fake.quota = { max: 1, windowMs: 3_600_000 };
		state.fake.enforceQuota = true;
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { field_45: 'x' } }], { options: { maxRateLimitWait: 5 } });
		expect(error?.message).toMatch(/Capsule is still rate-limiting .* "Max Rate-Limit Wait" option, 5 s\)\. Nothing was sent for this item/);
		expect(state.fake.contactCount()).toBe(0);
	});

	it('the fake refuses what Capsule documents as invalid, with its validation answer', async () => {
		const send = async (body: unknown) =>
			await fetch(`${state.fake.url}/api/v2/parties`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${CAPSULE_TOKEN}` },
				body: JSON.stringify(body),
			});
		const noName = await send({ party: { type: 'person', emailAddresses: [{ address: 'a@example.com' }] } });
		expect(noName.status).toBe(422);
		expect(await noName.json()).toEqual({ message: 'Validation failed', errors: [{ message: 'person first name or last name is required', resource: 'party', field: 'firstName' }] });
		expect((await send({ type: 'person', firstName: 'A' })).status).toBe(422);
		expect((await send({ party: { type: 'person', firstName: 'A', fields: [{ definition: { id: 45 }, value: 5 }] } })).status).toBe(422);
		expect((await send({ party: { type: 'person', firstName: 'A', tags: [{ _delete: true }] } })).status).toBe(422);
		expect(state.fake.violations).toHaveLength(4);
		expect(state.fake.contactCount()).toBe(0);
		const ok = await send({ party: { type: 'person', firstName: 'A' } });
		expect(ok.status).toBe(201);
		expect(ok.headers.get('x-ratelimit-limit')).toBe('4000');
	});

	it("passes Capsule's validation message and field through to the item", async () => {
		const { error } = await run('upsert', [{ email: 'jane@example', fields: {} }]);
		expect(error?.message).toBe('Capsule answered HTTP 422: Validation failed: email address is invalid (emailAddresses.address)');
	});

	it('points at the stored contact id when tagging a party Capsule does not have', async () => {
		const { error } = await run('addTags', [{ contactId: '999999', tags: ['VIP'] }]);
		expect(error?.message).toMatch(/Capsule has no party 999999/);
	});
});
