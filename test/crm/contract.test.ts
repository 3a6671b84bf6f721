/**
 * The CRM contract: the same behaviour, through the real n8n engine and the WPUM CRM Sync node, for
 * every CRM in ./targets. Each CRM runs against its local fake (./fakes), which behaves as the vendor
 * documents (auth, upsert semantics, validation errors, paging, rate-limit signal).
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { WpumCrm } from '../../nodes/WpumCrm/WpumCrm.node';
import { getAdapter } from '../../nodes/WpumCrm/adapters';
import { Harness } from '../harness';
import { runCredentialTest } from './credential-test';
import type { FakeCrm } from './fakes/base';
import { type CrmTarget, crmTargets } from './targets';

describe.each(crmTargets.map((target) => [target.slug, target] as const))('CRM contract: %s', (_slug, target: CrmTarget) => {
	let fake: FakeCrm;
	const displayName = getAdapter(target.slug).displayName;

	beforeEach(async () => {
		fake = await target.start();
	});
	afterEach(async () => {
		await fake.close();
	});

	function harness(credentials: ICredentialDataDecryptedObject = target.credentials(fake)) {
		return new Harness({
			nodeTypes: [WpumCrm],
			credentialTypes: [target.credentialClass],
			credentials: { [target.credentialType]: credentials },
		});
	}

	function parameters(operation: string, extra: IDataObject = {}): INodeParameters {
		return { crm: target.slug, operation, ...(target.nodeParameters?.(fake) ?? {}), options: { maxRateLimitWait: 20 }, ...extra } as INodeParameters;
	}

	async function run(operation: string, input: IDataObject[], extra: IDataObject = {}, continueOnFail = false, h = harness()) {
		return await h.runNode({ type: 'wpumCrm', parameters: parameters(operation, extra), continueOnFail }, input);
	}

	async function upsertOne(contact: IDataObject) {
		const { output, error } = await run('upsert', [contact]);
		expect(error).toBeUndefined();
		return output[0][0].json;
	}

	it('creates a contact with its fields and tags, and returns what "Link CRM contact" needs', async () => {
		const { output, error } = await run('upsert', [
			{ email: 'jane@example.com', fields: { [target.field.key]: target.field.first }, tags: ['Member'], wpUserId: 12 },
		]);
		expect(error).toBeUndefined();
		const stored = fake.findByEmail('jane@example.com');
		expect(stored).toBeDefined();
		expect(output[0].map((item) => item.json)).toEqual([
			{ crm: target.slug, contactId: stored!.id, action: 'created', email: 'jane@example.com', wpUserId: 12 },
		]);
		expect(output[0][0].pairedItem).toEqual({ item: 0 });
		expect(target.storedField(fake, 'jane@example.com', target.field.key)).toBe(target.field.first);
		expect(fake.tagNamesOf('jane@example.com')).toEqual(['Member']);
	});

	it('updates the same contact when the e-mail is already known', async () => {
		const first = await upsertOne({ email: 'jane@example.com', fields: { [target.field.key]: target.field.first } });
		const second = await upsertOne({ email: 'jane@example.com', fields: { [target.field.key]: target.field.second } });
		expect(second).toMatchObject({ action: 'updated', contactId: first.contactId });
		expect(fake.contactCount()).toBe(1);
		expect(target.storedField(fake, 'jane@example.com', target.field.key)).toBe(target.field.second);
	});

	/** After an e-mail change: one live contact, under the new e-mail, with the id the node returned. */
	function expectFollowed(created: IDataObject, changed: IDataObject) {
		expect(changed).toMatchObject({ action: 'updated', email: 'jane.doe@example.org' });
		if (target.emailChangeMovesContact) expect(changed.contactId).not.toBe(created.contactId);
		else expect(changed.contactId).toBe(created.contactId);
		expect(fake.contactCount()).toBe(1);
		expect(fake.findByEmail('jane.doe@example.org')?.id).toBe(changed.contactId);
		expect(fake.findByEmail('jane@example.com')).toBeUndefined();
	}

	it('follows an e-mail change by the stored contact id, without a second contact', async () => {
		const created = await upsertOne({ email: 'jane@example.com', fields: {} });
		expectFollowed(created, await upsertOne({ email: 'jane.doe@example.org', contactId: created.contactId, fields: {} }));
	});

	it('follows an e-mail change by the previous e-mail when no contact id is stored', async () => {
		const created = await upsertOne({ email: 'jane@example.com', fields: {} });
		expectFollowed(created, await upsertOne({ email: 'jane.doe@example.org', previousEmail: 'jane@example.com', fields: {} }));
	});

	it('adds and removes tags by name', async () => {
		const created = await upsertOne({ email: 'jane@example.com', fields: {} });
		const added = await run('addTags', [{ email: 'jane@example.com', tags: ['VIP', 'Beta Tester'] }]);
		expect(added.error).toBeUndefined();
		expect(added.output[0][0].json).toMatchObject({ contactId: created.contactId, tagsAdded: ['VIP', 'Beta Tester'] });
		expect(fake.tagNamesOf('jane@example.com')).toEqual(['Beta Tester', 'VIP']);

		const removed = await run('removeTags', [{ contactId: created.contactId, email: 'jane@example.com', tags: ['VIP'] }]);
		expect(removed.error).toBeUndefined();
		expect(fake.tagNamesOf('jane@example.com')).toEqual(['Beta Tester']);
	});

	it('fails an unknown custom field before sending anything, naming it and the valid keys', async () => {
		const writesBefore = fake.writes.length;
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { no_such_field: 'x' } }]);
		expect(error?.message).toContain('no_such_field');
		expect(error?.message).toContain(target.field.key);
		expect(fake.writes.length).toBe(writesBefore);
		expect(fake.contactCount()).toBe(0);
	});

	it('rides out a 429 storm without losing a contact', async () => {
		fake.throttleNext(4);
		const input = [1, 2, 3].map((n) => ({ email: `user${n}@example.com`, fields: { [target.field.key]: `v${n}` } }));
		const { output, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(fake.sent.throttled).toBe(4);
		expect(output[0].map((item) => item.json.email)).toEqual(input.map((c) => c.email));
		expect(fake.contactCount()).toBe(3);
		for (const contact of input) expect(target.storedField(fake, contact.email, target.field.key)).toBe(contact.fields[target.field.key]);
	});

	it('retries server errors', async () => {
		fake.failNext(2, 503);
		const result = await upsertOne({ email: 'jane@example.com', fields: {} });
		expect(result.action).toBe('created');
		expect(fake.sent.serverErrors).toBe(2);
		expect(fake.contactCount()).toBe(1);
	});

	it('says which credential to check when the credentials are wrong', async () => {
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: {} }], {}, false, harness(target.badCredentials(fake)));
		expect(error?.message).toContain(`Check the ${displayName} credential`);
		expect(fake.contactCount()).toBe(0);
	});

	it('passes the credential test with good credentials and fails it with bad ones', async () => {
		expect(await runCredentialTest(target.credentialClass, target.credentials(fake))).toMatchObject({ ok: true });
		expect(await runCredentialTest(target.credentialClass, target.badCredentials(fake))).toMatchObject({ ok: false });
	});

	it('lists fields past the first page in the field dropdown', async () => {
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: parameters('upsert') }, 'getCrmFields');
		const keys = options.map((option) => option.value);
		expect(keys).toContain(target.field.key);
		expect(keys).toContain(target.fieldPastFirstPage);
	});

	it('maps a batch with one bad contact back to its items', async () => {
		const input = [
			{ email: 'ann@example.com', fields: { [target.field.key]: 'A' } },
			{ email: target.invalidContact.email, fields: target.invalidContact.fields ?? {} },
			{ email: 'bob@example.com', fields: { [target.field.key]: 'B' } },
		];
		const { output, error } = await run('upsert', input, {}, true);
		expect(error).toBeUndefined();
		const items = output[0];
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json).toMatchObject({ email: 'ann@example.com', contactId: fake.findByEmail('ann@example.com')?.id });
		expect(items[2].json).toMatchObject({ email: 'bob@example.com', contactId: fake.findByEmail('bob@example.com')?.id });
		expect(String(items[1].json.error)).toMatch(target.invalidContact.vendorError);
		expect(fake.contactCount()).toBe(2);
		if (target.batchRequest) {
			const { method, path } = target.batchRequest;
			expect(fake.requests.filter((r) => r.method === method && path.test(r.path))).toHaveLength(1);
		}
	});

	it('gets a contact by e-mail and by id', async () => {
		const created = await upsertOne({ email: 'jane@example.com', fields: {} });
		const byEmail = await run('get', [{}], { lookupBy: 'email', lookupEmail: 'JANE@example.com' });
		expect(byEmail.output[0][0].json).toMatchObject({ found: true, contactId: created.contactId, email: 'jane@example.com' });
		const byId = await run('get', [{}], { lookupBy: 'contactId', lookupContactId: created.contactId });
		expect(byId.output[0][0].json).toMatchObject({ found: true, contactId: created.contactId });
		const missing = await run('get', [{}], { lookupBy: 'email', lookupEmail: 'nobody@example.com' });
		expect(missing.output[0][0].json).toMatchObject({ found: false });
	});

	it('deletes a contact only when "Confirm Delete" is on', async () => {
		await upsertOne({ email: 'jane@example.com', fields: {} });
		const refused = await run('delete', [{}], { lookupBy: 'email', lookupEmail: 'jane@example.com' });
		expect(refused.error?.message).toMatch(/switched off/);
		expect(fake.contactCount()).toBe(1);
		const deleted = await run('delete', [{}], { lookupBy: 'email', lookupEmail: 'jane@example.com', confirmDelete: true });
		expect(deleted.output[0][0].json).toMatchObject({ deleted: true });
		if (target.isDeleted) expect(target.isDeleted(fake, 'jane@example.com')).toBe(true);
		else expect(fake.contactCount()).toBe(0);
	});
});
