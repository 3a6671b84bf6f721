import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumOrttoApi implements ICredentialType {
	name = 'wpumOrttoApi';

	displayName = 'Ortto (WPUM) API';

	icon: Icon = { light: 'file:wpumOrtto.svg', dark: 'file:wpumOrtto.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#ortto';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The private key of a Custom API data source: in Ortto, Settings → Data sources → New data source → Custom API → copy the API key.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.ap3api.com',
			description:
				'Your Ortto region\'s API address: https://api.ap3api.com (default), https://api.eu.ap3api.com (Europe) or https://api.au.ap3api.com (Australia). Also for a proxy or a local test server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { 'X-Api-Key': '={{$credentials.apiKey}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.ap3api.com").replace(/\\/+$/, "")}}',
			url: '/v1/person/custom-field/get',
			method: 'POST',
			body: {},
		},
	};
}
