import { WpumDripApi } from '../../../credentials/WpumDripApi.credentials';
import { DRIP_ACCOUNT, DRIP_TOKEN, DripFake } from '../fakes/drip';
import type { CrmTarget } from './index';

export const dripTarget: CrmTarget<DripFake> = {
	slug: 'drip',
	credentialType: 'wpumDripApi',
	credentialClass: WpumDripApi,
	async start() {
		const fake = new DripFake();
		fake.fields.push({ key: 'membership_level', label: 'membership_level' });
		// Drip lists every custom field identifier in one answer; seeded past a page of its paged routes (100).
		fake.seedFields(120, (n) => ({ key: `extra_${n}`, label: `extra_${n}` }));
		return await fake.start();
	},
	credentials: (fake) => ({ apiToken: DRIP_TOKEN, accountId: DRIP_ACCOUNT, baseUrl: `${fake.url}/v2` }),
	badCredentials: (fake) => ({ apiToken: 'drip-wrong-token', accountId: DRIP_ACCOUNT, baseUrl: `${fake.url}/v2` }),
	field: { key: 'membership_level', first: 'Gold', second: 'Platinum' },
	fieldPastFirstPage: 'extra_120',
	invalidContact: { email: 'jane@example', vendorError: /Email is invalid/ },
	storedField: (fake, email, key) => fake.customOf(email)?.[key],
};
