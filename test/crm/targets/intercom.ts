import { WpumIntercomApi } from '../../../credentials/WpumIntercomApi.credentials';
import { INTERCOM_TOKEN, IntercomFake } from '../fakes/intercom';
import type { CrmTarget } from './index';

export const intercomTarget: CrmTarget<IntercomFake> = {
	slug: 'intercom',
	credentialType: 'wpumIntercomApi',
	credentialClass: WpumIntercomApi,
	async start() {
		const fake = new IntercomFake();
		// Intercom's rate (10,000 calls a minute) in 1-second windows instead of 10-second ones, so each
		// X-RateLimit-Reset of the suite's 429 storm is at most 2 s away and the storm fits its 20 s budget.
		fake.rateLimit = { max: 167, windowMs: 1000 };
		fake.addAttribute('membership_level');
		// Intercom lists every data attribute in one response; seeded well past a page of its other listings (50).
		for (let n = 1; n <= 120; n++) fake.addAttribute(`wpum_extra_${n}`);
		return await fake.start();
	},
	credentials: (fake) => ({ accessToken: INTERCOM_TOKEN, baseUrl: fake.url }),
	badCredentials: (fake) => ({ accessToken: 'dG9rOndyb25n', baseUrl: fake.url }),
	field: { key: 'membership_level', first: 'Gold', second: 'Platinum' },
	fieldPastFirstPage: 'wpum_extra_120',
	// Intercom checks owner_id against the workspace's admins.
	invalidContact: { email: 'carl@example.com', fields: { owner_id: '12345' }, vendorError: /The owner specified is not a member of the workspace/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
