import { WpumCrm } from '../../nodes/WpumCrm/WpumCrm.node';
import { WpumHubSpotApi } from '../../credentials/WpumHubSpotApi.credentials';
import { Harness } from '../harness';
import { HUBSPOT_TOKEN, HubSpotFake } from './fakes/hubspot';

describe('HubSpot adapter specifics', () => {
	let fake: HubSpotFake;
	beforeEach(async () => {
		fake = new HubSpotFake();
		await fake.start();
	});
	afterEach(async () => {
		await fake.close();
	});

	const harness = () =>
		new Harness({
			nodeTypes: [WpumCrm],
			credentialTypes: [WpumHubSpotApi],
			credentials: { wpumHubSpotApi: { accessToken: HUBSPOT_TOKEN, baseUrl: fake.url } },
		});
	const upsert = { crm: 'hubspot', operation: 'upsert' };

	it('sends 250 contacts as batches of 100, 100 and 50', async () => {
		const input = Array.from({ length: 250 }, (_, n) => ({ email: `user${n}@example.com`, fields: { firstname: `U${n}` } }));
		const { output, error } = await harness().runNode({ type: 'wpumCrm', parameters: upsert }, input);
		expect(error).toBeUndefined();
		const batches = fake.requests.filter((r) => r.path === '/crm/v3/objects/contacts/batch/upsert');
		expect(batches.map((r) => ((r.body as { inputs: unknown[] }).inputs).length)).toEqual([100, 100, 50]);
		expect(output[0]).toHaveLength(250);
		expect(output[0][249].json).toMatchObject({ email: 'user249@example.com', action: 'created', contactId: fake.findByEmail('user249@example.com')?.id });
		expect(output[0][249].pairedItem).toEqual({ item: 249 });
		expect(fake.contactCount()).toBe(250);
	});

	it('keeps the tags a contact already has and creates the tags property with its options', async () => {
		const h = harness();
		await h.runNode({ type: 'wpumCrm', parameters: upsert }, [{ email: 'a@example.com', fields: {}, tags: ['Member'] }]);
		const property = fake.properties.find((p) => p.name === 'wpum_tags');
		expect(property).toMatchObject({ type: 'enumeration', fieldType: 'checkbox' });
		await h.runNode({ type: 'wpumCrm', parameters: upsert }, [
			{ email: 'a@example.com', fields: {}, tags: ['VIP'] },
			{ email: 'b@example.com', fields: {}, tags: ['member'] },
		]);
		expect(fake.tagNamesOf('a@example.com')).toEqual(['Member', 'VIP']);
		// "member" reuses the existing option "Member" instead of adding a near-duplicate.
		expect(fake.tagNamesOf('b@example.com')).toEqual(['Member']);
		expect(property!.options.map((o) => o.value)).toEqual(['Member', 'VIP']);
	});

	it('uses another property for tags when "Tags Property" says so', async () => {
		fake.properties.push({ ...fake.properties[0], name: 'interests', label: 'Interests', type: 'enumeration', fieldType: 'checkbox', options: [] });
		await harness().runNode({ type: 'wpumCrm', parameters: { ...upsert, hubspotTagsProperty: 'interests' } }, [
			{ email: 'a@example.com', fields: {}, tags: ['PHP'] },
		]);
		expect(fake.findByEmail('a@example.com')?.fields.interests).toBe('PHP');
		expect(fake.properties.some((p) => p.name === 'wpum_tags')).toBe(false);
	});

	it('falls back to one by one when HubSpot refuses a whole batch for one bad contact', async () => {
		fake.rejectWholeBatch = true;
		const { output, error } = await harness().runNode({ type: 'wpumCrm', parameters: upsert, continueOnFail: true }, [
			{ email: 'a@example.com', fields: {} },
			{ email: 'broken@example', fields: {} },
			{ email: 'c@example.com', fields: {} },
		]);
		expect(error).toBeUndefined();
		expect(output[0].map((i) => i.json.action ?? 'error')).toEqual(['created', 'error', 'created']);
		expect(String(output[0][1].json.error)).toMatch(/Email address broken@example is invalid/);
		expect(fake.contactCount()).toBe(2);
	});

	it('stops at once on the daily limit instead of waiting it out', async () => {
		fake.dailyLimitReached = true;
		fake.throttleNext(1);
		const { error } = await harness().runNode({ type: 'wpumCrm', parameters: { ...upsert, options: { maxRateLimitWait: 300 } } }, [
			{ email: 'a@example.com', fields: {} },
		]);
		expect(error?.message).toMatch(/HubSpot is still rate-limiting/);
		expect(fake.requests).toHaveLength(1);
	});

	it('puts a contact that appears twice in one run into separate batches, the later item last', async () => {
		const { output, error } = await harness().runNode({ type: 'wpumCrm', parameters: upsert }, [
			{ email: 'a@example.com', fields: { firstname: 'First' } },
			{ email: 'b@example.com', fields: {} },
			{ email: 'A@example.com', fields: { firstname: 'Second' } },
		]);
		expect(error).toBeUndefined();
		expect(output[0].map((i) => i.json.action)).toEqual(['created', 'created', 'updated']);
		expect(fake.contactCount()).toBe(2);
		expect(fake.findByEmail('a@example.com')?.fields.firstname).toBe('Second');
		const batches = fake.requests.filter((r) => r.path === '/crm/v3/objects/contacts/batch/upsert');
		expect(batches.map((r) => (r.body as { inputs: Array<{ id: string }> }).inputs.map((i) => i.id))).toEqual([
			['a@example.com', 'b@example.com'],
			['A@example.com'],
		]);
	});
});
