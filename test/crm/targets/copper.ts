import { WpumCopperApi } from '../../../credentials/WpumCopperApi.credentials';
import { COPPER_KEY, COPPER_USER, CopperFake } from '../fakes/copper';
import type { CrmTarget } from './index';

/**
 * Copper lists every custom field definition in one answer (the route has no paging); the stand-in for
 * "past the first page" is the last of more definitions than one page of its people search (20 by default).
 */
export const copperTarget: CrmTarget<CopperFake> = {
	slug: 'copper',
	credentialType: 'wpumCopperApi',
	credentialClass: WpumCopperApi,
	async start() {
		const fake = new CopperFake();
		fake.definitions.push({ id: 100764, name: 'Company', data_type: 'String', available_on: ['person', 'company', 'lead'] });
		for (let n = 1; n <= 30; n++) fake.definitions.push({ id: 200000 + n, name: `Extra ${n}`, data_type: 'Text', available_on: ['person'] });
		return await fake.start();
	},
	credentials: (fake) => ({ apiKey: COPPER_KEY, email: COPPER_USER, baseUrl: `${fake.url}/developer_api/v1` }),
	badCredentials: (fake) => ({ apiKey: 'wrong-key', email: COPPER_USER, baseUrl: `${fake.url}/developer_api/v1` }),
	field: { key: 'cf_100764', first: 'Acme', second: 'Globex' },
	fieldPastFirstPage: 'cf_200030',
	invalidContact: { email: 'jane@example', vendorError: /Email is invalid/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
