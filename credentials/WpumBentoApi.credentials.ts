import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumBentoApi implements ICredentialType {
	name = 'wpumBentoApi';

	displayName = 'Bento (WPUM) API';

	icon: Icon = { light: 'file:wpumBento.svg', dark: 'file:wpumBento.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#bento';

	properties: INodeProperties[] = [
		{
			displayName: 'Publishable Key',
			name: 'publishableKey',
			// eslint-disable-next-line n8n-nodes-base/cred-class-field-type-options-password-missing -- Bento calls it publishable: a public identifier (the Basic-auth username); the secret key is the secret
			type: 'string',
			default: '',
			required: true,
			placeholder: 'pk_live_…',
			description: 'Bento → Settings → API Keys: the publishable key (the username of Basic auth)',
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Bento → Settings → API Keys: the secret key (the password of Basic auth)',
		},
		{
			displayName: 'Site UUID',
			name: 'siteUuid',
			type: 'string',
			default: '',
			required: true,
			description: 'Bento → Settings → API Keys: the UUID of the site to sync with (each site has its own)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://app.bentonow.com/api/v1',
			description: 'The API address. Keep the default unless you go through a proxy or test against a local server.',
		},
	];

	// Basic auth (publishable key : secret key), and the site UUID Bento wants on every request.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: {
				username: '={{$credentials.publishableKey}}',
				password: '={{$credentials.secretKey}}',
			},
			qs: {
				site_uuid: '={{String($credentials.siteUuid).trim()}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://app.bentonow.com/api/v1").replace(/\\/+$/, "")}}',
			url: '/fetch/tags',
			method: 'GET',
			headers: { 'User-Agent': 'n8n-nodes-wp-user-manager' },
		},
	};
}
