import { WpumJetpackCrmApi } from '../../../credentials/WpumJetpackCrmApi.credentials';
import { JETPACKCRM_KEY, JETPACKCRM_SECRET, JetpackCrmFake } from '../fakes/jetpackcrm';
import type { CrmTarget } from './index';

/**
 * Jetpack CRM's API cannot list custom fields: their slugs are declared in the node setting "Custom
 * Field Slugs". The stand-in for "past the first page" is the last of many declared.
 */
export const jetpackcrmDeclared = ['membership-level', ...Array.from({ length: 30 }, (_, n) => `extra-${n + 1}`)];

export const jetpackcrmTarget: CrmTarget<JetpackCrmFake> = {
	slug: 'jetpackcrm',
	credentialType: 'wpumJetpackCrmApi',
	credentialClass: WpumJetpackCrmApi,
	async start() {
		const fake = new JetpackCrmFake();
		fake.seedFields(jetpackcrmDeclared.length, (n) => ({ key: jetpackcrmDeclared[n - 1], label: jetpackcrmDeclared[n - 1], type: 'text' }));
		return await fake.start();
	},
	credentials: (fake) => ({ siteUrl: fake.url, apiKey: JETPACKCRM_KEY, apiSecret: JETPACKCRM_SECRET }),
	badCredentials: (fake) => ({ siteUrl: fake.url, apiKey: JETPACKCRM_KEY, apiSecret: 'jpcrm_sk_wrong' }),
	nodeParameters: () => ({ jetpackcrmCustomFields: jetpackcrmDeclared.join(', ') }),
	field: { key: 'membership-level', first: 'Gold', second: 'Silver' },
	fieldPastFirstPage: 'extra-30',
	invalidContact: { email: 'jane@example', vendorError: /did not save the contact/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
	// The API cannot delete: Delete sets the status from the node setting (default Blacklisted).
	isDeleted: (fake, email) => fake.findByEmail(email)?.fields.status === 'Blacklisted',
};
