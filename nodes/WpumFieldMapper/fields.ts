import type { IDataObject } from 'n8n-workflow';

import type { WpumUser } from './payload';

/** What the mapper knows about one WPUM field: from the site's catalog (GET /fields) or inferred. */
export interface FieldInfo {
	key: string;
	/** WPUM field type (`text`, `checkbox`, `multiselect`, `datepicker`, `file`, …). */
	type: string;
	label?: string;
	multiple?: boolean;
	options?: Array<{ value: string; label: string }>;
}

/** The part of the plugin's `GET /fields` answer the mapper reads. */
export interface FieldCatalogResponse {
	fields?: Array<{
		key: string;
		label?: string;
		type: string;
		multiple?: boolean;
		options?: Array<{ value: string; label: string }>;
	}>;
}

/** Field info by key. `undefined` when no WP User Manager credential is set: types are then inferred. */
export type FieldCatalog = Map<string, FieldInfo>;

export function catalogFromResponse(response: FieldCatalogResponse): FieldCatalog {
	const catalog: FieldCatalog = new Map();
	for (const field of response.fields ?? []) {
		catalog.set(field.key, {
			key: field.key,
			type: field.type,
			label: field.label,
			multiple: field.multiple,
			options: field.options,
		});
	}
	for (const field of ACCOUNT_FIELDS) if (!catalog.has(field.key)) catalog.set(field.key, field);
	return catalog;
}

/**
 * Account data every user object carries outside `fields`, offered as extra mappable fields
 * (e.g. roles into a CRM "Membership level" field).
 */
export const ACCOUNT_FIELDS: FieldInfo[] = [
	{ key: 'user_id', type: 'number', label: 'WordPress user ID' },
	{ key: 'roles', type: 'userrole', label: 'Roles', multiple: true },
	{ key: 'status', type: 'text', label: 'Account status' },
	{ key: 'registered_at', type: 'datetime', label: 'Registration date' },
	{ key: 'registration_form', type: 'text', label: 'Registration form' },
];

const ACCOUNT_KEYS = new Set(ACCOUNT_FIELDS.map((field) => field.key));

/** Whether the user object has this field at all (a key the site does not have is a mapping error). */
export function hasField(user: WpumUser, key: string): boolean {
	return (user.fields !== undefined && key in user.fields) || ACCOUNT_KEYS.has(key);
}

/** The field's value in the user object: `user.fields[key]`, or one of the account fields. */
export function fieldValue(user: WpumUser, key: string): unknown {
	if (user.fields && key in user.fields) return user.fields[key];
	switch (key) {
		case 'user_id':
			return user.id;
		case 'roles':
			return user.roles ?? [];
		case 'status':
			return user.status ?? null;
		case 'registered_at':
			return user.registered_at ?? null;
		case 'registration_form':
			return user.registration_form?.name ?? null;
		default:
			return undefined;
	}
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const URL_LIKE = /^https?:\/\//i;

/** The WPUM type a value most likely has, for Auto when the site's catalog is not available. */
export function inferType(value: unknown, labels: unknown): string {
	if (typeof value === 'boolean') return 'checkbox';
	if (typeof value === 'number') return 'number';
	if (Array.isArray(value)) {
		if (value.length > 0 && value.every((v) => typeof v === 'object' && v !== null)) {
			return value.every((v) => typeof (v as IDataObject).url === 'string') ? 'file' : 'repeater';
		}
		if (value.length > 0 && value.every((v) => typeof v === 'string' && URL_LIKE.test(v))) return 'file';
		return 'multiselect';
	}
	if (typeof value === 'object' && value !== null) return 'repeater';
	if (typeof value === 'string') {
		if (labels !== undefined) return 'dropdown';
		if (ISO_DATE.test(value)) return 'datepicker';
	}
	return 'text';
}

/** Field info for `key` on this user: the catalog's when known, else inferred from the value's shape. */
export function fieldInfo(catalog: FieldCatalog | undefined, user: WpumUser, key: string): FieldInfo {
	const known = catalog?.get(key) ?? ACCOUNT_FIELDS.find((field) => field.key === key);
	if (known) return known;
	return { key, type: inferType(fieldValue(user, key), user.field_labels?.[key]) };
}
