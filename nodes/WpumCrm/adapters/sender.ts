/**
 * Sender (sender.net, API v2). Subscribers are found by id or e-mail on one route, created with
 * `POST /subscribers` and updated with `PATCH /subscribers/{id}`. Sender documents no way to change a
 * subscriber's e-mail, so an e-mail change moves the person to a new subscriber (see `moveSubscriber`).
 * Tags are groups, joined and left through `/subscribers/groups/{groupId}` by e-mail.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { crmApiError, crmRequestOk } from '../transport';
import { cleanTagNames, crmSetting, dateResetDelayMs, findExisting, messageWithFieldErrors, sameEmail, splitFields } from './helpers';
import { tagsForRun } from './tagCache';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmTag, UpsertResult } from './types';
import { asText, isBlank, isScalar, toE164, type ValueOrProblem } from './values';

/** Subscriber properties sent at the top level of the body; every other key is a custom field (`{$name}`). */
const STANDARD_FIELDS: CrmField[] = [
	{ key: 'firstname', label: 'First name', type: 'text', standard: true },
	{ key: 'lastname', label: 'Last name', type: 'text', standard: true },
	{ key: 'phone', label: 'Phone', type: 'phone', standard: true },
];
const STANDARD_KEYS = STANDARD_FIELDS.map((field) => field.key);
const PAGE_SIZE = 50;
/** Sender's subscriber statuses as `status.email` shows them, and as `subscriber_status` takes them. */
const STATUS_NAMES: Record<string, string> = {
	unsubscribed: 'UNSUBSCRIBED',
	bounced: 'BOUNCED',
	spam_reported: 'SPAM_REPORTED',
};

function path(id: string): string {
	return `/subscribers/${encodeURIComponent(id)}`;
}

function toContact(subscriber: IDataObject): CrmContact {
	return { contactId: String(subscriber.id), email: String(subscriber.email ?? ''), contact: subscriber };
}

function triggerAutomation(ctx: CrmContext): boolean {
	return crmSetting<boolean>(ctx, 'senderTriggerAutomation', true) !== false;
}

async function findSubscriber(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	const identifier = by.contactId ?? by.email;
	if (!identifier) return undefined;
	const response = await crmRequestOk(ctx, sender, { method: 'GET', path: path(identifier) }, [404]);
	if (response.statusCode === 404) return undefined;
	const data = (response.body as IDataObject)?.data as IDataObject | undefined;
	return data && data.id !== undefined ? toContact(data) : undefined;
}

/** The account's custom fields as `GET /fields` returns them, read to the last page. */
async function accountFields(ctx: CrmContext): Promise<IDataObject[]> {
	const rows: IDataObject[] = [];
	for (let page = 1; ; page++) {
		const response = await crmRequestOk(ctx, sender, { method: 'GET', path: '/fields', qs: { page, limit: PAGE_SIZE } });
		const body = response.body as IDataObject;
		const data = (body.data ?? []) as IDataObject[];
		rows.push(...data);
		if (!morePages(body, page, data.length)) return rows;
	}
}

/** Sender's paging: `meta.last_page`, else `links.next`, else a short page ends the listing. */
function morePages(body: IDataObject, page: number, count: number): boolean {
	if (!count) return false;
	const meta = (body.meta ?? {}) as IDataObject;
	if (meta.last_page !== undefined) return page < Number(meta.last_page);
	const links = (body.links ?? {}) as IDataObject;
	if ('next' in links) return !!links.next;
	return count >= PAGE_SIZE;
}

/** A custom field's key: its `field_name` (`{$company}`), the key Sender's `fields` object takes. */
function fieldKey(row: IDataObject): string {
	return String(row.field_name ?? '');
}

const fieldsPerRun = new WeakMap<object, IDataObject[]>();

async function fieldsForRun(ctx: CrmContext): Promise<IDataObject[]> {
	let fields = fieldsPerRun.get(ctx);
	if (!fields) {
		fields = await accountFields(ctx);
		fieldsPerRun.set(ctx, fields);
	}
	return fields;
}

/** A value as a Sender field of `type` takes it: number, datetime (`YYYY-MM-DD`) or text. */
function convert(type: string, value: unknown): ValueOrProblem {
	if (type === 'number') {
		const text = isScalar(value) ? String(value).trim() : '';
		const number = typeof value === 'number' ? value : Number(text.replace(',', '.'));
		return text !== '' && Number.isFinite(number) ? { value: number } : { problem: `needs a number, not ${JSON.stringify(value)}` };
	}
	if (type === 'datetime') {
		const match = isScalar(value) ? /^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(String(value).trim()) : null;
		return match ? { value: match[1] } : { problem: `needs a date as YYYY-MM-DD, not ${JSON.stringify(value)}` };
	}
	return asText(value);
}

/** The contact's values split into Sender's body: top-level name/phone and the `fields` object. */
async function subscriberValues(ctx: CrmContext, contact: ContactInput): Promise<{ top: IDataObject; fields: IDataObject }> {
	const { standard, custom } = splitFields(contact.fields, STANDARD_KEYS);
	const known = Object.keys(custom).length ? await fieldsForRun(ctx) : [];
	const top: IDataObject = {};
	const fields: IDataObject = {};
	const problems: string[] = [];
	for (const [key, raw] of Object.entries(standard)) {
		if (isBlank(raw)) continue;
		const { value, problem } = key === 'phone' ? toE164(raw, '+37060000000') : asText(raw);
		if (problem) problems.push(`${key} ${problem}`);
		else top[key] = value as string;
	}
	for (const [key, raw] of Object.entries(custom)) {
		if (isBlank(raw)) continue;
		const field = known.find((row) => fieldKey(row) === key);
		const { value, problem } = convert(String(field?.type ?? 'text'), raw);
		if (problem) problems.push(`${key} ${problem}`);
		else fields[key] = value as IDataObject[string];
	}
	if (problems.length) {
		throw new NodeOperationError(ctx.getNode(), `Sender cannot take ${problems.join('; ')} (contact ${contact.email})`, {
			description: 'Nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.',
		});
	}
	return { top, fields };
}

/** Group ids for these names (case-insensitive), creating missing groups when `create` is set. */
async function groupIds(ctx: CrmContext, names: string[], create: boolean): Promise<string[]> {
	if (!names.length) return [];
	const groups = await tagsForRun(ctx, sender);
	const ids: string[] = [];
	for (const name of names) {
		let group = groups.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
		if (!group && create) {
			const response = await crmRequestOk(ctx, sender, { method: 'POST', path: '/groups', body: { title: name } });
			const data = ((response.body as IDataObject)?.data ?? {}) as IDataObject;
			group = { id: String(data.id), name: String(data.title ?? name) };
			groups.push(group);
		}
		if (group) ids.push(group.id);
	}
	return ids;
}

/** Ids of the groups a subscriber (as Sender returned it) is in. */
function memberOf(subscriber: IDataObject): string[] {
	return ((subscriber.subscriber_tags ?? []) as IDataObject[]).map((group) => String(group.id));
}

async function joinGroups(ctx: CrmContext, email: string, ids: string[]): Promise<void> {
	for (const id of ids) {
		await crmRequestOk(ctx, sender, {
			method: 'POST',
			path: `/subscribers/groups/${encodeURIComponent(id)}`,
			body: { subscribers: [email], trigger_automation: triggerAutomation(ctx) },
		});
	}
}

async function createSubscriber(ctx: CrmContext, email: string, top: IDataObject, fields: IDataObject, groups: string[]): Promise<string> {
	const body: IDataObject = { email, ...top, trigger_automation: triggerAutomation(ctx) };
	if (Object.keys(fields).length) body.fields = fields;
	if (groups.length) body.groups = groups;
	const response = await crmRequestOk(ctx, sender, { method: 'POST', path: '/subscribers', body });
	const data = ((response.body as IDataObject)?.data ?? {}) as IDataObject;
	if (data.id === undefined) {
		throw crmApiError(ctx, sender, { statusCode: response.statusCode, headers: {}, body: { message: `Sender answered without a subscriber id for ${email}` } });
	}
	return String(data.id);
}

async function updateSubscriber(ctx: CrmContext, id: string, body: IDataObject): Promise<void> {
	if (!Object.keys(body).length) return;
	await crmRequestOk(ctx, sender, { method: 'PATCH', path: path(id), body: { ...body, trigger_automation: triggerAutomation(ctx) } });
}

async function deleteByEmail(ctx: CrmContext, email: string): Promise<void> {
	await crmRequestOk(ctx, sender, { method: 'DELETE', path: '/subscribers', body: { subscribers: [email] } });
}

/** The old subscriber's custom field values (`columns`), keyed by field name, for a move. */
async function storedFieldValues(ctx: CrmContext, subscriber: IDataObject): Promise<IDataObject> {
	const columns = ((subscriber.columns ?? []) as IDataObject[]).filter((column) => !isBlank(column.value));
	if (!columns.length) return {};
	const known = await fieldsForRun(ctx);
	const out: IDataObject = {};
	for (const column of columns) {
		const field = known.find((row) => String(row.id) === String(column.id));
		if (field && fieldKey(field)) out[fieldKey(field)] = column.value as IDataObject[string];
	}
	return out;
}

/**
 * Sender keeps a subscriber's e-mail (PATCH documents no e-mail), so the person moves: a new subscriber
 * with the new e-mail gets the old one's name, phone, custom values, groups and e-mail status (an
 * unsubscription stays one), then the old subscriber is deleted. The new id goes back to WordPress.
 */
async function moveSubscriber(ctx: CrmContext, old: CrmContact, contact: ContactInput, top: IDataObject, fields: IDataObject, groups: string[]): Promise<string> {
	const record = old.contact;
	const keptTop: IDataObject = {};
	for (const key of STANDARD_KEYS) if (!isBlank(record[key])) keptTop[key] = record[key] as string;
	const keptFields = await storedFieldValues(ctx, record);
	const id = await createSubscriber(ctx, contact.email, { ...keptTop, ...top }, { ...keptFields, ...fields }, [...new Set([...memberOf(record), ...groups])]);
	const status = STATUS_NAMES[String(((record.status ?? {}) as IDataObject).email ?? '').toLowerCase()];
	if (status) await updateSubscriber(ctx, id, { subscriber_status: status });
	await deleteByEmail(ctx, old.email);
	return id;
}

async function upsertOne(ctx: CrmContext, contact: ContactInput): Promise<UpsertResult> {
	// Checked first: a value Sender cannot take fails the item before anything (even a group) is created.
	const { top, fields } = await subscriberValues(ctx, contact);
	const groups = await groupIds(ctx, cleanTagNames(contact.tags), true);
	const existing = await findExisting(contact, (by) => findSubscriber(ctx, by));
	if (!existing) {
		return { contactId: await createSubscriber(ctx, contact.email, top, fields, groups), action: 'created', email: contact.email };
	}
	if (!sameEmail(existing.email, contact.email)) {
		const holder = await findSubscriber(ctx, { email: contact.email });
		if (!holder) {
			if (crmSetting<string>(ctx, 'senderEmailChange', 'move') === 'fail') {
				throw new NodeOperationError(ctx.getNode(), `Sender cannot change the e-mail of subscriber ${existing.contactId} (${existing.email}) to ${contact.email}`, {
					description: 'Nothing was sent. Set "On E-Mail Change" to "Move to a New Subscriber" to let the node move the person, or change the e-mail in Sender by hand.',
				});
			}
			return { contactId: await moveSubscriber(ctx, existing, contact, top, fields, groups), action: 'updated', email: contact.email };
		}
		// Someone already has the new e-mail: that subscriber is updated and the old one left alone.
		return await updateExisting(ctx, holder, contact, top, fields, groups);
	}
	return await updateExisting(ctx, existing, contact, top, fields, groups);
}

async function updateExisting(ctx: CrmContext, existing: CrmContact, contact: ContactInput, top: IDataObject, fields: IDataObject, groups: string[]): Promise<UpsertResult> {
	const body: IDataObject = { ...top };
	if (Object.keys(fields).length) body.fields = fields;
	await updateSubscriber(ctx, existing.contactId, body);
	// Groups go through the group route: PATCH's `groups` are "new groups assigned", not documented as additive.
	const have = memberOf(existing.contact);
	await joinGroups(ctx, existing.email, groups.filter((id) => !have.includes(id)));
	return { contactId: existing.contactId, action: 'updated', email: contact.email };
}

async function subscriberOrFail(ctx: CrmContext, contactId: string): Promise<CrmContact> {
	const found = await findSubscriber(ctx, { contactId });
	if (!found) {
		throw new NodeOperationError(ctx.getNode(), `Sender has no subscriber ${contactId}`, {
			description: 'The stored contact id is gone from Sender: run an upsert for this user first so a new id is linked.',
		});
	}
	return found;
}

export const sender: CrmAdapter = {
	slug: 'sender',
	displayName: 'Sender',
	credentialType: 'wpumSenderApi',
	tagsAre: 'groups (created by name when missing)',
	docsUrl: 'https://api.sender.net/',

	settings: [
		{
			displayName: 'Trigger Automations',
			name: 'senderTriggerAutomation',
			type: 'boolean',
			default: true,
			displayOptions: { show: { operation: ['upsert', 'addTags'] } },
			description: 'Whether creating, updating or grouping a subscriber may start Sender automations (Sender\'s "trigger_automation", on by default)',
		},
		{
			displayName: 'On E-Mail Change',
			name: 'senderEmailChange',
			type: 'options',
			default: 'move',
			displayOptions: { show: { operation: ['upsert'] } },
			options: [
				{
					name: 'Move to a New Subscriber',
					value: 'move',
					description: 'Create a subscriber with the new e-mail, copy the name, phone, fields, groups and status, then delete the old one',
				},
				{ name: 'Fail the Item', value: 'fail', description: 'Change nothing and fail the item with a message' },
			],
			description: 'Sender cannot change a subscriber\'s e-mail. What to do when a WordPress user\'s e-mail changed.',
		},
	],

	baseUrl: (credentials) => String(credentials.baseUrl || 'https://api.sender.net/v2').replace(/\/+$/, ''),

	resetDelayMs: (response) => dateResetDelayMs(response.headers['x-ratelimit-reset']),

	errorMessage: (response) => messageWithFieldErrors(response.body),

	upsert: upsertOne,

	async addTags(ctx, contactId, tags) {
		const subscriber = await subscriberOrFail(ctx, contactId);
		const ids = await groupIds(ctx, cleanTagNames(tags), true);
		const have = memberOf(subscriber.contact);
		await joinGroups(ctx, subscriber.email, ids.filter((id) => !have.includes(id)));
	},

	async removeTags(ctx, contactId, tags) {
		const subscriber = await subscriberOrFail(ctx, contactId);
		const have = memberOf(subscriber.contact);
		for (const id of await groupIds(ctx, cleanTagNames(tags), false)) {
			if (!have.includes(id)) continue;
			await crmRequestOk(ctx, sender, { method: 'DELETE', path: `/subscribers/groups/${encodeURIComponent(id)}`, body: { subscribers: [subscriber.email] } });
		}
	},

	getContact: findSubscriber,

	async deleteContact(ctx, contactId) {
		const found = await findSubscriber(ctx, { contactId });
		if (found) await deleteByEmail(ctx, found.email);
	},

	async listFields(ctx) {
		const rows = await accountFields(ctx);
		const custom = rows
			.filter((row) => fieldKey(row) && !['{$email}', ...STANDARD_KEYS.map((key) => `{$${key}}`)].includes(fieldKey(row)))
			.map((row): CrmField => ({ key: fieldKey(row), label: String(row.title ?? fieldKey(row)), type: row.type ? String(row.type) : undefined }));
		return [...STANDARD_FIELDS, ...custom];
	},

	async listTags(ctx) {
		const groups: CrmTag[] = [];
		for (let page = 1; ; page++) {
			const response = await crmRequestOk(ctx, sender, { method: 'GET', path: '/groups', qs: { page, limit: PAGE_SIZE } });
			const body = response.body as IDataObject;
			const rows = (body.data ?? []) as IDataObject[];
			groups.push(...rows.map((row) => ({ id: String(row.id), name: String(row.title ?? '') })));
			if (!morePages(body, page, rows.length)) return groups;
		}
	},
};
