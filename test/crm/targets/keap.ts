import { WpumKeapApi } from '../../../credentials/WpumKeapApi.credentials';
import { KEAP_KEY, KeapFake } from '../fakes/keap';
import type { CrmTarget } from './index';

export const keapTarget: CrmTarget<KeapFake> = {
	slug: 'keap',
	credentialType: 'wpumKeapApi',
	credentialClass: WpumKeapApi,
	async start() {
		const fake = new KeapFake();
		fake.addField('MembershipLevel', 'Membership Level');
		// Keap's contact model lists every custom field in one answer; seeded past a page of its other listings (1000).
		for (let n = 1; n <= 1005; n++) fake.addField(`Extra${n}`, `Extra ${n}`);
		return await fake.start();
	},
	credentials: (fake) => ({ apiKey: KEAP_KEY, baseUrl: `${fake.url}/crm` }),
	badCredentials: (fake) => ({ apiKey: 'KeapAK-wrong', baseUrl: `${fake.url}/crm` }),
	field: { key: 'MembershipLevel', first: 'Gold', second: 'Platinum' },
	fieldPastFirstPage: 'Extra1005',
	invalidContact: { email: 'jane@example', vendorError: /Invalid email address: jane@example/ },
	storedField: (fake, email, key) => fake.customValue(email, key),
};
