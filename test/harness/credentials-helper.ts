import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
} from 'n8n-workflow';
import { ICredentialsHelper, Workflow } from 'n8n-workflow';
import type { INodeTypes } from 'n8n-workflow';

/**
 * The part of n8n's server-side CredentialsHelper that node code reaches through
 * `httpRequestWithAuthentication`: it hands out the test's credential data and applies the credential
 * type's real `authenticate` (a function, or a generic block whose expressions n8n resolves).
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly types: Map<string, ICredentialType>,
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		const parents = this.types.get(name)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.types.get(typeName);
		const options = requestOptions as IHttpRequestOptions;
		if (!type?.authenticate) return options;
		if (typeof type.authenticate === 'function') return await type.authenticate(credentials, options);

		const resolve = (value: unknown) =>
			typeof value === 'string'
				? workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, value)
				: value;
		const props = type.authenticate.properties as Record<string, Record<string, unknown> | undefined>;
		for (const [target, values] of Object.entries(props)) {
			if (!values) continue;
			const resolved = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, resolve(v)]));
			const current = ((options as unknown as Record<string, unknown>)[target] ?? {}) as Record<string, unknown>;
			(options as unknown as Record<string, unknown>)[target] = { ...current, ...resolved };
		}
		return options;
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		_node: INode,
		_credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(_nodeCredentials: INodeCredentialsDetails, _type: string): Promise<ICredentials> {
		throw new Error('getCredentials is not used by these nodes');
	}

	async getDecrypted(
		_additionalData: unknown,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const found = this.data[type];
		if (!found) throw new Error(`The test gave no credentials of type "${type}"`);
		if (this.getParentTypes(type).includes('oAuth2Api')) return this.withOAuth2Defaults(type, found);
		return { ...found };
	}

	async updateCredentials(): Promise<void> {}

	/**
	 * OAuth2 only: n8n-core calls this after it fetched or refreshed a token; the server saves the new
	 * `oauthTokenData`, so the next `getCredentials` (this run's next request too) uses it. Kept here
	 * in the test's credential data, where a test can read it.
	 */
	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.data[type];
		if (stored && data?.oauthTokenData !== undefined) stored.oauthTokenData = data.oauthTokenData;
	}

	/**
	 * OAuth2 credential types keep their endpoints and scope in hidden properties with defaults, often
	 * expressions on the type's other fields (`$self`); n8n's server fills them in before node code sees
	 * the credential. Values the test gave win.
	 */
	private withOAuth2Defaults(type: string, given: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
		const out: ICredentialDataDecryptedObject = { ...given };
		const properties = [type, ...this.getParentTypes(type)].flatMap((name) => this.types.get(name)?.properties ?? []);
		for (const property of properties) {
			if (property.name in out || property.default === undefined) continue;
			out[property.name] = property.default as ICredentialDataDecryptedObject[string];
		}
		for (const property of properties) {
			const value = out[property.name];
			if (property.name in given || typeof value !== 'string' || !value.startsWith('=')) continue;
			out[property.name] = resolveCredentialExpression(value, out);
		}
		return out;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types.get(type)?.properties ?? [];
	}
}

/** Resolves a credential property's `={{ ... }}` default with `$self` (the credential's data), as n8n's server does. */
function resolveCredentialExpression(value: string, self: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject[string] {
	const nodeTypes = { getByName: () => undefined, getByNameAndVersion: () => undefined, getKnownTypes: () => ({}) } as unknown as INodeTypes;
	const workflow = new Workflow({ nodes: [], connections: {}, active: false, nodeTypes });
	const node = { id: 'credential', name: 'credential', type: 'credential', typeVersion: 1, position: [0, 0], parameters: {} } as INode;
	return workflow.expression.getSimpleParameterValue(node, value, 'internal', { $self: self }, undefined, value) as ICredentialDataDecryptedObject[string];
}
