import { createHash } from 'crypto';
import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { crmRequestOk } from '../transport';
import { cleanTagNames, crmSetting, findExisting, sameEmail, settingValue } from './helpers';
import type { BatchItemResult, ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmResponse, CrmTag } from './types';

const PAGE_SIZE = 50;
const LISTS_PAGE_SIZE = 100;

/** Mailchimp keys members by the MD5 of the lower-cased e-mail. */
export function memberHash(email: string): string {
	return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

function audience(ctx: CrmContext): string {
	const id = settingValue(crmSetting(ctx, 'mailchimpAudience', ''));
	if (!id) throw new NodeOperationError(ctx.getNode(), 'Choose a Mailchimp audience in "Audience" first');
	return encodeURIComponent(id);
}

function statusIfNew(ctx: CrmContext): string {
	return String(crmSetting(ctx, 'mailchimpStatusIfNew', 'subscribed'));
}

function toContact(member: IDataObject): CrmContact {
	return { contactId: String(member.contact_id ?? member.id), email: String(member.email_address ?? ''), contact: member };
}

function mergeFields(contact: ContactInput): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(contact.fields)) {
		if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
	}
	return out;
}

/** Members may be addressed by hash, e-mail or contact_id; the contact_id survives an e-mail change. */
async function findMember(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	const ref = by.contactId ?? (by.email ? memberHash(by.email) : undefined);
	if (!ref) return undefined;
	const response = await crmRequestOk(ctx, mailchimp, { method: 'GET', path: `/lists/${audience(ctx)}/members/${encodeURIComponent(ref)}` }, [404]);
	if (response.statusCode === 404) return undefined;
	const member = response.body as IDataObject;
	return member.status === 'archived' ? undefined : toContact(member);
}

async function setTags(ctx: CrmContext, contactId: string, tags: string[], status: 'active' | 'inactive'): Promise<void> {
	const names = cleanTagNames(tags);
	if (!names.length) return;
	await crmRequestOk(ctx, mailchimp, {
		method: 'POST',
		path: `/lists/${audience(ctx)}/members/${encodeURIComponent(contactId)}/tags`,
		body: { tags: names.map((name) => ({ name, status })) },
	});
}

async function getMailchimpAudiences(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const out: INodePropertyOptions[] = [];
	for (let offset = 0; ; offset += LISTS_PAGE_SIZE) {
		const response = await crmRequestOk(this, mailchimp, {
			method: 'GET',
			path: '/lists',
			qs: { count: LISTS_PAGE_SIZE, offset, fields: 'lists.id,lists.name,lists.stats.member_count,total_items' },
		});
		const body = response.body as IDataObject;
		const lists = (body.lists ?? []) as IDataObject[];
		for (const list of lists) {
			const members = ((list.stats ?? {}) as IDataObject).member_count;
			out.push({ name: String(list.name), value: String(list.id), description: members === undefined ? undefined : `${members} members` });
		}
		if (!lists.length || offset + lists.length >= Number(body.total_items ?? 0)) return out;
	}
}

export const mailchimp: CrmAdapter = {
	slug: 'mailchimp',
	displayName: 'Mailchimp',
	credentialType: 'wpumMailchimpApi',
	tagsAre: 'tags of the audience member (created by name)',
	batchSize: 500,
	docsUrl: 'https://mailchimp.com/developer/marketing/api/list-members/',
	settings: [
		{
			displayName: 'Audience Name or ID',
			name: 'mailchimpAudience',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getMailchimpAudiences', loadOptionsDependsOn: ['crm'] },
			default: '',
			required: true,
			description: 'The Mailchimp audience (list) contacts go into. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'New Member Status',
			name: 'mailchimpStatusIfNew',
			type: 'options',
			displayOptions: { show: { operation: ['upsert'] } },
			options: [
				{ name: 'Subscribed', value: 'subscribed', description: 'Receives campaigns right away' },
				{ name: 'Pending (Double Opt-In)', value: 'pending', description: 'Mailchimp e-mails a confirmation first' },
				{ name: 'Transactional', value: 'transactional', description: 'Known to Mailchimp but gets no campaigns' },
				{ name: 'Unsubscribed', value: 'unsubscribed', description: 'Kept in the audience without consent to e-mails' },
			],
			default: 'subscribed',
			description: 'Status given to people who are not yet in the audience. Existing members keep theirs (except in batch mode, see below).',
		},
		{
			displayName: 'Use Batch Subscribe',
			name: 'mailchimpUseBatch',
			type: 'boolean',
			displayOptions: { show: { operation: ['upsert'] } },
			default: true,
			description:
				"Whether to send several contacts at once with Mailchimp's batch subscribe (500 per request). Batch subscribe also sets EXISTING members to New Member Status; turn this off if your audience has members who unsubscribed.",
		},
	],
	loadOptions: { getMailchimpAudiences },

	baseUrl(credentials) {
		const key = String(credentials.apiKey ?? '');
		const dc = key.includes('-') ? key.split('-').pop()! : 'us1';
		return String(credentials.baseUrl || 'https://<dc>.api.mailchimp.com/3.0').replace('<dc>', dc).replace(/\/+$/, '');
	},

	/** 403 is usually a bad key or a disabled account, but Mailchimp also throttles with it. */
	isThrottled(response: CrmResponse) {
		if (response.statusCode !== 403) return false;
		const body = (response.body ?? {}) as IDataObject;
		return /throttl|too many|simultaneous|rate/i.test(`${body.title ?? ''} ${body.detail ?? ''}`);
	},

	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		if (!body || typeof body !== 'object' || !body.title) return undefined;
		const fieldErrors = ((body.errors ?? []) as IDataObject[]).map((e) => `${e.field ? `${e.field}: ` : ''}${e.message}`);
		return [`${body.title}: ${body.detail ?? ''}`.trim(), ...fieldErrors].join(' · ');
	},

	async upsert(ctx, contact) {
		const list = audience(ctx);
		const existing = await findExisting(contact, (by) => findMember(ctx, by));
		let member: IDataObject;
		if (existing) {
			const response = await crmRequestOk(ctx, mailchimp, {
				method: 'PATCH',
				path: `/lists/${list}/members/${encodeURIComponent(existing.contactId)}`,
				body: { email_address: contact.email, merge_fields: mergeFields(contact) },
			});
			member = response.body as IDataObject;
		} else {
			const response = await crmRequestOk(ctx, mailchimp, {
				method: 'PUT',
				path: `/lists/${list}/members/${memberHash(contact.email)}`,
				body: { email_address: contact.email, status_if_new: statusIfNew(ctx), merge_fields: mergeFields(contact) },
			});
			member = response.body as IDataObject;
		}
		const { contactId } = toContact(member);
		await setTags(ctx, contactId, contact.tags ?? [], 'active');
		return { contactId, action: existing ? 'updated' : 'created', email: contact.email };
	},

	/**
	 * Batch subscribe (`POST /lists/{id}`, 500 members, `update_existing`) keyed by e-mail. E-mail
	 * changes (a contact id or previous e-mail) go one by one, as batch subscribe would add a new member.
	 */
	async upsertBatch(ctx, contacts) {
		const results: BatchItemResult[] = new Array(contacts.length);
		const useBatch = crmSetting(ctx, 'mailchimpUseBatch', true);
		const batched: number[] = [];
		for (const [i, contact] of contacts.entries()) {
			const emailChange = contact.contactId || (contact.previousEmail && !sameEmail(contact.previousEmail, contact.email));
			if (useBatch && !emailChange) {
				batched.push(i);
				continue;
			}
			try {
				results[i] = { ok: true, result: await mailchimp.upsert(ctx, contact) };
			} catch (error) {
				results[i] = { ok: false, error: (error as Error).message };
			}
		}
		if (!batched.length) return results;
		const status = statusIfNew(ctx);
		const response = await crmRequestOk(ctx, mailchimp, {
			method: 'POST',
			path: `/lists/${audience(ctx)}`,
			body: {
				update_existing: true,
				sync_tags: false,
				members: batched.map((i) => ({
					email_address: contacts[i].email,
					status,
					merge_fields: mergeFields(contacts[i]),
					...(contacts[i].tags?.length ? { tags: cleanTagNames(contacts[i].tags) } : {}),
				})),
			},
		});
		const body = response.body as IDataObject;
		const saved = new Map<string, { member: IDataObject; action: 'created' | 'updated' }>();
		for (const member of (body.new_members ?? []) as IDataObject[]) saved.set(String(member.email_address).toLowerCase(), { member, action: 'created' });
		for (const member of (body.updated_members ?? []) as IDataObject[]) saved.set(String(member.email_address).toLowerCase(), { member, action: 'updated' });
		const errors = (body.errors ?? []) as IDataObject[];
		for (const i of batched) {
			const email = contacts[i].email;
			const hit = saved.get(email.toLowerCase());
			if (hit) {
				results[i] = { ok: true, result: { contactId: toContact(hit.member).contactId, action: hit.action, email } };
				continue;
			}
			const error = errors.find((e) => sameEmail(String(e.email_address), email));
			results[i] = { ok: false, error: String(error?.error ?? 'Mailchimp did not save this member and gave no reason') };
		}
		return results;
	},

	addTags: (ctx, contactId, tags) => setTags(ctx, contactId, tags, 'active'),
	removeTags: (ctx, contactId, tags) => setTags(ctx, contactId, tags, 'inactive'),
	getContact: findMember,

	/** Archives the member (Mailchimp's DELETE); archived members can be re-added later. */
	async deleteContact(ctx, contactId) {
		await crmRequestOk(ctx, mailchimp, { method: 'DELETE', path: `/lists/${audience(ctx)}/members/${encodeURIComponent(contactId)}` }, [404]);
	},

	async listFields(ctx) {
		const list = audience(ctx);
		const fields: CrmField[] = [];
		for (let offset = 0; ; offset += PAGE_SIZE) {
			const response = await crmRequestOk(ctx, mailchimp, { method: 'GET', path: `/lists/${list}/merge-fields`, qs: { count: PAGE_SIZE, offset } });
			const body = response.body as IDataObject;
			const page = (body.merge_fields ?? []) as IDataObject[];
			fields.push(...page.map((f) => ({ key: String(f.tag), label: String(f.name ?? f.tag), type: String(f.type ?? '') })));
			if (!page.length || offset + page.length >= Number(body.total_items ?? 0)) return fields;
		}
	},

	async listTags(ctx) {
		const list = audience(ctx);
		const tags: CrmTag[] = [];
		for (let offset = 0; ; offset += LISTS_PAGE_SIZE) {
			const response = await crmRequestOk(ctx, mailchimp, { method: 'GET', path: `/lists/${list}/segments`, qs: { type: 'static', count: LISTS_PAGE_SIZE, offset } });
			const body = response.body as IDataObject;
			const page = (body.segments ?? []) as IDataObject[];
			tags.push(...page.map((s) => ({ id: String(s.id), name: String(s.name) })));
			if (!page.length || offset + page.length >= Number(body.total_items ?? 0)) return tags;
		}
	},
};
