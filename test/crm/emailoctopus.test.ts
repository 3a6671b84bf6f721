/** EmailOctopus specifics beyond the contract suite: request shapes, list setting, value types, tags, paging, e-mail changes, rate limit, messages. */
import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { emailoctopus } from '../../nodes/WpumCrm/adapters/emailoctopus';
import { EMAILOCTOPUS_KEY, EMAILOCTOPUS_LIST, type EmailOctopusFake } from './fakes/emailoctopus';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { emailoctopusTarget } from './targets/emailoctopus';

const md5 = (email: string) => createHash('md5').update(email.toLowerCase()).digest('hex');
const LIST = { emailoctopusListId: EMAILOCTOPUS_LIST };
const contactsPath = `/lists/${EMAILOCTOPUS_LIST}/contacts`;

describe('EmailOctopus adapter', () => {
	const { state, run, harness } = useTarget<EmailOctopusFake>(emailoctopusTarget as CrmTarget<EmailOctopusFake>);
	const upsert = async (input: IDataObject[], extra: IDataObject = {}, continueOnFail = false) => await run('upsert', input, { ...LIST, ...extra }, continueOnFail);
	const writes = () => state.fake.writes.map((r) => ({ method: r.method, path: r.path, body: r.body }));

	it('creates with POST (tags as names, no status unless set) after the e-mail hash is not found; updates with one PUT (tags as switches)', async () => {
		const created = await upsert([{ email: 'Jane@Example.com', fields: { FirstName: 'Jane', Company: 'Acme' }, tags: ['Member'] }]);
		expect(created.error).toBeUndefined();
		const id = String(created.items[0].contactId);
		const updated = await upsert([{ email: 'jane@example.com', fields: { LastName: 'Doe' }, tags: ['VIP'] }]);
		expect(updated.items[0]).toMatchObject({ action: 'updated', contactId: id });

		expect(writes()).toEqual([
			{ method: 'POST', path: `/lists/${EMAILOCTOPUS_LIST}/tags`, body: { tag: 'Member' } },
			{ method: 'PUT', path: `${contactsPath}/${md5('jane@example.com')}`, body: { email_address: 'Jane@Example.com', fields: { FirstName: 'Jane', Company: 'Acme' }, tags: { Member: true } } },
			{ method: 'POST', path: contactsPath, body: { email_address: 'Jane@Example.com', fields: { FirstName: 'Jane', Company: 'Acme' }, tags: ['Member'] } },
			{ method: 'POST', path: `/lists/${EMAILOCTOPUS_LIST}/tags`, body: { tag: 'VIP' } },
			{ method: 'PUT', path: `${contactsPath}/${md5('jane@example.com')}`, body: { email_address: 'jane@example.com', fields: { LastName: 'Doe' }, tags: { VIP: true } } },
		]);
		expect(state.fake.rejected.filter((r) => r.status !== 404)).toEqual([]);
		expect(state.fake.autoCreatedTags).toEqual([]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toEqual({ FirstName: 'Jane', LastName: 'Doe', Company: 'Acme' });
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Member', 'VIP']);
	});

	it('gives new contacts the chosen status and leaves the status of existing ones alone', async () => {
		state.fake.status.set(state.fake.seedContact('old@example.com').id, 'unsubscribed');
		const { items, error } = await upsert(
			[
				{ email: 'new@example.com', fields: {} },
				{ email: 'old@example.com', fields: { FirstName: 'Olga' } },
			],
			{ emailoctopusStatusIfNew: 'pending' },
		);
		expect(error).toBeUndefined();
		expect(items.map((i) => i.action)).toEqual(['created', 'updated']);
		expect(state.fake.status.get(state.fake.findByEmail('new@example.com')!.id)).toBe('pending');
		expect(state.fake.status.get(state.fake.findByEmail('old@example.com')!.id)).toBe('unsubscribed');
		expect(writes().filter((w) => (w.body as IDataObject).status !== undefined)).toHaveLength(1);
	});

	it('the fake refuses (and records) bodies outside the documented shapes, so the checks above can fail', async () => {
		const send = async (method: string, path: string, body: unknown) =>
			await fetch(`${state.fake.url}${path}`, {
				method,
				headers: { authorization: `Bearer ${EMAILOCTOPUS_KEY}`, 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
		const wrong = await send('POST', contactsPath, { email: 'a@example.com', tags: { VIP: true }, fields: { Company: 3, Nope: 'x' }, status: 'SUBSCRIBED' });
		expect(wrong.status).toBe(422);
		const problem = (await wrong.json()) as IDataObject;
		expect(problem).toMatchObject({ type: 'https://emailoctopus.com/api-documentation/v2#unprocessable-content', title: 'An error occurred.', status: 422 });
		expect((problem.errors as IDataObject[]).map((e) => e.pointer)).toEqual(['/email', '/email_address', '/fields/Company', '/fields/Nope', '/tags', '/status']);

		state.fake.seedContact('b@example.com');
		const arrayTags = await send('PUT', `${contactsPath}/${md5('b@example.com')}`, { tags: ['VIP'] });
		expect(arrayTags.status).toBe(422);
		const page = await fetch(`${state.fake.url}/lists/${EMAILOCTOPUS_LIST}/tags?limit=101`, { headers: { authorization: `Bearer ${EMAILOCTOPUS_KEY}` } });
		expect(page.status).toBe(400);
		expect(await page.json()).toMatchObject({ errors: [{ parameter: 'limit', detail: 'This value should be between 1 and 100.' }] });
		expect(state.fake.contactCount()).toBe(1);
		expect(state.fake.tagNamesOf('b@example.com')).toEqual([]);
	});

	it('converts values to each field type, clears with null, and fails a value that does not fit before sending anything', async () => {
		state.fake.addField('Age', 'number');
		state.fake.addField('Birthday', 'date');
		state.fake.addField('Plan', 'choice_single', ['Free', 'Pro']);
		state.fake.addField('Topics', 'choice_multiple', ['News', 'Events', 'Offers']);
		const { error } = await upsert([
			{ email: 'jane@example.com', fields: { Age: '42', Birthday: '1990-04-01T00:00:00Z', Plan: 'pro', Topics: 'news, Offers', Company: ['Acme', 'Labs'] } },
		]);
		expect(error).toBeUndefined();
		expect(state.fake.findByEmail('jane@example.com')?.fields).toEqual({ Age: 42, Birthday: '1990-04-01', Plan: 'Pro', Topics: ['News', 'Offers'], Company: 'Acme, Labs' });

		await upsert([{ email: 'jane@example.com', fields: { Company: '', Topics: [] } }]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toEqual({ Age: 42, Birthday: '1990-04-01', Plan: 'Pro' });
		expect(state.fake.requests.at(-1)?.body).toMatchObject({ fields: { Company: null, Topics: null } });

		const writesBefore = state.fake.writes.length;
		const bad = await upsert(
			[
				{ email: 'a@example.com', fields: { Age: '4.5' } },
				{ email: 'b@example.com', fields: { Plan: 'Enterprise' } },
				{ email: 'c@example.com', fields: { Birthday: '01/04/1990' } },
				{ email: 'd@example.com', fields: { Topics: ['News', 'Sports'] } },
			],
			{},
			true,
		);
		expect(bad.items.map((i) => i.error)).toEqual([
			'EmailOctopus field Age needs a whole number, not "4.5" (contact a@example.com)',
			'EmailOctopus field Plan needs one of "Free", "Pro", not "Enterprise" (contact b@example.com)',
			'EmailOctopus field Birthday needs a date as YYYY-MM-DD, not "01/04/1990" (contact c@example.com)',
			'EmailOctopus field Topics needs one of "News", "Events", "Offers", not "Sports" (contact d@example.com)',
		]);
		expect(state.fake.writes.length).toBe(writesBefore);
		expect(state.fake.rejected.filter((r) => r.status === 422)).toEqual([]);
	});

	it('reuses the spelling of tags the list has, creates the missing ones, and removes only existing ones', async () => {
		state.fake.seedContact('jane@example.com', {}, ['VIP', 'Old']);
		const added = await run('addTags', [{ email: 'jane@example.com', tags: ['vip', 'Beta', ' beta '] }], LIST);
		expect(added.error).toBeUndefined();
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Beta', 'Old', 'VIP']);
		expect(writes().filter((w) => w.path.endsWith('/tags'))).toEqual([{ method: 'POST', path: `/lists/${EMAILOCTOPUS_LIST}/tags`, body: { tag: 'Beta' } }]);

		const removed = await run('removeTags', [{ email: 'jane@example.com', tags: ['old', 'Never There'] }], LIST);
		expect(removed.error).toBeUndefined();
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Beta', 'VIP']);
		expect(writes().at(-1)?.body).toEqual({ tags: { Old: false } });
		expect(state.fake.tags.size).toBe(3);
		expect(state.fake.autoCreatedTags).toEqual([]);
	});

	it('reads tags and lists to the last page (100 per page, starting_after cursor)', async () => {
		for (let n = 1; n <= 250; n++) state.fake.tags.set(`T${n}`, { id: `T${n}`, name: `T${n}` });
		for (let n = 1; n <= 120; n++) state.fake.lists.push({ id: `list-${n}`, name: `List ${n}`, double_opt_in: n % 2 === 0 });
		const tags = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'emailoctopus', ...LIST } }, 'getCrmTags');
		expect(tags).toHaveLength(250);
		expect(tags.at(-1)).toEqual({ name: 'T250', value: 'T250' });
		const tagReads = state.fake.requests.filter((r) => r.path.endsWith('/tags'));
		expect(tagReads.map((r) => [r.query.get('limit'), r.query.get('starting_after') !== null])).toEqual([
			['100', false],
			['100', true],
			['100', true],
		]);

		const lists = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'emailoctopus' } }, 'getEmailOctopusLists');
		expect(lists).toHaveLength(121);
		expect(lists[0]).toEqual({ name: 'WordPress members', value: EMAILOCTOPUS_LIST });
		expect(lists.at(-1)).toEqual({ name: 'List 120', value: 'list-120' });
	});

	it('changes the e-mail of the contact that has the previous one, and stops on a clash with a clear message', async () => {
		const old = state.fake.seedContact('old@example.com', { FirstName: 'Olga' });
		const moved = await upsert([{ email: 'new@example.com', previousEmail: 'old@example.com', fields: {} }]);
		expect(moved.items[0]).toMatchObject({ action: 'updated', contactId: old.id, email: 'new@example.com' });
		expect(state.fake.writes.map((r) => [r.method, r.path])).toEqual([
			['PUT', `${contactsPath}/${md5('new@example.com')}`],
			['PUT', `${contactsPath}/${md5('old@example.com')}`],
		]);
		expect(state.fake.findByEmail('new@example.com')?.id).toBe(old.id);

		const other = state.fake.seedContact('taken@example.com');
		const clash = await upsert([{ email: 'taken@example.com', contactId: old.id, fields: { FirstName: 'X' } }]);
		expect(clash.error?.message).toContain('another contact of the list already has it');
		expect(clash.error?.description).toContain('Delete or merge one of the two contacts in EmailOctopus');
		expect(state.fake.findByEmail('new@example.com')?.fields.FirstName).toBe('Olga');
		expect(state.fake.findByEmail('taken@example.com')?.id).toBe(other.id);
		expect(state.fake.contactCount()).toBe(2);
	});

	it('falls back to the e-mail when the stored contact id is gone', async () => {
		const { items } = await upsert([{ email: 'jane@example.com', contactId: '00000000-0000-0000-0000-00000000dead', fields: {} }]);
		expect(items[0]).toMatchObject({ action: 'created', contactId: state.fake.findByEmail('jane@example.com')!.id });
		expect(state.fake.contactCount()).toBe(1);
	});

	it('rides out the token bucket (10/s, 429 with X-RateLimit-Retry-After) without losing a contact', async () => {
		state.fake.enforceTokenBucket = true;
		state.fake.bucket.capacity = 5;
		const input = emails(8).map((email, n) => ({ email, fields: { Company: `C${n}` } }));
		const started = Date.now();
		const { items, error } = await upsert(input);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(items.map((i) => i.action)).toEqual(input.map(() => 'created'));
		expect(state.fake.contactCount()).toBe(8);
		for (const contact of input) expect(state.fake.findByEmail(contact.email)?.fields.Company).toBe(contact.fields.Company);
		// Each 429 said "1" (second): the node waited that long, not a short backoff.
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
	}, 60_000);

	it('reads X-RateLimit-Retry-After as seconds, a Unix time or an HTTP date', () => {
		const at = (value: string) => emailoctopus.resetDelayMs!({ statusCode: 429, headers: { 'x-ratelimit-retry-after': value }, body: {} });
		expect(at('2')).toBe(2000);
		const unix = at(String(Math.floor(Date.now() / 1000) + 30))!;
		expect(unix).toBeGreaterThan(25_000);
		expect(unix).toBeLessThanOrEqual(30_000);
		expect(at(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8_000);
		expect(at('')).toBeUndefined();
	});

	it('says what to do: no list chosen, an unknown list, and a validation error with its pointer', async () => {
		// An empty list is caught by n8n itself; an expression that comes out empty reaches the node.
		const noList = await run('upsert', [{ email: 'jane@example.com', fields: {} }], { emailoctopusListId: '={{ $json.listId }}' });
		expect(noList.error?.message).toBe('Choose an EmailOctopus list in "List" first');
		const unknown = await run('upsert', [{ email: 'jane@example.com', fields: { Company: 'A' } }], { emailoctopusListId: 'no-such-list' });
		expect(unknown.error?.message).toBe('EmailOctopus answered HTTP 404: Resource not found.');
		const invalid = await upsert([{ email: 'jane@example', fields: {} }]);
		expect(invalid.error?.message).toBe('EmailOctopus answered HTTP 422: Unprocessable content. /email_address: This value is not a valid email address.');
		expect(state.fake.contactCount()).toBe(0);
	});
});
