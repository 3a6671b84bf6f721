/** HighLevel specifics beyond the contract suite: documented bodies, typed custom fields, tags that are added (never replaced), e-mail changes, the location scope, the burst and daily limits, messages. */
import { WpumHighLevelApi } from '../../credentials/WpumHighLevelApi.credentials';
import { toHighLevelDate } from '../../nodes/WpumCrm/adapters/highlevel';
import { WpumCrm } from '../../nodes/WpumCrm/WpumCrm.node';
import { Harness } from '../harness';
import { HIGHLEVEL_LOCATION, HIGHLEVEL_TOKEN, HIGHLEVEL_VERSION, type HighLevelFake } from './fakes/highlevel';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { highlevelTarget } from './targets/highlevel';

const bodies = (fake: HighLevelFake, method: string, path: RegExp) => fake.requests.filter((r) => r.method === method && path.test(r.path)).map((r) => r.body as any);

function seedTypedFields(fake: HighLevelFake) {
	fake.customFields.push(
		{ id: 'cfPlan', name: 'Plan', fieldKey: 'contact.plan', dataType: 'SINGLE_OPTIONS', picklistOptions: ['Free', 'Pro'] },
		{ id: 'cfInterests', name: 'Interests', fieldKey: 'contact.interests', dataType: 'MULTIPLE_OPTIONS', picklistOptions: ['Golf', 'Chess'] },
		{ id: 'cfConsent', name: 'Consent', fieldKey: 'contact.consent', dataType: 'CHECKBOX', picklistOptions: ['Email', 'SMS'] },
		{ id: 'cfJoined', name: 'Joined', fieldKey: 'contact.joined', dataType: 'DATE' },
		{ id: 'cfScore', name: 'Score', fieldKey: 'contact.score', dataType: 'NUMERICAL' },
		{ id: 'cfFile', name: 'Avatar', fieldKey: 'contact.avatar', dataType: 'FILE_UPLOAD' },
		{ id: 'cfDeal', name: 'Deal size', fieldKey: 'opportunity.deal_size', dataType: 'MONETORY', model: 'opportunity' },
	);
}

describe('HighLevel adapter', () => {
	const { state, run, harness } = useTarget<HighLevelFake>(highlevelTarget as CrmTarget<HighLevelFake>);

	it('sends only documented bodies with the token and Version headers: upsert in the location, tags through the tag route, update by id, delete', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { firstName: 'Jane', 'contact.company': 'Acme', city: 'Boston' }, tags: ['Member'] }]);
		expect(created.error).toBeUndefined();
		expect(created.items[0]).toMatchObject({ action: 'created' });
		const contactId = String(created.items[0].contactId);
		expect(bodies(state.fake, 'POST', /^\/contacts\/upsert$/)).toEqual([
			{ firstName: 'Jane', customFields: [{ id: 'cfCompany00000000001', field_value: 'Acme' }], city: 'Boston', locationId: HIGHLEVEL_LOCATION, email: 'jane@example.com' },
		]);
		// `tags` in the upsert body would replace all tags: they go through the tag route.
		expect(bodies(state.fake, 'POST', /^\/contacts\/[^/]+\/tags$/)).toEqual([{ tags: ['Member'] }]);

		const moved = await run('upsert', [{ email: 'jane.doe@example.org', contactId, fields: { lastName: 'Doe' } }]);
		expect(moved.items[0]).toMatchObject({ action: 'updated', contactId });
		expect(bodies(state.fake, 'PUT', /^\/contacts\/[^/]+$/)).toEqual([{ lastName: 'Doe', email: 'jane.doe@example.org' }]);

		const deleted = await run('delete', [{}], { lookupBy: 'contactId', lookupContactId: contactId, confirmDelete: true });
		expect(deleted.items[0]).toMatchObject({ deleted: true });
		expect(state.fake.contactCount()).toBe(0);

		expect(state.fake.violations).toEqual([]);
		for (const request of state.fake.requests) {
			expect(request.headers).toMatchObject({ authorization: `Bearer ${HIGHLEVEL_TOKEN}`, version: HIGHLEVEL_VERSION });
		}
	});

	it('the fake refuses what the docs refuse, with the documented 422 shape (so the checks above can fail)', async () => {
		const response = await fetch(`${state.fake.url}/contacts/upsert`, {
			method: 'POST',
			headers: { authorization: `Bearer ${HIGHLEVEL_TOKEN}`, version: HIGHLEVEL_VERSION, 'content-type': 'application/json' },
			body: JSON.stringify({ email: 'jane@example', tags: 'VIP', customFields: [{ id: 'nope', field_value: 'x' }] }),
		});
		expect(response.status).toBe(422);
		expect(await response.json()).toEqual({
			statusCode: 422,
			message: ['locationId must be a string', 'email must be an email', 'each value in tags must be a string', 'custom field nope does not exist in this location'],
			error: 'Unprocessable Entity',
		});
		const noVersion = await fetch(`${state.fake.url}/locations/${HIGHLEVEL_LOCATION}/tags`, { headers: { authorization: `Bearer ${HIGHLEVEL_TOKEN}` } });
		expect(noVersion.status).toBe(400);
		expect(state.fake.contactCount()).toBe(0);
	});

	it('converts values to each custom field type and to the standard fields: options in their own spelling, lists, dates, numbers, yes/no, country codes', async () => {
		seedTypedFields(state.fake);
		const fields = {
			'contact.plan': 'pro',
			'contact.interests': 'golf, Chess',
			'contact.consent': ['sms'],
			'contact.joined': '2024/03/01',
			'contact.score': '42.5',
			'contact.company': ['a', 'b'],
			dnd: 'yes',
			country: 'us',
			dateOfBirth: '1990-09-25T00:00:00Z',
		};
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields }]);
		expect(error).toBeUndefined();
		expect(state.fake.violations).toEqual([]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({
			'contact.plan': 'Pro',
			'contact.interests': ['Golf', 'Chess'],
			'contact.consent': ['SMS'],
			'contact.joined': '2024-03-01',
			'contact.score': 42.5,
			'contact.company': 'a, b',
			dnd: true,
			country: 'US',
			dateOfBirth: '1990-09-25',
		});
		expect(toHighLevelDate(Date.UTC(2024, 2, 1) / 1000)).toEqual({ value: '2024-03-01' });
		expect(toHighLevelDate('2024-02-30')).toMatchObject({ problem: expect.stringMatching(/YYYY-MM-DD/) });

		// An empty value clears the field.
		await run('upsert', [{ email: 'jane@example.com', fields: { 'contact.plan': '', 'contact.interests': '' } }]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({ 'contact.plan': '', 'contact.interests': [] });
	});

	it('fails a value that does not fit its field before sending anything, naming the field and what it takes', async () => {
		seedTypedFields(state.fake);
		const bad = await run('upsert', [{ email: 'jane@example.com', fields: { 'contact.plan': 'Enterprise' } }]);
		expect(bad.error?.message).toMatch(/HighLevel custom field "Plan" \(contact.plan\) needs one of "Free", "Pro", not "Enterprise"/);
		const score = await run('upsert', [{ email: 'jane@example.com', fields: { 'contact.score': 'lots' } }]);
		expect(score.error?.message).toMatch(/"Score" \(contact.score\) needs a number/);
		const country = await run('upsert', [{ email: 'jane@example.com', fields: { country: 'Germany' } }]);
		expect(country.error?.message).toMatch(/field country needs a 2-letter country code/);
		// File uploads and opportunity fields are not writable contact fields: the node refuses their keys.
		const file = await run('upsert', [{ email: 'jane@example.com', fields: { 'contact.avatar': 'x.png' } }]);
		expect(file.error?.message).toMatch(/HighLevel has no field "contact.avatar".*Valid keys: firstName/);
		expect(state.fake.writes).toHaveLength(0);
	});

	it('lists the standard fields, then the writable contact custom fields by their field key', async () => {
		seedTypedFields(state.fake);
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'highlevel', operation: 'upsert' } }, 'getCrmFields');
		const keys = options.map((option) => option.value);
		expect(keys.slice(0, 3)).toEqual(['firstName', 'lastName', 'name']);
		expect(keys).toEqual(expect.arrayContaining(['contact.company', 'contact.plan', 'contact.interests', 'contact.joined', 'contact.extra_30']));
		expect(keys).not.toContain('contact.avatar');
		expect(keys).not.toContain('opportunity.deal_size');
		expect(state.fake.requests.find((r) => /customFields$/.test(r.path))?.query.get('model')).toBe('contact');
	});

	it("adds tags to the ones a contact has (never replaces them), creates missing ones in the location, and the tag dropdown lists them all", async () => {
		const seeded = state.fake.seedContact('jane@example.com', { tags: ['Old'] });
		for (let n = 1; n <= 250; n++) state.fake.seedContact(`t${n}@example.com`, { tags: [`Tag ${String(n).padStart(3, '0')}`] });
		const upserted = await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['New', 'new'] }]);
		expect(upserted.items[0]).toMatchObject({ action: 'updated', contactId: seeded.id });
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['New', 'Old']);
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'highlevel', operation: 'upsert' } }, 'getCrmTags');
		expect(options).toHaveLength(252);
		expect(options.map((o) => o.value)).toEqual(expect.arrayContaining(['New', 'Old', 'Tag 250']));
		await run('removeTags', [{ contactId: seeded.id, tags: ['old', 'Unknown'] }]);
		expect(bodies(state.fake, 'DELETE', /\/tags$/)).toEqual([{ tags: ['old', 'Unknown'] }]);
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['New']);
	});

	it('says to merge the contacts when the new e-mail belongs to another contact, and changes nothing', async () => {
		const jane = state.fake.seedContact('jane@example.com');
		state.fake.seedContact('jane.doe@example.org');
		const { error } = await run('upsert', [{ email: 'jane.doe@example.org', contactId: jane.id, fields: {} }]);
		expect(error?.message).toMatch(/HighLevel already has another contact with the e-mail jane.doe@example.org/);
		expect(error?.description).toMatch(/Merge the two contacts in HighLevel/);
		expect(state.fake.contacts.get(jane.id)?.email).toBe('jane@example.com');
	});

	it('falls back to the e-mail when the stored contact id is gone, without a second contact', async () => {
		const jane = state.fake.seedContact('jane@example.com');
		const { items, error } = await run('upsert', [{ email: 'jane@example.com', contactId: 'deletedContact000001', fields: { firstName: 'Jane' } }]);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'updated', contactId: jane.id });
		expect(state.fake.contactCount()).toBe(1);
	});

	it('says which credential to check when the Location ID is not the token\'s sub-account', async () => {
		const wrong = new Harness({
			nodeTypes: [WpumCrm],
			credentialTypes: [WpumHighLevelApi],
			credentials: { wpumHighLevelApi: { token: HIGHLEVEL_TOKEN, locationId: 'otherLocation0000001', baseUrl: state.fake.url } },
		});
		const refused = await wrong.runNode({ type: 'wpumCrm', parameters: { crm: 'highlevel', operation: 'upsert', options: { maxRateLimitWait: 5 } } }, [{ email: 'jane@example.com', fields: {} }]);
		expect(refused.error?.message).toMatch(/HTTP 403: The token does not have access to this location.*Check the HighLevel credential/);
		expect(state.fake.contactCount()).toBe(0);
	});

	it("rides out HighLevel's rolling burst limit (429 with X-RateLimit-* headers) without losing a contact", async () => {
		state.fake.rateLimit = { max: 4, windowMs: 1_500 };
		state.fake.enforceRateLimit = true;
		const input = emails(5).map((email, n) => ({ email, fields: { 'contact.company': `v${n}` }, tags: ['Member'] }));
		const { items, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(items.map((item) => item.action)).toEqual(Array(5).fill('created'));
		for (const [n, email] of emails(5).entries()) {
			expect(state.fake.findByEmail(email)?.fields['contact.company']).toBe(`v${n}`);
			expect(state.fake.tagNamesOf(email)).toEqual(['Member']);
		}
	}, 60_000);

	it('stops with a clear message when the daily quota is spent (X-RateLimit-Daily-Remaining: 0) instead of hammering', async () => {
		state.fake.dailyLimitReached = true;
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		expect(error?.message).toMatch(/HighLevel is still rate-limiting.*Max Rate-Limit Wait/);
		expect(state.fake.sent.throttled).toBe(1);
		expect(state.fake.contactCount()).toBe(0);
	});
});
