import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/** The Intercom API version the WPUM CRM Sync node is written and tested against. */
export const INTERCOM_API_VERSION = '2.16';

export class WpumIntercomApi implements ICredentialType {
	name = 'wpumIntercomApi';

	displayName = 'Intercom (WPUM) API';

	icon: Icon = { light: 'file:wpumIntercom.svg', dark: 'file:wpumIntercom.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#intercom';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'In Intercom open Settings → Integrations → Developer Hub, create (or open) an app, and copy the Access Token from its Authentication page.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.intercom.io',
			description:
				'The API address of your workspace\'s region: https://api.intercom.io (US), https://api.eu.intercom.io (Europe) or https://api.au.intercom.io (Australia). Change it only for another region, a proxy or a local test server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.accessToken}}',
				'Intercom-Version': INTERCOM_API_VERSION,
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.intercom.io").replace(/\\/+$/, "")}}',
			url: '/me',
			method: 'GET',
		},
	};
}
