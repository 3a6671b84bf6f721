import type { IDataObject } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, sameEmail } from './helpers';
import type { BatchItemResult, ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmTag, UpsertResult } from './types';

/** Mautic pages its lists by 30 unless told otherwise; ask for more, follow `total` to the end. */
const PAGE_SIZE = 100;
/** Mautic's default `api_batch_max_limit`. */
const BATCH_SIZE = 200;

/** Mautic lists entities either as an array or as an object keyed by id; both become an array. */
function rowsOf(value: unknown): IDataObject[] {
	if (Array.isArray(value)) return value as IDataObject[];
	return value && typeof value === 'object' ? (Object.values(value) as IDataObject[]) : [];
}

function emailOf(contact: IDataObject): string {
	const fields = (contact.fields ?? {}) as IDataObject;
	const all = (fields.all ?? {}) as IDataObject;
	return String(all.email ?? contact.email ?? '');
}

function toContact(contact: IDataObject): CrmContact {
	return { contactId: String(contact.id), email: emailOf(contact), contact };
}

/** `{ errors: [{ code, message, details }] }` (Mautic 2+) or `{ error: { message } }` (older). */
function describeError(body: unknown): string | undefined {
	if (!body || typeof body !== 'object') return undefined;
	const { errors, error, message } = body as IDataObject;
	const list = rowsOf(errors).map((entry) => String(entry.message ?? '')).filter(Boolean);
	if (list.length) return list.join('; ');
	if (error && typeof error === 'object' && (error as IDataObject).message) return String((error as IDataObject).message);
	return typeof message === 'string' ? message : undefined;
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	if (by.contactId) {
		const response = await crmRequestOk(ctx, mautic, { method: 'GET', path: `/contacts/${encodeURIComponent(by.contactId)}` }, [404]);
		if (response.statusCode === 404) return undefined;
		return toContact((response.body as IDataObject).contact as IDataObject);
	}
	if (!by.email) return undefined;
	// A `where … eq` filter matches the address exactly (the `email:` search command would match longer ones).
	const response = await crmRequestOk(ctx, mautic, {
		method: 'GET',
		path: '/contacts',
		qs: { 'where[0][col]': 'email', 'where[0][expr]': 'eq', 'where[0][val]': by.email, limit: 30 },
	});
	const match = rowsOf((response.body as IDataObject).contacts).find((row) => sameEmail(emailOf(row), by.email));
	return match ? toContact(match) : undefined;
}

/** Every page of a Mautic list route (`start` offset, `limit` size, `total` in the answer). */
async function listAll(ctx: CrmContext, path: string, key: string): Promise<IDataObject[]> {
	const rows: IDataObject[] = [];
	for (;;) {
		// The next page starts after what arrived, in case the server caps `limit` below PAGE_SIZE.
		const response = await crmRequestOk(ctx, mautic, { method: 'GET', path, qs: { start: rows.length, limit: PAGE_SIZE } });
		const body = response.body as IDataObject;
		const page = rowsOf(body[key]);
		rows.push(...page);
		if (!page.length || rows.length >= Number(body.total ?? 0)) return rows;
	}
}

const isBlank = (value: unknown) => value === null || value === '' || (Array.isArray(value) && value.length === 0);

/** Field values at the top level, plus tags by name (Mautic creates missing tags itself). */
function contactBody(contact: ContactInput): IDataObject {
	const body: IDataObject = { ...contact.fields, email: contact.email };
	const tags = cleanTagNames(contact.tags);
	if (tags.length) body.tags = tags;
	// Mautic skips blank values unless told otherwise; a blank here is the mapper's "Send Empty to Clear".
	if (Object.values(contact.fields).some(isBlank)) body.overwriteWithBlank = true;
	return body;
}

/** The contact id to edit: the stored id, else on an unseen e-mail change the previous e-mail's. */
async function targetId(ctx: CrmContext, contact: ContactInput): Promise<string | undefined> {
	if (contact.contactId) return contact.contactId;
	if (!contact.previousEmail || sameEmail(contact.previousEmail, contact.email)) return undefined;
	if (await findContact(ctx, { email: contact.email })) return undefined;
	return (await findContact(ctx, { email: contact.previousEmail }))?.contactId;
}

async function upsertOne(ctx: CrmContext, contact: ContactInput): Promise<UpsertResult> {
	const body = contactBody(contact);
	const id = await targetId(ctx, contact);
	if (id) {
		// PATCH only changes what it is given (PUT would blank every other field) and fails with 404.
		const response = await crmRequest(ctx, mautic, { method: 'PATCH', path: `/contacts/${encodeURIComponent(id)}/edit`, body });
		if (response.statusCode < 300) return { contactId: id, action: 'updated', email: contact.email };
		if (response.statusCode !== 404) throw crmApiError(ctx, mautic, response);
	}
	// "new" merges into the contact that has this e-mail: 201 when created, 200 when it updated one.
	const response = await crmRequestOk(ctx, mautic, { method: 'POST', path: '/contacts/new', body });
	const created = (response.body as IDataObject).contact as IDataObject;
	return { contactId: String(created.id), action: response.statusCode === 201 ? 'created' : 'updated', email: contact.email };
}

async function editTags(ctx: CrmContext, contactId: string, tags: string[]): Promise<void> {
	if (!tags.length) return;
	await crmRequestOk(ctx, mautic, { method: 'PATCH', path: `/contacts/${encodeURIComponent(contactId)}/edit`, body: { tags } });
}

export const mautic: CrmAdapter = {
	slug: 'mautic',
	displayName: 'Mautic',
	credentialType: 'wpumMauticApi',
	tagsAre: 'tags (created by name when missing)',
	batchSize: BATCH_SIZE,
	docsUrl: 'https://devdocs.mautic.org/en/5.x/rest_api/contacts.html',

	baseUrl: (credentials) => `${String(credentials.url).replace(/\/+$/, '')}/api`,

	// Mautic's optional API rate limiter sends the reset moment as a Unix timestamp.
	resetDelayMs(response) {
		const reset = Number(response.headers['x-ratelimit-reset']);
		if (!Number.isFinite(reset) || reset <= 0) return undefined;
		return Math.max(0, reset * 1000 - Date.now());
	},

	errorMessage: (response) => describeError(response.body),

	upsert: upsertOne,

	/**
	 * New contacts and e-mail matches go through `POST /contacts/batch/new` (up to 200, merged by
	 * e-mail like "new"); contacts with a stored id or a previous e-mail go one by one so an e-mail
	 * change edits the same contact.
	 */
	async upsertBatch(ctx, contacts) {
		const results: Array<BatchItemResult | undefined> = new Array(contacts.length);
		const batched = contacts
			.map((contact, index) => ({ contact, index }))
			.filter(({ contact }) => !contact.contactId && !(contact.previousEmail && !sameEmail(contact.previousEmail, contact.email)));

		if (batched.length) {
			const response = await crmRequestOk(ctx, mautic, {
				method: 'POST',
				path: '/contacts/batch/new',
				body: batched.map(({ contact }) => contactBody(contact)),
			});
			const body = response.body as IDataObject;
			// Answers are keyed by the position in the request; failed positions only appear in `errors`.
			const saved = body.contacts as IDataObject | IDataObject[] | undefined;
			const codes = (body.statusCodes ?? {}) as IDataObject | number[];
			const errors = (body.errors ?? {}) as IDataObject;
			batched.forEach(({ contact, index }, position) => {
				const error = (errors as IDataObject)[position] as IDataObject | undefined;
				const entry = (saved as IDataObject | undefined)?.[position] as IDataObject | undefined;
				if (error || !entry) {
					results[index] = { ok: false, error: describeError({ errors: [error ?? {}] }) ?? 'Mautic did not save this contact' };
					return;
				}
				const code = Number((codes as IDataObject)[position]);
				results[index] = { ok: true, result: { contactId: String(entry.id), action: code === 201 ? 'created' : 'updated', email: contact.email } };
			});
		}

		for (let index = 0; index < contacts.length; index++) {
			if (results[index]) continue;
			try {
				results[index] = { ok: true, result: await upsertOne(ctx, contacts[index]) };
			} catch (error) {
				results[index] = { ok: false, error: (error as Error).message };
			}
		}
		return results as BatchItemResult[];
	},

	async addTags(ctx, contactId, tags) {
		await editTags(ctx, contactId, cleanTagNames(tags));
	},

	// A leading minus removes a tag in Mautic.
	async removeTags(ctx, contactId, tags) {
		await editTags(ctx, contactId, cleanTagNames(tags).map((tag) => `-${tag}`));
	},

	getContact: findContact,

	async deleteContact(ctx, contactId) {
		const response = await crmRequest(ctx, mautic, { method: 'DELETE', path: `/contacts/${encodeURIComponent(contactId)}/delete` });
		if (response.statusCode >= 300 && response.statusCode !== 404) throw crmApiError(ctx, mautic, response);
	},

	async listFields(ctx) {
		const fields = await listAll(ctx, '/fields/contact', 'fields');
		return fields
			.filter((field) => field.alias !== 'email')
			.map(
				(field): CrmField => ({
					key: String(field.alias),
					label: String(field.label ?? field.alias),
					type: field.type ? String(field.type) : undefined,
					standard: field.isFixed === true || field.isFixed === 1 || field.isFixed === '1',
				}),
			)
			.sort((a, b) => Number(b.standard) - Number(a.standard));
	},

	async listTags(ctx) {
		const tags = await listAll(ctx, '/tags', 'tags');
		return tags.map((tag): CrmTag => ({ id: String(tag.id), name: String(tag.tag ?? tag.name) }));
	},
};
