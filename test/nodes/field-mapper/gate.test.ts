/** "Defer until activation": routed per user from the payload's status, for every event. */
import type { IDataObject, INode, INodeParameters, INodeTypes } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { WpumFieldMapper } from '../../../nodes/WpumFieldMapper/WpumFieldMapper.node';

import { makeEvent, makeUser } from './fixtures';
import { associations, json, mapperHarness, NODE, paired } from './harness';

const ROWS = associations([
	{ field: 'first_name', to: 'firstname' },
	{ field: 'wpum_company', to: 'company' },
	{ field: 'wpum_newsletter', to: 'newsletter' },
]);
const ALL_FIELDS = { firstname: 'Jane', company: 'Acme', newsletter: true };

function params(extra: INodeParameters = {}, options: INodeParameters = {}): INodeParameters {
	return { wpumFieldList: 'typed', crm: 'none', associations: ROWS, tags: 'Member', options, ...extra };
}

async function run(input: IDataObject[], parameters: INodeParameters) {
	const harness = mapperHarness();
	const { output, error } = await harness.runNode({ type: NODE, parameters }, input);
	expect(error).toBeUndefined();
	return output;
}

const pending = (status: string) => makeUser({ status });

describe('outputs the editor shows', () => {
	it.each([
		[false, ['Sync', 'Removed']],
		[true, ['Sync', 'Deferred', 'Removed']],
	])('Defer Until Activation %s → %j', (deferUntilActivation, names) => {
		const type = new WpumFieldMapper();
		const nodeTypes: INodeTypes = {
			getByName: () => type,
			getByNameAndVersion: () => type,
			getKnownTypes: () => ({}),
		};
		const node: INode = {
			id: '1',
			name: 'Mapper',
			type: 'wpumFieldMapper',
			typeVersion: 1,
			position: [0, 0],
			parameters: { deferUntilActivation },
		};
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		const outputs = NodeHelpers.getNodeOutputs(workflow, node, type.description);
		expect(outputs).toEqual(names.map((displayName) => ({ type: 'main', displayName })));
	});
});

describe('with Defer Until Activation off', () => {
	it('has two outputs, Sync and Removed, and sends pending users like any other', async () => {
		const output = await run([makeEvent('user.registered', pending('pending_approval'))], params());
		expect(output).toHaveLength(2);
		expect(json(output[0])).toMatchObject([{ action: 'upsert', status: 'pending_approval', fields: ALL_FIELDS }]);
		expect(output[1]).toEqual([]);
	});
});

describe('with Defer Until Activation on', () => {
	const gate = params({ deferUntilActivation: true });

	it('has three outputs: Sync, Deferred, Removed', async () => {
		const output = await run([makeUser()], gate);
		expect(output).toHaveLength(3);
	});

	it.each([
		['user.registered', 'pending_approval', 'Waiting for an administrator to approve the account'],
		['user.registered', 'pending_verification', 'Waiting for the user to confirm their e-mail address'],
		['user.updated', 'pending_approval', 'Waiting for an administrator to approve the account'],
		['user.role_changed', 'pending_verification', 'Waiting for the user to confirm their e-mail address'],
		['ping', 'pending_approval', 'Waiting for an administrator to approve the account'],
	])('defers %s of a %s user, with the reason, and sends nothing to Sync', async (event, status, reason) => {
		const body = makeEvent(event, pending(status));
		const output = await run([body], gate);
		expect(output[0]).toEqual([]);
		expect(output[2]).toEqual([]);
		expect(json(output[1])).toEqual([
			{ action: 'defer', email: 'jane@example.com', wpUserId: 12, event, status, reason, eventId: body.event_id },
		]);
		expect(paired(output[1])).toEqual([{ item: 0 }]);
	});

	it('defers a pending user from "Get many users" (backfill) the same way: decided by status, not by request', async () => {
		const output = await run([pending('pending_verification'), makeUser({ id: 13, email: 'admin-made@example.com' })], gate);
		expect(json(output[1])).toMatchObject([{ wpUserId: 12, event: 'backfill', status: 'pending_verification' }]);
		// The active one (admin-created or imported: no verification request ever) syncs in full.
		expect(json(output[0])).toMatchObject([{ wpUserId: 13, email: 'admin-made@example.com', event: 'backfill', fullSync: true, fields: ALL_FIELDS }]);
		expect(paired(output[1])).toEqual([{ item: 0 }]);
		expect(paired(output[0])).toEqual([{ item: 1 }]);
	});

	it.each(['user.registered', 'user.updated', 'user.role_changed'])('sends %s of an active user to Sync', async (event) => {
		const output = await run([makeEvent(event, makeUser())], gate);
		expect(json(output[0])).toMatchObject([{ action: 'upsert', event, status: 'active' }]);
		expect(output[1]).toEqual([]);
	});

	it('sends the full profile on activation, even with "only changed fields" on', async () => {
		const activated = makeEvent('user.activated', makeUser(), { activation: { method: 'email_verification' } });
		const output = await run([activated], params({ deferUntilActivation: true }, { changedOnly: true }));
		expect(json(output[0])).toEqual([
			expect.objectContaining({ event: 'user.activated', fullSync: true, fields: ALL_FIELDS, tags: ['Member'] }),
		]);
	});

	it('opens the gate on activation even if the payload still says pending', async () => {
		const output = await run([makeEvent('user.activated', pending('pending_approval'))], gate);
		expect(json(output[0])).toMatchObject([{ event: 'user.activated', fields: ALL_FIELDS }]);
		expect(output[1]).toEqual([]);
	});

	it('follows a user through registration, activation and a later update', async () => {
		const registered = makeEvent('user.registered', pending('pending_approval'));
		const activated = makeEvent('user.activated', makeUser());
		const updated = makeEvent('user.updated', makeUser({}, { wpum_company: 'Acme Ltd' }), { changes: { fields: ['wpum_company'] } });
		const output = await run([registered, activated, updated], params({ deferUntilActivation: true }, { changedOnly: true }));
		expect(json(output[1]).map((i) => i.event)).toEqual(['user.registered']);
		expect(json(output[0]).map((i) => [i.event, i.fields])).toEqual([
			['user.activated', ALL_FIELDS],
			['user.updated', { company: 'Acme Ltd' }],
		]);
		expect(paired(output[1])).toEqual([{ item: 0 }]);
		expect(paired(output[0])).toEqual([{ item: 1 }, { item: 2 }]);
	});
});

describe('deleted and rejected users', () => {
	it.each([false, true])('go to the Removed output (gate %s), with the stored contact id of the picked CRM', async (gateOn) => {
		const user = makeUser({ crm: { fluentcrm: { contact_id: '77' } } });
		const deleted = makeEvent('user.deleted', user);
		const rejected = makeEvent('user.rejected', makeUser({ id: 14, email: 'rejected@example.com', status: 'pending_approval', crm: {} }));
		// With a CRM picked, CRM fields come from its dropdown (crmField) and its credential is required.
		const rows = { association: ROWS.association.map(({ crmFieldKey, ...row }) => ({ ...row, crmField: crmFieldKey })) };
		const harness = mapperHarness(undefined, { credentials: { wpumFluentCrmApi: { siteUrl: 'http://127.0.0.1:9', username: 'admin', applicationPassword: 'x' } } });
		const { output, error } = await harness.runNode(
			{ type: NODE, parameters: { ...params({ deferUntilActivation: gateOn }), crm: 'fluentcrm', associations: rows } },
			[deleted, rejected],
		);
		expect(error).toBeUndefined();
		const removed = output[gateOn ? 2 : 1];
		expect(json(removed)).toEqual([
			{ action: 'remove', email: 'jane@example.com', contactId: '77', crm: 'fluentcrm', wpUserId: 12, event: 'user.deleted', status: 'active', wasDeferred: false, eventId: deleted.event_id },
			// With the gate on, a user rejected while pending never reached the CRM.
			{ action: 'remove', email: 'rejected@example.com', crm: 'fluentcrm', wpUserId: 14, event: 'user.rejected', status: 'pending_approval', wasDeferred: gateOn, eventId: rejected.event_id },
		]);
		expect(paired(removed)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(output[0]).toEqual([]);
	});
});

describe('test events', () => {
	it('map the sending admin like any user, or are skipped when asked', async () => {
		const ping = makeEvent('ping', makeUser({ roles: ['administrator'] }));
		expect(json((await run([ping], params()))[0])).toMatchObject([{ event: 'ping', fields: ALL_FIELDS }]);
		const skipped = await run([ping, makeUser()], params({}, { pingEvents: 'skip' }));
		expect(json(skipped[0])).toMatchObject([{ event: 'backfill' }]);
		expect(paired(skipped[0])).toEqual([{ item: 1 }]);
	});
});
