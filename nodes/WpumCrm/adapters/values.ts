/**
 * Value checks and conversions several adapters share (schemaless CRMs, phone identifiers). Each returns
 * `{ value }` or `{ problem }`: the adapter turns a problem into an item error before anything is sent.
 */
import type { CrmContext } from './types';
import { crmSetting } from './helpers';

export type ValueOrProblem = { value?: unknown; problem?: string };

export function isBlank(value: unknown): boolean {
	return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

export function isScalar(value: unknown): value is string | number | boolean {
	return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Text values: numbers and yes/no become text, lists of scalars are joined with ", ". */
export function asText(value: unknown): ValueOrProblem {
	if (isScalar(value)) return { value: String(value) };
	if (Array.isArray(value) && value.every(isScalar)) return { value: value.map(String).join(', ') };
	return { problem: `needs text, not ${JSON.stringify(value)}` };
}

/**
 * A phone number in E.164 (`+` country code and digits): spaces, dashes, dots, slashes and brackets are
 * dropped and a leading `00` becomes `+`.
 */
export function toE164(value: unknown, example = '+15005550006'): ValueOrProblem {
	if (!isScalar(value)) return { problem: `needs a phone number, not ${JSON.stringify(value)}` };
	const text = String(value).trim();
	let compact = text.replace(/[\s\-.()/]/g, '');
	if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
	if (/^\+[1-9]\d{6,14}$/.test(compact)) return { value: compact };
	return { problem: `needs an international number with its country code (E.164, e.g. ${example}), not "${text}"` };
}

/**
 * Custom key names a user declared in a free-text node setting (comma-separated, or a list), for CRMs
 * that take any key and cannot list them: trimmed, without `prefix` when typed with it, no duplicates.
 */
export function declaredNames(ctx: CrmContext, setting: string, prefix: string): string[] {
	const raw = crmSetting<unknown>(ctx, setting, '');
	const list = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(',');
	const seen = new Set<string>();
	for (const entry of list) {
		let name = entry.trim();
		if (name.startsWith(prefix)) name = name.slice(prefix.length).trim();
		if (name) seen.add(name);
	}
	return [...seen];
}
