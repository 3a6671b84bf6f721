/**
 * Benchmark 4, backfill (not a test; targets are reported, not asserted): existing users read from the
 * plugin's paged users route (the fake plugin server, 100 per page) → WPUM Field Mapper → WPUM CRM Sync
 * (Create or Update, batched wherever the CRM has a batch endpoint), in n8n's real workflow engine,
 * against CRM fakes that enforce each vendor's documented rate limit (sliding window, the vendor's own
 * 429 answer). Reports CRM requests vs the minimum ⌈N / batch max⌉ (+ field listing), wall time vs the
 * bound the rate limit sets, and contacts lost (must be 0). One round per CRM (each round is long and
 * deterministic in request count; wall time is what varies).
 * Run alone: npm run bench -- backfill   (BENCH_BACKFILL_USERS, BENCH_BACKFILL_ONE_BY_ONE_USERS)
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { WpUserManagerApi } from '../credentials/WpUserManagerApi.credentials';
import { WpUserManager } from '../nodes/WpUserManager/WpUserManager.node';
import { WpumCrm } from '../nodes/WpumCrm/WpumCrm.node';
import { WpumFieldMapper } from '../nodes/WpumFieldMapper/WpumFieldMapper.node';
import type { FakeCrm } from '../test/crm/fakes/base';
import type { CrmTarget } from '../test/crm/targets';
import { brevoTarget } from '../test/crm/targets/brevo';
import { hubspotTarget } from '../test/crm/targets/hubspot';
import { mailchimpTarget } from '../test/crm/targets/mailchimp';
import { Harness } from '../test/harness';
import { makeUser, startFakeWpumPlugin } from '../test/support/fake-wpum-plugin';
import { type BenchRow, int, log, now, ratio } from './support';

const USERS = Number(process.env.BENCH_BACKFILL_USERS ?? 10_000);
// Brevo's contacts API has no batch upsert and allows 10 requests/s: 10,000 users would take ≥ 17 min.
const ONE_BY_ONE_USERS = Number(process.env.BENCH_BACKFILL_ONE_BY_ONE_USERS ?? 1_000);

interface Case {
	name: string;
	target: CrmTarget;
	batchMax: number | undefined;
	users: number;
	/** The mapper's CRM field keys for first name, last name and company. */
	keys: [string, string, string];
}

const CASES: Case[] = [
	{ name: 'HubSpot', target: hubspotTarget as CrmTarget, batchMax: 100, users: USERS, keys: ['firstname', 'lastname', 'company'] },
	{ name: 'Mailchimp', target: mailchimpTarget as CrmTarget, batchMax: 500, users: USERS, keys: ['FNAME', 'LNAME', 'COMPANY'] },
	{ name: 'Brevo', target: brevoTarget as CrmTarget, batchMax: undefined, users: ONE_BY_ONE_USERS, keys: ['FIRSTNAME', 'LASTNAME', 'COMPANY'] },
];

function users(count: number): IDataObject[] {
	return Array.from({ length: count }, (_, i) => {
		const id = i + 1;
		const user = makeUser(id);
		return { ...user, fields: { ...(user.fields as IDataObject), wpum_company: `Company ${id}` } };
	});
}

async function backfill(testCase: Case): Promise<BenchRow> {
	const plugin = await startFakeWpumPlugin({ users: users(testCase.users) });
	const fake: FakeCrm = await testCase.target.start();
	fake.enforceRateLimit = true;
	try {
		const credentials: Record<string, ICredentialDataDecryptedObject> = {
			wpUserManagerApi: plugin.credentials() as ICredentialDataDecryptedObject,
			[testCase.target.credentialType]: testCase.target.credentials(fake),
		};
		const harness = new Harness({
			nodeTypes: [WpUserManager, WpumFieldMapper, WpumCrm],
			credentialTypes: [WpUserManagerApi, testCase.target.credentialClass],
			credentials,
		});
		const [first, last, company] = testCase.keys;
		const crmParameters = testCase.target.nodeParameters?.(fake) ?? {};
		const started = now();
		const { outputs, error } = await harness.runWorkflow(
			[
				{ name: 'Users', type: 'wpUserManager', parameters: { resource: 'user', operation: 'getAll', returnAll: true } },
				{
					name: 'Mapper',
					type: 'wpumFieldMapper',
					parameters: {
						wpumFieldList: 'typed',
						crm: testCase.target.slug,
						associations: {
							association: [
								{ wpumFieldKey: 'first_name', crmField: first, format: 'auto' },
								{ wpumFieldKey: 'last_name', crmField: last, format: 'auto' },
								{ wpumFieldKey: 'wpum_company', crmField: company, format: 'auto' },
							],
						},
						...crmParameters,
					},
				},
				{
					name: 'CRM',
					type: 'wpumCrm',
					parameters: { crm: testCase.target.slug, operation: 'upsert', inputSource: 'mapper', options: { maxRateLimitWait: 120 }, ...crmParameters },
				},
			],
			{ Users: { main: [[{ node: 'Mapper', type: 'main', index: 0 }]] }, Mapper: { main: [[{ node: 'CRM', type: 'main', index: 0 }], [], []] } },
		);
		const seconds = (now() - started) / 1000;
		if (error) throw new Error(`${testCase.name} backfill failed: ${error.message}`);
		const synced = outputs.CRM?.[0]?.length ?? 0;
		const requests = fake.requests.length;
		const throttled = fake.sent.throttled;
		const kinds = new Map<string, number>();
		for (const request of fake.requests) {
			const kind = `${request.method} ${request.path.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
			kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
		}
		const lost = testCase.users - fake.contactCount();
		const writes = testCase.batchMax ? Math.ceil(testCase.users / testCase.batchMax) : testCase.users;
		const listing = fake.requests.filter((r) => r.method === 'GET').length > 0 ? 1 : 0;
		const minimum = writes + listing;
		const { max, windowMs } = fake.rateLimit;
		// A sliding window lets `max` requests through at once, then `max` more per window.
		const boundSeconds = (Math.max(0, Math.ceil(minimum / max) - 1) * windowMs) / 1000;
		log(`${testCase.name}: ${int(testCase.users)} users, ${int(synced)} synced, ${int(fake.contactCount())} contacts, ${int(requests)} requests (${int(throttled)} answered 429), ${seconds.toFixed(1)} s`);
		log(`  by route: ${[...kinds].map(([kind, count]) => `${kind} ×${count}`).join(', ')}`);
		log(`  limit ${max} per ${windowMs / 1000} s; minimum ${minimum} requests (${writes} writes + ${listing} field listing); rate-limit bound ${boundSeconds.toFixed(1)} s`);
		return {
			bench: '4 backfill',
			measure: `${testCase.name}${testCase.batchMax ? ` (batch ${testCase.batchMax})` : ' (no batch endpoint)'}: ${int(testCase.users)} users, limit ${max}/${windowMs / 1000} s`,
			value: `${int(requests - throttled)} requests (+${int(throttled)} answered 429) vs minimum ${int(minimum)}; ${seconds.toFixed(1)} s vs bound ${boundSeconds.toFixed(1)} s; ${lost} lost`,
			ratio: `${ratio((requests - throttled) / minimum)} requests, ${boundSeconds > 0 ? ratio(seconds / boundSeconds) : 'n/a'} time`,
			target: '0 contacts lost',
			met: lost === 0,
		};
	} finally {
		await fake.close();
		await plugin.close();
	}
}

export async function run(): Promise<BenchRow[]> {
	const rows: BenchRow[] = [];
	for (const testCase of CASES) rows.push(await backfill(testCase));
	return rows;
}
