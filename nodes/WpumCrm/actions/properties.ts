import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MAX_WAIT_SECONDS } from '../transport';

const contactOperations = ['upsert', 'addTags', 'removeTags'];
const defineBelow = (operations: string[]) => ({ show: { operation: operations, inputSource: ['define'] } });

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Create or Update',
			value: 'upsert',
			action: 'Create or update a contact',
			description: 'Create a new record, or update the current one if it already exists (upsert)',
		},
		{ name: 'Add Tags', value: 'addTags', action: 'Add tags to a contact', description: 'Add tags by name; missing tags are created' },
		{ name: 'Remove Tags', value: 'removeTags', action: 'Remove tags from a contact', description: 'Remove tags by name' },
		{ name: 'Get Contact', value: 'get', action: 'Get a contact', description: 'Look a contact up by e-mail or contact ID' },
		{ name: 'Delete Contact', value: 'delete', action: 'Delete a contact', description: 'Delete a contact (needs "Confirm Delete")' },
	],
	default: 'upsert',
};

export const contactProperties: INodeProperties[] = [
	{
		displayName: 'Input',
		name: 'inputSource',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { operation: contactOperations } },
		options: [
			{
				name: 'From Field Mapper',
				value: 'mapper',
				description: 'Use the items of the WPUM Field Mapper as they are (email, fields, tags, contact ID)',
			},
			{ name: 'Define Below', value: 'define', description: 'Fill in the e-mail, fields and tags here' },
		],
		default: 'mapper',
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		required: true,
		displayOptions: defineBelow(['upsert']),
		description: "The contact's current e-mail address",
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		displayOptions: defineBelow(['addTags', 'removeTags']),
		description: 'E-mail of the contact; used when no contact ID is given',
	},
	{
		displayName: 'Contact ID',
		name: 'contactId',
		type: 'string',
		default: '',
		displayOptions: defineBelow(contactOperations),
		description: 'The CRM\'s ID for this contact, if stored (e.g. by "Link CRM contact"). When set, the contact is updated by ID, so an e-mail change never creates a second contact.',
	},
	{
		displayName: 'Previous Email',
		name: 'previousEmail',
		type: 'string',
		placeholder: 'old@email.com',
		default: '',
		displayOptions: defineBelow(['upsert']),
		description: 'The e-mail the contact had before a change; used to find the contact when there is no contact ID',
	},
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Field',
		default: {},
		displayOptions: defineBelow(['upsert']),
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Field Name or ID',
						name: 'key',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getCrmFields', loadOptionsDependsOn: ['crm'] },
						default: '',
						description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
					},
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Tags',
		name: 'tags',
		type: 'string',
		default: '',
		placeholder: 'Member, Newsletter',
		displayOptions: defineBelow(contactOperations),
		description: 'Tag names, separated by commas. In CRMs without tags they become lists or groups (see the CRM list in the docs).',
	},
	{
		displayName: 'WordPress User ID',
		name: 'wpUserId',
		type: 'string',
		default: '',
		displayOptions: defineBelow(['upsert']),
		description: 'Passed through to the output so "Link CRM contact" can store the contact ID on this user',
	},
];

const lookupDefineBelow = { show: { operation: ['get', 'delete'], inputSource: ['define'] } };

export const lookupProperties: INodeProperties[] = [
	{
		displayName: 'Input',
		name: 'inputSource',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { operation: ['get', 'delete'] } },
		options: [
			{
				name: 'From Field Mapper',
				value: 'mapper',
				description: "Use each item's contact ID (for this CRM) or else its e-mail, e.g. the mapper's Removed output",
			},
			{ name: 'Define Below', value: 'define', description: 'Fill in the e-mail or contact ID here' },
		],
		default: 'define',
	},
	{
		displayName: 'Confirm Delete',
		name: 'confirmDelete',
		type: 'boolean',
		default: false,
		displayOptions: { show: { operation: ['delete'] } },
		description: 'Whether this node may delete contacts in the CRM. Deleted contacts cannot be restored.',
	},
	{
		displayName: 'Find Contact By',
		name: 'lookupBy',
		type: 'options',
		displayOptions: lookupDefineBelow,
		options: [
			{ name: 'Email', value: 'email' },
			{ name: 'Contact ID', value: 'contactId' },
		],
		default: 'email',
	},
	{
		displayName: 'Email',
		name: 'lookupEmail',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		required: true,
		displayOptions: { show: { ...lookupDefineBelow.show, lookupBy: ['email'] } },
	},
	{
		displayName: 'Contact ID',
		name: 'lookupContactId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show: { ...lookupDefineBelow.show, lookupBy: ['contactId'] } },
	},
];

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Max Rate-Limit Wait (Seconds)',
			name: 'maxRateLimitWait',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: DEFAULT_MAX_WAIT_SECONDS,
			description:
				'When the CRM says "too many requests" (or has a hiccup), the node waits and tries again. This caps the total waiting in one run; items still throttled after it fail with a clear message instead of being lost silently.',
		},
	],
};
