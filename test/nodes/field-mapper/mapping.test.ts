/** Output shape, changed-only, skip-empty vs clear, tags, and item errors with continueOnFail. */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { contractExamplePayloads, makeEvent, makeUser } from './fixtures';
import { associations, json, mapperHarness, NODE, paired, startCatalogServer } from './harness';

const ROWS = associations([
	{ field: 'user_email', to: 'email' },
	{ field: 'first_name', to: 'firstname' },
	{ field: 'last_name', to: 'lastname' },
	{ field: 'wpum_company', to: 'company' },
	{ field: 'wpum_interests', to: 'interests', format: 'list', choiceText: 'labels', listOutput: 'joined', separator: ';' },
	{ field: 'wpum_birthday', to: 'date_of_birth', format: 'date', dateOutput: 'unixSeconds' },
	{ field: 'roles', to: 'membership' },
]);

function params(extra: INodeParameters = {}, options: INodeParameters = {}): INodeParameters {
	return { wpumFieldList: 'typed', crm: 'none', associations: ROWS, options, ...extra };
}

async function run(input: IDataObject[], parameters: INodeParameters, continueOnFail = false) {
	const harness = mapperHarness();
	return await harness.runNode({ type: NODE, parameters, continueOnFail }, input);
}

describe('the Sync item', () => {
	it('has the documented shape, feeding any CRM node through plain expressions', async () => {
		const event = makeEvent('user.updated', makeUser({ crm: { fluentcrm: { contact_id: '77' } } }), {
			changes: { fields: ['user_email', 'wpum_company'], previous_email: 'old@example.com' },
		});
		const { output, error } = await run([event], params({ tags: 'WordPress member, Newsletter' }));
		expect(error).toBeUndefined();
		expect(json(output[0])).toEqual([
			{
				action: 'upsert',
				email: 'jane@example.com',
				previousEmail: 'old@example.com',
				fields: {
					email: 'jane@example.com',
					firstname: 'Jane',
					lastname: 'Doe',
					company: 'Acme',
					interests: 'PHP;JavaScript',
					date_of_birth: 638928000,
					membership: ['subscriber'],
				},
				tags: ['WordPress member', 'Newsletter'],
				removedTags: [],
				wpUserId: 12,
				event: 'user.updated',
				status: 'active',
				fullSync: true,
				eventId: event.event_id,
			},
		]);
		expect(paired(output[0])).toEqual([{ item: 0 }]);
	});

	it('carries the contact id stored for the picked CRM', async () => {
		const harness = mapperHarness(undefined, { credentials: { wpumFluentCrmApi: { siteUrl: 'http://127.0.0.1:9', username: 'admin', applicationPassword: 'x' } } });
		const rows = associations([{ field: 'first_name', to: 'first_name' }]);
		rows.association[0].crmField = 'first_name';
		const { output, error } = await harness.runNode(
			{ type: NODE, parameters: { ...params(), crm: 'fluentcrm', associations: rows } },
			[makeUser({ crm: { fluentcrm: { contact_id: '77' }, hubspot: { contact_id: '1234' } } }), makeUser({ id: 13, crm: {} })],
		);
		expect(error).toBeUndefined();
		expect(json(output[0]).map((i) => [i.contactId, i.crm, i.fields])).toEqual([
			['77', 'fluentcrm', { first_name: 'Jane' }],
			[undefined, 'fluentcrm', { first_name: 'Jane' }],
		]);
	});
});

describe('send only changed fields', () => {
	const update = () =>
		makeEvent('user.updated', makeUser({}, { wpum_company: 'Acme Ltd' }), { changes: { fields: ['wpum_company', 'description'] } });

	it('sends only associations whose WPUM field changed', async () => {
		const { output } = await run([update()], params({}, { changedOnly: true }));
		expect(json(output[0])).toMatchObject([{ fields: { company: 'Acme Ltd' }, fullSync: false }]);
	});

	it('sends every association when a CRM is picked but WordPress has no contact id for it yet', async () => {
		const harness = mapperHarness(undefined, { credentials: { wpumFluentCrmApi: { siteUrl: 'http://127.0.0.1:9', username: 'admin', applicationPassword: 'x' } } });
		const rows = { association: ROWS.association.map(({ crmFieldKey, ...row }) => ({ ...row, crmField: crmFieldKey })) };
		const linked = makeEvent('user.updated', makeUser({ crm: { fluentcrm: { contact_id: '77' } } }, { wpum_company: 'Acme Ltd' }), { changes: { fields: ['wpum_company'] } });
		const unlinked = makeEvent('user.updated', makeUser({ id: 13, crm: {} }, { wpum_company: 'Acme Ltd' }), { changes: { fields: ['wpum_company'] } });
		const { output, error } = await harness.runNode(
			{ type: NODE, parameters: { ...params({}, { changedOnly: true }), crm: 'fluentcrm', associations: rows } },
			[linked, unlinked],
		);
		expect(error).toBeUndefined();
		expect(json(output[0]).map((i) => [i.wpUserId, i.fullSync, Object.keys(i.fields as IDataObject).length])).toEqual([
			[12, false, 1],
			[13, true, 7],
		]);
	});

	it('sends every association when off', async () => {
		const { output } = await run([update()], params());
		expect(Object.keys(json(output[0])[0].fields as IDataObject)).toHaveLength(7);
	});

	it('treats a role change as a change of "roles" only', async () => {
		const event = makeEvent('user.role_changed', makeUser({ roles: ['customer'] }), { role_change: { old: ['subscriber'], new: ['customer'] } });
		const { output } = await run([event], params({}, { changedOnly: true }));
		expect(json(output[0])).toMatchObject([{ fields: { membership: ['customer'] }, fullSync: false }]);
	});

	it('never applies to registrations or backfills', async () => {
		const { output } = await run([makeEvent('user.registered'), makeUser()], params({}, { changedOnly: true }));
		expect(json(output[0]).map((i) => Object.keys(i.fields as IDataObject).length)).toEqual([7, 7]);
	});
});

describe('empty values', () => {
	const blank = makeUser({}, { wpum_company: '   ', wpum_interests: [], wpum_birthday: null, last_name: '' });

	it('are skipped by default, so a blank WordPress field does not wipe the CRM value', async () => {
		const { output } = await run([blank], params());
		expect(json(output[0])[0].fields).toEqual({ email: 'jane@example.com', firstname: 'Jane', membership: ['subscriber'] });
	});

	it('are sent empty to clear when asked, in the form of each format', async () => {
		const rows = associations([
			{ field: 'wpum_company', to: 'company' },
			{ field: 'wpum_interests', to: 'interests_list', format: 'list' },
			{ field: 'wpum_interests', to: 'interests_text', format: 'list', listOutput: 'joined' },
			{ field: 'wpum_birthday', to: 'birthday', format: 'date' },
			{ field: 'wpum_birthday', to: 'birthday_auto' },
			{ field: 'last_name', to: 'lastname', format: 'text' },
			{ field: 'user_cover', to: 'cover', format: 'fileUrl' },
			{ field: 'user_cover', to: 'cover_count', format: 'number' },
		]);
		const { output } = await run([blank], params({ associations: rows }, { emptyValues: 'clear' }));
		expect(json(output[0])[0].fields).toEqual({
			company: '',
			interests_list: [],
			interests_text: '',
			birthday: null,
			// Without the site catalog a blank value has no known type, so Auto clears it as text.
			birthday_auto: "",
			lastname: '',
			cover: '',
			cover_count: null,
		});
	});
});

describe('tags', () => {
	const rules = {
		rule: [
			{ tags: 'Customer', when: 'role', role: 'customer' },
			{ tags: 'Subscriber', when: 'role', role: 'Subscriber' },
			{ tags: 'Default form', when: 'form', form: 'default registration form' },
			{ tags: 'Form 2', when: 'form', form: '2' },
			{ tags: 'Pro', when: 'field', field: 'wpum_plan', operator: 'equals', value: 'Pro plan' },
			{ tags: 'PHP dev, Coder', when: 'field', field: 'wpum_interests', operator: 'contains', value: 'php' },
			{ tags: 'Go dev', when: 'field', field: 'wpum_interests', operator: 'equals', value: 'go' },
			{ tags: 'Newsletter', when: 'field', field: 'wpum_newsletter', operator: 'isTrue' },
			{ tags: 'Accepted terms', when: 'field', field: 'wpum_terms', operator: 'isTrue' },
			{ tags: 'No cover', when: 'field', field: 'user_cover', operator: 'isEmpty' },
			{ tags: 'Not small', when: 'field', field: 'wpum_size', operator: 'notEquals', value: 's' },
			{ tags: 'Has company', when: 'field', field: 'wpum_company', operator: 'isNotEmpty' },
			{ tags: 'Member', when: 'field', field: 'wpum_terms', operator: 'isFalse' },
		],
	};

	it('applies every-sync tags and the conditional tags whose condition holds; lists the others as removed', async () => {
		const { output, error } = await run([makeUser()], params({ tags: 'Member, WordPress', conditionalTags: rules }));
		expect(error).toBeUndefined();
		expect(json(output[0])[0].tags).toEqual(['Member', 'WordPress', 'Subscriber', 'Default form', 'Pro', 'PHP dev', 'Coder', 'Newsletter', 'No cover', 'Not small', 'Has company']);
		expect(json(output[0])[0].removedTags).toEqual(['Customer', 'Form 2', 'Go dev', 'Accepted terms']);
	});

	it('moves role tags when the role changes', async () => {
		const event = makeEvent('user.role_changed', makeUser({ roles: ['customer'] }), { role_change: { old: ['subscriber'], new: ['customer'] } });
		const { output } = await run([event], params({ conditionalTags: { rule: rules.rule.slice(0, 2) } }));
		expect(json(output[0])[0]).toMatchObject({ tags: ['Customer'], removedTags: ['Subscriber'] });
	});

	it('leaves removedTags empty when "Remove Tags That Stop Applying" is off', async () => {
		const { output } = await run([makeUser()], params({ conditionalTags: { rule: rules.rule.slice(0, 2) } }, { removeStaleTags: false }));
		expect(json(output[0])[0]).toMatchObject({ tags: ['Subscriber'], removedTags: [] });
	});

	it('reads rules picked from the site dropdowns (role, form id, field)', async () => {
		const server = await startCatalogServer();
		try {
			const harness = mapperHarness(server);
			const rows = associations([{ field: 'first_name', to: 'firstname' }], 'site');
			const siteRules = {
				rule: [
					{ tags: 'Subscriber', when: 'role', roleFromSite: 'subscriber' },
					{ tags: 'Default form', when: 'form', formFromSite: 1 },
					{ tags: 'Partner form', when: 'form', formFromSite: 2 },
					{ tags: 'Newsletter', when: 'field', fieldFromSite: 'wpum_newsletter', operator: 'isTrue' },
				],
			};
			const { output, error } = await harness.runNode(
				{ type: NODE, parameters: { wpumFieldList: 'site', crm: 'none', associations: rows, conditionalTags: siteRules } },
				[makeUser()],
			);
			expect(error).toBeUndefined();
			expect(json(output[0])[0]).toMatchObject({ tags: ['Subscriber', 'Default form', 'Newsletter'], removedTags: ['Partner form'] });
		} finally {
			await server.close();
		}
	});

	it('takes tags from an expression per user', async () => {
		const { output } = await run([makeUser(), makeUser({ id: 13, roles: ['customer'] })], params({ tags: '={{ "Role: " + $json.roles[0] }}' }));
		expect(json(output[0]).map((i) => i.tags)).toEqual([['Role: subscriber'], ['Role: customer']]);
	});
});

describe('errors', () => {
	const noEmail = makeUser({ id: 31, email: '' }, { user_email: '' });
	const typo = associations([{ field: 'first_name', to: 'firstname' }, { field: 'wpum_compnay', to: 'company' }]);

	it('a user without an e-mail: an item error naming the user and the fix; the rest of the batch maps', async () => {
		const { output, error } = await run([makeUser(), noEmail, makeUser({ id: 13 })], params(), true);
		expect(error).toBeUndefined();
		expect(json(output[0])).toEqual([
			expect.objectContaining({ wpUserId: 12, action: 'upsert' }),
			{
				error: 'User 31: The user has no e-mail address, so no CRM contact can be matched',
				fix: 'Add an e-mail address to this user in WordPress (Users → Edit), or filter users without one out before this node.',
				wpUserId: 31,
				field: 'email',
			},
			expect.objectContaining({ wpUserId: 13, action: 'upsert' }),
		]);
		expect(paired(output[0])).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('an association naming a field the site does not have', async () => {
		const { output } = await run([makeUser()], params({ associations: typo }), true);
		const [item] = json(output[0]);
		expect(item.error).toBe('User 12: The association to "company" uses the WPUM field "wpum_compnay", which this site does not have');
		expect(item.fix).toMatch(/^Pick the field from the list .* or correct the key\. This user's fields are: user_login, user_email, /);
		expect(item.field).toBe('wpum_compnay');
	});

	it('stops the run without continueOnFail, with the message and the fix', async () => {
		const { error, output } = await run([makeUser(), makeUser({ id: 13 })], params({ associations: typo }));
		expect(output).toEqual([]);
		expect(error?.message).toBe('User 12: The association to "company" uses the WPUM field "wpum_compnay", which this site does not have');
		expect(error?.description).toMatch(/Pick the field from the list/);
	});

	it('an item that is not a WPUM payload', async () => {
		const { output } = await run([makeUser(), { name: 'not a user' }], params(), true);
		expect(json(output[0])[1]).toEqual({
			error: 'Item 2: This item is not a WP User Manager user or event',
			fix: expect.stringMatching(/WP User Manager Trigger/),
		});
		expect(paired(output[0])).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it("reads an event received by n8n's generic Webhook node (headers, query, body)", async () => {
		const event = makeEvent('user.registered');
		const { output, error } = await run([{ headers: { 'x-wpum-event': 'user.registered' }, params: {}, query: {}, body: event }], params());
		expect(error).toBeUndefined();
		expect(json(output[0])).toMatchObject([{ event: 'user.registered', eventId: event.event_id, email: 'jane@example.com' }]);
	});

	it('an association whose CRM field expression comes out empty', async () => {
		// An empty required field is refused by n8n before the run; an expression can still yield "".
		const rows = associations([{ field: 'first_name', to: '={{ $json.crm_key ?? "" }}' }]);
		const { output } = await run([makeUser()], params({ associations: rows }), true);
		expect(json(output[0])[0].error).toBe('User 12: The association for the WPUM field "first_name" has no CRM field');
	});

	it('never leaks other fields into an error item', async () => {
		const { output } = await run([noEmail], params(), true);
		expect(Object.keys(json(output[0])[0]).sort()).toEqual(['error', 'field', 'fix', 'wpUserId']);
	});
});

describe("the plugin's captured payloads (contract/examples)", () => {
	const examples = contractExamplePayloads();
	const cases = examples.length ? examples.map((e) => [e.name, e.payload] as const) : [['none captured yet', {}] as const];
	(examples.length ? it.each(cases) : it.skip.each(cases))('%s: Auto sends every non-blank field losslessly', async (_name, payload) => {
		const user = ((payload as IDataObject).event_id ? (payload as IDataObject).user : payload) as IDataObject & { id: number; fields: IDataObject };
		const keys = Object.keys(user.fields);
		const rows = associations(keys.map((key) => ({ field: key, to: key })));
		const { output, error } = await run([payload as IDataObject], params({ associations: rows }), true);
		expect(error).toBeUndefined();
		const all = output.flat().map((i) => i.json);
		expect(all).toHaveLength(1);
		expect(all[0].error).toBeUndefined();
		expect(all[0].wpUserId).toBe(user.id);
		if (all[0].action !== 'upsert') return;
		// The plugin's normalized values need no conversion: Auto passes them through (repeater rows as JSON).
		const expected = Object.fromEntries(
			Object.entries(user.fields)
				.filter(([, value]) => value !== null && value !== '' && !(Array.isArray(value) && value.length === 0))
				.map(([key, value]) => [key, typeof value === 'object' && (!Array.isArray(value) || value.some((v) => typeof v === 'object')) ? JSON.stringify(value) : value]),
		);
		expect(all[0].fields).toEqual(expected);
	});
});
