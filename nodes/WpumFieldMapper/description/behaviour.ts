import type { INodeProperties } from 'n8n-workflow';

export const deferProperty: INodeProperties = {
	displayName: 'Defer Until Activation',
	name: 'deferUntilActivation',
	type: 'boolean',
	// It decides how many outputs the node has, so it cannot change from item to item.
	noDataExpression: true,
	default: false,
	description:
		'Whether to send no data to your CRM until the new user has been approved by an administrator or confirmed their email. Users still pending go to the "Deferred" output (second output); their activation then sends the full profile.',
};

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Empty Values',
			name: 'emptyValues',
			type: 'options',
			options: [
				{ name: 'Skip (Keep the CRM Value)', value: 'skip', description: 'A blank WordPress field does not wipe what the CRM has' },
				{ name: 'Send Empty to Clear', value: 'clear', description: 'A blank WordPress field clears the CRM field' },
			],
			default: 'skip',
		},
		{
			displayName: 'Remove Tags That Stop Applying',
			name: 'removeStaleTags',
			type: 'boolean',
			default: true,
			description: "Whether to list conditional tags whose condition no longer holds in 'removedTags', so the CRM node can take them off",
		},
		{
			displayName: 'Send Only Changed Fields on Updates',
			name: 'changedOnly',
			type: 'boolean',
			default: false,
			description: 'Whether profile updates send only the fields that changed. Registrations, activations and backfills always send every association.',
		},
		{
			displayName: 'Test Events',
			name: 'pingEvents',
			type: 'options',
			options: [
				{ name: 'Map Like Any User', value: 'sync', description: "The plugin's test event carries the sending admin's profile" },
				{ name: 'Skip', value: 'skip', description: 'Test events produce no output item' },
			],
			default: 'sync',
			description: 'What to do with the plugin\'s "Send test event"',
		},
	],
};
