import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumMailerLiteApi implements ICredentialType {
	name = 'wpumMailerLiteApi';

	displayName = 'MailerLite (WPUM) API';

	icon: Icon = { light: 'file:wpumMailerLite.svg', dark: 'file:wpumMailerLite.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#mailerlite';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Create one in MailerLite under Integrations → MailerLite API → Generate new token. This works with the new MailerLite (connect.mailerlite.com), not MailerLite Classic.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://connect.mailerlite.com/api',
			description:
				'The API address. Keep the default unless MailerLite gave you a regional (e.g. EU) or dedicated address, you go through a proxy, or you test against a local server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.apiKey}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://connect.mailerlite.com/api").replace(/\\/+$/, "")}}',
			url: '/groups',
			qs: { limit: 1 },
			method: 'GET',
		},
	};
}
