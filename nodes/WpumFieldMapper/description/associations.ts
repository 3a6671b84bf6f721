import type { INodeProperties } from 'n8n-workflow';

import { crmFieldListSettings, NO_CRM } from './sources';

const separatorFor = (formats: string[]): INodeProperties => ({
	displayName: 'Separator',
	name: 'separator',
	type: 'string',
	default: ', ',
	description: 'Put between values when several are joined into one text',
	displayOptions: { show: { format: formats } },
});

export const associationsProperty: INodeProperties = {
	displayName: 'Field Associations',
	name: 'associations',
	placeholder: 'Add Field Association',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	default: {},
	description: 'Which WP User Manager field fills which CRM field, and how the value is formatted',
	options: [
		{
			displayName: 'Association',
			name: 'association',
			// eslint-disable-next-line n8n-nodes-base/node-param-fixed-collection-type-unsorted-items -- a row reads in the order a user fills it in
			values: [
				{
					displayName: 'WPUM Field Name or ID',
					name: 'wpumField',
					type: 'options',
					typeOptions: { loadOptionsMethod: 'getWpumFields' },
					default: '',
					required: true,
					description:
						'The WP User Manager field to send. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
					displayOptions: { show: { '/wpumFieldList': ['site'] } },
				},
				{
					displayName: 'WPUM Field Key',
					name: 'wpumFieldKey',
					type: 'string',
					default: '',
					required: true,
					placeholder: 'wpum_company',
					description:
						'The key the value has in the user\'s "fields": first_name, last_name, user_email, user_url, description, or a custom wpum_… key. Also account data: user_id, roles, status, registered_at, registration_form.',
					displayOptions: { show: { '/wpumFieldList': ['typed'] } },
				},
				{
					displayName: 'CRM Field Name or ID',
					name: 'crmField',
					type: 'options',
					typeOptions: {
						loadOptionsMethod: 'getCrmFields',
						loadOptionsDependsOn: ['/crm', ...crmFieldListSettings().map((setting) => `/${setting.name}`)],
					},
					default: '',
					required: true,
					description:
						'The CRM contact field to fill. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
					displayOptions: { hide: { '/crm': [NO_CRM] } },
				},
				{
					displayName: 'CRM Field Key',
					name: 'crmFieldKey',
					type: 'string',
					default: '',
					required: true,
					placeholder: 'company',
					description: "The CRM's key for the field (its API name, e.g. COMPANY for Brevo, company for HubSpot)",
					displayOptions: { show: { '/crm': [NO_CRM] } },
				},
				{
					displayName: 'Format',
					name: 'format',
					type: 'options',
					options: [
						{ name: 'Auto', value: 'auto', description: 'By the WPUM field type: checkbox → true/false, number → number, date → YYYY-MM-DD, multi-select → list, file → URL, other → text' },
						{ name: 'Text', value: 'text', description: 'As text; several values joined with the separator' },
						{ name: 'Number', value: 'number', description: 'As a number; a value that is not a number is an error' },
						{ name: 'Boolean', value: 'boolean', description: 'Yes or no, written as you choose' },
						{ name: 'Date', value: 'date', description: 'ISO date, Unix time, or your own pattern' },
						{ name: 'List', value: 'list', description: 'Several values (multi-select, checkboxes) as a list or one joined text' },
						{ name: 'File URL', value: 'fileUrl', description: "The uploaded file's address" },
					],
					default: 'auto',
				},
				{
					displayName: 'Write As',
					name: 'booleanStyle',
					type: 'options',
					options: [
						{ name: 'True / False', value: 'boolean' },
						{ name: 'Yes / No', value: 'yesNo' },
						{ name: '1 / 0', value: 'oneZero' },
					],
					default: 'boolean',
					displayOptions: { show: { format: ['boolean'] } },
				},
				{
					displayName: 'Date Output',
					name: 'dateOutput',
					type: 'options',
					options: [
						{ name: 'ISO Date (2026-11-27)', value: 'isoDate' },
						{ name: 'ISO Date and Time (2026-11-27T00:00:00.000Z)', value: 'isoDateTime' },
						{ name: 'Unix Time in Seconds', value: 'unixSeconds' },
						{ name: 'Unix Time in Milliseconds', value: 'unixMilliseconds' },
						{ name: 'Pattern', value: 'pattern' },
					],
					default: 'isoDate',
					displayOptions: { show: { format: ['date'] } },
				},
				{
					displayName: 'Date Pattern',
					name: 'datePattern',
					type: 'string',
					default: 'dd/MM/yyyy',
					description: "Tokens: yyyy, yy, MMMM (November), MMM (Nov), MM, M, dd, d, HH, mm, ss; put other text in 'single quotes'",
					displayOptions: { show: { format: ['date'], dateOutput: ['pattern'] } },
				},
				{
					displayName: 'Read Dates As',
					name: 'dateInputPattern',
					type: 'string',
					default: '',
					placeholder: 'dd/MM/yyyy',
					description:
						'Only needed when the site stores this date in another form than YYYY-MM-DD, ISO time, Unix time or "November 27, 2026". Same tokens as Date Pattern.',
					displayOptions: { show: { format: ['date'] } },
				},
				{
					displayName: 'List Output',
					name: 'listOutput',
					type: 'options',
					options: [
						{ name: 'List (Array)', value: 'array' },
						{ name: 'One Text, Joined', value: 'joined' },
					],
					default: 'array',
					displayOptions: { show: { format: ['list'] } },
				},
				{
					displayName: 'Send Values or Labels',
					name: 'choiceText',
					type: 'options',
					options: [
						{ name: 'Values', value: 'values', description: 'What WordPress stores (e.g. php)' },
						{ name: 'Labels', value: 'labels', description: 'What the form shows (e.g. PHP)' },
					],
					default: 'values',
					description: 'For dropdowns, radios, multi-selects and checkbox lists',
					displayOptions: { show: { format: ['text', 'list'] } },
				},
				{
					displayName: 'Files',
					name: 'fileOutput',
					type: 'options',
					options: [
						{ name: 'First File URL', value: 'first' },
						{ name: 'All URLs (Array)', value: 'array' },
						{ name: 'All URLs, Joined', value: 'joined' },
					],
					default: 'first',
					displayOptions: { show: { format: ['fileUrl'] } },
				},
				separatorFor(['text', 'list', 'fileUrl']),
			],
		},
	],
};
