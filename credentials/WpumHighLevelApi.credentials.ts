import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class WpumHighLevelApi implements ICredentialType {
	name = 'wpumHighLevelApi';

	displayName = 'HighLevel (WPUM) API';

	icon: Icon = { light: 'file:wpumHighLevel.svg', dark: 'file:wpumHighLevel.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#highlevel';

	properties: INodeProperties[] = [
		{
			displayName: 'Private Integration Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Create one in the sub-account under Settings → Private Integrations, with the scopes contacts.write, contacts.readonly, locations/customFields.readonly and locations/tags.readonly. It starts with "pit-".',
		},
		{
			displayName: 'Location ID',
			name: 'locationId',
			type: 'string',
			default: '',
			required: true,
			description: 'The sub-account (Location) the contacts belong to: Settings → Business Profile shows its ID, and so does the sub-account URL (/location/<ID>/).',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://services.leadconnectorhq.com',
			description: 'The API address. Keep the default unless you go through a proxy or test against a local server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.token}}', Version: '2021-07-28' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://services.leadconnectorhq.com").replace(/\\/+$/, "")}}',
			url: '={{"/locations/" + $credentials.locationId + "/customFields"}}',
			qs: { model: 'contact' },
			method: 'GET',
		},
	};
}
