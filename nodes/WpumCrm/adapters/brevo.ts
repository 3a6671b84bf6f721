import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, crmSetting, sameEmail } from './helpers';
import { tagsForRun } from './tagCache';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmResponse, CrmTag } from './types';

/** Attributes every Brevo account has; the rest are the account's own. */
const STANDARD_ATTRIBUTES = ['FIRSTNAME', 'LASTNAME', 'SMS', 'EXT_ID', 'LANDLINE_NUMBER', 'WHATSAPP'];
/** Calculated and global attributes are computed by Brevo and cannot be written. */
const WRITABLE_CATEGORIES = ['normal', 'category', 'transactional'];
const LIST_PAGE_SIZE = 50;
/** Lists created for tag names go into this folder (created when the account has no folder). */
const FOLDER_NAME = 'WP User Manager';

/** The account's attributes (with type and category options), read once per node run. */
const attributesPerRun = new WeakMap<object, IDataObject[]>();

async function accountAttributes(ctx: CrmContext): Promise<IDataObject[]> {
	let attributes = attributesPerRun.get(ctx);
	if (!attributes) {
		const response = await crmRequestOk(ctx, brevo, { method: 'GET', path: '/contacts/attributes' });
		attributes = ((response.body as IDataObject).attributes ?? []) as IDataObject[];
		attributesPerRun.set(ctx, attributes);
	}
	return attributes;
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

/**
 * A value in the shape the attribute's type needs. Brevo silently ignores a value that does not fit
 * its attribute (text in a number, a label where a category expects its option id), so a value that
 * cannot be converted fails the item instead of vanishing. `""` (clear) fits every type.
 */
function attributeValue(attribute: IDataObject | undefined, value: unknown): { value?: unknown; problem?: string } {
	if (value === null || value === undefined || value === '') return { value: '' };
	if (!attribute) return { value };
	const text = Array.isArray(value) ? value.map(String).join(', ') : String(value);
	switch (attribute.category === 'category' ? 'category' : String(attribute.type ?? 'text')) {
		case 'float':
		case 'id': {
			const number = typeof value === 'number' ? value : Number(text.trim());
			return Number.isFinite(number) && text.trim() !== '' ? { value: number } : { problem: `needs a number, not "${text}"` };
		}
		case 'boolean': {
			if (typeof value === 'boolean') return { value };
			const word = text.trim().toLowerCase();
			if (TRUE_WORDS.includes(word)) return { value: true };
			if (FALSE_WORDS.includes(word)) return { value: false };
			return { problem: `needs yes/no (true or false), not "${text}"` };
		}
		case 'date':
			return /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? { value: text.trim() } : { problem: `needs a date as YYYY-MM-DD, not "${text}"` };
		case 'category': {
			const options = (attribute.enumeration ?? []) as IDataObject[];
			const option = options.find((o) => String(o.value) === text.trim() || String(o.label).toLowerCase() === text.trim().toLowerCase());
			if (option) return { value: Number(option.value) };
			return { problem: `needs one of ${options.map((o) => `"${String(o.label)}" (${String(o.value)})`).join(', ')}, not "${text}"` };
		}
		default:
			return { value: Array.isArray(value) ? text : value };
	}
}

/** The contact's fields as Brevo attributes, converted to each attribute's type. */
async function attributesFor(ctx: CrmContext, contact: ContactInput): Promise<IDataObject> {
	if (!Object.keys(contact.fields).length) return {};
	const known = await accountAttributes(ctx);
	const out: IDataObject = {};
	for (const [name, raw] of Object.entries(contact.fields)) {
		const { value, problem } = attributeValue(known.find((a) => a.name === name), raw);
		if (problem) {
			throw new NodeOperationError(ctx.getNode(), `Brevo attribute ${name} ${problem} (contact ${contact.email})`, {
				description: 'Brevo would drop this value without an error, so nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.',
			});
		}
		out[name] = value as IDataObject[string];
	}
	return out;
}

function toContact(body: IDataObject): CrmContact {
	return { contactId: String(body.id), email: String(body.email ?? ''), contact: body };
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	const identifier = by.contactId ?? by.email;
	if (!identifier) return undefined;
	const response = await crmRequestOk(
		ctx,
		brevo,
		{
			method: 'GET',
			path: `/contacts/${encodeURIComponent(identifier)}`,
			qs: { identifierType: by.contactId ? 'contact_id' : 'email_id' },
		},
		[404],
	);
	return response.statusCode === 404 ? undefined : toContact(response.body as IDataObject);
}

async function updateContact(ctx: CrmContext, contactId: string, body: IDataObject): Promise<CrmResponse> {
	return await crmRequest(ctx, brevo, {
		method: 'PUT',
		path: `/contacts/${encodeURIComponent(contactId)}`,
		qs: { identifierType: 'contact_id' },
		body,
	});
}

async function folderId(ctx: CrmContext): Promise<number> {
	const response = await crmRequestOk(ctx, brevo, { method: 'GET', path: '/contacts/folders', qs: { limit: 50, offset: 0 } });
	const folders = ((response.body as IDataObject)?.folders ?? []) as IDataObject[];
	const named = folders.find((folder) => folder.name === FOLDER_NAME) ?? folders[0];
	if (named) return Number(named.id);
	const created = await crmRequestOk(ctx, brevo, { method: 'POST', path: '/contacts/folders', body: { name: FOLDER_NAME } });
	return Number((created.body as IDataObject).id);
}

/** Brevo has no tags: each tag name is a contact list, created (in a folder) when missing. */
async function listIdsByName(ctx: CrmContext, names: string[], createMissing: boolean): Promise<number[]> {
	if (!names.length) return [];
	const existing = await tagsForRun(ctx, brevo);
	const ids: number[] = [];
	let folder: number | undefined;
	for (const name of names) {
		const found = existing.find((list) => list.name.toLowerCase() === name.toLowerCase());
		if (found) {
			ids.push(Number(found.id));
			continue;
		}
		if (!createMissing) continue;
		folder ??= await folderId(ctx);
		const response = await crmRequestOk(ctx, brevo, { method: 'POST', path: '/contacts/lists', body: { name, folderId: folder } });
		const id = Number((response.body as IDataObject).id);
		existing.push({ id: String(id), name });
		ids.push(id);
	}
	return ids;
}

/** Lists chosen in the node's "Add to Lists" setting. */
function chosenListIds(ctx: CrmContext): number[] {
	const chosen = crmSetting<unknown>(ctx, 'brevoListIds', []);
	return (Array.isArray(chosen) ? chosen : String(chosen).split(','))
		.map((id) => Number(String(id).trim()))
		.filter((id) => Number.isInteger(id) && id > 0);
}

async function getBrevoLists(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const lists = await brevo.listTags(this);
	return lists.map((list) => ({ name: list.name, value: list.id }));
}

export const brevo: CrmAdapter = {
	slug: 'brevo',
	displayName: 'Brevo',
	credentialType: 'wpumBrevoApi',
	tagsAre: 'contact lists (created by name when missing)',
	docsUrl: 'https://developers.brevo.com/reference/create-contact',

	settings: [
		{
			displayName: 'Add to List Names or IDs',
			name: 'brevoListIds',
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getBrevoLists', loadOptionsDependsOn: ['crm'] },
			default: [],
			displayOptions: { show: { operation: ['upsert'] } },
			description:
				'Brevo lists every upserted contact joins, besides the lists named by its tags. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
	],
	loadOptions: { getBrevoLists },

	baseUrl: (credentials) => String(credentials.baseUrl || 'https://api.brevo.com/v3').replace(/\/+$/, ''),

	resetDelayMs(response) {
		const reset = Number(response.headers['x-sib-ratelimit-reset']);
		return Number.isFinite(reset) && reset >= 0 ? reset * 1000 : undefined;
	},

	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		if (!body || typeof body !== 'object' || typeof body.message !== 'string') return undefined;
		return body.code ? `${body.message} (${String(body.code)})` : body.message;
	},

	async upsert(ctx, contact) {
		// Checked first: a value Brevo would drop fails the item before anything (even a list) is created.
		const attributes = await attributesFor(ctx, contact);
		const listIds = [...new Set([...chosenListIds(ctx), ...(await listIdsByName(ctx, cleanTagNames(contact.tags), true))])];

		// The contact to update by id: the stored id, else (on an e-mail change that Brevo has not seen
		// yet) the contact that still has the previous e-mail.
		let targetId = contact.contactId;
		if (!targetId && contact.previousEmail && !sameEmail(contact.previousEmail, contact.email)) {
			if (!(await findContact(ctx, { email: contact.email }))) {
				targetId = (await findContact(ctx, { email: contact.previousEmail }))?.contactId;
			}
		}
		if (targetId) {
			const body: IDataObject = { attributes: { ...attributes, EMAIL: contact.email } };
			if (listIds.length) body.listIds = listIds;
			const response = await updateContact(ctx, targetId, body);
			if (response.statusCode < 300) return { contactId: targetId, action: 'updated', email: contact.email };
			if (response.statusCode !== 404) throw crmApiError(ctx, brevo, response);
		}

		const body: IDataObject = { email: contact.email, updateEnabled: true };
		if (Object.keys(attributes).length) body.attributes = attributes;
		if (listIds.length) body.listIds = listIds;
		const response = await crmRequestOk(ctx, brevo, { method: 'POST', path: '/contacts', body });
		// 201 carries the new id; 204 means Brevo updated an existing contact and says nothing more.
		if (response.statusCode === 201) {
			return { contactId: String((response.body as IDataObject).id), action: 'created', email: contact.email };
		}
		const existing = await findContact(ctx, { email: contact.email });
		if (!existing) {
			throw crmApiError(ctx, brevo, { statusCode: 404, headers: {}, body: { message: `Brevo updated ${contact.email} but cannot find it again` } });
		}
		return { contactId: existing.contactId, action: 'updated', email: contact.email };
	},

	async addTags(ctx, contactId, tags) {
		const listIds = await listIdsByName(ctx, cleanTagNames(tags), true);
		if (!listIds.length) return;
		const response = await updateContact(ctx, contactId, { listIds });
		if (response.statusCode >= 300) throw crmApiError(ctx, brevo, response);
	},

	async removeTags(ctx, contactId, tags) {
		const unlinkListIds = await listIdsByName(ctx, cleanTagNames(tags), false);
		if (!unlinkListIds.length) return;
		const response = await updateContact(ctx, contactId, { unlinkListIds });
		if (response.statusCode >= 300) throw crmApiError(ctx, brevo, response);
	},

	getContact: findContact,

	async deleteContact(ctx, contactId) {
		const response = await crmRequest(ctx, brevo, {
			method: 'DELETE',
			path: `/contacts/${encodeURIComponent(contactId)}`,
			qs: { identifierType: 'contact_id' },
		});
		if (response.statusCode >= 300 && response.statusCode !== 404) throw crmApiError(ctx, brevo, response);
	},

	// Brevo returns every attribute in one response (the route has no paging).
	async listFields(ctx) {
		const attributes = await accountAttributes(ctx);
		return attributes
			.filter((attribute) => WRITABLE_CATEGORIES.includes(String(attribute.category)) && attribute.name !== 'EMAIL')
			.map(
				(attribute): CrmField => ({
					key: String(attribute.name),
					label: String(attribute.name),
					type: attribute.type ? String(attribute.type) : String(attribute.category),
					standard: STANDARD_ATTRIBUTES.includes(String(attribute.name)),
				}),
			)
			.sort((a, b) => Number(b.standard) - Number(a.standard));
	},

	async listTags(ctx) {
		const lists: CrmTag[] = [];
		for (let offset = 0; ; offset += LIST_PAGE_SIZE) {
			const response = await crmRequestOk(ctx, brevo, {
				method: 'GET',
				path: '/contacts/lists',
				qs: { limit: LIST_PAGE_SIZE, offset, sort: 'asc' },
			});
			const body = response.body as IDataObject;
			const rows = (body.lists ?? []) as IDataObject[];
			lists.push(...rows.map((row) => ({ id: String(row.id), name: String(row.name) })));
			if (rows.length < LIST_PAGE_SIZE || offset + LIST_PAGE_SIZE >= Number(body.count ?? 0)) return lists;
		}
	},
};
