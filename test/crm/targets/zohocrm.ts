import { WpumZohoCrmOAuth2Api } from '../../../credentials/WpumZohoCrmOAuth2Api.credentials';
import {
	ZOHO_CLIENT_ID,
	ZOHO_CLIENT_SECRET,
	ZOHO_FIRST_ACCESS_TOKEN,
	ZOHO_REFRESH_TOKEN,
	ZohoCrmFake,
} from '../fakes/zohocrm';
import type { CrmTarget } from './index';

/** OAuth2 credential data as n8n stores it after the consent flow, pointing at the fake's two servers. */
export function zohoCredentials(fake: ZohoCrmFake, token = { access: ZOHO_FIRST_ACCESS_TOKEN, refresh: ZOHO_REFRESH_TOKEN }) {
	return {
		clientId: ZOHO_CLIENT_ID,
		clientSecret: ZOHO_CLIENT_SECRET,
		accessTokenUrl: `${fake.accountsUrl}/oauth/v2/token`,
		oauthTokenData: { access_token: token.access, refresh_token: token.refresh, api_domain: fake.url, token_type: 'Bearer', expires_in: 3600 },
	};
}

export const zohocrmTarget: CrmTarget<ZohoCrmFake> = {
	slug: 'zohocrm',
	credentialType: 'wpumZohoCrmOAuth2Api',
	credentialClass: WpumZohoCrmOAuth2Api,
	async start() {
		const fake = new ZohoCrmFake();
		fake.addField('Membership_Level');
		// Zoho answers every field in one response; seeded well past a page of anything else.
		for (let n = 1; n <= 120; n++) fake.addField(`WPUM_Extra_${n}`);
		return await fake.start();
	},
	credentials: (fake) => zohoCredentials(fake),
	// A token Zoho no longer knows and a revoked refresh token: the refresh cannot rescue it.
	badCredentials: (fake) => zohoCredentials(fake, { access: '1000.access.revoked', refresh: '1000.refresh.revoked' }),
	field: { key: 'Membership_Level', first: 'Gold', second: 'Platinum' },
	fieldPastFirstPage: 'WPUM_Extra_120',
	invalidContact: { email: 'jane@example', vendorError: /invalid data \(INVALID_DATA, field Email, expected email\)/ },
	batchRequest: { method: 'POST', path: /\/crm\/v8\/Contacts\/upsert$/ },
	storedField: (fake, email, key) => fake.storedValue(email, key),
};
