/** Jetpack CRM specifics beyond the contract suite: request shapes, resent values, tags that replace, paging, e-mail change, limits, errors. */
import type { IDataObject } from 'n8n-workflow';

import { WpumJetpackCrmApi } from '../../credentials/WpumJetpackCrmApi.credentials';
import { WpumCrm } from '../../nodes/WpumCrm/WpumCrm.node';
import { Harness } from '../harness';

import { JETPACKCRM_KEY, JETPACKCRM_SECRET, type JetpackCrmFake } from './fakes/jetpackcrm';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { jetpackcrmDeclared, jetpackcrmTarget } from './targets/jetpackcrm';

describe('Jetpack CRM adapter', () => {
	const { state, run: runRaw, harness } = useTarget<JetpackCrmFake>(jetpackcrmTarget as CrmTarget<JetpackCrmFake>);
	const settings = { jetpackcrmCustomFields: jetpackcrmDeclared.join(', ') };
	const run = async (operation: string, input: IDataObject[], extra: IDataObject = {}, continueOnFail = false) =>
		await runRaw(operation, input, { ...settings, ...extra }, continueOnFail);
	const writes = () => state.fake.writes.filter((r) => r.path === '/zbs_api/create_customer').map((r) => r.body as IDataObject);

	it('authenticates with api_key and api_secret in the query string, and sends flat text fields and tag names', async () => {
		const { items, error } = await run('upsert', [
			{ email: 'jane@example.com', fields: { fname: 'Jane', mobtel: 5550100, 'membership-level': ['Gold', 'Plus'] }, tags: ['Member'] },
		]);
		expect(error).toBeUndefined();
		const request = state.fake.requests.find((r) => r.path === '/zbs_api/create_customer')!;
		expect(request.query.get('api_key')).toBe(JETPACKCRM_KEY);
		expect(request.query.get('api_secret')).toBe(JETPACKCRM_SECRET);
		expect(writes()).toEqual([{ fname: 'Jane', mobtel: '5550100', 'membership-level': 'Gold, Plus', email: 'jane@example.com', tags: ['Member'] }]);
		expect(items[0]).toMatchObject({ action: 'created', contactId: state.fake.findByEmail('jane@example.com')!.id });
		expect(state.fake.findByEmail('jane@example.com')!.fields).toMatchObject({ fname: 'Jane', status: 'Lead' });
		expect(state.fake.violations).toEqual([]);
	});

	it('the fake refuses keys Jetpack CRM would drop and values that are not text, so the check above can fail', async () => {
		const url = `${state.fake.url}/zbs_api/create_customer?api_key=${JETPACKCRM_KEY}&api_secret=${JETPACKCRM_SECRET}`;
		const post = async (body: unknown) => await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		const wrong = await post({ email: 'a@example.com', first_name: 'A', mobtel: 5, tags: 'VIP' });
		expect(wrong.status).toBe(400);
		expect(await wrong.json()).toMatchObject({ success: false, data: { status: 'Bad request' } });
		expect(state.fake.violations[0].errors).toEqual([
			'"first_name" is not a contact field (Jetpack CRM would drop it)',
			'mobtel must be text, not 5',
			'tags must be a list of tag names',
		]);
		const noEmail = await post({ fname: 'A' });
		expect(await noEmail.json()).toEqual({ errors: 1 });
		expect(state.fake.contactCount()).toBe(0);
	});

	it('resends the values it keeps on an update and merges tags, since create_customer rebuilds the contact and replaces its tags', async () => {
		await run('upsert', [{ email: 'jane@example.com', fields: { fname: 'Jane', status: 'Customer' }, tags: ['Member'] }]);
		const id = state.fake.findByEmail('jane@example.com')!.id;
		const second = await run('upsert', [{ email: 'jane@example.com', fields: { lname: 'Doe' }, tags: ['VIP'] }]);
		expect(second.items[0]).toMatchObject({ action: 'updated', contactId: id });
		const stored = state.fake.findByEmail('jane@example.com')!;
		expect(stored.fields).toMatchObject({ fname: 'Jane', lname: 'Doe', status: 'Customer' });
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Member', 'VIP']);
		expect(writes()[1]).toMatchObject({ id: Number(id), email: 'jane@example.com', fname: 'Jane', lname: 'Doe', tags: ['Member', 'VIP'] });
	});

	it('changes the e-mail of the stored contact id, found by paging the contact list to the end', async () => {
		for (const email of emails(150)) await state.fake['createContact'](email);
		const created = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		const changed = await run('upsert', [{ email: 'jane.doe@example.org', contactId: created.items[0].contactId, fields: {} }]);
		expect(changed.items[0]).toMatchObject({ action: 'updated', contactId: created.items[0].contactId });
		expect(state.fake.listedPages).toEqual([0, 1]);
		expect(state.fake.findByEmail('jane@example.com')).toBeUndefined();
		expect(state.fake.contactCount()).toBe(151);
	});

	it('lists the tags in use from every page of contacts', async () => {
		for (const [n, email] of emails(120).entries()) {
			const contact = state.fake['createContact'](email);
			contact.tags.add(n === 119 ? 'Last Page' : 'Member');
		}
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'jetpackcrm', operation: 'upsert' } }, 'getCrmTags');
		expect(options.map((o) => o.value).sort()).toEqual(['Last Page', 'Member']);
		expect(state.fake.listedPages).toEqual([0, 1]);
	});

	it('says it cannot take the last tag off, and what to do', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['VIP'] }]);
		const { error } = await run('removeTags', [{ contactId: created.items[0].contactId, email: 'jane@example.com', tags: ['VIP'] }]);
		expect(error?.message).toContain('cannot take the last tag off');
		expect(error?.description).toContain('wp-admin');
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['VIP']);
	});

	it('marks a contact deleted with the configured status, also a sticky "Customer"', async () => {
		await run('upsert', [{ email: 'jane@example.com', fields: { status: 'Customer' } }]);
		const deleted = await run('delete', [{}], { lookupBy: 'email', lookupEmail: 'jane@example.com', confirmDelete: true, jetpackcrmDeleteStatus: 'Refused' });
		expect(deleted.items[0]).toMatchObject({ deleted: true });
		expect(state.fake.findByEmail('jane@example.com')!.fields.status).toBe('Refused');
	});

	it('rides out the 429 the docs list (no headers) and names an unknown custom field with the setting to use', async () => {
		state.fake.throttleNext(2);
		const ok = await run('upsert', [{ email: 'jane@example.com', fields: { 'extra-30': 'x' } }]);
		expect(ok.error).toBeUndefined();
		expect(state.fake.sent.throttled).toBe(2);
		expect(state.fake.findByEmail('jane@example.com')!.fields['extra-30']).toBe('x');
		const { error } = await run('upsert', [{ email: 'bob@example.com', fields: { company: 'Acme' } }], { jetpackcrmCustomFields: '' });
		expect(error?.message).toContain('no field "company"');
		expect(state.fake.findByEmail('bob@example.com')).toBeUndefined();
	});

	it('turns wrong credentials into the vendor message plus the credential to check', async () => {
		const credentials = { ...jetpackcrmTarget.credentials(state.fake), apiSecret: 'jpcrm_sk_wrong' };
		const h = new Harness({ nodeTypes: [WpumCrm], credentialTypes: [WpumJetpackCrmApi], credentials: { wpumJetpackCrmApi: credentials } });
		const { error } = await h.runNode({ type: 'wpumCrm', parameters: { crm: 'jetpackcrm', operation: 'upsert', ...settings } }, [{ email: 'a@example.com', fields: {} }]);
		expect(error?.message).toContain('Please ensure your Jetpack CRM API key and secret are correctly configured.');
		expect(error?.message).toContain('Check the Jetpack CRM credential');
		expect(state.fake.sent.unauthorized).toBe(1);
	});
});
