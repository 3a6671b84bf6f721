import { WpumAgileCrmApi } from '../../../credentials/WpumAgileCrmApi.credentials';
import { AGILE_KEY, AGILE_USER, AgileCrmFake } from '../fakes/agilecrm';
import type { CrmTarget } from './index';

/** Agile answers its custom fields all at once (no paging): 60 of them, the wanted one last. */
export const agilecrmTarget: CrmTarget<AgileCrmFake> = {
	slug: 'agilecrm',
	credentialType: 'wpumAgileCrmApi',
	credentialClass: WpumAgileCrmApi,
	async start() {
		const fake = new AgileCrmFake();
		fake.customFields.push({ id: 11, field_label: 'Membership Level', field_type: 'TEXT' });
		for (let n = 1; n <= 60; n++) fake.customFields.push({ id: 100 + n, field_label: `Extra ${n}`, field_type: 'TEXT' });
		return await fake.start();
	},
	credentials: (fake) => ({ domain: 'fake', email: AGILE_USER, apiKey: AGILE_KEY, baseUrl: `${fake.url}/dev/api` }),
	badCredentials: (fake) => ({ domain: 'fake', email: AGILE_USER, apiKey: 'wrong-key', baseUrl: `${fake.url}/dev/api` }),
	field: { key: 'Membership Level', first: 'Gold', second: 'Platinum' },
	fieldPastFirstPage: 'Extra 60',
	invalidContact: { email: 'jane@example', vendorError: /Invalid email address: jane@example/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
