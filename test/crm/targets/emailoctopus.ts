import { WpumEmailOctopusApi } from '../../../credentials/WpumEmailOctopusApi.credentials';
import { EMAILOCTOPUS_KEY, EMAILOCTOPUS_LIST, EmailOctopusFake } from '../fakes/emailoctopus';
import type { CrmTarget } from './index';

export const emailoctopusTarget: CrmTarget<EmailOctopusFake> = {
	slug: 'emailoctopus',
	credentialType: 'wpumEmailOctopusApi',
	credentialClass: WpumEmailOctopusApi,
	async start() {
		const fake = new EmailOctopusFake();
		fake.addField('Company', 'text');
		// GET /lists/{id} returns every field at once; seeded past one page (100) of the API's other listings.
		for (let n = 1; n <= 110; n++) fake.addField(`Extra${n}`, 'text');
		return await fake.start();
	},
	credentials: (fake) => ({ apiKey: EMAILOCTOPUS_KEY, baseUrl: fake.url }),
	badCredentials: (fake) => ({ apiKey: 'eo_test_wrong', baseUrl: fake.url }),
	nodeParameters: () => ({ emailoctopusListId: EMAILOCTOPUS_LIST }),
	field: { key: 'Company', first: 'Acme', second: 'Globex' },
	fieldPastFirstPage: 'Extra110',
	invalidContact: { email: 'jane@example', vendorError: /This value is not a valid email address/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
