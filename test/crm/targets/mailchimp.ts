import { WpumMailchimpApi } from '../../../credentials/WpumMailchimpApi.credentials';
import { MAILCHIMP_AUDIENCE, MAILCHIMP_KEY, MailchimpFake } from '../fakes/mailchimp';
import type { CrmTarget } from './index';

export const mailchimpTarget: CrmTarget<MailchimpFake> = {
	slug: 'mailchimp',
	credentialType: 'wpumMailchimpApi',
	credentialClass: WpumMailchimpApi,
	async start() {
		const fake = new MailchimpFake();
		fake.fields.push({ key: 'FNAME', label: 'First Name' }, { key: 'LNAME', label: 'Last Name' }, { key: 'COMPANY', label: 'Company' });
		// The adapter reads merge fields 50 at a time: the last of these is on its second page.
		fake.seedFields(57, (n) => ({ key: `MMERGE${n + 3}`, label: `Extra ${n}` }));
		return await fake.start();
	},
	credentials: (fake) => ({ apiKey: MAILCHIMP_KEY, baseUrl: `${fake.url}/3.0` }),
	badCredentials: (fake) => ({ apiKey: 'ffffffffffffffffffffffffffffffff-us21', baseUrl: `${fake.url}/3.0` }),
	nodeParameters: () => ({ mailchimpAudience: MAILCHIMP_AUDIENCE }),
	field: { key: 'COMPANY', first: 'Acme', second: 'Globex' },
	fieldPastFirstPage: 'MMERGE60',
	invalidContact: { email: 'jane@example', vendorError: /Please provide a valid email address/ },
	batchRequest: { method: 'POST', path: new RegExp(`^/3.0/lists/${MAILCHIMP_AUDIENCE}$`) },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
