import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Customer.io has two APIs with two keys: the Track API (writes; HTTP basic auth with Site ID and Track
 * API key) and the App API (reads; bearer App API key). Each request gets the authorization of the API
 * its URL belongs to.
 */
export class WpumCustomerIoApi implements ICredentialType {
	name = 'wpumCustomerIoApi';

	displayName = 'Customer.io (WPUM) API';

	icon: Icon = { light: 'file:wpumCustomerIo.svg', dark: 'file:wpumCustomerIo.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager/blob/main/docs/crms.md#customerio';

	properties: INodeProperties[] = [
		{
			displayName: 'Site ID',
			name: 'siteId',
			type: 'string',
			default: '',
			required: true,
			description: 'In Customer.io: Settings → Account Settings → API Credentials → Track API Keys: the Site ID of the workspace',
		},
		{
			displayName: 'Track API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API Key shown beside that Site ID (Track API Keys tab). Used to create, update and delete people and to change segment membership.',
		},
		{
			displayName: 'App API Key',
			name: 'appApiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Settings → Account Settings → API Credentials → App API Keys → Create App API Key, for the same workspace. The Track API cannot read people, so finding contacts and listing or creating segments use this key.',
		},
		{
			displayName: 'Track API Base URL',
			name: 'trackBaseUrl',
			type: 'string',
			default: 'https://track.customer.io',
			description: 'Use https://track-eu.customer.io if your account is in the EU region',
		},
		{
			displayName: 'App API Base URL',
			name: 'appBaseUrl',
			type: 'string',
			default: 'https://api.customer.io',
			description: 'Use https://api-eu.customer.io if your account is in the EU region',
		},
	];

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const appBase = String(credentials.appBaseUrl || 'https://api.customer.io').replace(/\/+$/, '');
		const url = String(requestOptions.url ?? '');
		const full = /^https?:\/\//i.test(url) ? url : `${String(requestOptions.baseURL ?? '').replace(/\/+$/, '')}${url}`;
		if (full.startsWith(`${appBase}/v1/`)) {
			return { ...requestOptions, headers: { ...(requestOptions.headers ?? {}), Authorization: `Bearer ${String(credentials.appApiKey ?? '')}` } };
		}
		return { ...requestOptions, auth: { username: String(credentials.siteId ?? ''), password: String(credentials.apiKey ?? '') } };
	}

	// Checks the Site ID and Track API key; a wrong App API key shows on the first read, naming this credential.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.trackBaseUrl || "https://track.customer.io").replace(/\\/+$/, "")}}',
			url: '/api/v1/accounts/region',
			method: 'GET',
		},
	};
}
