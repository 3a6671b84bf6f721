/** Agile CRM specifics beyond the contract suite: documented bodies, case fallback in the e-mail search, typed custom fields and the address, e-mail change by subtype, tag names, tag listing, the rate limit, messages. */
import { agilecrm, toAgileDate } from '../../nodes/WpumCrm/adapters/agilecrm';
import { WpumCrm } from '../../nodes/WpumCrm/WpumCrm.node';
import { Harness } from '../harness';
import { AGILE_KEY, AGILE_USER, type AgileCrmFake } from './fakes/agilecrm';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { agilecrmTarget } from './targets/agilecrm';

const bodies = (fake: AgileCrmFake, method: string, path: RegExp) => fake.requests.filter((r) => r.method === method && path.test(r.path)).map((r) => r.body as any);
const searches = (fake: AgileCrmFake) => fake.requests.filter((r) => r.method === 'GET' && r.path.includes('/search/')).map((r) => r.path);
const basic = `Basic ${Buffer.from(`${AGILE_USER}:${AGILE_KEY}`).toString('base64')}`;

function seedTypedFields(fake: AgileCrmFake) {
	fake.customFields.push(
		{ id: 301, field_label: 'Plan', field_type: 'LIST', field_data: 'Free;Pro' },
		{ id: 302, field_label: 'Score', field_type: 'NUMBER' },
		{ id: 303, field_label: 'Newsletter', field_type: 'CHECKBOX' },
		{ id: 304, field_label: 'Joined', field_type: 'DATE' },
		{ id: 305, field_label: 'Lifetime Value', field_type: 'FORMULA' },
	);
}

describe('Agile CRM adapter', () => {
	const { state, run, harness } = useTarget<AgileCrmFake>(agilecrmTarget as CrmTarget<AgileCrmFake>);

	it('sends only documented bodies with Basic auth: search, create {properties, tags}, partial edit-properties, delete', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { first_name: 'Jane', last_name: 'Doe', 'Membership Level': 'Gold', phone: '+44 20 7946 0000' }, tags: ['Member'] }]);
		expect(created.error).toBeUndefined();
		const contactId = String(created.items[0].contactId);
		expect(searches(state.fake)).toEqual(['/dev/api/contacts/search/email/jane%40example.com']);
		expect(bodies(state.fake, 'POST', /\/contacts$/)).toEqual([
			{
				properties: [
					{ type: 'SYSTEM', name: 'first_name', value: 'Jane' },
					{ type: 'SYSTEM', name: 'last_name', value: 'Doe' },
					{ type: 'CUSTOM', name: 'Membership Level', value: 'Gold' },
					{ type: 'SYSTEM', name: 'phone', subtype: 'work', value: '+44 20 7946 0000' },
					{ type: 'SYSTEM', name: 'email', subtype: 'work', value: 'jane@example.com' },
				],
				tags: ['Member'],
			},
		]);

		const updated = await run('upsert', [{ email: 'jane@example.com', fields: { title: 'CTO', 'Membership Level': 'Platinum' }, tags: ['Member', 'Speaker'] }]);
		expect(updated.items[0]).toMatchObject({ action: 'updated', contactId });
		// Only the mapped properties (the e-mail is unchanged), then only the tag the contact lacks.
		expect(bodies(state.fake, 'PUT', /\/contacts\/edit-properties$/)).toEqual([
			{ id: contactId, properties: [{ type: 'SYSTEM', name: 'title', value: 'CTO' }, { type: 'CUSTOM', name: 'Membership Level', value: 'Platinum' }] },
		]);
		expect(bodies(state.fake, 'PUT', /\/contacts\/edit\/tags$/)).toEqual([{ id: contactId, tags: ['Speaker'] }]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({ first_name: 'Jane', last_name: 'Doe', title: 'CTO', 'Membership Level': 'Platinum' });

		const deleted = await run('delete', [{}], { lookupBy: 'contactId', lookupContactId: contactId, confirmDelete: true });
		expect(deleted.items[0]).toMatchObject({ deleted: true });
		expect(state.fake.contactCount()).toBe(0);

		expect(state.fake.violations).toEqual([]);
		for (const request of state.fake.requests) {
			expect(request.headers.authorization).toBe(basic);
			expect(request.headers.accept).toBe('application/json');
		}
	});

	it("uses the e-mail's local part as first name when none is mapped (Agile requires one)", async () => {
		await run('upsert', [{ email: 'nameless@example.com', fields: {} }]);
		expect(bodies(state.fake, 'POST', /\/contacts$/)[0].properties[0]).toEqual({ type: 'SYSTEM', name: 'first_name', value: 'nameless' });
		expect(state.fake.violations).toEqual([]);
	});

	it('searches the e-mail as given, then in lower case (Agile matches case-sensitively)', async () => {
		const jane = state.fake.seedContact('jane@example.com');
		const { items } = await run('upsert', [{ email: 'Jane@Example.com', fields: { last_name: 'Doe' } }]);
		expect(items[0]).toMatchObject({ action: 'updated', contactId: jane.id });
		expect(searches(state.fake)).toEqual([
			'/dev/api/contacts/search/email/Jane%40Example.com',
			'/dev/api/contacts/search/email/jane%40example.com',
		]);
		// The e-mail is written as the user now spells it, over the same (work) address.
		expect(state.fake.propertiesOf('Jane@Example.com').filter((p) => p.name === 'email')).toEqual([{ type: 'SYSTEM', name: 'email', subtype: 'work', value: 'Jane@Example.com' }]);
		expect(state.fake.contactCount()).toBe(1);
	});

	it('changes the e-mail in place (same subtype) and keeps the contact’s other addresses', async () => {
		const jane = state.fake.seedContact('jane@example.com', {
			emails: [
				{ value: 'jane.work@corp.example', subtype: 'work' },
				{ value: 'jane@example.com', subtype: 'personal' },
			],
		});
		const { items } = await run('upsert', [{ email: 'jane.doe@example.org', previousEmail: 'jane@example.com', fields: {} }]);
		expect(items[0]).toMatchObject({ action: 'updated', contactId: jane.id, email: 'jane.doe@example.org' });
		expect(bodies(state.fake, 'PUT', /\/contacts\/edit-properties$/)).toEqual([
			{ id: jane.id, properties: [{ type: 'SYSTEM', name: 'email', subtype: 'personal', value: 'jane.doe@example.org' }] },
		]);
		expect(state.fake.props.get(jane.id)!.filter((p) => p.name === 'email').map((p) => p.value)).toEqual(['jane.work@corp.example', 'jane.doe@example.org']);
		expect(state.fake.contactCount()).toBe(1);
	});

	it('creates the contact again when the stored id no longer exists in Agile', async () => {
		const { items } = await run('upsert', [{ email: 'jane@example.com', contactId: '5700000000009999', fields: {} }]);
		expect(items[0]).toMatchObject({ action: 'created' });
		expect(state.fake.requests.map((r) => `${r.method} ${r.path}`).slice(0, 2)).toEqual(['GET /dev/api/contacts/5700000000009999', 'GET /dev/api/contacts/search/email/jane%40example.com']);
		expect(state.fake.contactCount()).toBe(1);
	});

	it('converts values to what each custom field type takes: list option, number, on/off, Unix seconds', async () => {
		seedTypedFields(state.fake);
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { Plan: 'pro', Score: '42', Newsletter: 'yes', Joined: '2024-03-05' } }]);
		expect(error).toBeUndefined();
		const custom = bodies(state.fake, 'POST', /\/contacts$/)[0].properties.filter((p: any) => p.type === 'CUSTOM');
		expect(custom).toEqual([
			{ type: 'CUSTOM', name: 'Plan', value: 'Pro' },
			{ type: 'CUSTOM', name: 'Score', value: '42' },
			{ type: 'CUSTOM', name: 'Newsletter', value: 'on' },
			{ type: 'CUSTOM', name: 'Joined', value: Date.UTC(2024, 2, 5, 12) / 1000 },
		]);
		expect(state.fake.violations).toEqual([]);
	});

	it('turns dates into Unix seconds and says what it needs otherwise', () => {
		expect(toAgileDate('2024-03-05')).toEqual({ value: 1709640000 });
		expect(toAgileDate('2024-03-05T08:30:00Z')).toEqual({ value: 1709627400 });
		expect(toAgileDate(1709627400000)).toEqual({ value: 1709627400 });
		expect(toAgileDate('1709627400')).toEqual({ value: 1709627400 });
		expect(toAgileDate('2024-02-30').problem).toMatch(/needs a date/);
		expect(toAgileDate('next week').problem).toMatch(/needs a date \(YYYY-MM-DD, an ISO date-time or Unix seconds\), not "next week"/);
	});

	it('fails a value that does not fit its field before sending anything, saying what it needs', async () => {
		seedTypedFields(state.fake);
		const cases: Array<[Record<string, unknown>, RegExp]> = [
			[{ Plan: 'Enterprise' }, /"Plan" needs one of "Free", "Pro", not "Enterprise" \(contact jane@example\.com\)/],
			[{ Score: 'many' }, /"Score" needs a number, not "many"/],
			[{ Newsletter: 'maybe' }, /"Newsletter" needs yes\/no/],
			[{ Joined: 'soon' }, /"Joined" needs a date/],
			[{ 'Lifetime Value': '10' }, /"Lifetime Value" is a formula field: Agile CRM computes it/],
		];
		for (const [fields, message] of cases) {
			const { error } = await run('upsert', [{ email: 'jane@example.com', fields }]);
			expect(error?.message).toMatch(message);
		}
		expect(state.fake.writes).toHaveLength(0);
	});

	it('merges the address parts into the one JSON address property, keeping the parts not mapped', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { 'address.city': 'Sydney', 'address.country': 'Australia' } }]);
		expect(bodies(state.fake, 'POST', /\/contacts$/)[0].properties).toContainEqual({ type: 'SYSTEM', name: 'address', value: '{"city":"Sydney","country":"Australia"}' });
		await run('upsert', [{ email: 'jane@example.com', fields: { 'address.city': 'Melbourne', 'address.zip': '3000' } }]);
		const address = state.fake.props.get(String(created.items[0].contactId))!.filter((p) => p.name === 'address');
		expect(address).toHaveLength(1);
		expect(JSON.parse(String(address[0].value))).toEqual({ city: 'Melbourne', country: 'Australia', zip: '3000' });
		expect(state.fake.violations).toEqual([]);
	});

	it('refuses tag names Agile does not accept before sending anything, and says how to rename them', async () => {
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['wpum-member', 'VIP'] }]);
		expect(error?.message).toBe('Agile CRM does not accept the tag name "wpum-member" (contact jane@example.com)');
		expect((error as any)?.description).toMatch(/start with a letter and contain only letters, digits, spaces and underscores/);
		expect(state.fake.requests).toHaveLength(0);
	});

	it('adds only the tags the contact lacks (names are case-sensitive in Agile), removes only those it has, and lists the account tags', async () => {
		const jane = state.fake.seedContact('jane@example.com', { tags: ['Member'] });
		await run('addTags', [{ email: 'jane@example.com', tags: ['Member', 'Beta_Tester'] }]);
		await run('addTags', [{ email: 'jane@example.com', tags: ['member'] }]);
		expect(bodies(state.fake, 'PUT', /\/contacts\/edit\/tags$/)).toEqual([
			{ id: jane.id, tags: ['Beta_Tester'] },
			{ id: jane.id, tags: ['member'] },
		]);
		await run('removeTags', [{ contactId: jane.id, email: 'jane@example.com', tags: ['member', 'Never Had'] }]);
		expect(bodies(state.fake, 'PUT', /\/contacts\/delete\/tags$/)).toEqual([{ id: jane.id, tags: ['member'] }]);
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Beta_Tester', 'Member']);

		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'agilecrm', operation: 'upsert' } }, 'getCrmTags');
		expect(options.map((option) => option.value)).toEqual(['Member', 'Beta_Tester', 'member']);
		expect(state.fake.violations).toEqual([]);
	});

	it('lists the system fields, the address parts and every custom field from the one answer', async () => {
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'agilecrm', operation: 'upsert' } }, 'getCrmFields');
		const keys = options.map((option) => option.value);
		expect(keys.slice(0, 11)).toEqual(['first_name', 'last_name', 'company', 'title', 'phone', 'website', 'address.address', 'address.city', 'address.state', 'address.zip', 'address.country']);
		expect(keys).toHaveLength(11 + 61);
		expect(keys[keys.length - 1]).toBe('Extra 60');
		const listing = state.fake.requests.filter((r) => r.path === '/dev/api/custom-fields/scope');
		expect(listing.map((r) => r.query.get('scope'))).toEqual(['CONTACT']);
	});

	it('rides out the rate limit (a bare 429, no Retry-After) without losing a contact', async () => {
		state.fake.rateLimit = { max: 4, windowMs: 1_500 };
		state.fake.enforceRateLimit = true;
		const input = emails(4).map((email, n) => ({ email, fields: { 'Membership Level': `v${n}` } }));
		const { items, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(items.map((item) => item.action)).toEqual(['created', 'created', 'created', 'created']);
		expect(state.fake.contactCount()).toBe(4);
	});

	it("passes Agile's plain-text error through to the item, and names the credential on 401", async () => {
		const invalid = await run('upsert', [{ email: 'jane@example', fields: {} }]);
		expect(invalid.error?.message).toBe('Agile CRM answered HTTP 400: Invalid email address: jane@example');

		const h = new Harness({ nodeTypes: [WpumCrm], credentialTypes: [agilecrmTarget.credentialClass], credentials: { wpumAgileCrmApi: agilecrmTarget.badCredentials(state.fake) } });
		const { error } = await h.runNode({ type: 'wpumCrm', parameters: { crm: 'agilecrm', operation: 'upsert' } }, [{ email: 'jane@example.com', fields: {} }]);
		expect(error?.message).toBe(
			'Agile CRM refused the request (HTTP 401: Unauthorized: wrong user e-mail or API key). Check the Agile CRM credential: its key or password, and that it may access contacts.',
		);
	});

	it('says which stored contact id is unknown when tagging by id', async () => {
		const { error } = await run('addTags', [{ contactId: '5700000000009999', tags: ['VIP'] }]);
		expect(error?.message).toMatch(/Agile CRM has no contact 5700000000009999\. Check the stored contact id or look the contact up by e-mail/);
		expect(state.fake.writes).toHaveLength(0);
	});

	it('builds the API address from the domain, or takes the base URL as given', () => {
		expect(agilecrm.baseUrl({ domain: 'acme' })).toBe('https://acme.agilecrm.com/dev/api');
		expect(agilecrm.baseUrl({ domain: 'https://acme.agilecrm.com/' })).toBe('https://acme.agilecrm.com/dev/api');
		expect(agilecrm.baseUrl({ domain: 'acme', baseUrl: 'http://127.0.0.1:9/dev/api/' })).toBe('http://127.0.0.1:9/dev/api');
	});

	it('the fake refuses what Agile documents as invalid: no first name, a null value, a bad tag name, a duplicate e-mail', async () => {
		const send = async (body: unknown) =>
			await fetch(`${state.fake.url}/dev/api/contacts`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json', authorization: basic },
				body: JSON.stringify(body),
			});
		const email = { type: 'SYSTEM', name: 'email', value: 'a@example.com' };
		const noName = await send({ properties: [email] });
		expect(noName.status).toBe(400);
		expect(await noName.text()).toBe('first_name is mandatory');
		expect((await send({ properties: [{ type: 'SYSTEM', name: 'first_name', value: null }, email] })).status).toBe(400);
		expect((await send({ properties: [{ type: 'SYSTEM', name: 'first_name', value: 'A' }, email], tags: ['1st'] })).status).toBe(400);
		expect((await send({ properties: [{ type: 'SYSTEM', name: 'first_name', value: 'A' }, email] })).status).toBe(200);
		const duplicate = await send({ properties: [{ type: 'SYSTEM', name: 'first_name', value: 'B' }, email] });
		expect(duplicate.status).toBe(400);
		expect(await duplicate.text()).toBe('Sorry, duplicate contact found with the same email address.');
		expect(state.fake.violations).toHaveLength(4);
		expect(state.fake.contactCount()).toBe(1);
	});
});
