import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { crmApiError, crmRequest, crmRequestOk } from '../transport';
import { cleanTagNames, crmSetting, sameEmail } from './helpers';
import { tagsForRun } from './tagCache';
import type { BatchItemResult, ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmTag, UpsertResult } from './types';

/** Fields every MailerLite account has. */
const STANDARD_KEYS = ['name', 'last_name', 'company', 'country', 'city', 'phone', 'state', 'z_i_p'];
const PAGE_SIZE = 100;
/** MailerLite's batch endpoint takes at most 50 requests. */
const BATCH_SIZE = 50;

function toContact(subscriber: IDataObject): CrmContact {
	return { contactId: String(subscriber.id), email: String(subscriber.email ?? ''), contact: subscriber };
}

/** The vendor's message plus its per-field validation errors (`{ errors: { email: ["…"] } }`). */
function describeError(body: unknown): string | undefined {
	if (!body || typeof body !== 'object') return undefined;
	const { message, errors } = body as IDataObject;
	const details =
		errors && typeof errors === 'object'
			? Object.entries(errors as IDataObject)
					.map(([field, problems]) => `${field}: ${[problems].flat().join(' ')}`)
					.join('; ')
			: '';
	if (typeof message !== 'string') return details || undefined;
	return details ? `${message} (${details})` : message;
}

async function findContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	// One route answers to an id or an e-mail.
	const identifier = by.contactId ?? by.email;
	if (!identifier) return undefined;
	const response = await crmRequestOk(ctx, mailerlite, { method: 'GET', path: `/subscribers/${encodeURIComponent(identifier)}` }, [404]);
	if (response.statusCode === 404) return undefined;
	return toContact((response.body as IDataObject).data as IDataObject);
}

/** MailerLite calls them groups; each tag name is a group, created when missing. */
async function groupIdsByName(ctx: CrmContext, names: string[], createMissing: boolean): Promise<Map<string, string>> {
	const ids = new Map<string, string>();
	if (!names.length) return ids;
	const existing = await tagsForRun(ctx, mailerlite);
	for (const name of names) {
		const found = existing.find((group) => group.name.toLowerCase() === name.toLowerCase());
		if (found) ids.set(name.toLowerCase(), found.id);
		else if (createMissing) {
			const response = await crmRequestOk(ctx, mailerlite, { method: 'POST', path: '/groups', body: { name } });
			const created = (response.body as IDataObject).data as IDataObject;
			ids.set(name.toLowerCase(), String(created.id));
			existing.push({ id: String(created.id), name });
		}
	}
	return ids;
}

/** Groups chosen in the node's "Add to Groups" setting. */
function chosenGroupIds(ctx: CrmContext): string[] {
	const chosen = crmSetting<unknown>(ctx, 'mailerliteGroupIds', []);
	return (Array.isArray(chosen) ? chosen : String(chosen).split(',')).map((id) => String(id).trim()).filter(Boolean);
}

async function getMailerLiteGroups(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const groups = await mailerlite.listTags(this);
	return groups.map((group) => ({ name: group.name, value: group.id }));
}

/** Group ids a contact joins: the chosen ones and those its tags name. */
function groupIdsOf(contact: ContactInput, groups: Map<string, string>, chosen: string[]): string[] {
	const named = cleanTagNames(contact.tags)
		.map((name) => groups.get(name.toLowerCase()))
		.filter((id): id is string => !!id);
	return [...new Set([...chosen, ...named])];
}

/**
 * The body for the upsert by e-mail (`POST`, whose `groups` only ever add) or, without `groups`, for
 * the update by id (`PUT`): MailerLite documents no additive `groups` there, so groups are joined
 * through the group route afterwards and a sync never takes a subscriber out of other groups.
 */
function subscriberBody(contact: ContactInput, groupIds: string[], byId: boolean): IDataObject {
	const body: IDataObject = { email: contact.email };
	if (Object.keys(contact.fields).length) body.fields = contact.fields;
	if (!byId && groupIds.length) body.groups = groupIds;
	return body;
}

async function joinGroups(ctx: CrmContext, subscriberId: string, groupIds: string[]): Promise<void> {
	for (const groupId of groupIds) {
		await crmRequestOk(ctx, mailerlite, { method: 'POST', path: `/subscribers/${encodeURIComponent(subscriberId)}/groups/${groupId}` });
	}
}

/** The subscriber id to update on an e-mail change MailerLite has not seen yet, if any. */
async function previousEmailTarget(ctx: CrmContext, contact: ContactInput): Promise<string | undefined> {
	if (!contact.previousEmail || sameEmail(contact.previousEmail, contact.email)) return undefined;
	if (await findContact(ctx, { email: contact.email })) return undefined;
	return (await findContact(ctx, { email: contact.previousEmail }))?.contactId;
}

async function upsertOne(ctx: CrmContext, contact: ContactInput, groups: Map<string, string>): Promise<UpsertResult> {
	const groupIds = groupIdsOf(contact, groups, chosenGroupIds(ctx));
	const targetId = contact.contactId ?? (await previousEmailTarget(ctx, contact));
	if (targetId) {
		// PUT changes the e-mail too, so the stored id keeps one subscriber across e-mail changes.
		const response = await crmRequest(ctx, mailerlite, {
			method: 'PUT',
			path: `/subscribers/${encodeURIComponent(targetId)}`,
			body: subscriberBody(contact, groupIds, true),
		});
		if (response.statusCode < 300) {
			await joinGroups(ctx, targetId, groupIds);
			return { contactId: targetId, action: 'updated', email: contact.email };
		}
		if (response.statusCode !== 404) throw crmApiError(ctx, mailerlite, response);
	}
	const body = subscriberBody(contact, groupIds, false);
	const response = await crmRequestOk(ctx, mailerlite, { method: 'POST', path: '/subscribers', body });
	const subscriber = (response.body as IDataObject).data as IDataObject;
	return { contactId: String(subscriber.id), action: response.statusCode === 201 ? 'created' : 'updated', email: contact.email };
}

export const mailerlite: CrmAdapter = {
	slug: 'mailerlite',
	displayName: 'MailerLite',
	credentialType: 'wpumMailerLiteApi',
	tagsAre: 'groups (created by name when missing)',
	batchSize: BATCH_SIZE,
	docsUrl: 'https://developers.mailerlite.com/docs/subscribers.html',

	settings: [
		{
			displayName: 'Add to Group Names or IDs',
			name: 'mailerliteGroupIds',
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getMailerLiteGroups', loadOptionsDependsOn: ['crm'] },
			default: [],
			displayOptions: { show: { operation: ['upsert'] } },
			description:
				'MailerLite groups every upserted subscriber joins, besides the groups named by its tags. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
	],
	loadOptions: { getMailerLiteGroups },

	baseUrl: (credentials) => String(credentials.baseUrl || 'https://connect.mailerlite.com/api').replace(/\/+$/, ''),

	errorMessage: (response) => describeError(response.body),

	async upsert(ctx, contact) {
		const groups = await groupIdsByName(ctx, cleanTagNames(contact.tags), true);
		return await upsertOne(ctx, contact, groups);
	},

	/**
	 * Upserts up to 50 contacts through `POST /batch`: contacts with a stored id as `PUT`, the others as
	 * `POST` upserts by e-mail. A contact whose stored id is gone, that only has a previous e-mail, or
	 * whose entry was throttled or failed on the server, goes through the one-by-one path afterwards, so
	 * an e-mail change never creates a second subscriber and no contact is dropped.
	 */
	async upsertBatch(ctx, contacts) {
		const names = cleanTagNames(contacts.flatMap((contact) => contact.tags ?? []));
		const groups = await groupIdsByName(ctx, names, true);
		const chosen = chosenGroupIds(ctx);
		const results: Array<BatchItemResult | undefined> = new Array(contacts.length);
		const staleIds = new Set<number>();
		/** Contacts updated by id in the batch, whose groups are joined afterwards. */
		const joinAfter: number[] = [];
		const batched: number[] = [];
		const requests: IDataObject[] = [];
		contacts.forEach((contact, index) => {
			if (!contact.contactId && contact.previousEmail && !sameEmail(contact.previousEmail, contact.email)) return;
			batched.push(index);
			const groupIds = groupIdsOf(contact, groups, chosen);
			requests.push(
				contact.contactId
					? { method: 'PUT', path: `api/subscribers/${encodeURIComponent(contact.contactId)}`, body: subscriberBody(contact, groupIds, true) }
					: { method: 'POST', path: 'api/subscribers', body: subscriberBody(contact, groupIds, false) },
			);
		});

		if (requests.length) {
			const response = await crmRequestOk(ctx, mailerlite, { method: 'POST', path: '/batch', body: { requests } });
			const answers = ((response.body as IDataObject).responses ?? []) as IDataObject[];
			batched.forEach((index, position) => {
				const answer = answers[position];
				const code = Number(answer?.code);
				const contact = contacts[index];
				if (code === 404 && contact.contactId) {
					staleIds.add(index); // the stored id no longer exists: retried by e-mail below
					return;
				}
				// A throttled or failed entry inside the batch is sent again on its own (with the transport's retries) below.
				if (code === 429 || code >= 500 || !answer) return;
				if (code >= 200 && code < 300) {
					const subscriber = ((answer.body as IDataObject)?.data ?? {}) as IDataObject;
					const created = !contact.contactId && code === 201;
					results[index] = {
						ok: true,
						result: { contactId: String(subscriber.id ?? contact.contactId), action: created ? 'created' : 'updated', email: contact.email },
					};
					if (contact.contactId) joinAfter.push(index);
				} else {
					results[index] = { ok: false, error: describeError(answer?.body) ?? `HTTP ${answer?.code ?? 'no answer'}` };
				}
			});
		}

		for (const index of joinAfter) {
			const result = results[index];
			if (!result?.ok) continue;
			try {
				await joinGroups(ctx, result.result.contactId, groupIdsOf(contacts[index], groups, chosen));
			} catch (error) {
				results[index] = { ok: false, error: `updated, but joining its groups failed: ${(error as Error).message}` };
			}
		}

		for (let index = 0; index < contacts.length; index++) {
			if (results[index]) continue;
			const contact = staleIds.has(index) ? { ...contacts[index], contactId: undefined } : contacts[index];
			try {
				results[index] = { ok: true, result: await upsertOne(ctx, contact, groups) };
			} catch (error) {
				results[index] = { ok: false, error: (error as Error).message };
			}
		}
		return results as BatchItemResult[];
	},

	async addTags(ctx, contactId, tags) {
		const groups = await groupIdsByName(ctx, cleanTagNames(tags), true);
		for (const groupId of groups.values()) {
			await crmRequestOk(ctx, mailerlite, { method: 'POST', path: `/subscribers/${encodeURIComponent(contactId)}/groups/${groupId}` });
		}
	},

	async removeTags(ctx, contactId, tags) {
		const groups = await groupIdsByName(ctx, cleanTagNames(tags), false);
		for (const groupId of groups.values()) {
			await crmRequestOk(ctx, mailerlite, { method: 'DELETE', path: `/subscribers/${encodeURIComponent(contactId)}/groups/${groupId}` }, [404]);
		}
	},

	getContact: findContact,

	async deleteContact(ctx, contactId) {
		const response = await crmRequest(ctx, mailerlite, { method: 'DELETE', path: `/subscribers/${encodeURIComponent(contactId)}` });
		if (response.statusCode >= 300 && response.statusCode !== 404) throw crmApiError(ctx, mailerlite, response);
	},

	async listFields(ctx) {
		const fields: CrmField[] = [];
		for (let page = 1; ; page++) {
			const response = await crmRequestOk(ctx, mailerlite, { method: 'GET', path: '/fields', qs: { limit: PAGE_SIZE, page } });
			const body = response.body as IDataObject;
			const rows = (body.data ?? []) as IDataObject[];
			fields.push(
				...rows.map((row) => ({
					key: String(row.key),
					label: String(row.name ?? row.key),
					type: row.type ? String(row.type) : undefined,
					standard: STANDARD_KEYS.includes(String(row.key)),
				})),
			);
			const meta = (body.meta ?? {}) as IDataObject;
			if (!rows.length || page >= Number(meta.last_page ?? page)) break;
		}
		return fields.sort((a, b) => Number(b.standard) - Number(a.standard));
	},

	async listTags(ctx) {
		const groups: CrmTag[] = [];
		for (let page = 1; ; page++) {
			const response = await crmRequestOk(ctx, mailerlite, { method: 'GET', path: '/groups', qs: { limit: PAGE_SIZE, page } });
			const body = response.body as IDataObject;
			const rows = (body.data ?? []) as IDataObject[];
			groups.push(...rows.map((row) => ({ id: String(row.id), name: String(row.name) })));
			const meta = (body.meta ?? {}) as IDataObject;
			if (!rows.length || page >= Number(meta.last_page ?? page)) return groups;
		}
	},
};
