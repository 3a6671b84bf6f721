import { WpumSenderApi } from '../../../credentials/WpumSenderApi.credentials';
import { SENDER_TOKEN, SenderFake } from '../fakes/sender';
import type { CrmTarget } from './index';

export const senderTarget: CrmTarget<SenderFake> = {
	slug: 'sender',
	credentialType: 'wpumSenderApi',
	credentialClass: WpumSenderApi,
	async start() {
		const fake = new SenderFake();
		fake.addField('Membership');
		// The adapter reads /fields 50 a page: 1 + 60 spans two pages.
		for (let n = 1; n <= 60; n++) fake.addField(`Extra ${n}`);
		return await fake.start();
	},
	credentials: (fake) => ({ apiToken: SENDER_TOKEN, baseUrl: `${fake.url}/v2` }),
	badCredentials: (fake) => ({ apiToken: 'wrong-token', baseUrl: `${fake.url}/v2` }),
	field: { key: '{$membership}', first: 'Gold', second: 'Silver' },
	fieldPastFirstPage: '{$extra_60}',
	invalidContact: { email: 'jane@example', vendorError: /The email must be a valid email address/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
	// Sender cannot change a subscriber's e-mail: the adapter moves the person to a new subscriber.
	emailChangeMovesContact: true,
};
