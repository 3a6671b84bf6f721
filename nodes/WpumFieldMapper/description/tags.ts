import type { INodeProperties } from 'n8n-workflow';

export const tagsProperty: INodeProperties = {
	displayName: 'Tags',
	name: 'tags',
	type: 'string',
	default: '',
	placeholder: 'WordPress member, Newsletter',
	description: 'Tag names to apply on every sync, separated by commas (your CRM may call them lists or groups)',
};

export const conditionalTagsProperty: INodeProperties = {
	displayName: 'Conditional Tags',
	name: 'conditionalTags',
	placeholder: 'Add Conditional Tag',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	default: {},
	description: "Tags applied only to users with a given role, registration form, or field value. When a condition stops holding, the tag is listed in 'removedTags'.",
	options: [
		{
			displayName: 'Rule',
			name: 'rule',
			// eslint-disable-next-line n8n-nodes-base/node-param-fixed-collection-type-unsorted-items -- a row reads in the order a user fills it in
			values: [
				{
					displayName: 'Tags',
					name: 'tags',
					type: 'string',
					default: '',
					required: true,
					placeholder: 'Customer',
					description: 'Tag names, separated by commas',
				},
				{
					displayName: 'When',
					name: 'when',
					type: 'options',
					options: [
						{ name: 'User Has Role', value: 'role' },
						{ name: 'User Registered With Form', value: 'form' },
						{ name: 'Field Value', value: 'field' },
					],
					default: 'role',
				},
				{
					displayName: 'Role',
					name: 'role',
					type: 'string',
					default: '',
					placeholder: 'customer',
					description: "The role's slug, as in the user's \"roles\" (subscriber, customer, …)",
					displayOptions: { show: { when: ['role'] } },
				},
				{
					displayName: 'Form',
					name: 'form',
					type: 'string',
					default: '',
					placeholder: 'Default registration form',
					description: 'The registration form name or ID',
					displayOptions: { show: { when: ['form'] } },
				},
				{
					displayName: 'Field Key',
					name: 'field',
					type: 'string',
					default: '',
					placeholder: 'wpum_newsletter',
					description: 'The key of the WPUM field in the user\'s "fields"',
					displayOptions: { show: { when: ['field'] } },
				},
				{
					displayName: 'Condition',
					name: 'operator',
					type: 'options',
					options: [
						{ name: 'Equals', value: 'equals', description: 'The value (or one of several, or its label) equals' },
						{ name: 'Does Not Equal', value: 'notEquals' },
						{ name: 'Contains', value: 'contains' },
						{ name: 'Is Checked / True', value: 'isTrue' },
						{ name: 'Is Not Checked / False', value: 'isFalse' },
						{ name: 'Is Empty', value: 'isEmpty' },
						{ name: 'Is Not Empty', value: 'isNotEmpty' },
					],
					default: 'equals',
					displayOptions: { show: { when: ['field'] } },
				},
				{
					displayName: 'Value',
					name: 'value',
					type: 'string',
					default: '',
					description: 'Compared without regard to case, against the stored value and its label',
					displayOptions: { show: { when: ['field'], operator: ['equals', 'notEquals', 'contains'] } },
				},
			],
		},
	],
};
