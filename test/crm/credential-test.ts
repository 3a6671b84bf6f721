/**
 * Runs a credential type's declarative `test` request the way n8n's "Test" button does: resolve the
 * request's expressions with the credential data, apply the type's real `authenticate`, send it.
 */
import type { ICredentialDataDecryptedObject, ICredentialType, IHttpRequestOptions, INode, INodeTypes } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { TestCredentialsHelper } from '../harness/credentials-helper';

export async function runCredentialTest(
	CredentialClass: new () => ICredentialType,
	data: ICredentialDataDecryptedObject,
): Promise<{ ok: boolean; status: number }> {
	const type = new CredentialClass();
	if (!type.test) throw new Error(`${type.name} has no test request`);
	const nodeTypes = { getByName: () => undefined, getByNameAndVersion: () => undefined, getKnownTypes: () => ({}) } as unknown as INodeTypes;
	const workflow = new Workflow({ nodes: [], connections: {}, active: false, nodeTypes });
	const node = { id: 'n', name: 'credential test', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} } as INode;
	const resolve = (value: unknown) =>
		typeof value === 'string'
			? String(workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: data }, undefined, value))
			: '';
	const request = type.test.request;
	const options: IHttpRequestOptions = {
		method: request.method ?? 'GET',
		url: resolve(request.baseURL) + resolve(request.url),
		headers: { ...(request.headers ?? {}) },
		qs: request.qs,
	};
	const helper = new TestCredentialsHelper(new Map([[type.name, type]]), {});
	const authed = await helper.authenticate(data, type.name, options, workflow, node);
	const headers: Record<string, string> = Object.fromEntries(Object.entries(authed.headers ?? {}).map(([k, v]) => [k, String(v)]));
	if (authed.auth) headers.authorization = `Basic ${Buffer.from(`${authed.auth.username}:${authed.auth.password}`).toString('base64')}`;
	const url = new URL(authed.url);
	for (const [key, value] of Object.entries(authed.qs ?? {})) url.searchParams.set(key, String(value));
	const response = await fetch(url, { method: authed.method, headers });
	await response.arrayBuffer();
	return { ok: response.status >= 200 && response.status < 300, status: response.status };
}
