import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumCopperApi implements ICredentialType {
	name = 'wpumCopperApi';

	displayName = 'Copper (WPUM) API';

	icon: Icon = { light: 'file:wpumCopper.svg', dark: 'file:wpumCopper.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#copper';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Create one in Copper under Settings → Integrations → API Keys → Generate API Key (an admin can do this)',
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			required: true,
			description: 'The e-mail address of the Copper user who generated the API key. Copper checks the key against it.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.copper.com/developer_api/v1',
			description: 'The API address. Keep the default unless you go through a proxy or test against a local server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-PW-AccessToken': '={{$credentials.apiKey}}',
				'X-PW-Application': 'developer_api',
				'X-PW-UserEmail': '={{$credentials.email}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.copper.com/developer_api/v1").replace(/\\/+$/, "")}}',
			url: '/account',
			method: 'GET',
			headers: { accept: 'application/json', 'Content-Type': 'application/json' },
		},
	};
}
