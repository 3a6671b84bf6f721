import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumMailjetApi implements ICredentialType {
	name = 'wpumMailjetApi';

	displayName = 'Mailjet (WPUM) API';

	icon: Icon = { light: 'file:wpumMailjet.svg', dark: 'file:wpumMailjet.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#mailjet';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'In Mailjet: Account Settings → REST API → API Key Management (the public key)',
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The secret key shown next to that API key (use a key with full access, not a read-only or send-only one)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.mailjet.com',
			description:
				'The API address, without /v3. Keep the default unless you go through a proxy or test against a local server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: {
				username: '={{$credentials.apiKey}}',
				password: '={{$credentials.secretKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.mailjet.com").replace(/\\/+$/, "")}}',
			url: '/v3/REST/contactmetadata',
			qs: { Limit: 1 },
			method: 'GET',
		},
	};
}
