import { WpumCustomerIoApi } from '../../../credentials/WpumCustomerIoApi.credentials';
import { CIO_APP_KEY, CIO_SITE_ID, CIO_TRACK_KEY, CustomerIoFake } from '../fakes/customerio';
import type { CrmTarget } from './index';

/**
 * Customer.io has no attribute listing: custom attributes are free-text keys, declared in the node
 * setting "Custom Attributes". The stand-in for "past the first page" is the last of many declared.
 */
export const customerioDeclared = ['company', ...Array.from({ length: 30 }, (_, n) => `extra_${n + 1}`)].join(', ');

export const customerioTarget: CrmTarget<CustomerIoFake> = {
	slug: 'customerio',
	credentialType: 'wpumCustomerIoApi',
	credentialClass: WpumCustomerIoApi,
	async start() {
		return await new CustomerIoFake().start();
	},
	// Both APIs on one fake: the Track API under /api/v1, the App API under /v1.
	credentials: (fake) => ({ siteId: CIO_SITE_ID, apiKey: CIO_TRACK_KEY, appApiKey: CIO_APP_KEY, trackBaseUrl: fake.url, appBaseUrl: fake.url }),
	badCredentials: (fake) => ({ siteId: CIO_SITE_ID, apiKey: 'trk_wrong', appApiKey: 'app_wrong', trackBaseUrl: fake.url, appBaseUrl: fake.url }),
	nodeParameters: () => ({ customerioCustomAttributes: customerioDeclared }),
	field: { key: 'company', first: 'Acme', second: 'Globex' },
	fieldPastFirstPage: 'extra_30',
	invalidContact: { email: 'jane@example', vendorError: /is not a valid email address/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
