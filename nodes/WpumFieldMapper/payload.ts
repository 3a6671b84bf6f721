import type { IDataObject } from 'n8n-workflow';

import { MappingError } from './errors';

/** `status` of a user object (see docs/contract.md). */
export type UserStatus = 'active' | 'pending_approval' | 'pending_verification';

/** The user object the companion plugin sends (contract/user.schema.json). */
export interface WpumUser {
	id: number;
	login?: string;
	email?: string;
	display_name?: string;
	first_name?: string;
	last_name?: string;
	registered_at?: string;
	updated_at?: string | null;
	roles?: string[];
	status?: UserStatus;
	registration_form?: { id: number; name: string } | null;
	fields?: IDataObject;
	field_labels?: Record<string, string | string[]>;
	crm?: Record<string, { contact_id: string; tags?: string[]; linked_at?: string }>;
}

/** What a bare user (from "Get many users") is treated as: a full sync. */
export const BACKFILL_EVENT = 'backfill';

/** One input item, whatever its shape: a webhook event or a bare user object. */
export interface MapperInput {
	/** The plugin's event name, or `backfill` for a bare user. */
	event: string;
	eventId?: string;
	user: WpumUser;
	/** `changes.fields` of a `user.updated` event. */
	changedFields?: string[];
	previousEmail?: string;
	/** `role_change.old` of a `user.role_changed` event. */
	previousRoles?: string[];
}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUser(value: unknown): value is WpumUser {
	return isObject(value) && (typeof value.id === 'number' || typeof value.id === 'string') && isObject(value.fields);
}

/** Reads one input item as a webhook event or a bare user; throws a MappingError for anything else. */
export function readInput(json: IDataObject): MapperInput {
	if (typeof json.event === 'string' && isUser(json.user)) {
		const changes = isObject(json.changes) ? json.changes : undefined;
		const roleChange = isObject(json.role_change) ? json.role_change : undefined;
		return {
			event: json.event,
			eventId: typeof json.event_id === 'string' ? json.event_id : undefined,
			user: normalizeUser(json.user),
			changedFields: Array.isArray(changes?.fields) ? (changes.fields as string[]) : undefined,
			previousEmail: typeof changes?.previous_email === 'string' ? changes.previous_email : undefined,
			previousRoles: Array.isArray(roleChange?.old) ? (roleChange.old as string[]) : undefined,
		};
	}
	if (isUser(json)) return { event: BACKFILL_EVENT, user: normalizeUser(json) };
	// n8n's generic Webhook node wraps the request: { headers, params, query, body }.
	if (isObject(json.body) && isObject(json.headers)) return readInput(json.body);
	throw new MappingError(
		'This item is not a WP User Manager user or event',
		'Connect this node after the WP User Manager Trigger, or after the WP User Manager node\'s "Get Many Users" / "Get User" (items with "id", "email" and "fields", or an event with "event" and "user").',
	);
}

function normalizeUser(user: WpumUser): WpumUser {
	const id = Number(user.id);
	return id === user.id ? user : { ...user, id };
}
