/**
 * The CRM's field list is read once and reused across runs (one CRM request less per event, against the
 * vendor's rate limit), yet a field created in the CRM since is accepted and a failed read is not kept.
 */
import { WpumFluentCrmApi } from '../../credentials/WpumFluentCrmApi.credentials';
import { WpumMailchimpApi } from '../../credentials/WpumMailchimpApi.credentials';
import { CRM_FIELDS_TTL_MS, clearCrmFieldCache } from '../../nodes/WpumCrm/actions/fieldCache';
import { WpumCrm } from '../../nodes/WpumCrm/WpumCrm.node';
import { Harness } from '../harness';
import { FLUENTCRM_PASSWORD, FLUENTCRM_USER, FluentCrmFake } from './fakes/fluentcrm';
import { MAILCHIMP_AUDIENCE, MAILCHIMP_KEY, MailchimpFake } from './fakes/mailchimp';

const realNow = Date.now.bind(Date);
let offset = 0;
let fake: FluentCrmFake;

beforeAll(() => {
	jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
});
afterAll(() => jest.restoreAllMocks());

beforeEach(async () => {
	clearCrmFieldCache();
	offset = 0;
	fake = new FluentCrmFake();
	fake.fields.push({ key: 'company', label: 'Company' });
	await fake.start();
});
afterEach(async () => await fake.close());

const harness = () =>
	new Harness({
		nodeTypes: [WpumCrm],
		credentialTypes: [WpumFluentCrmApi],
		credentials: { wpumFluentCrmApi: { siteUrl: fake.url, username: FLUENTCRM_USER, applicationPassword: FLUENTCRM_PASSWORD } },
	});
const fieldReads = () => fake.requests.filter((request) => request.path.endsWith('/custom-fields/contacts')).length;
const upsert = async (fields: Record<string, unknown>, email = `u${realNow()}${Math.random()}@example.com`) =>
	await harness().runNode({ type: 'wpumCrm', parameters: { crm: 'fluentcrm', operation: 'upsert' }, continueOnFail: true }, [{ email, fields }]);

it('lists the fields once, then reuses the list for the next runs until it expires', async () => {
	for (let i = 0; i < 3; i++) expect((await upsert({ company: `Acme ${i}` })).output[0][0].json.action).toBe('created');
	expect(fieldReads()).toBe(1);
	offset = CRM_FIELDS_TTL_MS + 1;
	await upsert({ company: 'Later' });
	expect(fieldReads()).toBe(2);
});

it('a field created in the CRM after the list was cached is accepted: the list is read again', async () => {
	await upsert({ company: 'Acme' });
	fake.fields.push({ key: 'plan', label: 'Plan' });
	const { output } = await upsert({ company: 'Acme', plan: 'Pro' }, 'jane@example.com');
	expect(output[0][0].json.action).toBe('created');
	expect(fake.findByEmail('jane@example.com')?.fields).toMatchObject({ plan: 'Pro' });
	expect(fieldReads()).toBe(2);
});

it('a key the CRM does not have still fails the item, naming the valid keys, after one fresh read per run', async () => {
	await upsert({ company: 'Acme' });
	const { output } = await harness().runNode({ type: 'wpumCrm', parameters: { crm: 'fluentcrm', operation: 'upsert' }, continueOnFail: true }, [
		{ email: 'a@example.com', fields: { compnay: 'A' } },
		{ email: 'b@example.com', fields: { compnay: 'B' } },
	]);
	expect(output[0].map((item) => item.json.error)).toEqual([
		expect.stringMatching(/FluentCRM has no field "compnay" for a@example\.com\. Valid keys: .*company/),
		expect.stringMatching(/no field "compnay" for b@example\.com/),
	]);
	expect(fieldReads()).toBe(2);
	expect(fake.findByEmail('a@example.com')).toBeUndefined();
});

it('a failed read is not cached: the next run lists the fields again', async () => {
	fake.failNext(1, 400); // the run's first request is the field listing; 400 is not retried
	const failed = await upsert({ company: 'Acme' });
	expect(failed.output[0][0].json.error).toBeDefined();
	expect(fake.contactCount()).toBe(0);
	await upsert({ company: 'Acme' });
	await upsert({ company: 'Acme' });
	expect(fake.contactCount()).toBe(2);
	expect(fieldReads()).toBe(2);
});

it('each CRM account and each audience (a CRM setting) has its own list', async () => {
	const mailchimp = new MailchimpFake();
	mailchimp.fields.push({ key: 'FNAME', label: 'First Name' }, { key: 'COMPANY', label: 'Company' });
	await mailchimp.start();
	try {
		const run = async (audience: string, email: string) =>
			await new Harness({
				nodeTypes: [WpumCrm],
				credentialTypes: [WpumMailchimpApi],
				credentials: { wpumMailchimpApi: { apiKey: MAILCHIMP_KEY, baseUrl: `${mailchimp.url}/3.0` } },
			}).runNode({ type: 'wpumCrm', parameters: { crm: 'mailchimp', operation: 'upsert', mailchimpAudience: audience }, continueOnFail: true }, [{ email, fields: { COMPANY: 'Acme' } }]);
		const mergeFieldReads = () => mailchimp.requests.filter((request) => request.path.endsWith('/merge-fields')).map((request) => request.path);
		await run(MAILCHIMP_AUDIENCE, 'a@example.com');
		await run(MAILCHIMP_AUDIENCE, 'b@example.com');
		expect(mergeFieldReads()).toHaveLength(1);
		const other = await run('other-audience', 'c@example.com');
		expect(mergeFieldReads().length).toBeGreaterThanOrEqual(2);
		expect(mergeFieldReads().at(-1)).toContain('other-audience');
		expect(other.output[0][0].json).toBeDefined();
	} finally {
		await mailchimp.close();
	}
});
