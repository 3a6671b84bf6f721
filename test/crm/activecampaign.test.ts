import { WpumCrm } from '../../nodes/WpumCrm/WpumCrm.node';
import { WpumActiveCampaignApi } from '../../credentials/WpumActiveCampaignApi.credentials';
import { Harness } from '../harness';
import { ACTIVECAMPAIGN_TOKEN, ActiveCampaignFake } from './fakes/activecampaign';

describe('ActiveCampaign adapter specifics', () => {
	let fake: ActiveCampaignFake;
	beforeEach(async () => {
		fake = new ActiveCampaignFake();
		fake.fields.push({ id: '7', key: 'COMPANY', label: 'Company' });
		await fake.start();
	});
	afterEach(async () => {
		await fake.close();
	});

	const harness = () =>
		new Harness({
			nodeTypes: [WpumCrm],
			credentialTypes: [WpumActiveCampaignApi],
			credentials: { wpumActiveCampaignApi: { apiUrl: `${fake.url}/api/3/`, apiKey: ACTIVECAMPAIGN_TOKEN } },
		});
	const upsert = { crm: 'activecampaign', operation: 'upsert' };

	it('sends custom fields by field id and links tags by id, creating missing tags once', async () => {
		const { error } = await harness().runNode({ type: 'wpumCrm', parameters: upsert }, [
			{ email: 'a@example.com', fields: { firstName: 'Ann', COMPANY: 'Acme' }, tags: ['Member'] },
			{ email: 'b@example.com', fields: { COMPANY: 'Globex' }, tags: ['Member'] },
		]);
		expect(error).toBeUndefined();
		const sync = fake.requests.find((r) => r.path === '/api/3/contact/sync');
		expect(sync?.headers['api-token']).toBe(ACTIVECAMPAIGN_TOKEN);
		expect(sync?.body).toEqual({ contact: { email: 'a@example.com', firstName: 'Ann', fieldValues: [{ field: '7', value: 'Acme' }] } });
		expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/3/tags')).toHaveLength(1);
		const links = fake.requests.filter((r) => r.path === '/api/3/contactTags').map((r) => r.body as { contactTag: { tag: string } });
		expect(links.map((l) => l.contactTag.tag)).toEqual([fake.tags.values().next().value!.id, fake.tags.values().next().value!.id]);
		expect(fake.findByEmail('b@example.com')?.fields.COMPANY).toBe('Globex');
	});

	it('reads the custom field list once per run, however many items', async () => {
		await harness().runNode(
			{ type: 'wpumCrm', parameters: upsert },
			Array.from({ length: 5 }, (_, n) => ({ email: `u${n}@example.com`, fields: { COMPANY: `C${n}` } })),
		);
		expect(fake.requests.filter((r) => r.path === '/api/3/fields')).toHaveLength(1);
	});

	it("stays within ActiveCampaign's 5 requests per second by retrying its 429s, losing no contact", async () => {
		fake.enforceRateLimit = true;
		const input = Array.from({ length: 12 }, (_, n) => ({ email: `user${n}@example.com`, fields: {} }));
		const { output, error } = await harness().runNode({ type: 'wpumCrm', parameters: { ...upsert, options: { maxRateLimitWait: 60 } } }, input);
		expect(error).toBeUndefined();
		expect(output[0].map((i) => i.json.action)).toEqual(input.map(() => 'created'));
		expect(fake.contactCount()).toBe(12);
	});
});
