import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumDripApi implements ICredentialType {
	name = 'wpumDripApi';

	displayName = 'Drip (WPUM) API';

	icon: Icon = { light: 'file:wpumDrip.svg', dark: 'file:wpumDrip.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#drip';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your personal API token, shown in your Drip user settings (https://www.getdrip.com/user/edit)',
		},
		{
			displayName: 'Account ID',
			name: 'accountId',
			type: 'string',
			default: '',
			placeholder: '9999999',
			required: true,
			description: 'The Drip account to sync with: the number right after getdrip.com/ in the address bar while you are in that account',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.getdrip.com/v2',
			description: 'The API address, without the account ID. Keep the default unless you go through a proxy or test against a local server.',
		},
	];

	// The API token is the username of HTTP basic auth, with an empty password.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: {
				username: '={{$credentials.apiToken}}',
				password: '',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.getdrip.com/v2").replace(/\\/+$/, "")}}',
			url: '=/accounts/{{String($credentials.accountId).trim()}}',
			method: 'GET',
		},
	};
}
