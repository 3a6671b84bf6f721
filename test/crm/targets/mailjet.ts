import { WpumMailjetApi } from '../../../credentials/WpumMailjetApi.credentials';
import { MAILJET_KEY, MAILJET_SECRET, MailjetFake } from '../fakes/mailjet';
import type { CrmTarget } from './index';

export const mailjetTarget: CrmTarget<MailjetFake> = {
	slug: 'mailjet',
	credentialType: 'wpumMailjetApi',
	credentialClass: WpumMailjetApi,
	async start() {
		const fake = new MailjetFake();
		fake.addProperty('company');
		// Mailjet pages /contactmetadata by Limit (at most 1000): seeded past one full page.
		for (let n = 1; n <= 1005; n++) fake.addProperty(`extra_${n}`);
		return await fake.start();
	},
	credentials: (fake) => ({ apiKey: MAILJET_KEY, secretKey: MAILJET_SECRET, baseUrl: fake.url }),
	badCredentials: (fake) => ({ apiKey: MAILJET_KEY, secretKey: 'wrong-secret', baseUrl: fake.url }),
	field: { key: 'company', first: 'Acme', second: 'Globex' },
	fieldPastFirstPage: 'extra_1005',
	invalidContact: { email: 'jane@example', vendorError: /invalid email address/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
	// Delete is Mailjet's GDPR delete: the contact is anonymised (its e-mail is gone), purged after 30 days.
	isDeleted: (fake, email) => !fake.findByEmail(email) && fake.anonymized.size > 0,
	emailChangeMovesContact: true,
};
