import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumOmnisendApi implements ICredentialType {
	name = 'wpumOmnisendApi';

	displayName = 'Omnisend (WPUM) API';

	icon: Icon = { light: 'file:wpumOmnisend.svg', dark: 'file:wpumOmnisend.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#omnisend';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Create one in Omnisend under Store settings → API keys → Create API key, with permission to read and write Contacts. Omnisend shows the key only once.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.omnisend.com/api',
			description: 'The API address. Keep the default unless you go through a proxy or test against a local server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Omnisend-API-Key {{$credentials.apiKey}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.omnisend.com/api").replace(/\\/+$/, "")}}',
			url: '/contacts',
			method: 'GET',
			qs: { limit: 1 },
			headers: { 'Omnisend-Version': '2026-03-15', accept: 'application/json' },
		},
	};
}
