/** The WPUM CRM Sync node itself: its description, both input modes, per-item failures, paired items. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { WpumCrm } from '../../nodes/WpumCrm/WpumCrm.node';
import { crmAdapters } from '../../nodes/WpumCrm/adapters';
import { WpumFluentCrmApi } from '../../credentials/WpumFluentCrmApi.credentials';
import { Harness } from '../harness';
import { FLUENTCRM_PASSWORD, FLUENTCRM_USER, FluentCrmFake } from './fakes/fluentcrm';

describe('WPUM CRM Sync node', () => {
	let fake: FluentCrmFake;
	beforeEach(async () => {
		fake = new FluentCrmFake();
		fake.fields.push({ key: 'company', label: 'Company' });
		await fake.start();
	});
	afterEach(async () => {
		await fake.close();
	});

	const harness = (password = FLUENTCRM_PASSWORD) =>
		new Harness({
			nodeTypes: [WpumCrm],
			credentialTypes: [WpumFluentCrmApi],
			credentials: { wpumFluentCrmApi: { siteUrl: fake.url, username: FLUENTCRM_USER, applicationPassword: password } },
		});
	const upsert = { crm: 'fluentcrm', operation: 'upsert' };

	it('offers every registered CRM, each with its own credential and settings, and can be used by AI agents', () => {
		const { description } = new WpumCrm();
		expect(description.name).toBe('wpumCrm');
		expect(description.usableAsTool).toBe(true);
		expect(description.subtitle).toMatch(/^=\{\{.*\$parameter\["operation"\].*" · ".*\$parameter\["crm"\].*\}\}$/);
		const crm = description.properties.find((p) => p.name === 'crm')!;
		expect(crm.options?.map((o) => (o as { value: string }).value)).toEqual(crmAdapters.map((a) => a.slug));
		for (const adapter of crmAdapters) {
			const credential = description.credentials?.find((c) => c.name === adapter.credentialType);
			expect(credential?.displayOptions?.show?.crm).toEqual([adapter.slug]);
			for (const setting of adapter.settings ?? []) {
				const shown = description.properties.filter((p) => p.name === setting.name);
				expect(shown.map((p) => p.displayOptions?.show?.crm)).toEqual([[adapter.slug]]);
			}
		}
	});

	it("can be found in n8n's nodes panel by every CRM's name (its codex aliases)", () => {
		const codex = JSON.parse(readFileSync(path.resolve(__dirname, '../../nodes/WpumCrm/WpumCrm.node.json'), 'utf8')) as { alias?: string[] };
		const missing = crmAdapters.map((adapter) => adapter.displayName).filter((name) => !codex.alias?.includes(name));
		expect(missing).toEqual([]);
	});

	it('shows what it does in the subtitle, e.g. "Create or update · FluentCRM"', async () => {
		const { Workflow } = await import('n8n-workflow');
		const node = new WpumCrm();
		const nodeTypes = { getByName: () => node, getByNameAndVersion: () => node, getKnownTypes: () => ({}) };
		const workflowNode = { id: '1', name: 'CRM', type: 'wpumCrm', typeVersion: 1, position: [0, 0] as [number, number], parameters: { crm: 'fluentcrm', operation: 'upsert' } };
		const workflow = new Workflow({ nodes: [workflowNode], connections: {}, active: false, nodeTypes: nodeTypes as never });
		const text = workflow.expression.getSimpleParameterValue(workflowNode, node.description.subtitle!, 'internal', {});
		expect(text).toBe('Create or update · FluentCRM');
	});

	it('upserts from "Define Below" parameters with fields picked from the CRM and comma-separated tags', async () => {
		const { output, error } = await harness().runNode(
			{
				type: 'wpumCrm',
				parameters: {
					...upsert,
					inputSource: 'define',
					email: '={{ $json.mail }}',
					fields: { field: [{ key: 'company', value: 'Acme' }, { key: 'first_name', value: 'Jane' }] },
					tags: 'Member, Newsletter',
					wpUserId: '7',
				},
			},
			[{ mail: 'jane@example.com' }],
		);
		expect(error).toBeUndefined();
		expect(output[0][0].json).toMatchObject({ crm: 'fluentcrm', action: 'created', email: 'jane@example.com', wpUserId: '7' });
		expect(fake.findByEmail('jane@example.com')?.fields).toMatchObject({ company: 'Acme', first_name: 'Jane', status: 'subscribed' });
		expect(fake.tagNamesOf('jane@example.com')).toEqual(['Member', 'Newsletter']);
	});

	it('fails only the bad items under Continue On Fail, in order, with paired items', async () => {
		const { output, error } = await harness().runNode({ type: 'wpumCrm', parameters: upsert, continueOnFail: true }, [
			{ email: 'a@example.com', fields: { company: 'A' } },
			{ fields: { company: 'B' } },
			{ email: 'c@example.com', fields: { compnay: 'C' } },
			{ email: 'd@example.com', fields: {} },
		]);
		expect(error).toBeUndefined();
		const items = output[0];
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(items[0].json.action).toBe('created');
		expect(items[1].json.error).toBe('Item 2 has no valid e-mail: every contact needs one');
		expect(items[2].json.error).toMatch(/FluentCRM has no field "compnay" for c@example.com\. Valid keys: first_name, .*company/);
		expect(items[3].json.action).toBe('created');
		expect(fake.contactCount()).toBe(2);
	});

	it('stops before sending anything when an item is invalid and Continue On Fail is off', async () => {
		const { error } = await harness().runNode({ type: 'wpumCrm', parameters: upsert }, [
			{ email: 'a@example.com', fields: {} },
			{ email: 'b@example.com', fields: { nope: 1 } },
		]);
		expect(error?.message).toMatch(/no field "nope"/);
		expect(fake.writes).toHaveLength(0);
	});

	it("removes the mapper's stale tags after the upsert, and refuses Deferred/Removed items", async () => {
		const h = harness();
		await h.runNode({ type: 'wpumCrm', parameters: upsert }, [{ email: 'a@example.com', fields: {}, tags: ['Old', 'Keep'] }]);
		const { output } = await h.runNode({ type: 'wpumCrm', parameters: upsert, continueOnFail: true }, [
			{ action: 'upsert', email: 'a@example.com', fields: {}, tags: ['New'], removedTags: ['Old'], wpUserId: 3 },
			{ action: 'defer', email: 'b@example.com', wpUserId: 4 },
		]);
		expect(fake.tagNamesOf('a@example.com')).toEqual(['Keep', 'New']);
		expect(output[0][1].json.error).toMatch(/"Deferred" output/);
		expect(fake.findByEmail('b@example.com')).toBeUndefined();
	});

	it("ignores a contact id the mapper read for another CRM and matches by e-mail", async () => {
		const h = harness();
		const created = await h.runNode({ type: 'wpumCrm', parameters: upsert }, [{ email: 'a@example.com', fields: {} }]);
		const { output } = await h.runNode({ type: 'wpumCrm', parameters: upsert }, [
			{ action: 'upsert', email: 'a@example.com', contactId: '999', crm: 'hubspot', fields: { company: 'X' } },
		]);
		expect(output[0][0].json).toMatchObject({ contactId: created.output[0][0].json.contactId, action: 'updated' });
		expect(fake.requests.some((r) => r.path.endsWith('/subscribers/999'))).toBe(false);
	});

	it('says when a contact to tag does not exist, and never puts the password in outputs', async () => {
		const missing = await harness().runNode({ type: 'wpumCrm', parameters: { crm: 'fluentcrm', operation: 'addTags' }, continueOnFail: true }, [
			{ email: 'ghost@example.com', tags: ['VIP'] },
		]);
		expect(missing.output[0][0].json.error).toBe('FluentCRM has no contact with the e-mail ghost@example.com');

		const denied = await harness('wrong-password').runNode({ type: 'wpumCrm', parameters: upsert, continueOnFail: true }, [
			{ email: 'a@example.com', fields: {} },
		]);
		expect(denied.output[0][0].json.error).toMatch(/Check the FluentCRM credential/);
		expect(JSON.stringify(denied.output)).not.toContain('wrong-password');
		expect(JSON.stringify(denied.output)).not.toContain(Buffer.from(`${FLUENTCRM_USER}:wrong-password`).toString('base64'));
	});

	it("deletes the mapper's Removed items by their contact id, else by e-mail", async () => {
		const h = harness();
		const created = await h.runNode({ type: 'wpumCrm', parameters: upsert }, [
			{ email: 'a@example.com', fields: {} },
			{ email: 'b@example.com', fields: {} },
		]);
		const idA = created.output[0][0].json.contactId;
		const { output } = await h.runNode({ type: 'wpumCrm', parameters: { crm: 'fluentcrm', operation: 'delete', inputSource: 'mapper', confirmDelete: true } }, [
			{ action: 'remove', email: 'a-old@example.com', contactId: idA, crm: 'fluentcrm', wpUserId: 1 },
			{ action: 'remove', email: 'b@example.com', wpUserId: 2 },
			{ action: 'remove', email: 'nobody@example.com', wpUserId: 3 },
		]);
		expect(output[0].map((i) => i.json.deleted)).toEqual([true, true, false]);
		expect(output[0][0].json.contactId).toBe(idA);
		expect(fake.contactCount()).toBe(0);
	});

	it('lists tags for dropdowns, paging to the end', async () => {
		const h = harness();
		await h.runNode({ type: 'wpumCrm', parameters: upsert }, [
			{ email: 'a@example.com', fields: {}, tags: Array.from({ length: 120 }, (_, n) => `Tag ${n + 1}`) },
		]);
		const options = await h.loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'fluentcrm' } }, 'getCrmTags');
		expect(options).toHaveLength(120);
		expect(options.map((o) => o.value)).toContain('Tag 120');
	});
});
