import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumKitApi implements ICredentialType {
	name = 'wpumKitApi';

	displayName = 'Kit (WPUM) API';

	icon: Icon = { light: 'file:wpumKit.svg', dark: 'file:wpumKit.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#kit';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key (V4)',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Create a v4 key in Kit under Settings → Developer → API Keys (the older v3 "API Secret" does not work here)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.kit.com/v4',
			description:
				'The API address. Keep the default unless Kit gave you a regional or dedicated address, you go through a proxy, or you test against a local server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { 'X-Kit-Api-Key': '={{$credentials.apiKey}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.kit.com/v4").replace(/\\/+$/, "")}}',
			url: '/account',
			method: 'GET',
		},
	};
}
