import { isEmpty } from './format';
import { fieldValue } from './fields';
import type { WpumUser } from './payload';

export type TagCondition = 'role' | 'form' | 'field';
export type FieldOperator = 'equals' | 'notEquals' | 'contains' | 'isTrue' | 'isFalse' | 'isEmpty' | 'isNotEmpty';

/** "Apply these tags when …": a role the user has, the form they registered with, or a field's value. */
export interface TagRule {
	tags: string[];
	when: TagCondition;
	/** Role slug (e.g. `customer`). */
	role?: string;
	/** Registration form id or name. */
	form?: string;
	field?: string;
	operator?: FieldOperator;
	value?: string;
}

/** Tag names from a comma-separated text or a list (from an expression); blanks dropped. */
export function splitTags(input: unknown): string[] {
	const list = Array.isArray(input) ? input : String(input ?? '').split(',');
	return list.map((tag) => String(tag).trim()).filter((tag) => tag !== '');
}

const same = (a: unknown, b: string) => String(a).trim().toLowerCase() === b.trim().toLowerCase();

function matchesField(rule: TagRule, user: WpumUser): boolean {
	const key = rule.field ?? '';
	const value = fieldValue(user, key);
	const labels = user.field_labels?.[key];
	const values = Array.isArray(value) ? value : [value];
	const labelList = Array.isArray(labels) ? labels : labels === undefined ? [] : [labels];
	const expected = rule.value ?? '';
	switch (rule.operator ?? 'equals') {
		case 'isTrue':
			return value === true || (typeof value === 'string' && ['1', 'yes', 'true', 'on'].includes(value.trim().toLowerCase())) || value === 1;
		case 'isFalse':
			return !(value === true || value === 1 || (typeof value === 'string' && ['1', 'yes', 'true', 'on'].includes(value.trim().toLowerCase())));
		case 'isEmpty':
			return isEmpty(value);
		case 'isNotEmpty':
			return !isEmpty(value);
		case 'contains':
			return values.some((v) => v !== null && String(v).toLowerCase().includes(expected.toLowerCase())) ||
				labelList.some((l) => l.toLowerCase().includes(expected.toLowerCase()));
		case 'notEquals':
			return !(values.some((v) => v !== null && same(v, expected)) || labelList.some((l) => same(l, expected)));
		default:
			return values.some((v) => v !== null && same(v, expected)) || labelList.some((l) => same(l, expected));
	}
}

/** Whether a rule applies to this user. Comparisons ignore case; a multi-value field matches on any value or label. */
export function ruleApplies(rule: TagRule, user: WpumUser): boolean {
	switch (rule.when) {
		case 'role':
			return (user.roles ?? []).some((role) => same(role, rule.role ?? ''));
		case 'form': {
			const form = user.registration_form;
			if (!form) return false;
			return same(form.id, rule.form ?? '') || same(form.name, rule.form ?? '');
		}
		default:
			return matchesField(rule, user);
	}
}

export interface TagResult {
	tags: string[];
	/** Conditional tags whose condition no longer holds (and that no other rule applies). */
	removedTags: string[];
}

/** The tags for one user: every-sync tags plus conditional tags that apply; the rest of the conditional tags as removed. */
export function computeTags(always: string[], rules: TagRule[], user: WpumUser): TagResult {
	const tags = new Set(always);
	const notApplying = new Set<string>();
	for (const rule of rules) {
		const target = ruleApplies(rule, user) ? tags : notApplying;
		for (const tag of rule.tags) target.add(tag);
	}
	for (const tag of tags) notApplying.delete(tag);
	return { tags: [...tags], removedTags: [...notApplying] };
}
