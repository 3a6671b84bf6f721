import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumBrevoApi implements ICredentialType {
	name = 'wpumBrevoApi';

	displayName = 'Brevo (WPUM) API';

	icon: Icon = { light: 'file:wpumBrevo.svg', dark: 'file:wpumBrevo.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#brevo';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Create one in Brevo under your name → SMTP & API → API Keys. It starts with "xkeysib-".',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.brevo.com/v3',
			description:
				'The API address. Keep the default unless Brevo gave you a regional (e.g. EU) or dedicated address, you go through a proxy, or you test against a local server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { 'api-key': '={{$credentials.apiKey}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.brevo.com/v3").replace(/\\/+$/, "")}}',
			url: '/account',
			method: 'GET',
		},
	};
}
