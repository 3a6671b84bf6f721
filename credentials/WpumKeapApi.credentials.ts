import type { IAuthenticateGeneric, Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

export class WpumKeapApi implements ICredentialType {
	name = 'wpumKeapApi';

	displayName = 'Keap (WPUM) API';

	icon: Icon = { light: 'file:wpumKeap.svg', dark: 'file:wpumKeap.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#keap';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A Personal Access Token or a Service Account Key. In Keap open Settings → API Settings and create one (a Service Account Key needs an admin and sees every contact; a Personal Access Token sees what its user sees).',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.keap.com/crm',
			description:
				'The API address, without /rest/v2. Keep the default (https://api.infusionsoft.com/crm works too) unless you go through a proxy or test against a local server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { 'X-Keap-API-Key': '={{$credentials.apiKey}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.keap.com/crm").replace(/\\/+$/, "")}}',
			url: '/rest/v2/contacts',
			method: 'GET',
			qs: { page_size: 1 },
		},
	};
}
