import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, crmSetting, sameEmail, settingValue } from './helpers';
import { intercomValue } from './intercom';
import { memberHash } from './mailchimp';
import { tagsForRun } from './tagCache';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmResponse, CrmTag, UpsertResult } from './types';

/** EmailOctopus pages every collection by at most 100, with a `starting_after` cursor. */
const PAGE_SIZE = 100;
/** Fields every new EmailOctopus list starts with; the e-mail itself is sent as `email_address`. */
const STANDARD_FIELDS = ['FirstName', 'LastName'];
const EMAIL_FIELD = 'EmailAddress';
const DOCS = 'https://emailoctopus.com/api-documentation/v2';

function listId(ctx: CrmContext): string {
	const id = settingValue(crmSetting(ctx, 'emailoctopusListId', '')).trim();
	if (!id) {
		throw new NodeOperationError(ctx.getNode(), 'Choose an EmailOctopus list in "List" first', {
			description: 'EmailOctopus keeps contacts, fields and tags per list: the node needs to know which one.',
		});
	}
	return encodeURIComponent(id);
}

function contactsPath(ctx: CrmContext, ref?: string): string {
	return `/lists/${listId(ctx)}/contacts${ref === undefined ? '' : `/${encodeURIComponent(ref)}`}`;
}

/** Every page of a cursor-paged collection (`data` + `paging.next.starting_after`). */
async function readAllPages(ctx: CrmContext, path: string): Promise<IDataObject[]> {
	const rows: IDataObject[] = [];
	let cursor: string | undefined;
	for (;;) {
		const qs: IDataObject = { limit: PAGE_SIZE };
		if (cursor) qs.starting_after = cursor;
		const response = await crmRequestOk(ctx, emailoctopus, { method: 'GET', path, qs });
		const body = (response.body ?? {}) as IDataObject;
		rows.push(...((body.data ?? []) as IDataObject[]));
		const next = ((body.paging ?? {}) as IDataObject).next as IDataObject | null | undefined;
		const following = next?.starting_after ? String(next.starting_after) : undefined;
		if (!following || following === cursor) return rows;
		cursor = following;
	}
}

/** The list's fields (tag, label, type, choices), read once per node run. */
const listFieldsPerRun = new WeakMap<object, IDataObject[]>();

async function listFieldRows(ctx: CrmContext): Promise<IDataObject[]> {
	let rows = listFieldsPerRun.get(ctx);
	if (!rows) {
		// GET /lists/{id} carries every field of the list in one answer (there is no separate, paged route).
		const response = await crmRequestOk(ctx, emailoctopus, { method: 'GET', path: `/lists/${listId(ctx)}` });
		rows = (((response.body ?? {}) as IDataObject).fields ?? []) as IDataObject[];
		listFieldsPerRun.set(ctx, rows);
	}
	return rows;
}

/** A date field's value: `YYYY-MM-DD` (an ISO date-time is cut to its date). */
function dateValue(value: unknown): { value?: unknown; problem?: string } {
	const text = String(value).trim();
	const match = /^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
	if (match && !Number.isNaN(Date.parse(match[1]))) return { value: match[1] };
	return { problem: `needs a date as YYYY-MM-DD, not "${text}"` };
}

/** A multiple-choice field's value: a list of its choices, from a list or a comma-separated text. */
function choicesValue(choices: string[], value: unknown): { value?: unknown; problem?: string } {
	const wanted = (Array.isArray(value) ? value.map(String) : String(value).split(',')).map((v) => v.trim()).filter(Boolean);
	const out: string[] = [];
	for (const one of wanted) {
		const { value: choice, problem } = intercomValue('choice', choices, one);
		if (problem) return { problem };
		if (!out.includes(String(choice))) out.push(String(choice));
	}
	return { value: out };
}

/**
 * A value in the shape the field's type takes (EmailOctopus API v2: a string for text, date and
 * single-choice fields, an integer for number fields, an array of strings for multiple-choice fields,
 * `null` to remove the value). A value that does not fit fails the item instead of being sent.
 */
export function emailOctopusValue(field: IDataObject | undefined, value: unknown): { value?: unknown; problem?: string } {
	if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) return { value: null };
	const choices = Array.isArray(field?.choices) ? (field.choices as unknown[]).map(String) : [];
	switch (String(field?.type ?? 'text')) {
		case 'number':
			return intercomValue('integer', undefined, value);
		case 'date':
			return dateValue(value);
		case 'choice_single':
			return intercomValue('choice', choices, value);
		case 'choice_multiple':
			return choicesValue(choices, value);
		default:
			return intercomValue('text', undefined, value);
	}
}

/** The item's fields keyed by field tag, converted to each field's type. */
async function fieldsFor(ctx: CrmContext, contact: ContactInput): Promise<IDataObject> {
	const out: IDataObject = {};
	if (!Object.keys(contact.fields).length) return out;
	const known = await listFieldRows(ctx);
	for (const [tag, raw] of Object.entries(contact.fields)) {
		const { value, problem } = emailOctopusValue(
			known.find((field) => field.tag === tag),
			raw,
		);
		if (problem) {
			throw new NodeOperationError(ctx.getNode(), `EmailOctopus field ${tag} ${problem} (contact ${contact.email})`, {
				description: 'Nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.',
			});
		}
		out[tag] = value as IDataObject[string];
	}
	return out;
}

/**
 * The list's tags for these names, in the list's own spelling (matched case-insensitively); with
 * `create`, missing ones are created on the list first (`POST /lists/{id}/tags`).
 */
async function listTagNames(ctx: CrmContext, names: string[], create: boolean): Promise<string[]> {
	if (!names.length) return [];
	const existing = await tagsForRun(ctx, emailoctopus);
	const out: string[] = [];
	for (const name of names) {
		const found = existing.find((tag) => tag.name.toLowerCase() === name.toLowerCase());
		if (found) {
			out.push(found.name);
			continue;
		}
		if (!create) continue;
		const response = await crmRequest(ctx, emailoctopus, { method: 'POST', path: `/lists/${listId(ctx)}/tags`, body: { tag: name } });
		// 409: made a moment ago by someone else; it exists now, which is all we need.
		if (response.statusCode >= 300 && response.statusCode !== 409) throw crmApiError(ctx, emailoctopus, response);
		const created = String(((response.body ?? {}) as IDataObject).tag ?? name);
		existing.push({ id: created, name: created });
		out.push(created);
	}
	return out;
}

function tagSwitches(names: string[], on: boolean): IDataObject {
	return Object.fromEntries(names.map((name) => [name, on]));
}

function toContact(body: IDataObject): CrmContact {
	return { contactId: String(body.id), email: String(body.email_address ?? ''), contact: body };
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	// A contact is addressed by its id or by the MD5 of its lower-cased e-mail.
	const ref = by.contactId ?? (by.email ? memberHash(by.email) : undefined);
	if (!ref) return undefined;
	const response = await crmRequestOk(ctx, emailoctopus, { method: 'GET', path: contactsPath(ctx, ref) }, [404]);
	return response.statusCode === 404 ? undefined : toContact(response.body as IDataObject);
}

/** `PUT /lists/{id}/contacts/{ref}`: changes only what the body names; 404 when there is no such contact. */
async function updateContact(ctx: CrmContext, ref: string, body: IDataObject): Promise<CrmResponse> {
	return await crmRequest(ctx, emailoctopus, { method: 'PUT', path: contactsPath(ctx, ref), body });
}

function clash(ctx: CrmContext, contact: ContactInput, response: CrmResponse): Error {
	return new NodeOperationError(
		ctx.getNode(),
		`EmailOctopus refused to change the e-mail to ${contact.email}: another contact of the list already has it (HTTP ${response.statusCode}: ${emailoctopus.errorMessage!(response) ?? 'conflict'})`,
		{
			description: 'Nothing was changed. Delete or merge one of the two contacts in EmailOctopus, then run this item again.',
		},
	);
}

async function getEmailOctopusLists(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const lists = await readAllPages(this, '/lists');
	return lists.map((list) => ({ name: String(list.name), value: String(list.id) }));
}

export const emailoctopus: CrmAdapter = {
	slug: 'emailoctopus',
	displayName: 'EmailOctopus',
	credentialType: 'wpumEmailOctopusApi',
	tagsAre: 'list tags (created by name when missing)',
	docsUrl: DOCS,

	settings: [
		{
			displayName: 'List Name or ID',
			name: 'emailoctopusListId',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getEmailOctopusLists', loadOptionsDependsOn: ['crm'] },
			default: '',
			required: true,
			description:
				'The EmailOctopus list contacts go into (fields and tags belong to it). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Status for New Contacts',
			name: 'emailoctopusStatusIfNew',
			type: 'options',
			displayOptions: { show: { operation: ['upsert'] } },
			options: [
				{ name: "List's Default", value: '', description: 'Pending when the list has double opt-in, else subscribed' },
				{ name: 'Subscribed', value: 'subscribed', description: 'Receives campaigns right away' },
				{ name: 'Pending', value: 'pending', description: 'Waits for the confirmation e-mail' },
				{ name: 'Unsubscribed', value: 'unsubscribed', description: 'Kept in the list without consent to e-mails' },
			],
			default: '',
			description: 'Status given to contacts the list does not have yet. Existing contacts keep theirs.',
		},
	],
	loadOptions: { getEmailOctopusLists },

	baseUrl: (credentials) => String(credentials.baseUrl || 'https://api.emailoctopus.com').replace(/\/+$/, ''),

	// Documented on 429 ("too-many-requests"); its unit is not: seconds, a Unix time or an HTTP date.
	resetDelayMs(response) {
		const raw = response.headers['x-ratelimit-retry-after'];
		const text = String(Array.isArray(raw) ? raw[0] : (raw ?? '')).trim();
		if (!text) return undefined;
		const number = Number(text);
		if (Number.isFinite(number)) {
			if (number > 1e12) return Math.max(0, number - Date.now());
			if (number > 1e9) return Math.max(0, number * 1000 - Date.now());
			return Math.max(0, number * 1000);
		}
		const date = Date.parse(text);
		return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
	},

	// RFC 7807 problem details; validation errors (422) list a pointer and a detail each.
	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		if (!body || typeof body !== 'object' || typeof body.detail !== 'string') return undefined;
		const errors = Array.isArray(body.errors) ? (body.errors as IDataObject[]) : [];
		const details = errors.map((e) => {
			const where = e.pointer ?? e.parameter;
			return where ? `${String(where)}: ${String(e.detail ?? '')}` : String(e.detail ?? '');
		});
		return details.length ? `${body.detail} ${details.join('; ')}` : body.detail;
	},

	async upsert(ctx, contact): Promise<UpsertResult> {
		// Values are checked first: one that does not fit fails the item before anything (even a tag) is made.
		const fields = await fieldsFor(ctx, contact);
		const tags = await listTagNames(ctx, cleanTagNames(contact.tags), true);
		const changes: IDataObject = {};
		if (Object.keys(fields).length) changes.fields = fields;
		if (tags.length) changes.tags = tagSwitches(tags, true);

		// Update by stored id (which also changes the e-mail), else by the e-mail's hash, else, on an
		// e-mail change EmailOctopus has not seen yet, the contact that still has the previous e-mail.
		const refs: string[] = [];
		if (contact.contactId) refs.push(contact.contactId);
		refs.push(memberHash(contact.email));
		if (contact.previousEmail && !sameEmail(contact.previousEmail, contact.email)) refs.push(memberHash(contact.previousEmail));
		for (const ref of refs) {
			const response = await updateContact(ctx, ref, { email_address: contact.email, ...changes });
			if (response.statusCode === 404) continue;
			if (response.statusCode === 409) throw clash(ctx, contact, response);
			if (response.statusCode >= 300) throw crmApiError(ctx, emailoctopus, response);
			return { contactId: String((response.body as IDataObject).id), action: 'updated', email: contact.email };
		}

		// A new contact: POST (not the PUT upsert) so "Status for New Contacts" never touches an existing one.
		const body: IDataObject = { email_address: contact.email };
		if (Object.keys(fields).length) body.fields = fields;
		if (tags.length) body.tags = tags;
		const status = String(crmSetting(ctx, 'emailoctopusStatusIfNew', ''));
		if (status) body.status = status;
		const created = await crmRequest(ctx, emailoctopus, { method: 'POST', path: contactsPath(ctx), body });
		if (created.statusCode === 201 || created.statusCode === 200) {
			return { contactId: String((created.body as IDataObject).id), action: 'created', email: contact.email };
		}
		if (created.statusCode !== 409) throw crmApiError(ctx, emailoctopus, created);
		// Added elsewhere a moment ago: update that contact instead.
		const again = await updateContact(ctx, memberHash(contact.email), { email_address: contact.email, ...changes });
		if (again.statusCode >= 300) throw crmApiError(ctx, emailoctopus, again);
		return { contactId: String((again.body as IDataObject).id), action: 'updated', email: contact.email };
	},

	async addTags(ctx, contactId, tags) {
		const names = await listTagNames(ctx, cleanTagNames(tags), true);
		if (names.length) await crmRequestOk(ctx, emailoctopus, { method: 'PUT', path: contactsPath(ctx, contactId), body: { tags: tagSwitches(names, true) } });
	},

	async removeTags(ctx, contactId, tags) {
		const names = await listTagNames(ctx, cleanTagNames(tags), false);
		if (names.length) await crmRequestOk(ctx, emailoctopus, { method: 'PUT', path: contactsPath(ctx, contactId), body: { tags: tagSwitches(names, false) } });
	},

	getContact: findContact,

	async deleteContact(ctx, contactId) {
		const response = await crmRequest(ctx, emailoctopus, { method: 'DELETE', path: contactsPath(ctx, contactId) });
		if (response.statusCode >= 300 && response.statusCode !== 404) throw crmApiError(ctx, emailoctopus, response);
	},

	async listFields(ctx) {
		const rows = await listFieldRows(ctx);
		return rows
			.filter((field) => field.tag !== EMAIL_FIELD)
			.map(
				(field): CrmField => ({
					key: String(field.tag),
					label: String(field.label ?? field.tag),
					type: field.type ? String(field.type) : undefined,
					standard: STANDARD_FIELDS.includes(String(field.tag)),
				}),
			)
			.sort((a, b) => Number(b.standard) - Number(a.standard));
	},

	async listTags(ctx) {
		const rows = await readAllPages(ctx, `/lists/${listId(ctx)}/tags`);
		// Tags have no id of their own: the name is how the API addresses them.
		return rows.map((row): CrmTag => ({ id: String(row.tag), name: String(row.tag) }));
	},
};
