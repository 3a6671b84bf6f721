import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { NO_CRM } from './description/sources';
import { DEFAULT_FORMAT_OPTIONS, type FormatName, type FormatOptions } from './format';
import type { Association, MapperConfig } from './map';
import { splitTags, type TagRule } from './tags';

/** One association row as the editor stores it. */
interface AssociationRow extends IDataObject {
	wpumField?: string;
	wpumFieldKey?: string;
	crmField?: string;
	crmFieldKey?: string;
	format?: FormatName;
	choiceText?: 'values' | 'labels';
}

interface RuleRow extends IDataObject {
	tags?: string;
	when?: TagRule['when'];
	role?: string;
	roleFromSite?: string;
	form?: string | number;
	formFromSite?: string | number;
	field?: string;
	fieldFromSite?: string;
	operator?: TagRule['operator'];
	value?: string;
}

/** A conditional-tag row: the dropdown variant (site) or the typed one, whichever is set. */
function toTagRule(row: RuleRow): TagRule {
	const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value));
	return {
		tags: splitTags(row.tags),
		when: row.when ?? 'role',
		role: text(row.roleFromSite ?? row.role),
		form: text(row.formFromSite ?? row.form),
		field: text(row.fieldFromSite ?? row.field),
		operator: row.operator,
		value: text(row.value),
	};
}

function formatOptions(row: AssociationRow): FormatOptions {
	return {
		...DEFAULT_FORMAT_OPTIONS,
		...Object.fromEntries(
			(['booleanStyle', 'dateOutput', 'datePattern', 'dateInputPattern', 'listOutput', 'separator', 'fileOutput'] as const)
				.filter((key) => row[key] !== undefined)
				.map((key) => [key, row[key]]),
		),
		useLabels: row.choiceText === 'labels',
	};
}

/** Builds one association from a row; rows with no field on either side are incomplete and dropped. */
export function toAssociation(row: AssociationRow, crm: string): Association | undefined {
	const wpumField = String(row.wpumField ?? row.wpumFieldKey ?? '').trim();
	const crmField = String((crm === NO_CRM ? row.crmFieldKey : row.crmField) ?? row.crmFieldKey ?? row.crmField ?? '').trim();
	if (!wpumField && !crmField) return undefined;
	return { wpumField, crmField, format: row.format ?? 'auto', options: formatOptions(row) };
}

/** The node's settings for item `i` (expressions may differ per item). */
export function readConfig(this: IExecuteFunctions, i: number): MapperConfig {
	const crm = this.getNodeParameter('crm', i) as string;
	const rows = this.getNodeParameter('associations.association', i, []) as AssociationRow[];
	const rules = this.getNodeParameter('conditionalTags.rule', i, []) as RuleRow[];
	const options = this.getNodeParameter('options', i, {}) as IDataObject;
	return {
		associations: rows.map((row) => toAssociation(row, crm)).filter((a): a is Association => a !== undefined),
		tags: splitTags(this.getNodeParameter('tags', i, '')),
		tagRules: rules.map(toTagRule),
		removeStaleTags: options.removeStaleTags !== false,
		skipEmpty: options.emptyValues !== 'clear',
		crm: crm === NO_CRM ? undefined : crm,
		gate: {
			deferUntilActivation: this.getNodeParameter('deferUntilActivation', i, false) as boolean,
			changedOnly: options.changedOnly === true,
			pingEvents: options.pingEvents === 'skip' ? 'skip' : 'sync',
		},
	};
}
