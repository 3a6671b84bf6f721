/**
 * Bento (bentonow.com) REST API v1: subscribers are found with `GET /fetch/subscribers` (by e-mail or
 * uuid), created with `POST /fetch/subscribers`, and changed with `POST /fetch/commands` (add_field,
 * remove_field, add_tag, remove_tag, change_email; up to 100 commands per call). Every request carries
 * the site UUID (the credential adds it) and a User-Agent (Bento's edge blocks requests without one).
 *
 * No batch: `POST /batch/subscribers` only queues an import and answers with a count (`{ result: n }`),
 * no subscriber uuids and no per-subscriber errors, and the import may take minutes to land; so the
 * contact ids "Link CRM contact" needs cannot be mapped back and one-by-one is the only correct path.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CrmRequest } from '../transport';
import { crmApiError, crmRequestOk } from '../transport';
import { chunk, cleanTagNames, everyTagSpelling, findExisting, reuseTagSpellings, sameEmail } from './helpers';
import { tagsForRun } from './tagCache';
import type { ContactInput, CrmAdapter, CrmContact, CrmContext, CrmField, CrmTag, UpsertResult } from './types';
import { declaredNames, isBlank, isScalar, type ValueOrProblem } from './values';

const USER_AGENT = 'n8n-nodes-wp-user-manager (https://github.com/n8n-nodes-wp-user-manager/n8n-nodes-wp-user-manager)';
/** "MAX 100 commands per call" (Bento's commands reference). */
export const BENTO_COMMANDS_PER_CALL = 100;
/** Name fields every subscriber has, even before the site lists them under its fields. */
const NAME_FIELDS: Record<string, string> = { first_name: 'First Name', last_name: 'Last Name' };

type Command = { command: string; email: string; query?: string | IDataObject };

function request(req: CrmRequest): CrmRequest {
	return { ...req, headers: { 'user-agent': USER_AGENT, ...(req.headers ?? {}) } };
}

/**
 * A value as Bento stores it: fields are flat (text, number, yes/no). A list of plain values becomes
 * text joined with ", "; an object or a nested list cannot be stored and fails the item. An empty
 * value means "clear the field" (`remove`).
 */
export function bentoValue(value: unknown): ValueOrProblem & { remove?: boolean } {
	if (isBlank(value)) return { remove: true };
	if (isScalar(value)) return { value };
	if (Array.isArray(value) && value.every(isScalar)) return { value: value.map(String).join(', ') };
	return { problem: `needs a flat value (text, a number or yes/no), not ${JSON.stringify(value)}` };
}

/** The add_field / remove_field commands for a contact's fields; a value that does not fit fails the item first. */
function fieldCommands(ctx: CrmContext, contact: ContactInput, email: string): Command[] {
	const commands: Command[] = [];
	for (const [key, raw] of Object.entries(contact.fields ?? {})) {
		const { value, problem, remove } = bentoValue(raw);
		if (problem) {
			throw new NodeOperationError(ctx.getNode(), `Bento field ${key} ${problem} (contact ${contact.email})`, {
				description: 'Nothing was sent for this contact. Change the value or the association in the WPUM Field Mapper.',
			});
		}
		commands.push(remove ? { command: 'remove_field', email, query: key } : { command: 'add_field', email, query: { key, value: value as string } });
	}
	return commands;
}

function toContact(data: IDataObject): CrmContact {
	const attributes = (data.attributes ?? {}) as IDataObject;
	return { contactId: String(attributes.uuid ?? ''), email: String(attributes.email ?? ''), contact: { id: data.id, ...attributes } };
}

async function findSubscriber(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined> {
	const qs = by.contactId ? { uuid: by.contactId } : by.email ? { email: by.email.trim() } : undefined;
	if (!qs) return undefined;
	const response = await crmRequestOk(ctx, bento, request({ method: 'GET', path: '/fetch/subscribers', qs }), [404]);
	const data = response.statusCode === 404 ? undefined : ((response.body ?? {}) as IDataObject).data;
	return data && typeof data === 'object' && (data as IDataObject).attributes ? toContact(data as IDataObject) : undefined;
}

async function subscriberOrFail(ctx: CrmContext, contactId: string): Promise<CrmContact> {
	const found = await findSubscriber(ctx, { contactId });
	if (found) return found;
	throw new NodeOperationError(ctx.getNode(), `Bento has no subscriber with uuid ${contactId}`, {
		description: 'The stored contact id is stale (the subscriber was deleted or belongs to another site). Run an upsert for this user to link it again.',
	});
}

async function runCommands(ctx: CrmContext, commands: Command[]): Promise<void> {
	for (const part of chunk(commands, BENTO_COMMANDS_PER_CALL)) {
		await crmRequestOk(ctx, bento, request({ method: 'POST', path: '/fetch/commands', body: { command: part as unknown as IDataObject[] } }));
	}
}

/** Tag names in the spelling the site already uses ("vip" reuses "VIP"); new names as given (Bento creates them). */
async function canonicalTags(ctx: CrmContext, tags: string[] | undefined): Promise<string[]> {
	const names = cleanTagNames(tags);
	return names.length ? reuseTagSpellings(await tagsForRun(ctx, bento), names) : [];
}

async function changeEmail(ctx: CrmContext, existing: CrmContact, email: string): Promise<void> {
	const owner = await findSubscriber(ctx, { email });
	if (owner && owner.contactId !== existing.contactId) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Bento cannot change the e-mail of subscriber ${existing.contactId} (${existing.email}) to ${email}: another Bento subscriber (${owner.contactId}) already has it`,
			{ description: 'Merge or delete one of the two subscribers in Bento (People), then run this item again.' },
		);
	}
	await runCommands(ctx, [{ command: 'change_email', email: existing.email, query: email }]);
}

export const bento: CrmAdapter = {
	slug: 'bento',
	displayName: 'Bento',
	credentialType: 'wpumBentoApi',
	tagsAre: 'tags (created by name when missing)',
	docsUrl: 'https://bentonow.com/docs/subscribers',

	settings: [
		{
			displayName: 'Extra Custom Fields',
			name: 'bentoCustomFields',
			type: 'string',
			default: '',
			placeholder: 'membership_level, favorite_color',
			description:
				'Bento creates a field the first time a value is written to it. Name new field keys here (separated by commas) so this node may create them; any other key the site does not have fails the item.',
		},
	],

	baseUrl: (credentials) => String(credentials.baseUrl || 'https://app.bentonow.com/api/v1').replace(/\/+$/, ''),

	/** Bento answers `{ "error": "…" }` or `{ "errors": [{ "field", "message" }] }` (API errors reference). */
	errorMessage(response) {
		const body = response.body as IDataObject | undefined;
		if (!body || typeof body !== 'object') return undefined;
		if (Array.isArray(body.errors) && body.errors.length) {
			return (body.errors as IDataObject[])
				.map((error) => (error.field ? `${String(error.field)} ${String(error.message ?? 'is invalid')}` : String(error.message ?? error)))
				.join('; ');
		}
		return typeof body.error === 'string' ? body.error : undefined;
	},

	async upsert(ctx, contact): Promise<UpsertResult> {
		// Converted first: a value Bento cannot store fails the item before anything is sent.
		fieldCommands(ctx, contact, contact.email);
		const tags = await canonicalTags(ctx, contact.tags);
		const changes = (email: string): Command[] => [
			...fieldCommands(ctx, contact, email),
			...tags.map((tag) => ({ command: 'add_tag', email, query: tag })),
		];

		const existing = await findExisting(contact, (by) => findSubscriber(ctx, by));
		if (existing) {
			if (!sameEmail(existing.email, contact.email)) await changeEmail(ctx, existing, contact.email);
			await runCommands(ctx, changes(contact.email));
			return { contactId: existing.contactId, action: 'updated', email: contact.email };
		}
		const response = await crmRequestOk(ctx, bento, request({ method: 'POST', path: '/fetch/subscribers', body: { subscriber: { email: contact.email } } }));
		const data = ((response.body ?? {}) as IDataObject).data as IDataObject | undefined;
		const created = data?.attributes ? toContact(data) : undefined;
		if (!created?.contactId) {
			throw crmApiError(ctx, bento, { statusCode: response.statusCode, headers: response.headers, body: { error: `Bento answered without the subscriber it created for ${contact.email}` } });
		}
		await runCommands(ctx, changes(created.email || contact.email));
		return { contactId: created.contactId, action: 'created', email: contact.email };
	},

	async addTags(ctx, contactId, tags) {
		const names = await canonicalTags(ctx, tags);
		if (!names.length) return;
		const subscriber = await subscriberOrFail(ctx, contactId);
		await runCommands(ctx, names.map((tag) => ({ command: 'add_tag', email: subscriber.email, query: tag })));
	},

	async removeTags(ctx, contactId, tags) {
		const names = cleanTagNames(tags);
		if (!names.length) return;
		// Every spelling the site has for a name, so "vip" also takes off "VIP".
		const remove = everyTagSpelling(await tagsForRun(ctx, bento), names);
		const subscriber = await subscriberOrFail(ctx, contactId);
		await runCommands(ctx, remove.map((tag) => ({ command: 'remove_tag', email: subscriber.email, query: tag })));
	},

	getContact: findSubscriber,

	/** Bento deletes through a data deletion request: the subscriber is anonymised (queued, answered 202). */
	async deleteContact(ctx, contactId) {
		const subscriber = await findSubscriber(ctx, { contactId });
		if (!subscriber) return;
		await crmRequestOk(
			ctx,
			bento,
			request({ method: 'POST', path: '/data_deletion_requests', body: { data_deletion_request: { email: subscriber.email } } }),
			[404],
		);
	},

	// Bento answers with every field of the site at once (the route has no paging).
	async listFields(ctx) {
		const response = await crmRequestOk(ctx, bento, request({ method: 'GET', path: '/fetch/fields' }));
		const rows = (((response.body ?? {}) as IDataObject).data ?? []) as IDataObject[];
		const fields: CrmField[] = Object.entries(NAME_FIELDS).map(([key, label]) => ({ key, label, type: 'text', standard: true }));
		for (const row of Array.isArray(rows) ? rows : []) {
			const attributes = (row.attributes ?? {}) as IDataObject;
			const key = String(attributes.key ?? '');
			if (key && !fields.some((field) => field.key === key)) fields.push({ key, label: String(attributes.name || key), type: 'field' });
		}
		for (const key of declaredNames(ctx, 'bentoCustomFields', '')) {
			if (!fields.some((field) => field.key === key)) fields.push({ key, label: key, type: 'new field' });
		}
		return fields;
	},

	// Bento answers with every tag of the site at once (the route has no paging); archived tags are left out.
	async listTags(ctx) {
		const response = await crmRequestOk(ctx, bento, request({ method: 'GET', path: '/fetch/tags' }));
		const rows = (((response.body ?? {}) as IDataObject).data ?? []) as IDataObject[];
		const tags: CrmTag[] = [];
		for (const row of Array.isArray(rows) ? rows : []) {
			const attributes = (row.attributes ?? {}) as IDataObject;
			if (attributes.discarded_at || !attributes.name) continue;
			tags.push({ id: String(row.id), name: String(attributes.name) });
		}
		return tags;
	},
};
