import { WpumKlaviyoApi } from '../../../credentials/WpumKlaviyoApi.credentials';
import { KLAVIYO_KEY, KlaviyoFake } from '../fakes/klaviyo';
import type { CrmTarget } from './index';

/**
 * Klaviyo has no field listing: custom properties are free-text keys, declared in the node setting
 * "Custom Properties" and offered as `properties.<name>` after the standard attributes. The stand-in
 * for "past the first page" is therefore the last of many declared properties.
 */
const declared = ['company', ...Array.from({ length: 30 }, (_, n) => `extra_${n + 1}`)].join(', ');

export const klaviyoTarget: CrmTarget<KlaviyoFake> = {
	slug: 'klaviyo',
	credentialType: 'wpumKlaviyoApi',
	credentialClass: WpumKlaviyoApi,
	async start() {
		return await new KlaviyoFake().start();
	},
	credentials: (fake) => ({ apiKey: KLAVIYO_KEY, baseUrl: fake.url }),
	badCredentials: (fake) => ({ apiKey: 'pk_wrong', baseUrl: fake.url }),
	nodeParameters: () => ({ klaviyoCustomProperties: declared }),
	field: { key: 'properties.company', first: 'Acme', second: 'Globex' },
	fieldPastFirstPage: 'properties.extra_30',
	invalidContact: { email: 'jane@example', vendorError: /Invalid email address/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
