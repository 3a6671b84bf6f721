import { WpumHighLevelApi } from '../../../credentials/WpumHighLevelApi.credentials';
import { HIGHLEVEL_LOCATION, HIGHLEVEL_TOKEN, HighLevelFake } from '../fakes/highlevel';
import type { CrmTarget } from './index';

/**
 * HighLevel lists a location's custom fields in one answer (the route takes no paging); the stand-in
 * for "past the first page" is the last of more custom fields than a typical first page (20).
 */
export const highlevelTarget: CrmTarget<HighLevelFake> = {
	slug: 'highlevel',
	credentialType: 'wpumHighLevelApi',
	credentialClass: WpumHighLevelApi,
	async start() {
		const fake = new HighLevelFake();
		fake.customFields.push({ id: 'cfCompany00000000001', name: 'Company', fieldKey: 'contact.company', dataType: 'TEXT' });
		for (let n = 1; n <= 30; n++) {
			fake.customFields.push({ id: `cfExtra${String(n).padStart(13, '0')}`, name: `Extra ${n}`, fieldKey: `contact.extra_${n}`, dataType: 'LARGE_TEXT' });
		}
		return await fake.start();
	},
	credentials: (fake) => ({ token: HIGHLEVEL_TOKEN, locationId: HIGHLEVEL_LOCATION, baseUrl: fake.url }),
	badCredentials: (fake) => ({ token: 'pit-wrong', locationId: HIGHLEVEL_LOCATION, baseUrl: fake.url }),
	field: { key: 'contact.company', first: 'Acme', second: 'Globex' },
	fieldPastFirstPage: 'contact.extra_30',
	invalidContact: { email: 'jane@example', vendorError: /email must be an email/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
