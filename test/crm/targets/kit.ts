import { WpumKitApi } from '../../../credentials/WpumKitApi.credentials';
import { KIT_KEY, KitFake } from '../fakes/kit';
import type { CrmTarget } from './index';

export const kitTarget: CrmTarget<KitFake> = {
	slug: 'kit',
	credentialType: 'wpumKitApi',
	credentialClass: WpumKitApi,
	async start() {
		const fake = new KitFake();
		fake.fields.push({ key: 'company', label: 'Company' });
		// Kit pages custom fields by cursor, at most 1000 a page.
		fake.seedFields(1005, (n) => ({ key: `extra_${n}`, label: `Extra ${n}` }));
		return await fake.start();
	},
	credentials: (fake) => ({ apiKey: KIT_KEY, baseUrl: `${fake.url}/v4` }),
	badCredentials: (fake) => ({ apiKey: 'kit_wrong', baseUrl: `${fake.url}/v4` }),
	field: { key: 'company', first: 'Acme', second: 'Globex' },
	fieldPastFirstPage: 'extra_1005',
	invalidContact: { email: 'jane@example', vendorError: /Email address is invalid/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
	// Kit's API has no delete: "Delete Contact" unsubscribes the subscriber (state cancelled).
	isDeleted: (fake, email) => fake.states.get(fake.findByEmail(email)?.id ?? '') === 'cancelled',
};
