import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumCapsuleApi implements ICredentialType {
	name = 'wpumCapsuleApi';

	displayName = 'Capsule (WPUM) API';

	icon: Icon = { light: 'file:wpumCapsule.svg', dark: 'file:wpumCapsule.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#capsule';

	properties: INodeProperties[] = [
		{
			displayName: 'Personal Access Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Create one in Capsule under My Preferences → API Authentication Tokens → Generate new API token',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.capsulecrm.com/api/v2',
			description: 'The API address. Keep the default unless you go through a proxy or test against a local server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.apiToken}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.capsulecrm.com/api/v2").replace(/\\/+$/, "")}}',
			url: '/users/current',
			method: 'GET',
			headers: { accept: 'application/json' },
		},
	};
}
