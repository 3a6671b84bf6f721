import {
	CredentialTestContext,
	ExecutionLifecycleHooks,
	HookContext,
	LoadOptionsContext,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialType,
	IConnections,
	IDataObject,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodePropertyOptions,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, NodeHelpers, Workflow } from 'n8n-workflow';

import { TestCredentialsHelper } from './credentials-helper';
import { FakeResponse, type FakeRequestInit, makeRequest } from './http-fakes';

export { FakeResponse };
export type { FakeRequestInit };

type NodeClass = new () => INodeType | IVersionedNodeType;
type CredentialClass = new () => ICredentialType;

export interface HarnessSetup {
	/** Node classes the workflow may use; their type names are `test.<description.name>`. */
	nodeTypes: NodeClass[];
	/** Credential classes, so their real `authenticate` is applied. */
	credentialTypes?: CredentialClass[];
	/** Credential data by credential type name. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Workflow static data, as n8n stores it (`node:<name>` keys); mutated in place. */
	staticData?: IDataObject;
}

export interface TestNode {
	name: string;
	/** `description.name` of one of `nodeTypes`. */
	type: string;
	parameters?: INodeParameters;
	typeVersion?: number;
	continueOnFail?: boolean;
	webhookId?: string;
}

export interface WorkflowResult {
	/** Output items of each node that ran, by node name: one array per output. */
	outputs: Record<string, INodeExecutionData[][]>;
	/** The error that stopped the run, if any. */
	error?: Error & { description?: string; node?: INode };
	/** The workflow's static data after the run. */
	staticData: IDataObject;
	run: IRun;
}

const TYPE_PREFIX = 'test.';

export class Harness {
	private readonly nodeTypes: Map<string, INodeType | IVersionedNodeType> = new Map();
	private readonly credentialTypes: Map<string, ICredentialType> = new Map();
	readonly staticData: IDataObject;

	constructor(private readonly setup: HarnessSetup) {
		for (const NodeType of setup.nodeTypes) {
			const instance = new NodeType();
			this.nodeTypes.set(TYPE_PREFIX + instance.description.name, instance);
		}
		for (const CredentialType of setup.credentialTypes ?? []) {
			const instance = new CredentialType();
			this.credentialTypes.set(instance.name, instance);
		}
		this.staticData = setup.staticData ?? {};
	}

	/** Runs `nodes` in n8n's real WorkflowExecute, starting at the first node with `input` items. */
	async runWorkflow(
		nodes: TestNode[],
		connections: IConnections,
		input: IDataObject[] = [{}],
		mode: WorkflowExecuteMode = 'trigger',
	): Promise<WorkflowResult> {
		const workflow = this.workflow(nodes, connections);
		const additionalData = this.additionalData(workflow, mode);
		const startNode = workflow.getNode(nodes[0].name)!;
		const runData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [
					{ node: startNode, data: { main: [input.map((json) => ({ json }))] }, source: null },
				],
			},
		});
		const run = await new WorkflowExecute(additionalData, mode, runData).processRunExecutionData(workflow);
		const outputs: WorkflowResult['outputs'] = {};
		for (const [name, tasks] of Object.entries(run.data.resultData.runData)) {
			const last = tasks[tasks.length - 1];
			outputs[name] = (last.data?.main ?? []).map((items) => items ?? []);
		}
		this.keepStaticData(workflow);
		return { outputs, error: run.data.resultData.error as WorkflowResult['error'], staticData: this.staticData, run };
	}

	/** Runs one node on `input` items; returns its outputs (one array per output) or the error. */
	async runNode(node: Omit<TestNode, 'name'> & { name?: string }, input: IDataObject[] = [{}]) {
		const name = node.name ?? 'Node under test';
		const result = await this.runWorkflow([{ ...node, name }], {}, input);
		return { ...result, output: result.outputs[name] ?? [] };
	}

	/** Calls a trigger's webhook lifecycle method (`checkExists`, `create`, `delete`) as activation does. */
	async runWebhookMethod(node: TestNode, method: 'checkExists' | 'create' | 'delete', webhookName: 'default' | 'setup' = 'default') {
		const workflow = this.workflow([node], {});
		const workflowNode = workflow.getNode(node.name)!;
		const nodeType = this.nodeType(node.type);
		const additionalData = this.additionalData(workflow, 'trigger');
		const webhookData = this.webhookData(workflow, workflowNode, additionalData, webhookName);
		const context = new HookContext(workflow, workflowNode, additionalData, 'trigger', 'activate', webhookData);
		const fn = nodeType.webhookMethods?.[webhookName]?.[method];
		if (!fn) throw new Error(`${node.type} has no webhook method ${method}`);
		const result = await fn.call(context);
		this.keepStaticData(workflow);
		return result;
	}

	/** Delivers one HTTP request to a trigger's `webhook()`, as n8n's webhook server does. */
	async runWebhook(
		node: TestNode,
		request: FakeRequestInit,
		mode: WorkflowExecuteMode = 'trigger',
		webhookName = 'default',
	): Promise<{ result: IWebhookResponseData; response: FakeResponse }> {
		const workflow = this.workflow([node], {});
		const workflowNode = workflow.getNode(node.name)!;
		const nodeType = this.nodeType(node.type);
		const additionalData = this.additionalData(workflow, mode);
		const response = new FakeResponse();
		additionalData.httpRequest = makeRequest(request) as never;
		additionalData.httpResponse = response as never;
		const webhookData = this.webhookData(workflow, workflowNode, additionalData, webhookName);
		const context = new WebhookContext(workflow, workflowNode, additionalData, mode, webhookData, [], null);
		if (!nodeType.webhook) throw new Error(`${node.type} has no webhook()`);
		const result = await nodeType.webhook.call(context);
		this.keepStaticData(workflow);
		return { result, response };
	}

	/** Calls a `methods.loadOptions` function as the editor does when a dropdown opens. */
	async loadOptions(node: TestNode, method: string): Promise<INodePropertyOptions[]> {
		const { context, nodeType } = this.methodContext(node);
		const fn = nodeType.methods?.loadOptions?.[method];
		if (!fn) throw new Error(`${node.type} has no loadOptions.${method}`);
		return await fn.call(context);
	}

	/** Calls a `methods.listSearch` function (resource locator lists), optionally with a filter and page token. */
	async listSearch(node: TestNode, method: string, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		const { context, nodeType } = this.methodContext(node);
		const fn = nodeType.methods?.listSearch?.[method];
		if (!fn) throw new Error(`${node.type} has no listSearch.${method}`);
		return await fn.call(context, filter, paginationToken);
	}

	/** Runs a node's `methods.credentialTest` function, as the credential modal's "Test" button does. */
	async testCredential(nodeTypeName: string, method: string, credentialType: string, data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
		const nodeType = this.nodeType(nodeTypeName);
		const fn = nodeType.methods?.credentialTest?.[method];
		if (!fn) throw new Error(`${nodeTypeName} has no credentialTest.${method}`);
		const credential: ICredentialsDecrypted = { id: 'test', name: 'test', type: credentialType, data };
		return await fn.call(new CredentialTestContext(), credential);
	}

	/**
	 * n8n wraps static data in change-tracking proxies; store a plain copy (as n8n persists it) so the
	 * next run does not wrap proxies in proxies.
	 */
	private keepStaticData(workflow: Workflow) {
		const plain = JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
		for (const key of Object.keys(this.staticData)) delete this.staticData[key];
		Object.assign(this.staticData, plain);
	}

	private methodContext(node: TestNode) {
		const workflow = this.workflow([node], {});
		const workflowNode = workflow.getNode(node.name)!;
		const additionalData = this.additionalData(workflow, 'internal');
		additionalData.currentNodeParameters = workflowNode.parameters;
		const context = new LoadOptionsContext(workflow, workflowNode, additionalData, 'parameters');
		return { context, nodeType: this.nodeType(node.type) };
	}

	private nodeType(name: string): INodeType {
		const found = this.nodeTypes.get(TYPE_PREFIX + name);
		if (!found) throw new Error(`Node type ${name} was not given to the harness`);
		return NodeHelpers.getVersionedNodeType(found);
	}

	private workflow(nodes: TestNode[], connections: IConnections): Workflow {
		const nodeTypes: INodeTypes = {
			getByName: (type) => this.nodeTypes.get(type)!,
			getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(this.nodeTypes.get(type)!, version),
			getKnownTypes: () => ({}),
		};
		const credentials = Object.keys(this.setup.credentials ?? {});
		const workflowNodes: INode[] = nodes.map((node, index) => {
			const type = this.nodeType(node.type);
			const declared = (type.description.credentials ?? []).map((c) => c.name).filter((c) => credentials.includes(c));
			return {
				id: `node-${index}`,
				name: node.name,
				type: TYPE_PREFIX + node.type,
				typeVersion: node.typeVersion ?? (Array.isArray(type.description.version) ? Math.max(...type.description.version) : type.description.version),
				position: [index * 200, 0],
				parameters: node.parameters ?? {},
				continueOnFail: node.continueOnFail,
				webhookId: node.webhookId ?? (type.description.webhooks ? `webhook-${index}` : undefined),
				credentials: Object.fromEntries(declared.map((c) => [c, { id: c, name: c }])),
			};
		});
		return new Workflow({ id: 'test-workflow', nodes: workflowNodes, connections, active: true, nodeTypes, staticData: this.staticData });
	}

	private additionalData(workflow: Workflow, mode: WorkflowExecuteMode): IWorkflowExecuteAdditionalData {
		const workflowData: IWorkflowBase = {
			id: workflow.id,
			name: 'test',
			active: true,
			isArchived: false,
			nodes: Object.values(workflow.nodes),
			connections: workflow.connectionsBySourceNode,
			createdAt: new Date(),
			updatedAt: new Date(),
			activeVersionId: null,
		} as IWorkflowBase;
		return {
			credentialsHelper: new TestCredentialsHelper(this.credentialTypes, this.setup.credentials ?? {}),
			hooks: new ExecutionLifecycleHooks(mode, 'test-execution', workflowData),
			executeWorkflow: async () => {
				throw new Error('executeWorkflow is not available in the harness');
			},
			getRunExecutionData: async () => undefined,
			executionId: 'test-execution',
			currentNodeExecutionIndex: 0,
			restApiUrl: 'http://127.0.0.1:5678/rest',
			instanceBaseUrl: 'http://127.0.0.1:5678/',
			formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
			webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
			webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
			webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
			variables: {},
			logAiEvent: () => {},
			startRunnerTask: async () => {
				throw new Error('Task runners are not available in the harness');
			},
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	private webhookData(workflow: Workflow, node: INode, additionalData: IWorkflowExecuteAdditionalData, webhookName: string): IWebhookData {
		const nodeType = this.nodeType(node.type.slice(TYPE_PREFIX.length));
		const description = nodeType.description.webhooks?.find((w) => w.name === webhookName);
		if (!description) throw new Error(`${node.type} has no webhook named ${webhookName}`);
		return {
			httpMethod: 'POST',
			node: node.name,
			path: String(description.path),
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: node.webhookId,
		} as IWebhookData;
	}
}
