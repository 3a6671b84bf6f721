import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequestOk } from '../transport';
import { cleanTagNames, crmSetting, findExisting, mergeTagNames, splitFields } from './helpers';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmTag } from './types';
import { asText, declaredNames, isBlank } from './values';

/**
 * Jetpack CRM (formerly Zero BS CRM, a WordPress plugin). Its external API is not under /wp-json: it is
 * the rewrite endpoint `{site}/zbs_api/{endpoint}`, authenticated with `api_key` and `api_secret` query
 * parameters (Jetpack CRM → Settings → API). The `zbscrm/v1` WP REST namespace is the admin screens'
 * own, cookie + nonce only.
 *
 * Endpoints used (docs: https://automattic.github.io/jetpack-crm-api-docs/, checked in the plugin's
 * api/*.php and includes/ZeroBSCRM.API.php):
 * - `POST /create_customer` creates or updates: by `id` when that contact exists, else by `email`. Fields
 *   are flat keys (`fname`, `mobtel`, custom field slugs); unknown keys are dropped silently, so the
 *   adapter checks keys first. `tags` (names, created when missing) replaces the contact's tags.
 * - `GET /customer_search?email=` returns the one contact with that e-mail (with its tags) or `[]`.
 * - `POST /customers` `{ page, perpage, tags }` lists contacts (page from 0), used to read a contact by id.
 * The API has no delete, no tag or custom-field listing: Delete sets a status (node setting), tags are
 * collected from the contacts, custom field slugs are declared in a node setting.
 */

const STANDARD_FIELDS: CrmField[] = (
	[
		['status', 'Status (Lead, Customer, …)'],
		['prefix', 'Prefix'],
		['fname', 'First Name'],
		['lname', 'Last Name'],
		['addr1', 'Address Line 1'],
		['addr2', 'Address Line 2'],
		['city', 'City'],
		['county', 'County / State'],
		['postcode', 'Post Code'],
		['country', 'Country'],
		['secaddr_addr1', 'Second Address Line 1'],
		['secaddr_addr2', 'Second Address Line 2'],
		['secaddr_city', 'Second Address City'],
		['secaddr_county', 'Second Address County / State'],
		['secaddr_postcode', 'Second Address Post Code'],
		['secaddr_country', 'Second Address Country'],
		['hometel', 'Home Telephone'],
		['worktel', 'Work Telephone'],
		['mobtel', 'Mobile Telephone'],
		['wpid', 'WordPress User ID'],
		['tw', 'Twitter Handle'],
		['li', 'LinkedIn'],
		['fb', 'Facebook'],
	] as const
).map(([key, label]) => ({ key, label, type: 'text', standard: true }));
const STANDARD_KEYS = STANDARD_FIELDS.map((field) => field.key);

/** Keys of a contact record that are not writable values (id, dates, owner, tags, e-mail). */
const RECORD_KEYS = ['id', 'owner', 'email', 'tags', 'created', 'lastupdated', 'lastcontacted', 'name', 'fullname', 'avatar'];

const PAGE_SIZE = 100;

export const jetpackcrmSettings: INodeProperties[] = [
	{
		displayName: 'Custom Field Slugs',
		name: 'jetpackcrmCustomFields',
		type: 'string',
		default: '',
		placeholder: 'membership-level, company-size',
		description:
			"Comma-separated slugs of the contact custom fields you created in Jetpack CRM → Settings → Custom Fields. Jetpack CRM's API cannot list them and silently drops keys it does not know, so only these (and the standard fields) can be mapped.",
	},
	{
		displayName: 'Status on Delete',
		name: 'jetpackcrmDeleteStatus',
		type: 'string',
		default: 'Blacklisted',
		description:
			"Jetpack CRM's API cannot delete a contact: Delete sets this status on it instead (delete it in wp-admin if it must go)",
	},
];

function declaredCustom(ctx: CrmContext): string[] {
	return declaredNames(ctx, 'jetpackcrmCustomFields', '');
}

/** The body values for these fields: every key known, every value text. Throws before anything is sent. */
function fieldValues(ctx: CrmContext, fields: IDataObject): IDataObject {
	const custom = declaredCustom(ctx);
	const known = [...STANDARD_KEYS, ...custom];
	const { standard, custom: rest } = splitFields(fields, STANDARD_KEYS);
	const unknown = Object.keys(rest).filter((key) => !custom.includes(key));
	if (unknown.length) {
		throw new NodeOperationError(ctx.getNode(), `Jetpack CRM has no contact field "${unknown.join('", "')}". Valid keys: ${known.join(', ')}`, {
			description: 'Custom fields must be listed by slug in the node setting "Custom Field Slugs" (Jetpack CRM → Settings → Custom Fields shows them).',
		});
	}
	const out: IDataObject = {};
	for (const [key, value] of Object.entries({ ...standard, ...rest })) {
		if (isBlank(value)) {
			out[key] = '';
			continue;
		}
		const text = asText(value);
		if (text.problem) throw new NodeOperationError(ctx.getNode(), `Jetpack CRM field "${key}" ${text.problem}`);
		out[key] = text.value as string;
	}
	return out;
}

function tagNames(record: IDataObject): string[] {
	const tags = Array.isArray(record.tags) ? (record.tags as unknown[]) : [];
	return tags.map((tag) => (tag && typeof tag === 'object' ? String((tag as IDataObject).name ?? '') : String(tag))).filter(Boolean);
}

function toContact(record: IDataObject): CrmContact {
	return { contactId: String(record.id), email: String(record.email ?? ''), contact: record };
}

async function listPage(ctx: CrmContext, page: number): Promise<IDataObject[]> {
	const response = await crmRequestOk(ctx, jetpackcrm, { method: 'POST', path: '/customers', body: { page, perpage: PAGE_SIZE, tags: 1 } });
	return Array.isArray(response.body) ? (response.body as IDataObject[]) : [];
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (by.contactId) {
		if (!/^\d+$/.test(by.contactId)) return undefined; // Jetpack CRM ids are numbers; anything else is another CRM's id
		// No read-by-id endpoint: page through the contacts.
		for (let page = 0; ; page++) {
			const rows = await listPage(ctx, page);
			const found = rows.find((row) => String(row.id) === by.contactId);
			if (found) return toContact(found);
			if (rows.length < PAGE_SIZE) return undefined;
		}
	}
	if (!by.email) return undefined;
	const response = await crmRequestOk(ctx, jetpackcrm, { method: 'GET', path: '/customer_search', qs: { email: by.email.trim() } });
	const record = response.body as IDataObject;
	if (!record || Array.isArray(record) || record.id === undefined) return undefined;
	return toContact(record);
}

/** `POST /create_customer`; its failure is HTTP 200 with `{ errors: 1 }` or `{ error: 100 }`. */
async function createCustomer(ctx: CrmContext, body: IDataObject): Promise<string> {
	const response = await crmRequestOk(ctx, jetpackcrm, { method: 'POST', path: '/create_customer', body });
	const answer = (response.body ?? {}) as IDataObject;
	const id = String(answer.id ?? '');
	if (answer.errors !== undefined || answer.error !== undefined || !/^\d+$/.test(id) || id === '0') {
		throw crmApiError(ctx, jetpackcrm, {
			statusCode: response.statusCode,
			headers: response.headers,
			body: {
				message: `Jetpack CRM did not save the contact (answer ${JSON.stringify(answer)}): it needs a valid e-mail address or the id of an existing contact`,
			},
		});
	}
	return id;
}

/**
 * The writable values an existing record has, so an update resends them: create_customer builds the
 * contact from every field, and one left out could be blanked (and the status reset to the default).
 */
function currentValues(record: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(record)) {
		if (RECORD_KEYS.includes(key) || (value !== null && typeof value === 'object')) continue;
		out[key] = value ?? '';
	}
	return out;
}

async function writeTags(ctx: CrmContext, contactId: string, tags: string[]): Promise<void> {
	const existing = await findContact(ctx, { contactId });
	if (!existing) throw new NodeOperationError(ctx.getNode(), `Jetpack CRM has no contact with id ${contactId}`);
	await createCustomer(ctx, { ...currentValues(existing.contact), id: Number(contactId), email: existing.email, tags });
}

export const jetpackcrm: CrmAdapter = {
	slug: 'jetpackcrm',
	displayName: 'Jetpack CRM',
	credentialType: 'wpumJetpackCrmApi',
	tagsAre: 'tags (created by name when missing)',
	docsUrl: 'https://automattic.github.io/jetpack-crm-api-docs/',
	settings: jetpackcrmSettings,

	/** `{ success: false, data: { status, message } }` (wp_send_json_error) or `{ error }`. */
	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		const data = body?.data as IDataObject | undefined;
		if (data && typeof data.message === 'string') return `${data.message}${data.status ? ` (${String(data.status)})` : ''}`;
		if (body && typeof body.error === 'string') return body.error;
		return undefined;
	},

	baseUrl: (credentials) => `${String(credentials.siteUrl).replace(/\/+$/, '')}/zbs_api`,

	async upsert(ctx, contact: ContactInput) {
		const values = fieldValues(ctx, contact.fields ?? {});
		const tags = cleanTagNames(contact.tags);
		const existing = await findExisting(contact, (by) => findContact(ctx, by));
		if (existing) {
			const body: IDataObject = { ...currentValues(existing.contact), ...values, id: Number(existing.contactId), email: contact.email };
			// `tags` replaces the contact's tags: send its own plus the new ones, or none to leave them.
			const merged = mergeTagNames(tagNames(existing.contact), tags);
			if (merged) body.tags = merged;
			const id = await createCustomer(ctx, body);
			return { contactId: id, action: 'updated', email: contact.email };
		}
		const body: IDataObject = { ...values, email: contact.email };
		if (tags.length) body.tags = tags;
		const id = await createCustomer(ctx, body);
		return { contactId: id, action: 'created', email: contact.email };
	},

	async addTags(ctx, contactId, tags) {
		const add = cleanTagNames(tags);
		if (!add.length) return;
		const existing = await findContact(ctx, { contactId });
		const merged = mergeTagNames(existing ? tagNames(existing.contact) : [], add);
		if (merged) await writeTags(ctx, contactId, merged);
	},

	async removeTags(ctx, contactId, tags) {
		const remove = cleanTagNames(tags).map((tag) => tag.toLowerCase());
		const existing = await findContact(ctx, { contactId });
		if (!existing) return;
		const current = tagNames(existing.contact);
		const keep = current.filter((tag) => !remove.includes(tag.toLowerCase()));
		if (keep.length === current.length) return;
		if (!keep.length) {
			throw new NodeOperationError(ctx.getNode(), `Jetpack CRM's API cannot take the last tag off contact ${contactId}`, {
				description: 'create_customer ignores an empty tag list. Remove the tag in wp-admin (Jetpack CRM → Contacts), or keep one tag on the contact.',
			});
		}
		await writeTags(ctx, contactId, keep);
	},

	getContact: findContact,

	async deleteContact(ctx, contactId) {
		const existing = await findContact(ctx, { contactId });
		if (!existing) return;
		const status = crmSetting<string>(ctx, 'jetpackcrmDeleteStatus', 'Blacklisted') || 'Blacklisted';
		// Any non-empty `sticky` turns off the rule that keeps a "Customer" a customer.
		await createCustomer(ctx, { ...currentValues(existing.contact), id: Number(contactId), email: existing.email, status, sticky: 'no' });
	},

	async listFields(ctx) {
		const custom = declaredCustom(ctx).map((key): CrmField => ({ key, label: key, type: 'custom field' }));
		return [...STANDARD_FIELDS, ...custom];
	},

	/** No tag listing: the tags in use, collected from every contact (paged to the end). */
	async listTags(ctx) {
		const byName = new Map<string, CrmTag>();
		for (let page = 0; ; page++) {
			const rows = await listPage(ctx, page);
			for (const row of rows) {
				for (const tag of Array.isArray(row.tags) ? (row.tags as IDataObject[]) : []) {
					const name = String(tag?.name ?? '');
					if (name && !byName.has(name.toLowerCase())) byName.set(name.toLowerCase(), { id: String(tag.id ?? name), name });
				}
			}
			if (rows.length < PAGE_SIZE) return [...byName.values()];
		}
	},
};
