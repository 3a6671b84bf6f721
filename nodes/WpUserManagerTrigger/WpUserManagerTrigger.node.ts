import { randomBytes } from 'crypto';
import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { credentialTest, loadOptions } from '../WpUserManager/methods';
import { wpumApiRequest } from '../WpUserManager/transport';
import { matchesFilters, type TriggerFilters } from './filters';
import { rememberEvent } from './recentEvents';
import { isFreshTimestamp, isValidSignature } from './signature';

interface Subscription {
	id: number | string;
	url: string;
	events: string[];
	name?: string;
}

const USER_EVENTS = [
	{
		name: 'User Registered',
		value: 'user.registered',
		description: 'Someone signed up through a WPUM registration form, or an account was created another way',
	},
	{
		name: 'User Updated',
		value: 'user.updated',
		description: 'A profile or account changed (e-mail, names, custom fields, avatar, …)',
	},
	{
		name: 'User Activated',
		value: 'user.activated',
		description: 'An admin approved the user, or the user confirmed their e-mail (User Verification addon)',
	},
	{
		name: 'User Rejected',
		value: 'user.rejected',
		description: 'An admin rejected a pending signup (the account is deleted right after)',
	},
	{ name: 'Role Changed', value: 'user.role_changed', description: 'A user got a new role or lost one' },
	{ name: 'User Deleted', value: 'user.deleted', description: 'An account was deleted' },
];

function selectedEvents(context: IHookFunctions | IWebhookFunctions): string[] {
	return [...(context.getNodeParameter('events', []) as string[])].sort();
}

function sameEvents(a: string[], b: string[]): boolean {
	const left = [...a].sort();
	const right = [...b].sort();
	return left.length === right.length && left.every((event, index) => event === right[index]);
}

function header(context: IWebhookFunctions, name: string): string {
	const value = context.getHeaderData()[name];
	return Array.isArray(value) ? String(value[0] ?? '') : String(value ?? '');
}

export class WpUserManagerTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WP User Manager Trigger',
		name: 'wpUserManagerTrigger',
		icon: { light: 'file:wpUserManagerTrigger.svg', dark: 'file:wpUserManagerTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"On " + $parameter["events"].join(", ").replaceAll("user.", "").replaceAll("_", " ")}}',
		description: 'Starts the workflow when users register, update their profile, get activated, change role or are deleted on a WordPress site running WP User Manager',
		defaults: { name: 'WP User Manager Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'wpUserManagerApi', required: true, testedBy: 'wpUserManagerApiTest' }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// The webhook answers every request itself; without an explicit value n8n 2.8 would answer
				// the literal text "firstEntryJson" on any path that reaches its default response.
				responseData: 'noData',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					'Needs the companion plugin wpum-n8n-connector on your WordPress site. When you activate this workflow, n8n registers its address with the plugin, which then sends each event signed with a secret only this workflow knows.',
				name: 'pluginNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: USER_EVENTS,
				default: ['user.registered', 'user.updated'],
				description: 'Which changes to a WordPress user start this workflow',
			},
			{
				displayName: 'Only These Registration Forms',
				name: 'forms',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getForms' },
				default: [],
				description:
					'Only users who signed up through one of these WPUM forms. Leave empty for all users, including those created by an admin. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Only These Roles',
				name: 'roles',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getRoles' },
				default: [],
				description:
					'Only users who have at least one of these roles (after the change). Leave empty for all roles. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Only These Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: [
					{ name: 'Active', value: 'active', description: 'Can log in' },
					{
						name: 'Pending Approval',
						value: 'pending_approval',
						description: 'Waiting for an admin to approve the signup',
					},
					{
						name: 'Pending E-Mail Verification',
						value: 'pending_verification',
						description: 'Has not clicked the link in the verification e-mail yet',
					},
				],
				default: [],
				description: 'Only users with one of these account statuses. Leave empty for all statuses.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Max Clock Difference (Seconds)',
						name: 'timestampTolerance',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 300,
						description:
							'Refuse events signed longer ago than this (or this far in the future), so a captured request cannot be replayed later. 0 turns the check off.',
					},
					{
						displayName: 'Run on Test Events',
						name: 'runOnPing',
						type: 'boolean',
						default: false,
						description:
							'Whether the plugin\'s "Send test event" button also runs the active workflow. Test events always show up while you listen for a test event in the editor.',
					},
				],
			},
		],
	};

	methods = { loadOptions, credentialTest };

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const webhookUrl = this.getNodeWebhookUrl('default') as string;
				const staticData = this.getWorkflowStaticData('node');
				const subscriptions = (await wpumApiRequest.call(this, 'GET', '/webhooks')) as Subscription[];
				const forThisUrl = subscriptions.filter((subscription) => subscription.url === webhookUrl);
				const current = forThisUrl.find((subscription) => String(subscription.id) === String(staticData.webhookId));
				if (current && typeof staticData.secret === 'string' && sameEvents(current.events, selectedEvents(this))) {
					return true;
				}
				// A subscription to this node's URL that is not the one we hold the secret for (or that lists other
				// events) is left over from an earlier activation: its events could never be verified, so remove it.
				for (const subscription of forThisUrl) {
					await wpumApiRequest.call(this, 'DELETE', `/webhooks/${subscription.id}`);
				}
				delete staticData.webhookId;
				delete staticData.secret;
				return false;
			},

			async create(this: IHookFunctions): Promise<boolean> {
				const webhookUrl = this.getNodeWebhookUrl('default') as string;
				const staticData = this.getWorkflowStaticData('node');
				const events = selectedEvents(this);
				if (events.length === 0) {
					throw new NodeOperationError(this.getNode(), 'Choose at least one event under "Events"', {
						description: 'The trigger needs to know which user changes should start the workflow.',
					});
				}
				const secret = randomBytes(32).toString('hex');
				const created = (await wpumApiRequest.call(this, 'POST', '/webhooks', {
					url: webhookUrl,
					events,
					secret,
					name: `n8n: ${this.getWorkflow().name ?? 'workflow'} › ${this.getNode().name}`,
				})) as Subscription;
				if (created?.id === undefined || created?.id === null) {
					throw new NodeOperationError(this.getNode(), 'The WordPress plugin did not return an id for the new webhook', {
						description: 'Update the wpum-n8n-connector plugin on your site and activate the workflow again.',
					});
				}
				staticData.webhookId = created.id;
				staticData.secret = secret;
				staticData.recentEventIds = [];
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				if (staticData.webhookId !== undefined) {
					try {
						await wpumApiRequest.call(this, 'DELETE', `/webhooks/${staticData.webhookId}`);
					} catch (error) {
						// Someone already removed it in WordPress: nothing left to clean up. Anything else is a real failure.
						if ((error as { httpCode?: string }).httpCode !== '404') throw new NodeApiError(this.getNode(), error as JsonObject);
						this.logger.info(`WP User Manager webhook ${String(staticData.webhookId)} was already deleted in WordPress`);
					}
				}
				delete staticData.webhookId;
				delete staticData.secret;
				delete staticData.recentEventIds;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const res = this.getResponseObject();
		const answer = (status: number, body: IDataObject, workflowData?: IWebhookResponseData['workflowData']) => {
			res.status(status).json(body);
			return workflowData ? { noWebhookResponse: true, workflowData } : { noWebhookResponse: true };
		};

		const staticData = this.getWorkflowStaticData('node');
		const secret = staticData.secret;
		if (typeof secret !== 'string' || secret === '') {
			return answer(401, {
				received: false,
				error: 'This trigger holds no webhook secret. Deactivate and activate the workflow again.',
			});
		}

		const rawBody = this.getRequestObject().rawBody as Buffer | undefined;
		const timestamp = header(this, 'x-wpum-timestamp');
		if (!rawBody || !isValidSignature(secret, timestamp, rawBody, header(this, 'x-wpum-signature'))) {
			return answer(401, { received: false, error: 'Invalid signature' });
		}

		const options = this.getNodeParameter('options', {}) as { timestampTolerance?: number; runOnPing?: boolean };
		if (!isFreshTimestamp(timestamp, options.timestampTolerance ?? 300, Date.now())) {
			return answer(401, { received: false, error: 'Timestamp outside the allowed clock difference' });
		}

		let event: IDataObject;
		try {
			event = JSON.parse(rawBody.toString('utf8')) as IDataObject;
		} catch {
			return answer(400, { received: false, error: 'The body is not JSON' });
		}
		const eventId = String(event.event_id ?? '');
		if (!eventId) return answer(400, { received: false, error: 'The event has no event_id' });

		if (!rememberEvent(staticData, eventId)) {
			return answer(200, { received: true, event_id: eventId, duplicate: true });
		}

		if (event.event === 'ping' && this.getMode() !== 'manual' && options.runOnPing !== true) {
			return answer(200, { received: true, event_id: eventId, ignored: 'test event' });
		}

		const filters: TriggerFilters = {
			events: this.getNodeParameter('events', []) as string[],
			forms: (this.getNodeParameter('forms', []) as Array<string | number>).map(Number),
			roles: this.getNodeParameter('roles', []) as string[],
			statuses: this.getNodeParameter('statuses', []) as string[],
		};
		if (!matchesFilters(event, filters)) {
			return answer(200, { received: true, event_id: eventId, filtered: true });
		}

		return answer(200, { received: true, event_id: eventId }, [[{ json: event }]]);
	}
}
