import type { IDataObject } from 'n8n-workflow';

export interface TriggerFilters {
	events: string[];
	forms: number[];
	roles: string[];
	statuses: string[];
}

/**
 * Whether an event passes the trigger's filters. Each filter left empty lets everything through;
 * a `ping` (the plugin's test event) passes all of them so a connection test always shows up.
 */
export function matchesFilters(event: IDataObject, filters: TriggerFilters): boolean {
	if (event.event === 'ping') return true;
	if (!filters.events.includes(String(event.event))) return false;

	const user = (event.user ?? {}) as IDataObject;
	if (filters.forms.length) {
		const form = (event.form ?? user.registration_form) as IDataObject | null | undefined;
		if (!form || !filters.forms.includes(Number(form.id))) return false;
	}
	if (filters.roles.length) {
		const roles = Array.isArray(user.roles) ? (user.roles as string[]) : [];
		if (!roles.some((role) => filters.roles.includes(role))) return false;
	}
	if (filters.statuses.length && !filters.statuses.includes(String(user.status))) return false;
	return true;
}
