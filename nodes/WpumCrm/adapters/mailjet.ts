/**
 * Mailjet (Email API v3, contacts). A contact is `/v3/REST/contact` (e-mail, name, exclusion from
 * campaigns); its custom fields are "contact properties", defined in `/contactmetadata` and written with
 * `PUT /contactdata/{id}`; our tags become contact lists (`/contactslist`, joined and left through
 * `/contact/{id}/managecontactslists`). Mailjet keeps a contact's e-mail for life ("Not allowed to change
 * email address in PUT"), so an e-mail change moves the contact (see `moveContact`). Its bulk routes are
 * asynchronous jobs, so contacts go one by one. Docs: https://dev.mailjet.com/email/reference/contacts/
 */
import type { IDataObject } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, crmSetting, findExisting, sameEmail, yesNo } from './helpers';
import { tagsForRun } from './tagCache';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmTag, UpsertResult } from './types';

const REST = '/v3/REST';
/** Mailjet's page size maximum (default 10). */
const PAGE_SIZE = 1000;
/** The contact's own name (on `/contact`), offered as a field next to the contact properties. */
const NAME_FIELD = 'Name';

/** The account's contact properties (`/contactmetadata`), read once per node run. */
const propertiesPerRun = new WeakMap<object, IDataObject[]>();

/** Every row of a Mailjet listing, `Limit`/`Offset` paged until a page comes back short. */
async function readAll(ctx: CrmContext, path: string): Promise<IDataObject[]> {
	const rows: IDataObject[] = [];
	for (let offset = 0; ; offset += PAGE_SIZE) {
		const response = await crmRequestOk(ctx, mailjet, { method: 'GET', path: REST + path, qs: { Limit: PAGE_SIZE, Offset: offset } });
		const page = ((response.body as IDataObject)?.Data ?? []) as IDataObject[];
		rows.push(...page);
		// `Total` is not a reliable grand total on every route (it often equals `Count`): a short page ends.
		if (page.length < PAGE_SIZE) return rows;
	}
}

async function accountProperties(ctx: CrmContext): Promise<IDataObject[]> {
	let properties = propertiesPerRun.get(ctx);
	if (!properties) {
		properties = await readAll(ctx, '/contactmetadata');
		propertiesPerRun.set(ctx, properties);
	}
	return properties;
}

/** RFC 3339 without milliseconds, or a Unix timestamp, as Mailjet's `datetime` accepts. */
function datetimeValue(value: unknown, text: string): { value?: unknown; problem?: string } {
	if (typeof value === 'number' && Number.isInteger(value)) return { value };
	if (/^\d{9,11}$/.test(text)) return { value: Number(text) };
	const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
	if (Number.isNaN(date)) return { problem: `needs a date (YYYY-MM-DD, RFC 3339 or a Unix timestamp), not "${text}"` };
	return { value: new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

/**
 * A value in the shape the property's `Datatype` needs (str, int, float, bool, datetime); Mailjet
 * refuses a value that does not match ("Property type does not match definition"). `""` clears.
 */
function propertyValue(datatype: string, value: unknown): { value?: unknown; problem?: string } {
	if (value === null || value === undefined || value === '') return { value: '' };
	const text = (Array.isArray(value) ? value.map(String).join(', ') : String(value)).trim();
	switch (datatype) {
		case 'int':
		case 'float': {
			const number = typeof value === 'number' ? value : Number(text);
			if (text === '' || !Number.isFinite(number)) return { problem: `needs a number, not "${text}"` };
			if (datatype === 'int' && !Number.isInteger(number)) return { problem: `needs a whole number, not "${text}"` };
			return { value: number };
		}
		case 'bool': {
			const flag = yesNo(value);
			return flag === undefined ? { problem: `needs yes/no (true or false), not "${text}"` } : { value: flag };
		}
		case 'datetime':
			return datetimeValue(value, text);
		default:
			return { value: text };
	}
}

interface Prepared {
	/** The contact's name, when the item sets the `Name` field. */
	name?: string;
	/** Contact property values for `PUT /contactdata/{id}`. */
	data: Array<{ Name: string; Value: unknown }>;
}

/** The item's fields as Mailjet wants them; a value that cannot be converted fails the item. */
async function prepare(ctx: CrmContext, contact: ContactInput): Promise<Prepared> {
	const out: Prepared = { data: [] };
	const entries = Object.entries(contact.fields ?? {});
	if (!entries.length) return out;
	const properties = await accountProperties(ctx);
	for (const [key, raw] of entries) {
		if (key === NAME_FIELD) {
			out.name = raw === null || raw === undefined ? '' : String(raw);
			continue;
		}
		const property = properties.find((p) => p.Name === key);
		const { value, problem } = propertyValue(String(property?.Datatype ?? 'str'), raw);
		if (problem) {
			throw new NodeOperationError(ctx.getNode(), `Mailjet contact property ${key} ${problem} (contact ${contact.email})`, {
				description: 'Mailjet refuses values that do not match the property\'s data type, so nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.',
			});
		}
		out.data.push({ Name: key, Value: value });
	}
	return out;
}

function toContact(row: IDataObject): CrmContact {
	return { contactId: String(row.ID), email: String(row.Email ?? ''), contact: row };
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	const identifier = by.contactId ?? by.email;
	if (!identifier) return undefined;
	const response = await crmRequestOk(ctx, mailjet, { method: 'GET', path: `${REST}/contact/${encodeURIComponent(identifier)}` }, [404]);
	const row = ((response.body as IDataObject)?.Data as IDataObject[] | undefined)?.[0];
	return response.statusCode === 404 || !row ? undefined : toContact(row);
}

/** List ids for tag names; missing lists are created by name when `createMissing` is set. */
async function listIdsByName(ctx: CrmContext, names: string[], createMissing: boolean): Promise<number[]> {
	if (!names.length) return [];
	const lists = await tagsForRun(ctx, mailjet);
	const ids: number[] = [];
	for (const name of names) {
		let list = lists.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
		if (!list && createMissing) {
			const response = await crmRequestOk(ctx, mailjet, { method: 'POST', path: `${REST}/contactslist`, body: { Name: name } });
			const row = ((response.body as IDataObject).Data as IDataObject[])[0];
			list = { id: String(row.ID), name: String(row.Name ?? name) };
			lists.push(list);
		}
		if (list) ids.push(Number(list.id));
	}
	return ids;
}

async function manageLists(ctx: CrmContext, contactId: string, lists: Array<{ ListID: number; Action: string }>): Promise<void> {
	if (!lists.length) return;
	await crmRequestOk(ctx, mailjet, {
		method: 'POST',
		path: `${REST}/contact/${encodeURIComponent(contactId)}/managecontactslists`,
		body: { ContactsLists: lists },
	});
}

/** Writes the name, the properties and the lists of a contact that exists. */
async function writeDetails(ctx: CrmContext, contactId: string, prepared: Prepared, listIds: number[]): Promise<void> {
	const id = encodeURIComponent(contactId);
	if (prepared.name !== undefined) {
		// 304 Not Modified: the name was already this one.
		await crmRequestOk(ctx, mailjet, { method: 'PUT', path: `${REST}/contact/${id}`, body: { Name: prepared.name } }, [304]);
	}
	if (prepared.data.length) {
		await crmRequestOk(ctx, mailjet, { method: 'PUT', path: `${REST}/contactdata/${id}`, body: { Data: prepared.data } }, [304]);
	}
	await manageLists(ctx, contactId, listIds.map((ListID) => ({ ListID, Action: 'addnoforce' })));
}

async function createContact(ctx: CrmContext, body: IDataObject): Promise<CrmContact> {
	const response = await crmRequestOk(ctx, mailjet, { method: 'POST', path: `${REST}/contact`, body });
	return toContact(((response.body as IDataObject).Data as IDataObject[])[0]);
}

/**
 * Mailjet cannot change a contact's e-mail, so the person moves to a new contact with the new e-mail:
 * its name and exclusion status, every contact property and every list (keeping unsubscriptions) are
 * copied, then the old contact is deleted (GDPR delete: anonymised at once, purged after 30 days).
 * The result carries the NEW contact id, which "Link CRM contact" stores in WordPress.
 */
async function moveContact(ctx: CrmContext, old: CrmContact, contact: ContactInput, prepared: Prepared, listIds: number[]): Promise<UpsertResult> {
	const oldId = encodeURIComponent(old.contactId);
	const created = await createContact(ctx, {
		Email: contact.email,
		Name: prepared.name ?? String(old.contact.Name ?? ''),
		IsExcludedFromCampaigns: old.contact.IsExcludedFromCampaigns === true || old.contact.IsExcludedFromCampaigns === 'true',
	});
	const oldData = await crmRequestOk(ctx, mailjet, { method: 'GET', path: `${REST}/contactdata/${oldId}` }, [404]);
	const oldValues = ((((oldData.body as IDataObject)?.Data as IDataObject[] | undefined)?.[0]?.Data ?? []) as IDataObject[]).filter(
		(row) => !prepared.data.some((entry) => entry.Name === row.Name),
	);
	const merged: Prepared = { data: [...oldValues.map((row) => ({ Name: String(row.Name), Value: row.Value })), ...prepared.data] };
	const memberships = await crmRequestOk(ctx, mailjet, { method: 'GET', path: `${REST}/contact/${oldId}/getcontactslists` }, [404]);
	const oldLists = (((memberships.body as IDataObject)?.Data ?? []) as IDataObject[]).map((row) => ({
		ListID: Number(row.ListID),
		Action: row.IsUnsub === true || row.IsUnsub === 'true' ? 'unsub' : 'addforce',
	}));
	await writeDetails(ctx, created.contactId, merged, []);
	const newLists = listIds.filter((id) => !oldLists.some((list) => list.ListID === id)).map((ListID) => ({ ListID, Action: 'addnoforce' }));
	await manageLists(ctx, created.contactId, [...oldLists, ...newLists]);
	await mailjet.deleteContact(ctx, old.contactId);
	return { contactId: created.contactId, action: 'updated', email: contact.email };
}

export const mailjet: CrmAdapter = {
	slug: 'mailjet',
	displayName: 'Mailjet',
	credentialType: 'wpumMailjetApi',
	tagsAre: 'contact lists (created by name when missing)',
	docsUrl: 'https://dev.mailjet.com/email/reference/contacts/contact/',

	settings: [
		{
			displayName: 'On E-Mail Change',
			name: 'mailjetEmailChange',
			type: 'options',
			options: [
				{
					name: 'Move to a New Contact',
					value: 'move',
					description: 'Create a contact with the new e-mail, copy name, properties and lists, then delete the old contact',
				},
				{ name: 'Fail the Item', value: 'fail', description: 'Change nothing and fail the item with a message' },
			],
			default: 'move',
			displayOptions: { show: { operation: ['upsert'] } },
			description: 'Mailjet cannot change the e-mail of a contact. What to do when a WordPress user changes theirs.',
		},
	],

	baseUrl: (credentials) => String(credentials.baseUrl || 'https://api.mailjet.com').replace(/\/+$/, ''),

	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		if (!body || typeof body !== 'object' || typeof body.ErrorMessage !== 'string') return undefined;
		const info = body.ErrorInfo;
		const details = info && typeof info === 'object' ? ` (${JSON.stringify(info)})` : info ? ` (${String(info)})` : '';
		return `${body.ErrorMessage}${details}`;
	},

	async upsert(ctx, contact) {
		// Checked first: a value Mailjet would refuse fails the item before anything (even a list) is created.
		const prepared = await prepare(ctx, contact);
		const listIds = await listIdsByName(ctx, cleanTagNames(contact.tags), true);

		const existing = await findExisting(contact, (by) => findContact(ctx, by));
		if (existing && sameEmail(existing.email, contact.email)) {
			await writeDetails(ctx, existing.contactId, prepared, listIds);
			return { contactId: existing.contactId, action: 'updated', email: contact.email };
		}
		if (existing) {
			if (crmSetting<string>(ctx, 'mailjetEmailChange', 'move') === 'fail') {
				throw new NodeOperationError(ctx.getNode(), `Mailjet cannot change the e-mail of contact ${existing.contactId} from ${existing.email} to ${contact.email}`, {
					description: 'Nothing was changed. Set "On E-Mail Change" to "Move to a New Contact" to move the contact to the new e-mail, or change it in Mailjet by hand.',
				});
			}
			// A contact may already carry the new e-mail (made in Mailjet by hand): update that one, keep the old.
			const taken = await findContact(ctx, { email: contact.email });
			if (taken) {
				await writeDetails(ctx, taken.contactId, prepared, listIds);
				return { contactId: taken.contactId, action: 'updated', email: contact.email };
			}
			return await moveContact(ctx, existing, contact, prepared, listIds);
		}

		const body: IDataObject = { Email: contact.email };
		if (prepared.name) body.Name = prepared.name;
		const created = await createContact(ctx, body);
		await writeDetails(ctx, created.contactId, { data: prepared.data }, listIds);
		return { contactId: created.contactId, action: 'created', email: contact.email };
	},

	async addTags(ctx, contactId, tags) {
		const listIds = await listIdsByName(ctx, cleanTagNames(tags), true);
		await manageLists(ctx, contactId, listIds.map((ListID) => ({ ListID, Action: 'addnoforce' })));
	},

	async removeTags(ctx, contactId, tags) {
		const listIds = await listIdsByName(ctx, cleanTagNames(tags), false);
		await manageLists(ctx, contactId, listIds.map((ListID) => ({ ListID, Action: 'remove' })));
	},

	getContact: findContact,

	// The v3 contact resource has no DELETE; v4 deletes for GDPR (anonymised at once, purged in 30 days).
	async deleteContact(ctx, contactId) {
		const response = await crmRequest(ctx, mailjet, { method: 'DELETE', path: `/v4/contacts/${encodeURIComponent(contactId)}` });
		if (response.statusCode >= 300 && response.statusCode !== 404) throw crmApiError(ctx, mailjet, response);
	},

	async listFields(ctx) {
		const properties = await accountProperties(ctx);
		return [
			{ key: NAME_FIELD, label: 'Contact Name', type: 'str', standard: true },
			...properties.map((property): CrmField => ({ key: String(property.Name), label: String(property.Name), type: String(property.Datatype ?? 'str') })),
		];
	},

	async listTags(ctx) {
		const rows = await readAll(ctx, '/contactslist');
		return rows
			.filter((row) => row.IsDeleted !== true && row.IsDeleted !== 'true')
			.map((row): CrmTag => ({ id: String(row.ID), name: String(row.Name) }));
	},
};
