import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumEmailOctopusApi implements ICredentialType {
	name = 'wpumEmailOctopusApi';

	displayName = 'EmailOctopus (WPUM) API';

	icon: Icon = { light: 'file:wpumEmailOctopus.svg', dark: 'file:wpumEmailOctopus.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#emailoctopus';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Create one in EmailOctopus under Integrations & API → API keys (emailoctopus.com/developer/api-keys). Keys labelled "legacy" (made before API v2) do not work: create a new one.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.emailoctopus.com',
			description:
				'The API address. Keep the default unless you go through a proxy or test against a local server.',
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
			baseURL: '={{($credentials.baseUrl || "https://api.emailoctopus.com").replace(/\\/+$/, "")}}',
			url: '/lists',
			qs: { limit: 1 },
			method: 'GET',
		},
	};
}
