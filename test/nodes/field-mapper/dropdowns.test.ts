/** The WPUM field dropdown (the site's catalog) and the CRM field dropdown (the CRM adapter's listFields). */
import { WpumMailchimpApi } from '../../../credentials/WpumMailchimpApi.credentials';
import { WpumFieldMapper } from '../../../nodes/WpumFieldMapper/WpumFieldMapper.node';
import { FluentCrmFake, FLUENTCRM_PASSWORD, FLUENTCRM_USER } from '../../crm/fakes/fluentcrm';
import { MAILCHIMP_AUDIENCE, MAILCHIMP_KEY, MailchimpFake } from '../../crm/fakes/mailchimp';
import { Harness } from '../../harness';
import type { LocalServer } from '../../support/http-server';
import { mapperHarness, NODE, startCatalogServer } from './harness';

describe('WPUM field dropdown', () => {
	let server: LocalServer;
	beforeAll(async () => {
		server = await startCatalogServer();
	});
	afterAll(async () => await server.close());

	it("lists the site's fields grouped as WPUM groups them, with labels and types, then the account data", async () => {
		const harness = mapperHarness(server);
		const options = await harness.loadOptions({ name: 'Mapper', type: NODE, parameters: { wpumFieldList: 'site', crm: 'none' } }, 'getWpumFields');
		const names = options.map((o) => o.name);
		expect(options[0]).toEqual({ name: 'Primary fields › Username (username)', value: 'user_login', description: 'user_login' });
		expect(names).toContain('Company details › Interests (multicheckbox)');
		expect(names).toContain('Company details › Birthday (datepicker)');
		// Primary fields first, then the custom group, then account data every user carries.
		expect(names.findIndex((n) => n.startsWith('Company details'))).toBeGreaterThan(names.lastIndexOf('Primary fields › Profile cover (user_cover)'));
		expect(options.slice(-5).map((o) => o.value)).toEqual(['user_id', 'roles', 'status', 'registered_at', 'registration_form']);
		expect(options).toHaveLength(34 + 5);
		expect(server.requests.at(-1)?.path).toBe('/wp-json/wpum-n8n/v1/fields');
	});

	it('offers the roles and registration forms for conditional tags', async () => {
		const harness = mapperHarness(server);
		const node = { name: 'Mapper', type: NODE, parameters: { wpumFieldList: 'site', crm: 'none' } };
		expect(await harness.loadOptions(node, 'getRoles')).toEqual([
			{ name: 'Subscriber', value: 'subscriber', description: 'subscriber' },
			{ name: 'Customer', value: 'customer', description: 'customer' },
		]);
		expect((await harness.loadOptions(node, 'getForms')).map((o) => [o.name, o.value])).toEqual([
			['Default registration form (default)', 1],
			['Partners', 2],
		]);
	});

	it('explains a refused credential', async () => {
		const harness = mapperHarness(undefined, {
			credentials: { wpUserManagerApi: { url: server.url, username: 'admin', applicationPassword: 'wrong' } },
		});
		await expect(
			harness.loadOptions({ name: 'Mapper', type: NODE, parameters: { wpumFieldList: 'site', crm: 'none' } }, 'getWpumFields'),
		).rejects.toThrow(/not currently logged in.*401/);
	});
});

describe('CRM field dropdown', () => {
	let crm: FluentCrmFake;
	beforeAll(async () => {
		crm = await new FluentCrmFake().start();
		crm.fields = [
			{ key: 'company_size', label: 'Company size', type: 'select-one' },
			{ key: 'newsletter_opt_in', label: 'Newsletter opt-in', type: 'checkbox' },
		];
	});
	afterAll(async () => await crm.close());

	const harness = () =>
		mapperHarness(undefined, {
			credentials: { wpumFluentCrmApi: { siteUrl: crm.url, username: FLUENTCRM_USER, applicationPassword: FLUENTCRM_PASSWORD } },
		});

	it("lists the picked CRM's contact fields through its adapter", async () => {
		const options = await harness().loadOptions({ name: 'Mapper', type: NODE, parameters: { wpumFieldList: 'typed', crm: 'fluentcrm' } }, 'getCrmFields');
		const values = options.map((o) => o.value);
		expect(values).toEqual(expect.arrayContaining(['first_name', 'last_name', 'company_size', 'newsletter_opt_in']));
		expect(options.find((o) => o.value === 'company_size')?.name).toBe('Company size (custom)');
		expect(crm.requests.map((r) => r.path)).toContain('/wp-json/fluent-crm/v2/custom-fields/contacts');
	});

	it('asks for a CRM when none is picked', async () => {
		await expect(
			harness().loadOptions({ name: 'Mapper', type: NODE, parameters: { wpumFieldList: 'typed', crm: 'none' } }, 'getCrmFields'),
		).rejects.toThrow('Pick a CRM (and its credential) at the top of this node to list its fields, or type the CRM field key.');
	});
});

describe('CRM field dropdown for a CRM whose fields depend on a setting (Mailchimp audience)', () => {
	let crm: MailchimpFake;
	beforeAll(async () => {
		crm = await new MailchimpFake().start();
		crm.fields = Array.from({ length: 120 }, (_, i) => ({ key: `MERGE${i + 1}`, label: `Field ${i + 1}`, type: 'text' }));
	});
	afterAll(async () => await crm.close());

	const harness = () =>
		new Harness({
			nodeTypes: [WpumFieldMapper],
			credentialTypes: [WpumMailchimpApi],
			credentials: { wpumMailchimpApi: { apiKey: MAILCHIMP_KEY, baseUrl: `${crm.url}/3.0` } },
		});
	const node = { name: 'Mapper', type: NODE, parameters: { wpumFieldList: 'typed', crm: 'mailchimp', mailchimpAudience: MAILCHIMP_AUDIENCE } };

	it('shows only the settings the field list needs', () => {
		const names = new WpumFieldMapper().description.properties.map((p) => p.name);
		expect(names).toContain('mailchimpAudience');
		expect(names).not.toContain('mailchimpStatusIfNew');
		expect(names).not.toContain('brevoListIds');
	});

	it('lists the audiences, then every merge field of the picked audience, page after page', async () => {
		const audiences = await harness().loadOptions(node, 'getMailchimpAudiences');
		expect(audiences.map((a) => a.value)).toContain(MAILCHIMP_AUDIENCE);
		const options = await harness().loadOptions(node, 'getCrmFields');
		const keys = options.map((o) => o.value);
		for (let i = 1; i <= 120; i++) expect(keys).toContain(`MERGE${i}`);
		const pages = crm.requests.filter((r) => r.path === `/3.0/lists/${MAILCHIMP_AUDIENCE}/merge-fields`);
		expect(pages.length).toBeGreaterThanOrEqual(3);
	});
});
