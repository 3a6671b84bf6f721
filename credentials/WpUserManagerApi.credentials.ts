import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpUserManagerApi implements ICredentialType {
	name = 'wpUserManagerApi';

	displayName = 'WP User Manager API';

	icon: Icon = { light: 'file:wpUserManager.svg', dark: 'file:wpUserManager.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/wp-user-manager-nodes.md#connect-your-site';

	properties: INodeProperties[] = [
		{
			displayName: 'Site URL',
			name: 'url',
			type: 'string',
			default: '',
			placeholder: 'https://example.com',
			required: true,
			description: 'The address of your WordPress site, as visitors type it (without /wp-admin)',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			description:
				'The WordPress username of an administrator (needed to register webhooks and retry deliveries)',
		},
		{
			displayName: 'Application Password',
			name: 'applicationPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Create one in WordPress under Users → Profile → Application Passwords. This is not your login password.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: {
				username: '={{$credentials.username}}',
				password: '={{$credentials.applicationPassword}}',
			},
		},
	};

	// The nodes test this credential with their own `wpUserManagerApiTest` method, which explains each
	// failure precisely; this request is the fallback for any node that declares the credential without it.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.url.replace(/\\/+$/, "")}}/wp-json/wpum-n8n/v1',
			url: '/status',
			method: 'GET',
		},
	};
}
