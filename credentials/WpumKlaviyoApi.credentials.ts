import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumKlaviyoApi implements ICredentialType {
	name = 'wpumKlaviyoApi';

	displayName = 'Klaviyo (WPUM) API';

	icon: Icon = { light: 'file:wpumKlaviyo.svg', dark: 'file:wpumKlaviyo.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#klaviyo';

	properties: INodeProperties[] = [
		{
			displayName: 'Private API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Create one in Klaviyo under your account name → Settings → API keys → Create Private API Key (it starts with "pk_"). Give it full access to Profiles and Lists, read access to Accounts and, for "Delete Contact", Data Privacy.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://a.klaviyo.com',
			description:
				'The API address, without /api. Keep the default unless you go through a proxy or test against a local server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Klaviyo-API-Key {{$credentials.apiKey}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://a.klaviyo.com").replace(/\\/+$/, "")}}',
			url: '/api/accounts',
			method: 'GET',
			headers: { revision: '2026-07-15', accept: 'application/vnd.api+json' },
		},
	};
}
