import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ContactInput, CrmAdapter, CrmField } from '../adapters/types';

export type InputSource = 'mapper' | 'define';

function optionalString(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	const text = String(value).trim();
	return text === '' ? undefined : text;
}

/** Tag names from an array or a comma-separated string. */
export function tagList(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((tag) => String(tag).trim()).filter(Boolean);
	if (typeof value === 'string') return value.split(',').map((tag) => tag.trim()).filter(Boolean);
	return [];
}

/** The contact an item describes: the mapper's item as it is, or the "Define Below" parameters. */
export function readContact(ctx: IExecuteFunctions, adapter: CrmAdapter, item: INodeExecutionData, itemIndex: number): ContactInput {
	const source = ctx.getNodeParameter('inputSource', itemIndex, 'mapper') as InputSource;
	let contact: ContactInput;
	if (source === 'mapper') {
		const json = item.json;
		if (json.action === 'defer' || json.action === 'remove') {
			throw new NodeOperationError(
				ctx.getNode(),
				`Item ${itemIndex + 1} comes from the Field Mapper's "${json.action === 'defer' ? 'Deferred' : 'Removed'}" output, not "Sync"`,
				{
					itemIndex,
					description:
						json.action === 'defer'
							? 'Deferred users are not synced yet. Connect only the "Sync" output to this operation.'
							: 'To delete removed users, connect the "Removed" output to a WPUM CRM Sync node set to "Delete Contact".',
				},
			);
		}
		const fields = json.fields;
		if (fields !== undefined && (typeof fields !== 'object' || fields === null || Array.isArray(fields))) {
			throw new NodeOperationError(ctx.getNode(), `Item ${itemIndex + 1}: "fields" must be an object of CRM field keys and values`, {
				itemIndex,
				description: 'Connect the WPUM Field Mapper before this node, or set "Input" to "Define Below".',
			});
		}
		contact = {
			email: optionalString(json.email) ?? '',
			previousEmail: optionalString(json.previousEmail),
			// A contact id the mapper read for another CRM would update the wrong record: use the e-mail then.
			contactId: json.crm === undefined || json.crm === adapter.slug ? optionalString(json.contactId) : undefined,
			fields: (fields as IDataObject | undefined) ?? {},
			tags: tagList(json.tags),
			removedTags: tagList(json.removedTags),
			wpUserId: (json.wpUserId as number | string | undefined) ?? undefined,
		};
	} else {
		const rows = ctx.getNodeParameter('fields.field', itemIndex, []) as Array<{ key: string; value: unknown }>;
		contact = {
			email: optionalString(ctx.getNodeParameter('email', itemIndex, '')) ?? '',
			previousEmail: optionalString(ctx.getNodeParameter('previousEmail', itemIndex, '')),
			contactId: optionalString(ctx.getNodeParameter('contactId', itemIndex, '')),
			fields: Object.fromEntries(rows.filter((row) => row.key).map((row) => [row.key, row.value])) as IDataObject,
			tags: tagList(ctx.getNodeParameter('tags', itemIndex, '')),
			wpUserId: optionalString(ctx.getNodeParameter('wpUserId', itemIndex, '')),
		};
	}
	if (!contact.email || !contact.email.includes('@')) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Item ${itemIndex + 1} has no valid e-mail${contact.email ? ` ("${contact.email}")` : ''}: every contact needs one`,
			{
				itemIndex,
				description:
					source === 'mapper'
						? 'The item should come from the WPUM Field Mapper (it carries "email"). Otherwise set "Input" to "Define Below".'
						: 'Fill in "Email" (an expression such as {{ $json.email }} works).',
			},
		);
	}
	return contact;
}

/** Fails the item before anything is sent when a field key is not one the CRM knows (Kit would drop it). */
export function assertKnownFields(
	ctx: IExecuteFunctions,
	adapter: CrmAdapter,
	contact: ContactInput,
	fields: CrmField[],
	itemIndex: number,
): void {
	const known = new Set(fields.map((field) => field.key));
	const unknown = Object.keys(contact.fields).filter((key) => !known.has(key));
	if (!unknown.length) return;
	const list = fields.map((field) => field.key).join(', ');
	throw new NodeOperationError(
		ctx.getNode(),
		`${adapter.displayName} has no field "${unknown[0]}"${unknown.length > 1 ? ` (nor ${unknown.slice(1).map((k) => `"${k}"`).join(', ')})` : ''} for ${contact.email}. Valid keys: ${list}`,
		{
			itemIndex,
			description: `Nothing was sent for this contact. Map it to one of the valid keys in the WPUM Field Mapper, or create the field in ${adapter.displayName} first.`,
		},
	);
}

/**
 * Which contact a Get/Delete item means: from the mapper's item (its contact id for this CRM, else its
 * e-mail) or from the "Find Contact By" parameters.
 */
export function readLookup(
	ctx: IExecuteFunctions,
	adapter: CrmAdapter,
	item: INodeExecutionData,
	itemIndex: number,
): { contactId?: string; email?: string } {
	const source = ctx.getNodeParameter('inputSource', itemIndex, 'define') as InputSource;
	if (source === 'mapper') {
		const json = item.json;
		const contactId = json.crm === undefined || json.crm === adapter.slug ? optionalString(json.contactId) : undefined;
		const email = optionalString(json.email);
		if (!contactId && !email) {
			throw new NodeOperationError(ctx.getNode(), `Item ${itemIndex + 1} has neither a contact ID nor an e-mail`, {
				itemIndex,
				description: 'Connect the WPUM Field Mapper (its items carry both), or set "Input" to "Define Below".',
			});
		}
		return contactId ? { contactId, email } : { email };
	}
	const lookupBy = ctx.getNodeParameter('lookupBy', itemIndex, 'email') as 'email' | 'contactId';
	const value = optionalString(ctx.getNodeParameter(lookupBy === 'email' ? 'lookupEmail' : 'lookupContactId', itemIndex, ''));
	if (!value) {
		throw new NodeOperationError(ctx.getNode(), `Item ${itemIndex + 1}: fill in the ${lookupBy === 'email' ? 'e-mail' : 'contact ID'} of the contact`, { itemIndex });
	}
	return lookupBy === 'email' ? { email: value } : { contactId: value };
}
