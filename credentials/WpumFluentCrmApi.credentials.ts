import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

export class WpumFluentCrmApi implements ICredentialType {
	name = 'wpumFluentCrmApi';

	displayName = 'FluentCRM (WPUM) API';

	icon: Icon = { light: 'file:wpumFluentCrm.svg', dark: 'file:wpumFluentCrm.dark.svg' };

	documentationUrl = 'https://developers.fluentcrm.com/rest-api/';

	properties: INodeProperties[] = [
		{
			displayName: 'WordPress Site URL',
			name: 'siteUrl',
			type: 'string',
			default: '',
			placeholder: 'https://example.com',
			required: true,
			description: 'The address of the WordPress site FluentCRM runs on (the REST API lives at /wp-json/fluent-crm/v2)',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			description: 'A WordPress user that may manage FluentCRM contacts',
		},
		{
			displayName: 'Application Password',
			name: 'applicationPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "Create one in WordPress under Users → Profile → Application Passwords (not the user's login password)",
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: { username: '={{$credentials.username}}', password: '={{$credentials.applicationPassword}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.siteUrl.replace(/\\/+$/, "")}}/wp-json/fluent-crm/v2',
			url: '/custom-fields/contacts',
		},
	};
}
