import { WpumOrttoApi } from '../../../credentials/WpumOrttoApi.credentials';
import { ORTTO_KEY, OrttoFake } from '../fakes/ortto';
import type { CrmTarget } from './index';

export const orttoTarget: CrmTarget<OrttoFake> = {
	slug: 'ortto',
	credentialType: 'wpumOrttoApi',
	credentialClass: WpumOrttoApi,
	async start() {
		const fake = new OrttoFake();
		fake.addField('str:cm:company', 'Company');
		// custom-field/get answers every field at once; seeded past one page (50) of person/get's default limit.
		for (let n = 1; n <= 60; n++) fake.addField(`str:cm:extra-${n}`, `Extra ${n}`);
		return await fake.start();
	},
	credentials: (fake) => ({ apiKey: ORTTO_KEY, baseUrl: fake.url }),
	badCredentials: (fake) => ({ apiKey: 'ortto-wrong-key', baseUrl: fake.url }),
	field: { key: 'str:cm:company', first: 'Acme', second: 'Globex' },
	fieldPastFirstPage: 'str:cm:extra-60',
	invalidContact: { email: 'jane@example', vendorError: /Invalid email address/ },
	batchRequest: { method: 'POST', path: /^\/v1\/person\/merge$/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
