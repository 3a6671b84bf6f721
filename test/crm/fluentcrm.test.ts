import { WpumCrm } from '../../nodes/WpumCrm/WpumCrm.node';
import { WpumFluentCrmApi } from '../../credentials/WpumFluentCrmApi.credentials';
import { Harness } from '../harness';
import { FLUENTCRM_PASSWORD, FLUENTCRM_USER, FluentCrmFake } from './fakes/fluentcrm';

describe('FluentCRM adapter specifics', () => {
	let fake: FluentCrmFake;
	beforeEach(async () => {
		fake = new FluentCrmFake();
		await fake.start();
	});
	afterEach(async () => {
		await fake.close();
	});

	const harness = () =>
		new Harness({
			nodeTypes: [WpumCrm],
			credentialTypes: [WpumFluentCrmApi],
			credentials: { wpumFluentCrmApi: { siteUrl: `${fake.url}/`, username: FLUENTCRM_USER, applicationPassword: FLUENTCRM_PASSWORD } },
		});
	const upsert = { crm: 'fluentcrm', operation: 'upsert' };

	it('creates with a status and __force_update, and never re-subscribes an existing contact', async () => {
		const h = harness();
		await h.runNode({ type: 'wpumCrm', parameters: upsert }, [{ email: 'a@example.com', fields: { first_name: 'Ann' } }]);
		const create = fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/subscribers'));
		expect(create?.body).toMatchObject({ email: 'a@example.com', status: 'subscribed', __force_update: 'yes', first_name: 'Ann' });

		fake.findByEmail('a@example.com')!.fields.status = 'unsubscribed';
		const { output } = await h.runNode({ type: 'wpumCrm', parameters: upsert }, [{ email: 'a@example.com', fields: { first_name: 'Anne' } }]);
		expect(output[0][0].json.action).toBe('updated');
		expect(fake.findByEmail('a@example.com')?.fields).toMatchObject({ status: 'unsubscribed', first_name: 'Anne' });
	});

	it('applies short tag names too, by creating them and sending ids', async () => {
		await harness().runNode({ type: 'wpumCrm', parameters: upsert }, [{ email: 'a@example.com', fields: {}, tags: ['AB', 'Member'] }]);
		expect(fake.tagNamesOf('a@example.com')).toEqual(['AB', 'Member']);
		const put = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/subscribers')).pop();
		expect((put?.body as { tags: unknown[] }).tags.every((t) => typeof t === 'number')).toBe(true);
	});

	it("shows FluentCRM's per-field validation messages", async () => {
		const { error } = await harness().runNode({ type: 'wpumCrm', parameters: upsert }, [{ email: 'a@example.com', fields: { status: 'sleeping' } }]);
		expect(error?.message).toBe('FluentCRM answered HTTP 422: status: Status is not valid');
	});
});
