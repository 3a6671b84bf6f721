import { WpumActiveCampaignApi } from '../../../credentials/WpumActiveCampaignApi.credentials';
import { ACTIVECAMPAIGN_TOKEN, ActiveCampaignFake } from '../fakes/activecampaign';
import type { CrmTarget } from './index';

export const activecampaignTarget: CrmTarget<ActiveCampaignFake> = {
	slug: 'activecampaign',
	credentialType: 'wpumActiveCampaignApi',
	credentialClass: WpumActiveCampaignApi,
	async start() {
		const fake = new ActiveCampaignFake();
		fake.fields.push({ id: '1', key: 'MEMBERSHIP_LEVEL', label: 'Membership level' });
		// 20 per page by default, 100 at most: the adapter must page to reach the last of these.
		fake.seedFields(130, (n) => ({ id: String(n + 1), key: `EXTRA_${n}`, label: `Extra ${n}` }));
		return await fake.start();
	},
	credentials: (fake) => ({ apiUrl: fake.url, apiKey: ACTIVECAMPAIGN_TOKEN }),
	badCredentials: (fake) => ({ apiUrl: fake.url, apiKey: 'wrong' }),
	field: { key: 'MEMBERSHIP_LEVEL', first: 'Gold', second: 'Platinum' },
	fieldPastFirstPage: 'EXTRA_130',
	invalidContact: { email: 'jane@example', vendorError: /Email address is not valid/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
