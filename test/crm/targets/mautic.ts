import { WpumMauticApi } from '../../../credentials/WpumMauticApi.credentials';
import { MAUTIC_PASSWORD, MAUTIC_USER, MauticFake } from '../fakes/mautic';
import type { CrmTarget } from './index';

export const mauticTarget: CrmTarget<MauticFake> = {
	slug: 'mautic',
	credentialType: 'wpumMauticApi',
	credentialClass: WpumMauticApi,
	async start() {
		const fake = new MauticFake();
		fake.fields.push({ key: 'membership', label: 'Membership', type: 'text' });
		// 8 core + 1 + 120 custom fields: two pages of the adapter's 100, five of Mautic's default 30.
		fake.seedFields(120, (n) => ({ key: `extra${n}`, label: `Extra ${n}` }));
		return await fake.start();
	},
	credentials: (fake) => ({ url: fake.url, username: MAUTIC_USER, password: MAUTIC_PASSWORD }),
	badCredentials: (fake) => ({ url: fake.url, username: MAUTIC_USER, password: 'wrong' }),
	field: { key: 'membership', first: 'Gold', second: 'Silver' },
	fieldPastFirstPage: 'extra120',
	invalidContact: { email: 'jane@example', vendorError: /email: A valid email is required/ },
	batchRequest: { method: 'POST', path: /\/api\/contacts\/batch\/new$/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
