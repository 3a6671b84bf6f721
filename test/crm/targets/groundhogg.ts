import { WpumGroundhoggApi } from '../../../credentials/WpumGroundhoggApi.credentials';
import { GROUNDHOGG_PASSWORD, GROUNDHOGG_USER, GroundhoggFake } from '../fakes/groundhogg';
import type { CrmTarget } from './index';

export const groundhoggTarget: CrmTarget<GroundhoggFake> = {
	slug: 'groundhogg',
	credentialType: 'wpumGroundhoggApi',
	credentialClass: WpumGroundhoggApi,
	async start() {
		const fake = new GroundhoggFake();
		fake.fields.push({ key: 'membership_level', label: 'Membership Level', type: 'text' });
		// `GET /properties` lists every custom field in one answer; seeded past the 25 of its tag listing anyway.
		fake.seedFields(30, (n) => ({ key: `extra_${n}`, label: `Extra ${n}`, type: 'text' }));
		return await fake.start();
	},
	credentials: (fake) => ({ siteUrl: fake.url, username: GROUNDHOGG_USER, applicationPassword: GROUNDHOGG_PASSWORD }),
	badCredentials: (fake) => ({ siteUrl: fake.url, username: GROUNDHOGG_USER, applicationPassword: 'wrong' }),
	field: { key: 'membership_level', first: 'Gold', second: 'Silver' },
	fieldPastFirstPage: 'extra_30',
	invalidContact: { email: 'jane@example', vendorError: /The provided email address is not valid/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
