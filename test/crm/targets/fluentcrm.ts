import { WpumFluentCrmApi } from '../../../credentials/WpumFluentCrmApi.credentials';
import { FLUENTCRM_PASSWORD, FLUENTCRM_USER, FluentCrmFake } from '../fakes/fluentcrm';
import type { CrmTarget } from './index';

export const fluentcrmTarget: CrmTarget<FluentCrmFake> = {
	slug: 'fluentcrm',
	credentialType: 'wpumFluentCrmApi',
	credentialClass: WpumFluentCrmApi,
	async start() {
		const fake = new FluentCrmFake();
		fake.fields.push({ key: 'company', label: 'Company', type: 'text' });
		// FluentCRM lists custom fields in one response; seeded past the 10 of its other listings anyway.
		fake.seedFields(14, (n) => ({ key: `extra_${n}`, label: `Extra ${n}` }));
		return await fake.start();
	},
	credentials: (fake) => ({ siteUrl: fake.url, username: FLUENTCRM_USER, applicationPassword: FLUENTCRM_PASSWORD }),
	badCredentials: (fake) => ({ siteUrl: fake.url, username: FLUENTCRM_USER, applicationPassword: 'wrong' }),
	field: { key: 'company', first: 'Acme', second: 'Globex' },
	fieldPastFirstPage: 'extra_14',
	invalidContact: { email: 'jane@example', vendorError: /email: Email is not valid/ },
	storedField: (fake, email, key) => fake.findByEmail(email)?.fields[key],
};
