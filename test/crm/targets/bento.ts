import { WpumBentoApi } from '../../../credentials/WpumBentoApi.credentials';
import { BENTO_PUBLISHABLE_KEY, BENTO_SECRET_KEY, BENTO_SITE_UUID, BentoFake } from '../fakes/bento';
import type { CrmTarget } from './index';

export const bentoTarget: CrmTarget<BentoFake> = {
	slug: 'bento',
	credentialType: 'wpumBentoApi',
	credentialClass: WpumBentoApi,
	async start() {
		const fake = new BentoFake();
		fake.addField('last_name', 'Last Name');
		fake.addField('membership_level', 'Membership Level');
		// Bento lists every field in one answer; seeded past a page of the usual paged routes (100).
		for (let n = 1; n <= 120; n++) fake.addField(`extra_${n}`);
		return await fake.start();
	},
	credentials: (fake) => ({ publishableKey: BENTO_PUBLISHABLE_KEY, secretKey: BENTO_SECRET_KEY, siteUuid: BENTO_SITE_UUID, baseUrl: `${fake.url}/api/v1` }),
	badCredentials: (fake) => ({ publishableKey: BENTO_PUBLISHABLE_KEY, secretKey: 'sk_wrong', siteUuid: BENTO_SITE_UUID, baseUrl: `${fake.url}/api/v1` }),
	field: { key: 'membership_level', first: 'Gold', second: 'Platinum' },
	fieldPastFirstPage: 'extra_120',
	invalidContact: { email: 'jane@example', vendorError: /email is invalid/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
	isDeleted: (fake, email) => !fake.findByEmail(email) && fake.anonymised.size === 1,
};
