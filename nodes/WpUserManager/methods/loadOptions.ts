import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { wpumApiRequest } from '../transport';

export interface WpumFieldGroup {
	id: number;
	name: string;
	is_primary: boolean;
}

export interface WpumField {
	key: string;
	label: string;
	type: string;
	group_id: number;
	group: string;
	options?: Array<{ value: string; label: string }>;
	multiple?: boolean;
	required?: boolean;
}

export interface WpumFieldCatalog {
	source: 'wpum' | 'core';
	groups: WpumFieldGroup[];
	fields: WpumField[];
}

/** The site's field catalog from `GET /fields`, as the plugin returns it. */
export async function getFieldCatalog(this: ILoadOptionsFunctions): Promise<WpumFieldCatalog> {
	return (await wpumApiRequest.call(this, 'GET', '/fields')) as WpumFieldCatalog;
}

/** Every WPUM field, grouped the way WPUM groups them: "Group › Label (type)", value = the field key. */
export async function getFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const catalog = await getFieldCatalog.call(this);
	const groupOrder = new Map(catalog.groups.map((group, index) => [group.id, index]));
	const fields = catalog.fields
		.map((field, index) => ({ field, index }))
		.sort((a, b) => {
			const byGroup = (groupOrder.get(a.field.group_id) ?? Infinity) - (groupOrder.get(b.field.group_id) ?? Infinity);
			return byGroup !== 0 ? byGroup : a.index - b.index;
		});
	return fields.map(({ field }) => ({
		name: `${field.group} › ${field.label} (${field.type})`,
		value: field.key,
		description: field.key,
	}));
}

/** WPUM registration forms. */
export async function getForms(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const forms = (await wpumApiRequest.call(this, 'GET', '/forms')) as Array<{
		id: number;
		name: string;
		role?: string;
		is_default?: boolean;
	}>;
	return forms.map((form) => ({
		name: form.is_default ? `${form.name} (default)` : form.name,
		value: form.id,
		description: form.role ? `Assigns the role "${form.role}"` : undefined,
	}));
}

/** WordPress roles. */
export async function getRoles(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const roles = (await wpumApiRequest.call(this, 'GET', '/roles')) as Array<{ slug: string; name: string }>;
	return roles.map((role) => ({ name: role.name, value: role.slug, description: role.slug }));
}
