import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ContactInput, CrmContact, CrmContext } from './types';

/**
 * Reads a CRM-specific node setting (one of `adapter.settings`) in both a node run and a dropdown
 * load. Settings are per node, not per item, so item 0 is used in a run.
 */
export function crmSetting<T>(ctx: CrmContext, name: string, fallback: T): T {
	if (typeof (ctx as IExecuteFunctions).getInputData === 'function') {
		return (ctx as IExecuteFunctions).getNodeParameter(name, 0, fallback) as T;
	}
	const value = (ctx as { getCurrentNodeParameter(name: string): unknown }).getCurrentNodeParameter(name);
	return (value === undefined || value === '' ? fallback : value) as T;
}

/** A resource-locator or plain value as a string id. */
export function settingValue(value: unknown): string {
	if (value && typeof value === 'object' && 'value' in (value as IDataObject)) return String((value as IDataObject).value ?? '');
	return value === undefined || value === null ? '' : String(value);
}

export function chunk<T>(list: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
	return out;
}

export function sameEmail(a: string | undefined, b: string | undefined): boolean {
	return !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Splits `fields` into the keys in `standard` and the rest (the CRM's custom fields). */
export function splitFields(fields: IDataObject, standard: readonly string[]): { standard: IDataObject; custom: IDataObject } {
	const out = { standard: {} as IDataObject, custom: {} as IDataObject };
	for (const [key, value] of Object.entries(fields ?? {})) {
		if (standard.includes(key)) out.standard[key] = value;
		else out.custom[key] = value;
	}
	return out;
}

/**
 * The contact this upsert must update, found the way that never duplicates: by the stored contact id,
 * else by the (new) e-mail, else by the previous e-mail. Undefined means "create".
 */
export async function findExisting(
	contact: ContactInput,
	find: (by: { email?: string; contactId?: string }) => Promise<CrmContact | undefined>,
): Promise<CrmContact | undefined> {
	if (contact.contactId) {
		const byId = await find({ contactId: contact.contactId });
		if (byId) return byId;
	}
	const byEmail = await find({ email: contact.email });
	if (byEmail) return byEmail;
	if (contact.previousEmail && !sameEmail(contact.previousEmail, contact.email)) {
		return await find({ email: contact.previousEmail });
	}
	return undefined;
}

/** Tag names without blanks and duplicates (case-insensitive), in their first spelling. */
export function cleanTagNames(tags: string[] | undefined): string[] {
	const seen = new Set<string>();
	const out: string[] = [];
	for (const raw of tags ?? []) {
		const name = String(raw).trim();
		if (!name || seen.has(name.toLowerCase())) continue;
		seen.add(name.toLowerCase());
		out.push(name);
	}
	return out;
}

/** A yes/no value as a boolean (`true`/`1`/`yes`/`on`, `false`/`0`/`no`/`off`, any case); undefined when it is neither. */
export function yesNo(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	const word = String(value ?? '').trim().toLowerCase();
	if (['true', '1', 'yes', 'on'].includes(word)) return true;
	if (['false', '0', 'no', 'off'].includes(word)) return false;
	return undefined;
}

/** Milliseconds from `now` to the next 00:00 UTC (when a vendor's daily quota resets). */
export function msUntilUtcMidnight(now = Date.now()): number {
	const next = new Date(now);
	next.setUTCHours(24, 0, 0, 0);
	return next.getTime() - now;
}

/** `current` tag names plus those in `add` it lacks (case-insensitive); undefined when nothing is missing. */
export function mergeTagNames(current: unknown, add: string[]): string[] | undefined {
	const have = Array.isArray(current) ? current.map(String) : [];
	const missing = add.filter((tag) => !have.some((t) => t.toLowerCase() === tag.toLowerCase()));
	return missing.length ? [...have, ...missing] : undefined;
}

/** The `rel="next"` URL of an RFC 5988 `Link` header (Capsule and others page this way); undefined on the last page. */
export function nextLinkUrl(headers: IDataObject): string | undefined {
	const raw = headers.link ?? headers.Link;
	const text = Array.isArray(raw) ? raw.join(',') : String(raw ?? '');
	for (const part of text.split(',')) {
		const match = /<([^>]+)>\s*;(.*)$/.exec(part.trim());
		if (match && /rel="?next"?/i.test(match[2])) return match[1];
	}
	return undefined;
}

/** Milliseconds until a reset given as Unix time in seconds (an `X-RateLimit-Reset` header); undefined when absent or past. */
export function epochResetDelayMs(value: unknown, now = Date.now()): number | undefined {
	const reset = Number(Array.isArray(value) ? value[0] : value);
	if (!Number.isFinite(reset) || reset <= 0) return undefined;
	const delay = reset * 1000 - now;
	return delay > 0 ? delay : undefined;
}

/**
 * The message of a Laravel-style error body (`{message, errors: {field: ["…"]}}`, as Sender answers) with
 * its per-field problems appended; undefined when the body has neither.
 */
export function messageWithFieldErrors(body: unknown): string | undefined {
	if (!body || typeof body !== 'object') return undefined;
	const { message, errors } = body as IDataObject;
	const details =
		errors && typeof errors === 'object' && !Array.isArray(errors)
			? Object.entries(errors as IDataObject)
					.map(([field, problems]) => `${field}: ${[problems].flat().map(String).join(' ')}`)
					.join('; ')
			: '';
	const text = typeof message === 'string' && message ? message : '';
	if (!text) return details || undefined;
	return details ? `${text} (${details})` : text;
}

/** Milliseconds until a reset given as a date (`2026-03-18T13:02:00Z`) or as Unix seconds; undefined when absent or past. */
export function dateResetDelayMs(value: unknown, now = Date.now()): number | undefined {
	const raw = String(Array.isArray(value) ? value[0] : (value ?? '')).trim();
	if (!raw) return undefined;
	if (/^\d+$/.test(raw)) return epochResetDelayMs(raw, now);
	const at = Date.parse(raw);
	if (Number.isNaN(at)) return undefined;
	return at > now ? at - now : undefined;
}

/**
 * `names` in the spelling `known` (the account's tags) already has, case-insensitive, so "vip" reuses
 * "VIP"; a name `known` lacks stays as given and is pushed onto `known` (id = name) for the rest of the run.
 */
export function reuseTagSpellings(known: Array<{ id: string; name: string }>, names: string[]): string[] {
	return names.map((name) => {
		const found = known.find((tag) => tag.name.toLowerCase() === name.toLowerCase());
		if (found) return found.name;
		known.push({ id: name, name });
		return name;
	});
}

/** `names` plus every other spelling `known` has for them (case-insensitive), for removing a tag however it is written. */
export function everyTagSpelling(known: Array<{ name: string }>, names: string[]): string[] {
	const all = new Set(names);
	for (const tag of known) if (names.some((name) => name.toLowerCase() === tag.name.toLowerCase())) all.add(tag.name);
	return [...all];
}
