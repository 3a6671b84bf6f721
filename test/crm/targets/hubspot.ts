import { WpumHubSpotApi } from '../../../credentials/WpumHubSpotApi.credentials';
import { HUBSPOT_TOKEN, HubSpotFake } from '../fakes/hubspot';
import type { CrmTarget } from './index';

export const hubspotTarget: CrmTarget<HubSpotFake> = {
	slug: 'hubspot',
	credentialType: 'wpumHubSpotApi',
	credentialClass: WpumHubSpotApi,
	async start() {
		const fake = new HubSpotFake();
		fake.addProperty('membership_level', 'Membership Level');
		// HubSpot returns every property in one answer; seeded well past a page of anything else.
		for (let n = 1; n <= 120; n++) fake.addProperty(`wpum_extra_${n}`, `Extra ${n}`);
		return await fake.start();
	},
	credentials: (fake) => ({ accessToken: HUBSPOT_TOKEN, baseUrl: fake.url }),
	badCredentials: (fake) => ({ accessToken: 'pat-na1-wrong', baseUrl: fake.url }),
	field: { key: 'membership_level', first: 'Gold', second: 'Platinum' },
	fieldPastFirstPage: 'wpum_extra_120',
	invalidContact: { email: 'jane@example', vendorError: /Email address jane@example is invalid/ },
	batchRequest: { method: 'POST', path: /\/crm\/v3\/objects\/contacts\/batch\/upsert$/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
