import { WpumBrevoApi } from '../../../credentials/WpumBrevoApi.credentials';
import { BREVO_KEY, BrevoFake } from '../fakes/brevo';
import type { CrmTarget } from './index';

export const brevoTarget: CrmTarget<BrevoFake> = {
	slug: 'brevo',
	credentialType: 'wpumBrevoApi',
	credentialClass: WpumBrevoApi,
	async start() {
		const fake = new BrevoFake();
		fake.fields.push({ key: 'COMPANY', label: 'COMPANY', type: 'text' });
		// Brevo lists every attribute in one response; seeded past one page of its other listings (50).
		fake.seedFields(60, (n) => ({ key: `EXTRA_${n}`, label: `EXTRA_${n}` }));
		return await fake.start();
	},
	credentials: (fake) => ({ apiKey: BREVO_KEY, baseUrl: `${fake.url}/v3` }),
	badCredentials: (fake) => ({ apiKey: 'xkeysib-wrong', baseUrl: `${fake.url}/v3` }),
	field: { key: 'COMPANY', first: 'Acme', second: 'Globex' },
	fieldPastFirstPage: 'EXTRA_60',
	invalidContact: { email: 'jane@example', vendorError: /Invalid email address/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
