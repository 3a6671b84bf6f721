/**
 * Mailjet Email API v3 (contacts) as far as the adapter uses it, built from Mailjet's own documentation
 * (no official OpenAPI file is available to us):
 * - API overview (Basic auth key:secret, Limit/Offset paging, default 10, max 1000; PUT acts like PATCH):
 *   https://dev.mailjet.com/email/guides/ and github.com/mailjet/api-documentation guides/_api-overview.md
 * - Status codes and error shape `{ ErrorInfo, ErrorMessage, StatusCode }`, 304 for a PUT that changed
 *   nothing, 429 for too many calls: https://dev.mailjet.com/docs/email-api/email_api_overview/status_codes
 * - Rate limits (per API key, 429, no number or header published): https://dev.mailjet.com/reference/overview/rate-limits/
 * - Contacts (POST /contact with Email required, 400 "MJ18 ... already exists"; GET /contact/{ID or e-mail};
 *   PUT /contact/{ID} with Name, IsExcludedFromCampaigns): https://dev.mailjet.com/email/reference/contacts/contact/
 *   An e-mail cannot be changed: Mailjet answers 400 "Not allowed to change email address in PUT"
 *   (github.com/mailjet/mailjet-apiv3-php-simple/issues/13; github.com/mailjet/mailjet-apiv3-nodejs/issues/64).
 * - Contact properties (/contactmetadata: Name, Datatype str|int|float|bool|datetime, NameSpace; PUT
 *   /contactdata/{ID} with Data [{Name, Value}], undefined property or wrong type → 400 "Object properties
 *   invalid"): https://dev.mailjet.com/reference/email/contacts/contact-properties/ and guides/_newsletter.md
 * - Lists (POST /contactslist {Name}, Name unique; POST /contact/{ID}/managecontactslists {ContactsLists:
 *   [{ListID, Action: addforce|addnoforce|remove|unsub}]}; GET /contact/{ID}/getcontactslists):
 *   https://dev.mailjet.com/email/reference/contacts/subscriptions/ and guides/_contacts_bulk.md
 * - GDPR delete: DELETE /v4/contacts/{ID} → 200; the contact is anonymised at once and purged after 30
 *   days: guides/_contacts-delete.md
 * Bodies the docs call invalid are answered with Mailjet's 400 and recorded in `rejected`.
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, basicAuth, type FakeContact, FakeCrm } from './base';

export const MAILJET_KEY = 'mj-public-0123456789abcdef';
export const MAILJET_SECRET = 'mj-secret-fedcba9876543210';

const DATATYPES = ['str', 'int', 'float', 'bool', 'datetime'];
const ACTIONS = ['addforce', 'addnoforce', 'remove', 'unsub'];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

export class MailjetFake extends FakeCrm {
	protected readonly prefix = '';
	/** Requests the fake refused as invalid, with Mailjet's message: an adapter bug unless a test meant it. */
	readonly rejected: Array<{ method: string; path: string; message: string }> = [];
	/** The contact's own name (the `Name` of /contact), by contact id. */
	readonly names = new Map<string, string>();
	readonly excluded = new Map<string, boolean>();
	/** Lists a contact is unsubscribed from (still a member), by contact id. */
	readonly unsubscribed = new Map<string, Set<string>>();
	/** GDPR-deleted contacts: anonymised, out of `contacts`, still readable by id. */
	readonly anonymized = new Map<string, FakeContact>();

	constructor() {
		super();
		// Mailjet publishes no figure for its contact routes ("per API key per second"); 10/s is our guess.
		this.rateLimit = { max: 10, windowMs: 1000 };
	}

	protected authorize(req: RecordedRequest): boolean {
		const auth = basicAuth(req);
		return auth?.user === MAILJET_KEY && auth.password === MAILJET_SECRET;
	}

	private error(res: ServerResponse, status: number, message: string, info: unknown = ''): void {
		this.json(res, status, { ErrorInfo: info, ErrorMessage: message, StatusCode: status });
	}

	protected unauthorized(res: ServerResponse): void {
		this.error(res, 401, 'API key authentication/authorization failure. You may be unauthorized to access the API or your API key may be inactive. Visit API keys Management section to check your keys.');
	}

	protected throttled(res: ServerResponse): void {
		this.error(res, 429, 'Too many requests');
	}

	protected serverError(res: ServerResponse, status: number): void {
		this.error(res, status, 'Internal Server Error', { ErrorIdentifier: 'D4DF574C-0C5F-45C7-BA52-7AA8E533C3DE' });
	}

	protected notFound(res: ServerResponse): void {
		this.error(res, 404, 'Object not found');
	}

	private bad(req: RecordedRequest, res: ServerResponse, message: string, info: unknown = ''): void {
		this.rejected.push({ method: req.method, path: req.path, message });
		this.error(res, 400, message, info);
	}

	private list(res: ServerResponse, status: number, rows: unknown[]): void {
		this.json(res, status, { Count: rows.length, Data: rows, Total: rows.length });
	}

	/** `Limit`/`Offset` as Mailjet reads them (default 10, at most 1000). */
	private paged<T>(req: RecordedRequest, res: ServerResponse, rows: T[]): void {
		const limit = Number(req.query.get('Limit') ?? 10);
		const offset = Number(req.query.get('Offset') ?? 0);
		if (!Number.isInteger(limit) || limit < 0 || limit > 1000 || !Number.isInteger(offset) || offset < 0) {
			return this.bad(req, res, 'Invalid Limit or Offset (Limit is at most 1000)');
		}
		// Mailjet's `Total` on listings is the page count unless countOnly is asked for.
		this.list(res, 200, this.page(rows, offset, limit));
	}

	// ---- test helpers -------------------------------------------------------------------------

	/** Defines a contact property (as `POST /contactmetadata` would). */
	addProperty(name: string, datatype = 'str'): void {
		if (!DATATYPES.includes(datatype)) throw new Error(`Mailjet has no Datatype "${datatype}"`);
		this.fields.push({ key: name, label: name, type: datatype, id: this.newId() });
	}

	addList(name: string): string {
		return this.tagByName(name, true)!.id;
	}

	/** A contact as Mailjet stores it, made outside our node (e.g. in Mailjet's app). */
	seedContact(email: string, fields: Record<string, unknown> = {}, name = ''): FakeContact {
		const contact = this.createContact(email, fields);
		this.names.set(contact.id, name);
		return contact;
	}

	unsubscribedFrom(email: string): string[] {
		return [...(this.unsubscribed.get(this.findByEmail(email)?.id ?? '') ?? [])].sort();
	}

	// ---- answers ------------------------------------------------------------------------------

	private contactJson(contact: FakeContact) {
		return {
			CreatedAt: new Date(contact.createdAt).toISOString(),
			DeliveredCount: 0,
			Email: contact.email,
			ExclusionFromCampaignsUpdatedAt: '',
			ID: Number(contact.id),
			IsExcludedFromCampaigns: this.excluded.get(contact.id) ?? false,
			IsOptInPending: false,
			IsSpamComplaining: false,
			LastActivityAt: '',
			LastUpdateAt: '',
			Name: this.names.get(contact.id) ?? '',
			UnsubscribedAt: '',
			UnsubscribedBy: '',
		};
	}

	/** `{ID}` or e-mail, as `/contact/{contact_ID or contact_email}` takes both. */
	private lookup(identifier: string): FakeContact | undefined {
		if (/^\d+$/.test(identifier)) return this.contacts.get(identifier) ?? this.anonymized.get(identifier);
		return this.findByEmail(identifier);
	}

	/** Mailjet's check of a property value against its `Datatype`; `""` clears any type. */
	private fits(datatype: string, value: unknown): boolean {
		if (value === '') return true;
		if (datatype === 'int') return Number.isInteger(value);
		if (datatype === 'float') return typeof value === 'number' && Number.isFinite(value);
		if (datatype === 'bool') return typeof value === 'boolean';
		if (datatype === 'datetime') return Number.isInteger(value) || (typeof value === 'string' && RFC3339.test(value) && !Number.isNaN(Date.parse(value)));
		return typeof value === 'string';
	}

	/** Checks a body's keys against the ones the docs list; the message names the first stranger. */
	private strangers(body: Record<string, unknown>, allowed: string[]): string | undefined {
		return Object.keys(body).find((key) => !allowed.includes(key));
	}

	private setContactFields(req: RecordedRequest, res: ServerResponse, contact: FakeContact, body: Record<string, unknown>, status: number): void {
		if (body.Name !== undefined && typeof body.Name !== 'string') return this.bad(req, res, 'Invalid value for property "Name": a string is expected');
		if (body.IsExcludedFromCampaigns !== undefined && typeof body.IsExcludedFromCampaigns !== 'boolean') {
			return this.bad(req, res, 'Invalid value for property "IsExcludedFromCampaigns": a boolean is expected');
		}
		const changed =
			(body.Name !== undefined && body.Name !== (this.names.get(contact.id) ?? '')) ||
			(body.IsExcludedFromCampaigns !== undefined && body.IsExcludedFromCampaigns !== (this.excluded.get(contact.id) ?? false));
		if (body.Name !== undefined) this.names.set(contact.id, body.Name as string);
		if (body.IsExcludedFromCampaigns !== undefined) this.excluded.set(contact.id, body.IsExcludedFromCampaigns as boolean);
		if (status === 200 && !changed) {
			res.writeHead(304);
			res.end();
			return;
		}
		this.list(res, status, [this.contactJson(contact)]);
	}

	protected routes(): void {
		const REST = '/v3/REST';

		this.route('POST', `${REST}/contact`, (req, res) => {
			const body = asObject(req.body);
			const stranger = this.strangers(body, ['Email', 'Name', 'IsExcludedFromCampaigns']);
			if (stranger) return this.bad(req, res, `Invalid json input: object has no property "${stranger}"`);
			if (body.Email === undefined) return this.bad(req, res, 'Missing mandatory property "Email"');
			if (!this.isEmail(body.Email)) return this.bad(req, res, `"${String(body.Email)}" is an invalid email address`);
			if (this.findByEmail(body.Email)) return this.bad(req, res, `MJ18 A Contact resource with value "${body.Email}" for Email already exists.`);
			const contact = this.createContact(body.Email);
			this.setContactFields(req, res, contact, body, 201);
		});

		this.route('GET', `${REST}/contact/:id`, (req, res, { id }) => {
			const contact = this.lookup(id);
			if (!contact) return this.notFound(res);
			this.list(res, 200, [this.contactJson(contact)]);
		});

		this.route('PUT', `${REST}/contact/:id`, (req, res, { id }) => {
			const contact = this.lookup(id);
			if (!contact || this.anonymized.has(contact.id)) return this.notFound(res);
			const body = asObject(req.body);
			if (body.Email !== undefined && body.Email !== contact.email) return this.bad(req, res, 'Not allowed to change email address in PUT');
			const stranger = this.strangers(body, ['Email', 'Name', 'IsExcludedFromCampaigns']);
			if (stranger) return this.bad(req, res, `Invalid json input: object has no property "${stranger}"`);
			this.setContactFields(req, res, contact, body, 200);
		});

		this.route('GET', `${REST}/contactmetadata`, (req, res) => {
			this.paged(req, res, this.fields.map((field) => ({ Datatype: field.type ?? 'str', ID: Number(field.id ?? 0), Name: field.key, NameSpace: 'static' })));
		});

		this.route('GET', `${REST}/contactdata/:id`, (req, res, { id }) => {
			const contact = this.lookup(id);
			if (!contact) return this.notFound(res);
			const data = Object.entries(contact.fields).map(([Name, Value]) => ({ Name, Value: String(Value) }));
			this.list(res, 200, [{ ContactID: Number(contact.id), Data: data, ID: Number(contact.id) }]);
		});

		this.route('PUT', `${REST}/contactdata/:id`, (req, res, { id }) => {
			const contact = this.lookup(id);
			if (!contact || this.anonymized.has(contact.id)) return this.notFound(res);
			const body = asObject(req.body);
			if (!Array.isArray(body.Data)) return this.bad(req, res, 'Missing mandatory property "Data" (an array)');
			const problems: Array<Record<string, string>> = [];
			for (const entry of body.Data as unknown[]) {
				const { Name, Value } = asObject(entry);
				const property = this.fields.find((field) => field.key === Name);
				if (typeof Name !== 'string' || !property) problems.push({ [String(Name)]: 'Property not defined' });
				else if (!this.fits(property.type ?? 'str', Value)) problems.push({ [Name]: 'Property type does not match definition' });
			}
			if (problems.length) return this.bad(req, res, 'Object properties invalid', { Properties: problems });
			for (const entry of body.Data as Array<{ Name: string; Value: unknown }>) contact.fields[entry.Name] = entry.Value;
			const data = Object.entries(contact.fields).map(([Name, Value]) => ({ Name, Value: String(Value) }));
			this.list(res, 200, [{ ContactID: Number(contact.id), Data: data, ID: Number(contact.id) }]);
		});

		this.route('GET', `${REST}/contactslist`, (req, res) => {
			this.paged(
				req,
				res,
				[...this.tags.values()].map((list) => ({
					Address: `list${list.id}`,
					CreatedAt: '',
					ID: Number(list.id),
					IsDeleted: false,
					Name: list.name,
					SubscriberCount: [...this.contacts.values()].filter((c) => c.tags.has(list.name)).length,
				})),
			);
		});

		this.route('POST', `${REST}/contactslist`, (req, res) => {
			const body = asObject(req.body);
			if (typeof body.Name !== 'string' || !body.Name.trim()) return this.bad(req, res, 'Missing mandatory property "Name"');
			if (this.tagByName(body.Name, false)) return this.bad(req, res, `MJ18 A ContactsList resource with value "${body.Name}" for Name already exists.`);
			const list = this.tagByName(body.Name, true)!;
			this.list(res, 201, [{ Address: `list${list.id}`, CreatedAt: new Date().toISOString(), ID: Number(list.id), IsDeleted: false, Name: list.name, SubscriberCount: 0 }]);
		});

		this.route('POST', `${REST}/contact/:id/managecontactslists`, (req, res, { id }) => {
			const contact = this.lookup(id);
			if (!contact || this.anonymized.has(contact.id)) return this.notFound(res);
			const lists = asObject(req.body).ContactsLists;
			if (!Array.isArray(lists) || !lists.length) return this.bad(req, res, 'Missing mandatory property "ContactsLists"');
			for (const entry of lists as unknown[]) {
				const { ListID, Action } = asObject(entry);
				if (!Number.isInteger(ListID)) return this.bad(req, res, 'Invalid value for "ListID": an integer is expected');
				if (!this.tags.has(String(ListID))) return this.bad(req, res, `List ID ${String(ListID)} not found`);
				if (typeof Action !== 'string' || !ACTIONS.includes(Action)) return this.bad(req, res, `Invalid "Action": one of ${ACTIONS.join(', ')} is expected`);
			}
			const unsub = this.unsubscribed.get(contact.id) ?? new Set<string>();
			this.unsubscribed.set(contact.id, unsub);
			for (const { ListID, Action } of lists as Array<{ ListID: number; Action: string }>) {
				const name = this.tags.get(String(ListID))!.name;
				if (Action === 'remove') {
					contact.tags.delete(name);
					unsub.delete(name);
					continue;
				}
				contact.tags.add(name);
				if (Action === 'unsub') unsub.add(name);
				if (Action === 'addforce') unsub.delete(name);
			}
			this.list(res, 201, [{ ContactsLists: lists }]);
		});

		this.route('GET', `${REST}/contact/:id/getcontactslists`, (req, res, { id }) => {
			const contact = this.lookup(id);
			if (!contact) return this.notFound(res);
			const unsub = this.unsubscribed.get(contact.id) ?? new Set<string>();
			this.list(
				res,
				200,
				[...contact.tags].map((name) => ({ IsActive: !unsub.has(name), IsUnsub: unsub.has(name), ListID: Number(this.tagByName(name, false)!.id), SubscribedAt: '' })),
			);
		});

		this.route('DELETE', '/v4/contacts/:id', (req, res, { id }) => {
			const contact = this.contacts.get(id);
			if (!contact) return this.notFound(res);
			this.contacts.delete(id);
			contact.email = `\\x${id.padStart(40, '0')}@domain.invalid`;
			contact.fields = {};
			contact.tags.clear();
			this.names.set(id, 'Anonymized');
			this.anonymized.set(id, contact);
			this.list(res, 200, [this.contactJson(contact)]);
		});
	}
}
