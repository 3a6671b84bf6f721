/** Mailjet specifics beyond the contract suite: documented bodies only, Datatype values, lists, e-mail change by moving, limits. */
import { mailjet } from '../../nodes/WpumCrm/adapters/mailjet';
import type { MailjetFake } from './fakes/mailjet';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { mailjetTarget } from './targets/mailjet';

describe('Mailjet adapter', () => {
	const { state, run } = useTarget<MailjetFake>(mailjetTarget as CrmTarget<MailjetFake>);

	it('sends only bodies the docs accept: create, update, name, lists, remove, delete', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { Name: 'Jane', company: 'Acme' }, tags: ['Members'] }]);
		expect(created.error).toBeUndefined();
		const contactId = String(created.items[0].contactId);
		const updated = await run('upsert', [{ email: 'jane@example.com', fields: { Name: 'Jane', company: 'Globex' }, tags: ['Members'] }]);
		expect(updated.items[0]).toMatchObject({ action: 'updated', contactId });
		await run('addTags', [{ contactId, tags: ['VIP'] }]);
		await run('removeTags', [{ contactId, tags: ['Members'] }]);
		expect(state.fake.rejected).toEqual([]);
		expect(state.fake.names.get(contactId)).toBe('Jane');
		expect(state.fake.findByEmail('jane@example.com')?.fields).toEqual({ company: 'Globex' });
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['VIP']);
		const deleted = await run('delete', [{}], { lookupBy: 'contactId', lookupContactId: contactId, confirmDelete: true });
		expect(deleted.items[0]).toMatchObject({ deleted: true });
		expect(state.fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`/v4/contacts/${contactId}`]);
		expect(state.fake.anonymized.get(contactId)?.email).toMatch(/@domain\.invalid$/);
	});

	it('has a fake that refuses what Mailjet refuses (so the check above can fail)', async () => {
		const { error } = await run('upsert', [{ email: 'jane@example', fields: {} }]);
		expect(error?.message).toContain('Mailjet answered HTTP 400: "jane@example" is an invalid email address');
		expect(state.fake.rejected).toEqual([{ method: 'POST', path: '/v3/REST/contact', message: '"jane@example" is an invalid email address' }]);
	});

	it('converts values to each property\'s Datatype (int, float, bool, datetime, str)', async () => {
		state.fake.addProperty('age', 'int');
		state.fake.addProperty('score', 'float');
		state.fake.addProperty('newsletter', 'bool');
		state.fake.addProperty('birthday', 'datetime');
		const fields = { age: '42', score: '3.5', newsletter: 'yes', birthday: '1990-04-01', company: ['Acme', 'Globex'] };
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields }]);
		expect(error).toBeUndefined();
		expect(state.fake.rejected).toEqual([]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toEqual({
			age: 42,
			score: 3.5,
			newsletter: true,
			birthday: '1990-04-01T00:00:00Z',
			company: 'Acme, Globex',
		});
	});

	it('clears a property the mapper sends as null with an empty value', async () => {
		state.fake.addProperty('age', 'int');
		await run('upsert', [{ email: 'jane@example.com', fields: { age: 7, company: 'Acme' } }]);
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { age: null, company: '' } }]);
		expect(error).toBeUndefined();
		expect(state.fake.findByEmail('jane@example.com')?.fields).toEqual({ age: '', company: '' });
	});

	it('fails the item when a value cannot fit its Datatype, before anything is created', async () => {
		state.fake.addProperty('age', 'int');
		const { items, error } = await run('upsert', [{ email: 'jane@example.com', fields: { age: '4.5' }, tags: ['Members'] }], {}, true);
		expect(error).toBeUndefined();
		expect(String(items[0].error)).toContain('Mailjet contact property age needs a whole number, not "4.5" (contact jane@example.com)');
		expect(state.fake.writes).toEqual([]);
	});

	it('shows Mailjet\'s own ErrorInfo when it refuses a property value', () => {
		const message = mailjet.errorMessage!({
			statusCode: 400,
			headers: {},
			body: { ErrorInfo: { Properties: [{ age: 'Property type does not match definition' }] }, ErrorMessage: 'Object properties invalid', StatusCode: 400 },
		});
		expect(message).toBe('Object properties invalid ({"Properties":[{"age":"Property type does not match definition"}]})');
		expect(mailjet.errorMessage!({ statusCode: 404, headers: {}, body: { ErrorInfo: '', ErrorMessage: 'Object not found', StatusCode: 404 } })).toBe('Object not found');
	});

	it('finds lists past the first page of 1000 instead of creating them again, and creates a missing one once per run', async () => {
		for (let n = 1; n <= 1003; n++) state.fake.addList(`List ${n}`);
		const input = emails(3).map((email) => ({ email, fields: {}, tags: ['List 1003', 'Brand New'] }));
		const { error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.tags.size).toBe(1004);
		const listReads = state.fake.requests.filter((r) => r.method === 'GET' && r.path === '/v3/REST/contactslist');
		expect(listReads.map((r) => r.query.get('Offset'))).toEqual(['0', '1000']);
		expect(state.fake.requests.filter((r) => r.method === 'POST' && r.path === '/v3/REST/contactslist')).toHaveLength(1);
		for (const { email } of input) expect(state.fake.tagNamesOf(email)).toEqual(['Brand New', 'List 1003']);
	});

	it('reads contact properties to the last page (1005 properties in pages of 1000)', async () => {
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { extra_1005: 'last' } }]);
		expect(error).toBeUndefined();
		const pages = state.fake.requests.filter((r) => r.path === '/v3/REST/contactmetadata').map((r) => [r.query.get('Limit'), r.query.get('Offset')]);
		expect(pages).toEqual([
			['1000', '0'],
			['1000', '1000'],
		]);
		expect(state.fake.findByEmail('jane@example.com')?.fields.extra_1005).toBe('last');
	});

	it('moves a contact whose e-mail changed: new contact, same name, properties and lists (unsubscriptions kept), old one deleted', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: { Name: 'Jane', company: 'Acme', extra_1: 'x' }, tags: ['Members', 'News'] }]);
		const oldId = String(created.items[0].contactId);
		state.fake.unsubscribed.get(oldId)!.add('News');
		state.fake.excluded.set(oldId, true);
		const moved = await run('upsert', [{ email: 'jane.doe@example.org', contactId: oldId, fields: { company: 'Globex' }, tags: ['VIP'] }]);
		expect(moved.error).toBeUndefined();
		const newId = String(moved.items[0].contactId);
		expect(moved.items[0]).toMatchObject({ action: 'updated', email: 'jane.doe@example.org' });
		expect(newId).not.toBe(oldId);
		expect(state.fake.contactCount()).toBe(1);
		expect(state.fake.findByEmail('jane.doe@example.org')).toMatchObject({ id: newId, fields: { company: 'Globex', extra_1: 'x' } });
		expect(state.fake.names.get(newId)).toBe('Jane');
		expect(state.fake.excluded.get(newId)).toBe(true);
		expect(state.fake.tagNamesOf('jane.doe@example.org')).toEqual(['Members', 'News', 'VIP']);
		expect(state.fake.unsubscribedFrom('jane.doe@example.org')).toEqual(['News']);
		expect(state.fake.findByEmail('jane@example.com')).toBeUndefined();
		expect(state.fake.anonymized.has(oldId)).toBe(true);
		// It asked Mailjet to change nothing it cannot change.
		expect(state.fake.rejected).toEqual([]);
	});

	it('moves by the previous e-mail when no contact id is stored', async () => {
		await run('upsert', [{ email: 'jane@example.com', fields: { company: 'Acme' } }]);
		const moved = await run('upsert', [{ email: 'jane.doe@example.org', previousEmail: 'jane@example.com', fields: {} }]);
		expect(moved.items[0]).toMatchObject({ action: 'updated' });
		expect(state.fake.contactCount()).toBe(1);
		expect(state.fake.findByEmail('jane.doe@example.org')?.fields).toEqual({ company: 'Acme' });
	});

	it('updates the contact that already has the new e-mail instead of moving onto it', async () => {
		const old = state.fake.seedContact('jane@example.com', { company: 'Acme' });
		const taken = state.fake.seedContact('jane.doe@example.org');
		const { items, error } = await run('upsert', [{ email: 'jane.doe@example.org', contactId: old.id, fields: { company: 'Globex' } }]);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ action: 'updated', contactId: taken.id });
		expect(taken.fields).toEqual({ company: 'Globex' });
		expect(state.fake.contactCount()).toBe(2);
		expect(state.fake.writes.filter((r) => r.method === 'DELETE')).toEqual([]);
	});

	it('with "On E-Mail Change" set to fail, changes nothing and says what to do', async () => {
		const old = state.fake.seedContact('jane@example.com');
		const { error } = await run('upsert', [{ email: 'jane.doe@example.org', contactId: old.id, fields: {} }], { mailjetEmailChange: 'fail' });
		expect(error?.message).toContain(`Mailjet cannot change the e-mail of contact ${old.id} from jane@example.com to jane.doe@example.org`);
		expect(error?.description).toContain('On E-Mail Change');
		expect(state.fake.writes).toEqual([]);
	});

	it('rides out Mailjet\'s per-key rate limit (429, no headers) and loses no contact', async () => {
		state.fake.enforceRateLimit = true;
		const input = emails(12).map((email, n) => ({ email, fields: { company: `c${n}` }, tags: ['Members'] }));
		const { items, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(items.map((item) => item.action)).toEqual(input.map(() => 'created'));
		for (const [n, { email }] of input.entries()) expect(state.fake.findByEmail(email)?.fields.company).toBe(`c${n}`);
		expect(mailjet.resetDelayMs).toBeUndefined();
	});
});
