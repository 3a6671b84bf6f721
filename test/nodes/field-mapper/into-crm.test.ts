/**
 * The mapper's Sync output feeds the WPUM CRM Sync node as it is (docs/mapper-output.md): one
 * workflow, mapper → CRM node, against the FluentCRM fake.
 */
import { WpumFluentCrmApi } from '../../../credentials/WpumFluentCrmApi.credentials';
import { WpumCrm } from '../../../nodes/WpumCrm/WpumCrm.node';
import { WpumFieldMapper } from '../../../nodes/WpumFieldMapper/WpumFieldMapper.node';
import { FluentCrmFake, FLUENTCRM_PASSWORD, FLUENTCRM_USER } from '../../crm/fakes/fluentcrm';
import { Harness } from '../../harness';
import { makeEvent, makeUser } from './fixtures';
import { associations } from './harness';

describe('Field Mapper → WPUM CRM Sync', () => {
	let crm: FluentCrmFake;
	beforeEach(async () => {
		crm = await new FluentCrmFake().start();
		crm.fields = [{ key: 'company', label: 'Company', type: 'text' }];
	});
	afterEach(async () => await crm.close());

	it('creates the contact with the mapped fields and tags; deferred users never reach the CRM', async () => {
		const harness = new Harness({
			nodeTypes: [WpumFieldMapper, WpumCrm],
			credentialTypes: [WpumFluentCrmApi],
			credentials: { wpumFluentCrmApi: { siteUrl: crm.url, username: FLUENTCRM_USER, applicationPassword: FLUENTCRM_PASSWORD } },
		});
		const rows = associations([
			{ field: 'first_name', to: 'first_name' },
			{ field: 'last_name', to: 'last_name' },
			{ field: 'wpum_company', to: 'company' },
		]);
		const mapperRows = { association: rows.association.map(({ crmFieldKey, ...row }) => ({ ...row, crmField: crmFieldKey })) };
		const { outputs, error } = await harness.runWorkflow(
			[
				{
					name: 'Mapper',
					type: 'wpumFieldMapper',
					parameters: {
						wpumFieldList: 'typed',
						crm: 'fluentcrm',
						associations: mapperRows,
						tags: 'WordPress member',
						conditionalTags: { rule: [{ tags: 'Pro', when: 'field', field: 'wpum_plan', operator: 'equals', value: 'pro' }] },
						deferUntilActivation: true,
					},
				},
				{ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'fluentcrm', operation: 'upsert', inputSource: 'mapper' } },
			],
			{ Mapper: { main: [[{ node: 'CRM', type: 'main', index: 0 }], [], []] } },
			[
				makeEvent('user.registered', makeUser({ crm: {} })),
				makeEvent('user.registered', makeUser({ id: 13, email: 'pending@example.com', status: 'pending_verification', crm: {} })),
			],
		);
		expect(error).toBeUndefined();
		expect(outputs.Mapper[1].map((i) => i.json.email)).toEqual(['pending@example.com']);
		expect(outputs.CRM[0]).toHaveLength(1);
		expect(crm.contactCount()).toBe(1);
		const contact = crm.findByEmail('jane@example.com');
		expect(contact?.fields).toMatchObject({ first_name: 'Jane', last_name: 'Doe', company: 'Acme' });
		expect(crm.tagNamesOf('jane@example.com')).toEqual(['Pro', 'WordPress member']);
		expect(crm.findByEmail('pending@example.com')).toBeUndefined();
	});
});
