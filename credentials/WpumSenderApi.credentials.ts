import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumSenderApi implements ICredentialType {
	name = 'wpumSenderApi';

	displayName = 'Sender (WPUM) API';

	icon: Icon = { light: 'file:wpumSender.svg', dark: 'file:wpumSender.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#sender';

	properties: INodeProperties[] = [
		{
			displayName: 'API Access Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Create one in Sender under Settings → API access tokens → Create API token. It is sent as "Authorization: Bearer …".',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.sender.net/v2',
			description: 'The API address, including /v2. Keep the default unless you go through a proxy or test against a local server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.apiToken}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.sender.net/v2").replace(/\\/+$/, "")}}',
			url: '/groups',
			qs: { limit: 1 },
			method: 'GET',
		},
	};
}
