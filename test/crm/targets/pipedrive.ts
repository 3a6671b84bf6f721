import { WpumPipedriveApi } from '../../../credentials/WpumPipedriveApi.credentials';
import { PIPEDRIVE_TOKEN, PipedriveFake, pipedriveFieldCode } from '../fakes/pipedrive';
import type { CrmTarget } from './index';

/** More custom fields than one page of GET /api/v2/personFields at its maximum limit (500). */
const EXTRA_FIELDS = 505;

export const pipedriveTarget: CrmTarget<PipedriveFake> = {
	slug: 'pipedrive',
	credentialType: 'wpumPipedriveApi',
	credentialClass: WpumPipedriveApi,
	async start() {
		const fake = new PipedriveFake();
		fake.addCustomField('Company', 'varchar');
		for (let n = 1; n <= EXTRA_FIELDS; n++) fake.addCustomField(`Extra ${n}`, 'varchar');
		return await fake.start();
	},
	credentials: (fake) => ({ apiToken: PIPEDRIVE_TOKEN, baseUrl: fake.url }),
	badCredentials: (fake) => ({ apiToken: 'wrong-token', baseUrl: fake.url }),
	field: { key: pipedriveFieldCode('Company'), first: 'Acme', second: 'Globex' },
	fieldPastFirstPage: pipedriveFieldCode(`Extra ${EXTRA_FIELDS}`),
	// A whole-number owner our node passes on; Pipedrive refuses an owner that is not a user of the company.
	invalidContact: { email: 'carl@example.com', fields: { owner_id: '999' }, vendorError: /owner_id: User 999 not found/ },
	storedField: (fake, email, key) => fake.person(email)?.[key],
};
