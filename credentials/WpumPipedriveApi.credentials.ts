import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumPipedriveApi implements ICredentialType {
	name = 'wpumPipedriveApi';

	displayName = 'Pipedrive (WPUM) API';

	icon: Icon = { light: 'file:wpumPipedrive.svg', dark: 'file:wpumPipedrive.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#pipedrive';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Your personal API token: in Pipedrive, open your profile menu → Personal preferences → API. Each user has one token per company; the persons it creates are owned by that user.',
		},
		{
			displayName: 'Company Domain URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.pipedrive.com',
			placeholder: 'https://yourcompany.pipedrive.com',
			description:
				'Your company address (https://yourcompany.pipedrive.com) or the default https://api.pipedrive.com. Without /api/v1 or /api/v2: the node adds the version per request. Change it also for a proxy or a local test server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { 'x-api-token': '={{$credentials.apiToken}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{($credentials.baseUrl || "https://api.pipedrive.com").trim().replace(/\\/+$/, "").replace(/\\/(api\\/)?v[12]$/, "")}}',
			url: '/api/v1/users/me',
			method: 'GET',
		},
	};
}
