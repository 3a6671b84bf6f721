import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumMauticApi implements ICredentialType {
	name = 'wpumMauticApi';

	displayName = 'Mautic (WPUM) API';

	icon: Icon = { light: 'file:wpumMautic.svg', dark: 'file:wpumMautic.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#mautic';

	properties: INodeProperties[] = [
		{
			displayName: 'Mautic URL',
			name: 'url',
			type: 'string',
			default: '',
			placeholder: 'https://mautic.example.com',
			required: true,
			description: 'The address of your Mautic installation (without /api or /s/login)',
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
			description: 'A Mautic user allowed to view and edit contacts',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'That user\'s password. In Mautic, turn on Settings → Configuration → API Settings → "API enabled" and "Enable HTTP basic auth" first.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: {
				username: '={{$credentials.username}}',
				password: '={{$credentials.password}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.url.replace(/\\/+$/, "")}}/api',
			url: '/fields/contact',
			qs: { limit: 1 },
			method: 'GET',
		},
	};
}
