import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

export class WpumGroundhoggApi implements ICredentialType {
	name = 'wpumGroundhoggApi';

	displayName = 'Groundhogg (WPUM) API';

	icon: Icon = { light: 'file:wpumGroundhogg.svg', dark: 'file:wpumGroundhogg.dark.svg' };

	documentationUrl = 'https://help.groundhogg.io/article/146-rest-authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'WordPress Site URL',
			name: 'siteUrl',
			type: 'string',
			default: '',
			placeholder: 'https://example.com',
			required: true,
			description: 'The address of the WordPress site Groundhogg runs on (its REST API lives at /wp-json/gh/v4)',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			description: 'A WordPress user that may view, add, edit and delete Groundhogg contacts and tags (an administrator can)',
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
			baseURL: '={{$credentials.siteUrl.replace(/\\/+$/, "")}}/wp-json/gh/v4',
			url: '/properties',
		},
	};
}
