import type { IDataObject } from 'n8n-workflow';

import { MappingError } from './errors';
import { type FieldCatalog, fieldInfo, fieldValue, hasField } from './fields';
import { applyFormat, clearValue, type FormatName, type FormatOptions } from './format';
import { type GateSettings, route } from './gate';
import { type MapperInput, readInput, type WpumUser } from './payload';
import { computeTags, type TagRule } from './tags';

/** One row of "Field Associations": a WPUM field, the CRM field it fills, and how to format it. */
export interface Association {
	wpumField: string;
	crmField: string;
	format: FormatName;
	options: FormatOptions;
}

export interface MapperConfig {
	associations: Association[];
	/** Tags for every synced user. */
	tags: string[];
	tagRules: TagRule[];
	/** List conditional tags that no longer apply in `removedTags`. */
	removeStaleTags: boolean;
	/** Blank values are left out (the CRM keeps its value) instead of sent empty to clear it. */
	skipEmpty: boolean;
	/** CRM slug: picks `user.crm.<slug>.contact_id`. */
	crm?: string;
	gate: GateSettings;
}

/** An item of the Sync output (docs/mapper-output.md). */
export interface SyncItem extends IDataObject {
	action: 'upsert';
	email: string;
	previousEmail?: string;
	contactId?: string;
	crm?: string;
	fields: IDataObject;
	tags: string[];
	removedTags: string[];
	wpUserId: number;
	event: string;
	eventId?: string;
	status: string;
	fullSync: boolean;
}

export interface DeferredItem extends IDataObject {
	action: 'defer';
	email: string;
	wpUserId: number;
	event: string;
	eventId?: string;
	status: string;
	reason: string;
}

export interface RemovedItem extends IDataObject {
	action: 'remove';
	email: string;
	contactId?: string;
	crm?: string;
	wpUserId: number;
	event: string;
	eventId?: string;
	status: string;
	wasDeferred: boolean;
}

export type MapperResult =
	| { output: 'sync'; json: SyncItem }
	| { output: 'deferred'; json: DeferredItem }
	| { output: 'removed'; json: RemovedItem }
	| { output: 'skip' };

function optional<T extends IDataObject>(json: T, key: string, value: unknown): T {
	if (value !== undefined && value !== null && value !== '') (json as IDataObject)[key] = value as IDataObject[string];
	return json;
}

function contactIdOf(user: WpumUser, crm: string | undefined): string | undefined {
	return crm ? user.crm?.[crm]?.contact_id : undefined;
}

function missingField(user: WpumUser, association: Association): MappingError {
	const known = Object.keys(user.fields ?? {});
	const sample = known.slice(0, 15).join(', ') + (known.length > 15 ? ', …' : '');
	return new MappingError(
		`The association to "${association.crmField}" uses the WPUM field "${association.wpumField}", which this site does not have`,
		`Pick the field from the list (set a WP User Manager credential on this node) or correct the key. This user's fields are: ${sample}.`,
		association.wpumField,
	);
}

function incompleteAssociation(association: Association): MappingError {
	return association.wpumField
		? new MappingError(`The association for the WPUM field "${association.wpumField}" has no CRM field`, 'Fill in its CRM field, or delete the association.', association.wpumField)
		: new MappingError(`The association to "${association.crmField}" has no WPUM field`, 'Choose its WPUM field, or delete the association.');
}

function requireEmail(user: WpumUser): string {
	const email = typeof user.email === 'string' ? user.email.trim() : '';
	if (!email) {
		throw new MappingError(
			'The user has no e-mail address, so no CRM contact can be matched',
			'Add an e-mail address to this user in WordPress (Users → Edit), or filter users without one out before this node.',
			'email',
		);
	}
	return email;
}

function mapFields(input: MapperInput, config: MapperConfig, catalog: FieldCatalog | undefined, fullSync: boolean): IDataObject {
	const { user } = input;
	let changed: Set<string> | undefined;
	if (!fullSync) {
		changed = new Set(input.changedFields ?? []);
		if (input.event === 'user.role_changed') changed.add('roles');
	}
	const values = user.fields ?? {};
	const labels = user.field_labels;
	const fields: IDataObject = {};
	for (const association of config.associations) {
		const key = association.wpumField;
		if (!key || !association.crmField) throw incompleteAssociation(association);
		const stored = key in values;
		if (!stored && !hasField(user, key) && !catalog?.has(key)) throw missingField(user, association);
		if (changed && !changed.has(key)) continue;
		const value = (stored ? values[key] : fieldValue(user, key)) ?? null;
		const info = fieldInfo(catalog, user, key);
		const formatted = applyFormat(association.format, association.options, info, value, labels?.[key]);
		if (formatted !== undefined) fields[association.crmField] = formatted as IDataObject[string];
		else if (!config.skipEmpty) fields[association.crmField] = clearValue(association.format, association.options, info, value) as IDataObject[string];
	}
	return fields;
}

function checkTagRules(user: WpumUser, config: MapperConfig, catalog: FieldCatalog | undefined) {
	for (const rule of config.tagRules) {
		if (rule.when === 'field' && !hasField(user, rule.field ?? '') && !catalog?.has(rule.field ?? '')) {
			throw new MappingError(
				`The conditional tag "${rule.tags.join(', ')}" tests the WPUM field "${rule.field ?? ''}", which this site does not have`,
				'Correct the field key in "Conditional Tags" (the key is the one in the user\'s "fields").',
				rule.field,
			);
		}
	}
}

/** Maps one input item (event or bare user) to its output; throws a MappingError for bad data. */
export function mapItem(json: IDataObject, config: MapperConfig, catalog?: FieldCatalog): MapperResult {
	return mapInput(readInput(json), config, catalog);
}

/** Maps one read input: routes it through the gate, then formats fields and computes tags. */
export function mapInput(input: MapperInput, config: MapperConfig, catalog?: FieldCatalog): MapperResult {
	const { user } = input;
	const decision = route(input, config.gate);
	const status = String(user.status ?? 'active');
	const eventId = input.eventId;

	if (decision.output === 'skip') return decision;
	if (decision.output === 'deferred') {
		const email = typeof user.email === 'string' ? user.email : '';
		const json: DeferredItem = { action: 'defer', email, wpUserId: user.id, event: input.event, status, reason: decision.reason };
		return { output: 'deferred', json: optional(json, 'eventId', eventId) };
	}
	const contactId = contactIdOf(user, config.crm);
	if (decision.output === 'removed') {
		// A contact id is enough to remove the contact; without one the e-mail is needed.
		const email = contactId ? String(user.email ?? '') : requireEmail(user);
		const json = { action: 'remove', email } as RemovedItem;
		optional(json, 'contactId', contactId);
		optional(json, 'crm', config.crm);
		Object.assign(json, { wpUserId: user.id, event: input.event, status, wasDeferred: decision.wasDeferred });
		return { output: 'removed', json: optional(json, 'eventId', eventId) };
	}

	const email = requireEmail(user);
	checkTagRules(user, config, catalog);
	// Changed fields alone could create a half-empty contact: when a CRM is picked and WordPress has no
	// contact id for it, the contact may not exist yet, so the update sends every association.
	const fullSync = decision.fullSync || (config.crm !== undefined && contactId === undefined);
	const fields = mapFields(input, config, catalog, fullSync);
	const { tags, removedTags } = computeTags(config.tags, config.tagRules, user);
	const json = { action: 'upsert', email } as SyncItem;
	optional(json, 'previousEmail', input.previousEmail !== email ? input.previousEmail : undefined);
	optional(json, 'contactId', contactId);
	optional(json, 'crm', config.crm);
	Object.assign(json, {
		fields,
		tags,
		removedTags: config.removeStaleTags ? removedTags : [],
		wpUserId: user.id,
		event: input.event,
		status,
		fullSync,
	});
	return { output: 'sync', json: optional(json, 'eventId', eventId) };
}
