import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Zoho CRM through OAuth2 (Zoho has no API keys for CRM). Extends n8n's `oAuth2Api`, so n8n runs the
 * consent flow, keeps `oauthTokenData` (with the `api_domain` Zoho returns) and refreshes the token.
 * Each Zoho data centre has its own accounts server; the token and authorisation URLs follow the choice.
 */
export class WpumZohoCrmOAuth2Api implements ICredentialType {
	name = 'wpumZohoCrmOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Zoho CRM (WPUM) OAuth2 API';

	icon: Icon = { light: 'file:wpumZohoCrm.svg', dark: 'file:wpumZohoCrm.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#zoho-crm';

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Data Centre',
			name: 'accountsServer',
			type: 'options',
			options: [
				{ name: 'United States (zoho.com)', value: 'https://accounts.zoho.com' },
				{ name: 'Europe (zoho.eu)', value: 'https://accounts.zoho.eu' },
				{ name: 'India (zoho.in)', value: 'https://accounts.zoho.in' },
				{ name: 'Australia (zoho.com.au)', value: 'https://accounts.zoho.com.au' },
				{ name: 'Japan (zoho.jp)', value: 'https://accounts.zoho.jp' },
				{ name: 'Canada (zohocloud.ca)', value: 'https://accounts.zohocloud.ca' },
			],
			default: 'https://accounts.zoho.com',
			description: 'Where your Zoho account lives: the domain you see after signing in to Zoho CRM',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: '={{$self["accountsServer"] + "/oauth/v2/auth"}}',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: '={{$self["accountsServer"] + "/oauth/v2/token"}}',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default:
				'ZohoCRM.modules.contacts.ALL,ZohoCRM.settings.fields.READ,ZohoCRM.settings.tags.ALL,ZohoCRM.users.READ,ZohoSearch.securesearch.READ',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			// offline: Zoho only hands out a refresh token for offline access; consent: a new one each time.
			default: 'access_type=offline&prompt=consent',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://www.zohoapis.eu',
			description:
				'Leave empty: the API domain Zoho returns with the token is used (else the data centre\'s). Set it only for a sandbox (e.g. https://sandbox.zohoapis.com), a proxy, or a local test server.',
		},
	];

	/** Used by the credential "Test"; node requests are signed by n8n's OAuth2 client with the same token. */
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Zoho-oauthtoken {{$credentials.oauthTokenData.access_token}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{($credentials.baseUrl || $credentials.oauthTokenData.api_domain || "https://www.zohoapis.com").replace(/\\/+$/, "")}}',
			url: '/crm/v8/users',
			qs: { type: 'CurrentUser' },
			method: 'GET',
		},
	};
}
