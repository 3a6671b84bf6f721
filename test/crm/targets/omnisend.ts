import { WpumOmnisendApi } from '../../../credentials/WpumOmnisendApi.credentials';
import { OMNISEND_KEY, OmnisendFake } from '../fakes/omnisend';
import type { CrmTarget } from './index';

/**
 * Omnisend has no field listing: custom properties are free-text keys, declared in the node setting
 * "Custom Properties" and offered as `customProperties.<name>` after the standard fields. The stand-in
 * for "past the first page" is therefore the last of many declared properties.
 */
const declared = ['company', ...Array.from({ length: 30 }, (_, n) => `extra_${n + 1}`)].join(', ');

export const omnisendTarget: CrmTarget<OmnisendFake> = {
	slug: 'omnisend',
	credentialType: 'wpumOmnisendApi',
	credentialClass: WpumOmnisendApi,
	async start() {
		return await new OmnisendFake().start();
	},
	credentials: (fake) => ({ apiKey: OMNISEND_KEY, baseUrl: `${fake.url}/api` }),
	badCredentials: (fake) => ({ apiKey: 'wrong-key', baseUrl: `${fake.url}/api` }),
	nodeParameters: () => ({ omnisendCustomProperties: declared }),
	field: { key: 'customProperties.company', first: 'Acme', second: 'Globex' },
	fieldPastFirstPage: 'customProperties.extra_30',
	invalidContact: { email: 'jane@example', vendorError: /identifiers\[0\]\.id: Must be a valid email address/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
	// Omnisend's API cannot delete a contact: "Delete Contact" unsubscribes its e-mail channel.
	isDeleted: (fake, email) => fake.emailStatus.get(fake.findByEmail(email)?.id ?? '') === 'unsubscribed',
};
