import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumAgileCrmApi implements ICredentialType {
	name = 'wpumAgileCrmApi';

	displayName = 'Agile CRM (WPUM) API';

	icon: Icon = { light: 'file:wpumAgileCrm.svg', dark: 'file:wpumAgileCrm.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#agile-crm';

	properties: INodeProperties[] = [
		{
			displayName: 'Domain',
			name: 'domain',
			type: 'string',
			default: '',
			placeholder: 'mycompany',
			description: 'The first part of your Agile CRM address: "mycompany" for https://mycompany.agilecrm.com',
		},
		{
			displayName: 'User E-Mail',
			name: 'email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			required: true,
			description: 'The e-mail address you log in to Agile CRM with (the API key belongs to this user)',
		},
		{
			displayName: 'REST API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'In Agile CRM: Admin Settings → API & Analytics → API Key (the key for REST clients)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://mycompany.agilecrm.com/dev/api',
			description: 'Leave empty to use https://{domain}.agilecrm.com/dev/api. Set it only for a proxy or a local test server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: { username: '={{$credentials.email}}', password: '={{$credentials.apiKey}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || ("https://" + $credentials.domain + ".agilecrm.com/dev/api")).replace(/\\/+$/, "")}}',
			url: '/contacts',
			qs: { page_size: 1 },
			method: 'GET',
			headers: { accept: 'application/json' },
		},
	};
}
