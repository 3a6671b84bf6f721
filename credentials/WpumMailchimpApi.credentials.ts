import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

export class WpumMailchimpApi implements ICredentialType {
	name = 'wpumMailchimpApi';

	displayName = 'Mailchimp (WPUM) API';

	icon: Icon = { light: 'file:wpumMailchimp.svg', dark: 'file:wpumMailchimp.dark.svg' };

	documentationUrl = 'https://mailchimp.com/help/about-api-keys/';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'In Mailchimp: Profile → Extras → API keys → Create A Key. It ends in your data centre, e.g. "-us21".',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://<dc>.api.mailchimp.com/3.0',
			description: 'Leave as it is: "<dc>" is replaced with the data centre at the end of your API key (e.g. us21)',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { auth: { username: 'wpum-n8n', password: '={{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{($credentials.baseUrl || "https://<dc>.api.mailchimp.com/3.0").replace("<dc>", String($credentials.apiKey).split("-").pop()).replace(/\\/+$/, "")}}',
			url: '/ping',
		},
	};
}
