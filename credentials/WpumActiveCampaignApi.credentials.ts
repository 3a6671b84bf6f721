import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

export class WpumActiveCampaignApi implements ICredentialType {
	name = 'wpumActiveCampaignApi';

	displayName = 'ActiveCampaign (WPUM) API';

	icon: Icon = { light: 'file:wpumActiveCampaign.svg', dark: 'file:wpumActiveCampaign.dark.svg' };

	documentationUrl = 'https://developers.activecampaign.com/reference/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API URL',
			name: 'apiUrl',
			type: 'string',
			default: 'https://youraccount.api-us1.com',
			placeholder: 'https://youraccount.api-us1.com',
			required: true,
			description: "Your account's API address: in ActiveCampaign, Settings → Developer → URL. Replace \"youraccount\" with your account name.",
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Settings → Developer → Key. The 5 requests/second limit is per account, shared by every key.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'Api-Token': '={{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.apiUrl.replace(/\\/+$/, "").replace(/\\/api\\/3$/, "")}}/api/3',
			url: '/users/me',
		},
	};
}
