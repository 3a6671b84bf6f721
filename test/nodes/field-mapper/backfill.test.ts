/**
 * Backfill: the WP User Manager node's "Get Many Users" (every page, from the fake plugin) into the
 * mapper. Bare users are full syncs and pass the gate by their own status.
 */
import { WpUserManagerApi } from '../../../credentials/WpUserManagerApi.credentials';
import { WpUserManager } from '../../../nodes/WpUserManager/WpUserManager.node';
import { WpumFieldMapper } from '../../../nodes/WpumFieldMapper/WpumFieldMapper.node';
import { Harness } from '../../harness';
import { type FakeWpumPlugin, startFakeWpumPlugin } from '../../support/fake-wpum-plugin';
import { makeUser } from './fixtures';
import { associations } from './harness';

const STATUSES = ['active', 'active', 'pending_approval', 'active', 'pending_verification'];

describe('backfill from "Get Many Users"', () => {
	let plugin: FakeWpumPlugin;
	beforeAll(async () => {
		const users = Array.from({ length: 120 }, (_, i) =>
			makeUser({ id: i + 1, login: `user${i + 1}`, email: `user${i + 1}@example.com`, status: STATUSES[i % STATUSES.length], crm: {} }, { wpum_company: `Company ${i + 1}` }),
		);
		plugin = await startFakeWpumPlugin({ users });
	});
	afterAll(async () => await plugin.close());

	it('maps every user of every page; pending ones go to Deferred, paired to their input', async () => {
		const harness = new Harness({
			nodeTypes: [WpUserManager, WpumFieldMapper],
			credentialTypes: [WpUserManagerApi],
			credentials: { wpUserManagerApi: plugin.credentials() },
		});
		const rows = associations(
			[
				{ field: 'wpum_company', to: 'company' },
				{ field: 'wpum_interests', to: 'interests', format: 'list', choiceText: 'labels' },
			],
			'site',
		);
		const { outputs, error } = await harness.runWorkflow(
			[
				{ name: 'Users', type: 'wpUserManager', parameters: { resource: 'user', operation: 'getAll', returnAll: true } },
				{ name: 'Mapper', type: 'wpumFieldMapper', parameters: { wpumFieldList: 'site', crm: 'none', associations: rows, deferUntilActivation: true } },
			],
			{ Users: { main: [[{ node: 'Mapper', type: 'main', index: 0 }]] } },
		);
		expect(error).toBeUndefined();
		expect(outputs.Users[0]).toHaveLength(120);
		const [sync, deferred, removed] = outputs.Mapper;
		expect(sync).toHaveLength(72);
		expect(deferred).toHaveLength(48);
		expect(removed).toEqual([]);
		expect(sync[0].json).toMatchObject({ email: 'user1@example.com', event: 'backfill', fullSync: true, fields: { company: 'Company 1', interests: ['PHP', 'JavaScript'] } });
		expect(deferred[0].json).toMatchObject({ wpUserId: 3, status: 'pending_approval' });
		// Each output item points at the input item of the same user.
		for (const item of [...sync, ...deferred]) {
			const input = outputs.Users[0][(item.pairedItem as { item: number }).item];
			expect(input.json.id).toBe(item.json.wpUserId);
		}
		expect(plugin.routeLog().filter((r) => r.startsWith('GET /fields'))).toHaveLength(1);
	});
});
