/**
 * Micro-benchmark of the WPUM Field Mapper's mapping (not a test; nothing is asserted): 100,000
 * realistic payloads through 20 associations of mixed formats, with the site's field catalog, tags and
 * conditional tags, in-process. Prints items mapped per second, the median of several rounds.
 * Run: npm run bench (or: node bench/run.js mapper)
 */
import type { IDataObject } from 'n8n-workflow';

import { catalogFromResponse } from '../nodes/WpumFieldMapper/fields';
import { DEFAULT_FORMAT_OPTIONS, type FormatName, type FormatOptions } from '../nodes/WpumFieldMapper/format';
import { type Association, type MapperConfig, mapItem } from '../nodes/WpumFieldMapper/map';
import { FIELD_CATALOG, makeEvent, makeUser } from '../test/nodes/field-mapper/fixtures';
import type { BenchRow } from './support';

const ITEMS = 100_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

function association(wpumField: string, crmField: string, format: FormatName, options: Partial<FormatOptions> = {}): Association {
	return { wpumField, crmField, format, options: { ...DEFAULT_FORMAT_OPTIONS, ...options } };
}

const ASSOCIATIONS: Association[] = [
	association('user_email', 'email', 'auto'),
	association('first_name', 'firstname', 'auto'),
	association('last_name', 'lastname', 'auto'),
	association('display_name', 'display_name', 'text'),
	association('user_url', 'website', 'fileUrl'),
	association('description', 'about', 'text'),
	association('current_user_avatar', 'photo', 'auto'),
	association('wpum_company', 'company', 'auto'),
	association('wpum_size', 'company_size', 'text', { useLabels: true }),
	association('wpum_newsletter', 'newsletter', 'boolean', { booleanStyle: 'yesNo' }),
	association('wpum_terms', 'accepted_terms', 'auto'),
	association('wpum_interests', 'interests', 'list', { useLabels: true, listOutput: 'joined', separator: ';' }),
	association('wpum_languages', 'languages', 'auto'),
	association('wpum_plan', 'plan', 'auto'),
	association('wpum_employees', 'employees', 'number'),
	association('wpum_birthday', 'date_of_birth', 'date', { dateOutput: 'unixSeconds' }),
	association('wpum_phone', 'phone', 'text'),
	association('wpum_gallery', 'gallery', 'fileUrl', { fileOutput: 'array' }),
	association('roles', 'membership', 'list', { listOutput: 'joined' }),
	association('registered_at', 'member_since', 'date', { dateOutput: 'pattern', datePattern: 'dd/MM/yyyy' }),
];

const CONFIG: MapperConfig = {
	associations: ASSOCIATIONS,
	tags: ['WordPress member'],
	tagRules: [
		{ tags: ['Customer'], when: 'role', role: 'customer' },
		{ tags: ['Pro'], when: 'field', field: 'wpum_plan', operator: 'equals', value: 'Pro plan' },
		{ tags: ['Newsletter'], when: 'field', field: 'wpum_newsletter', operator: 'isTrue' },
	],
	removeStaleTags: true,
	skipEmpty: true,
	crm: 'hubspot',
	gate: { deferUntilActivation: true, changedOnly: false, pingEvents: 'sync' },
};

function payloads(): IDataObject[] {
	const base = makeUser();
	const template = { registered: makeEvent('user.registered', base), updated: makeEvent('user.updated', base, { changes: { fields: ['wpum_company'] } }) };
	const statuses = ['active', 'active', 'active', 'pending_approval', 'pending_verification'];
	const list: IDataObject[] = [];
	for (let i = 0; i < ITEMS; i++) {
		const user = {
			...base,
			id: i + 1,
			email: `user${i}@example.com`,
			status: statuses[i % statuses.length],
			roles: i % 3 === 0 ? ['customer'] : ['subscriber'],
			fields: { ...base.fields, user_email: `user${i}@example.com`, wpum_company: `Company ${i}`, wpum_employees: i % 500, wpum_birthday: i % 7 === 0 ? 'April 1, 1990' : '1990-04-01' },
		};
		// A mix: bare users (backfill), registrations and updates.
		const kind = i % 3;
		list.push(kind === 0 ? user : { ...(kind === 1 ? template.registered : template.updated), user });
	}
	return list;
}

export async function run(): Promise<BenchRow[]> {
	const catalog = catalogFromResponse(FIELD_CATALOG);
	const input = payloads();
	// One untimed round first, so the JIT has compiled the mapper before anything is measured.
	for (const json of input) mapItem(json, CONFIG, catalog);
	const rates: number[] = [];
	let synced = 0;
	for (let round = 0; round < ROUNDS; round++) {
		synced = 0;
		const start = process.hrtime.bigint();
		for (const json of input) if (mapItem(json, CONFIG, catalog).output === 'sync') synced++;
		const seconds = Number(process.hrtime.bigint() - start) / 1e9;
		rates.push(ITEMS / seconds);
	}
	rates.sort((a, b) => a - b);
	const median = rates[Math.floor(rates.length / 2)];
	console.log(`${ITEMS.toLocaleString('en')} payloads × ${ASSOCIATIONS.length} associations, ${ROUNDS} rounds (${synced.toLocaleString('en')} synced, the rest deferred per status)`);
	console.log(`rounds (items/s): ${rates.map((r) => Math.round(r).toLocaleString('en')).join(', ')}`);
	console.log(`median: ${Math.round(median).toLocaleString('en')} items/s`);
	return [
		{
			bench: '5 mapper',
			measure: `items mapped per second in-process (${ITEMS.toLocaleString('en')} payloads, ${ASSOCIATIONS.length} associations, median of ${ROUNDS})`,
			value: `${Math.round(median).toLocaleString('en')} items/s`,
			target: '≥ 100,000 items/s',
			met: median >= 100_000,
		},
	];
}
