import { WpumMailerLiteApi } from '../../../credentials/WpumMailerLiteApi.credentials';
import { MAILERLITE_TOKEN, MailerLiteFake } from '../fakes/mailerlite';
import type { CrmTarget } from './index';

export const mailerliteTarget: CrmTarget<MailerLiteFake> = {
	slug: 'mailerlite',
	credentialType: 'wpumMailerLiteApi',
	credentialClass: WpumMailerLiteApi,
	async start() {
		const fake = new MailerLiteFake();
		fake.fields.push({ key: 'membership', label: 'Membership', type: 'text' });
		// The adapter asks for 100 fields a page: 8 standard + 1 + 110 spans two pages.
		fake.seedFields(110, (n) => ({ key: `extra_${n}`, label: `Extra ${n}` }));
		return await fake.start();
	},
	credentials: (fake) => ({ apiKey: MAILERLITE_TOKEN, baseUrl: `${fake.url}/api` }),
	badCredentials: (fake) => ({ apiKey: 'wrong-token', baseUrl: `${fake.url}/api` }),
	field: { key: 'membership', first: 'Gold', second: 'Silver' },
	fieldPastFirstPage: 'extra_110',
	invalidContact: { email: 'jane@example', vendorError: /The email must be a valid email address/ },
	batchRequest: { method: 'POST', path: /\/api\/batch$/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
