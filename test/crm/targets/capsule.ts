import { WpumCapsuleApi } from '../../../credentials/WpumCapsuleApi.credentials';
import { CAPSULE_TOKEN, CapsuleFake } from '../fakes/capsule';
import type { CrmTarget } from './index';

/** Capsule pages its field definitions (the adapter asks for 100 a page): 130 definitions put the last on page 2. */
export const capsuleTarget: CrmTarget<CapsuleFake> = {
	slug: 'capsule',
	credentialType: 'wpumCapsuleApi',
	credentialClass: WpumCapsuleApi,
	async start() {
		const fake = new CapsuleFake();
		fake.definitions.push({ id: 45, name: 'Company', type: 'text', displayOrder: 1 });
		for (let n = 1; n <= 130; n++) fake.definitions.push({ id: 1000 + n, name: `Extra ${n}`, type: 'text', displayOrder: n + 1 });
		return await fake.start();
	},
	credentials: (fake) => ({ apiToken: CAPSULE_TOKEN, baseUrl: `${fake.url}/api/v2` }),
	badCredentials: (fake) => ({ apiToken: 'wrong-token', baseUrl: `${fake.url}/api/v2` }),
	field: { key: 'field_45', first: 'Acme', second: 'Globex' },
	fieldPastFirstPage: 'field_1130',
	invalidContact: { email: 'jane@example', vendorError: /email address is invalid/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
