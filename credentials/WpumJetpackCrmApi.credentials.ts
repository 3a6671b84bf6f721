import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

export class WpumJetpackCrmApi implements ICredentialType {
	name = 'wpumJetpackCrmApi';

	displayName = 'Jetpack CRM (WPUM) API';

	icon: Icon = { light: 'file:wpumJetpackCrm.svg', dark: 'file:wpumJetpackCrm.dark.svg' };

	documentationUrl = 'https://automattic.github.io/jetpack-crm-api-docs/';

	properties: INodeProperties[] = [
		{
			displayName: 'WordPress Site URL',
			name: 'siteUrl',
			type: 'string',
			default: '',
			placeholder: 'https://example.com',
			required: true,
			description: 'The address of the WordPress site Jetpack CRM runs on (its API lives at /zbs_api; pretty permalinks must be on)',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Jetpack CRM → Settings → API: the key starting with jpcrm_pk_ (enable the API module first)',
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The secret (jpcrm_sk_…) shown once when the key was generated',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			qs: { api_key: '={{$credentials.apiKey}}', api_secret: '={{$credentials.apiSecret}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.siteUrl.replace(/\\/+$/, "")}}/zbs_api',
			url: '/status',
		},
	};
}
