/**
 * HubSpot CRM v3 contacts and properties (https://developers.hubspot.com/docs/api/crm/contacts), as
 * the adapter uses them: private-app Bearer token, properties as strings, `;`-separated multi-checkbox
 * values that must be defined options, 409 "Contact already exists. Existing ID: n" on a duplicate
 * create, `idProperty=email` lookups, batch upsert/read of at most 100 inputs answering 207 with
 * per-input errors, and the 429 `RATE_LIMIT` answer with X-HubSpot-RateLimit-* headers (no Retry-After).
 */
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, bearer, type FakeContact, FakeCrm } from './base';

export const HUBSPOT_TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';

interface Property {
	name: string;
	label: string;
	type: string;
	fieldType: string;
	groupName: string;
	hubspotDefined?: boolean;
	options: Array<{ label: string; value: string; displayOrder: number; hidden: boolean }>;
	modificationMetadata: { readOnlyValue: boolean; archivable: boolean; readOnlyDefinition: boolean };
}

const standard = (name: string, label: string, readOnly = false): Property => ({
	name,
	label,
	type: 'string',
	fieldType: 'text',
	groupName: 'contactinformation',
	hubspotDefined: true,
	options: [],
	modificationMetadata: { readOnlyValue: readOnly, archivable: false, readOnlyDefinition: true },
});

export class HubSpotFake extends FakeCrm {
	protected readonly prefix = '';
	/** Answer a batch with any invalid input with one 400 for the whole batch (nothing saved), as HubSpot can. */
	rejectWholeBatch = false;
	properties: Property[] = [
		standard('email', 'Email'),
		standard('firstname', 'First Name'),
		standard('lastname', 'Last Name'),
		standard('phone', 'Phone Number'),
		standard('company', 'Company Name'),
		standard('website', 'Website URL'),
		standard('city', 'City'),
		standard('country', 'Country/Region'),
		standard('hs_object_id', 'Record ID', true),
		standard('createdate', 'Create Date', true),
	];

	/** Adds a custom text property (what `fields` of other fakes are). */
	addProperty(name: string, label: string): void {
		this.properties.push({ ...standard(name, label), hubspotDefined: false, groupName: 'contactinformation' });
	}

	protected authorize(req: RecordedRequest): boolean {
		return bearer(req) === HUBSPOT_TOKEN;
	}

	protected unauthorized(res: ServerResponse): void {
		this.json(res, 401, {
			status: 'error',
			message: 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
			correlationId: 'c0ffee00-0000-0000-0000-000000000000',
			category: 'INVALID_AUTHENTICATION',
		});
	}

	/** Answer throttles as the daily limit (policy DAILY) instead of the 10-second one. */
	dailyLimitReached = false;

	protected throttled(res: ServerResponse): void {
		if (this.dailyLimitReached) {
			return this.json(res, 429, { status: 'error', message: 'You have reached your daily limit.', errorType: 'RATE_LIMIT', correlationId: 'c0ffee00', policyName: 'DAILY' }, { 'x-hubspot-ratelimit-daily': '250000', 'x-hubspot-ratelimit-daily-remaining': '0' });
		}
		this.json(
			res,
			429,
			{ status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', correlationId: 'c0ffee00', policyName: 'TEN_SECONDLY_ROLLING' },
			{ 'x-hubspot-ratelimit-max': '190', 'x-hubspot-ratelimit-remaining': '0', 'x-hubspot-ratelimit-interval-milliseconds': '10000' },
		);
	}

	private record(contact: FakeContact, wanted?: string[]) {
		const properties: Record<string, unknown> = { hs_object_id: contact.id, email: contact.email };
		for (const name of wanted ?? ['email', 'firstname', 'lastname']) {
			if (name in contact.fields) properties[name] = contact.fields[name];
		}
		return { id: contact.id, properties, createdAt: new Date(contact.createdAt).toISOString(), updatedAt: new Date().toISOString(), archived: false };
	}

	/** HubSpot's validation of a properties object; a message per problem, empty when valid. */
	private problems(properties: Record<string, unknown>): string[] {
		const out: string[] = [];
		for (const [name, value] of Object.entries(properties)) {
			const property = this.properties.find((p) => p.name === name);
			if (!property) {
				out.push(`Property values were not valid: [{"isValid":false,"message":"Property \\"${name}\\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"${name}"}]`);
				continue;
			}
			if (property.modificationMetadata.readOnlyValue) out.push(`Property values were not valid: [{"isValid":false,"message":"${name} is a read only property","error":"READ_ONLY_VALUE","name":"${name}"}]`);
			if (name === 'email' && value !== '' && !this.isEmail(value)) {
				out.push(`Property values were not valid: [{"isValid":false,"message":"Email address ${String(value)} is invalid","error":"INVALID_EMAIL","name":"email"}]`);
			}
			if (property.type === 'enumeration') {
				const allowed = new Set(property.options.map((o) => o.value));
				const bad = String(value ?? '').split(';').filter((v) => v && !allowed.has(v));
				if (bad.length) out.push(`Property values were not valid: [{"isValid":false,"message":"${bad[0]} was not one of the allowed options","error":"INVALID_OPTION","name":"${name}"}]`);
			}
		}
		return out;
	}

	private write(contact: FakeContact, properties: Record<string, unknown>): void {
		for (const [name, value] of Object.entries(properties)) {
			if (name === 'email') contact.email = String(value);
			else contact.fields[name] = value;
		}
		const tagProperty = this.properties.find((p) => p.type === 'enumeration' && p.name in contact.fields && p.name === 'wpum_tags');
		if (tagProperty) contact.tags = new Set(String(contact.fields[tagProperty.name] ?? '').split(';').filter(Boolean));
	}

	private byIdOrEmail(req: RecordedRequest, id: string): FakeContact | undefined {
		return req.query.get('idProperty') === 'email' ? this.findByEmail(id) : this.contacts.get(id);
	}

	private notFoundObject(res: ServerResponse): void {
		this.json(res, 404, { status: 'error', message: 'resource not found', correlationId: 'c0ffee00', category: 'OBJECT_NOT_FOUND' });
	}

	protected routes(): void {
		const C = '/crm/v3/objects/contacts';
		const P = '/crm/v3/properties/contacts';

		this.route('GET', P, (_req, res) => this.json(res, 200, { results: this.properties }));
		this.route('GET', `${P}/:name`, (_req, res, { name }) => {
			const property = this.properties.find((p) => p.name === name);
			if (!property) return this.json(res, 404, { status: 'error', message: `Unable to find property ${name}`, category: 'OBJECT_NOT_FOUND' });
			this.json(res, 200, property);
		});
		this.route('POST', P, (req, res) => {
			const body = asObject(req.body);
			if (!body.name || !body.label || !body.type || !body.fieldType || !body.groupName) {
				return this.json(res, 400, { status: 'error', message: 'Invalid input JSON: name, label, type, fieldType and groupName are required', category: 'VALIDATION_ERROR' });
			}
			if (this.properties.some((p) => p.name === body.name)) {
				return this.json(res, 409, { status: 'error', message: `Property ${String(body.name)} already exists`, category: 'OBJECT_ALREADY_EXISTS' });
			}
			const property = { ...standard(String(body.name), String(body.label)), ...body, hubspotDefined: false } as Property;
			this.properties.push(property);
			this.json(res, 201, property);
		});
		this.route('PATCH', `${P}/:name`, (req, res, { name }) => {
			const property = this.properties.find((p) => p.name === name);
			if (!property) return this.json(res, 404, { status: 'error', message: `Unable to find property ${name}`, category: 'OBJECT_NOT_FOUND' });
			Object.assign(property, asObject(req.body));
			this.json(res, 200, property);
		});

		this.route('GET', C, (req, res) => {
			const limit = Number(req.query.get('limit') ?? 10);
			this.json(res, 200, { results: [...this.contacts.values()].slice(0, limit).map((c) => this.record(c)) });
		});
		this.route('GET', `${C}/:id`, (req, res, { id }) => {
			const contact = this.byIdOrEmail(req, id);
			if (!contact) return this.notFoundObject(res);
			this.json(res, 200, this.record(contact, (req.query.get('properties') ?? 'email').split(',')));
		});
		this.route('POST', C, (req, res) => {
			const properties = asObject(asObject(req.body).properties);
			const problems = this.problems(properties);
			if (problems.length) return this.json(res, 400, { status: 'error', message: problems[0], category: 'VALIDATION_ERROR' });
			const existing = typeof properties.email === 'string' ? this.findByEmail(properties.email) : undefined;
			if (existing) return this.json(res, 409, { status: 'error', message: `Contact already exists. Existing ID: ${existing.id}`, category: 'CONFLICT' });
			const contact = this.createContact(String(properties.email ?? ''));
			this.write(contact, properties);
			this.json(res, 201, this.record(contact, Object.keys(properties)));
		});
		this.route('PATCH', `${C}/:id`, (req, res, { id }) => {
			const contact = this.byIdOrEmail(req, id);
			if (!contact) return this.notFoundObject(res);
			const properties = asObject(asObject(req.body).properties);
			const problems = this.problems(properties);
			if (problems.length) return this.json(res, 400, { status: 'error', message: problems[0], category: 'VALIDATION_ERROR' });
			const other = typeof properties.email === 'string' ? this.findByEmail(properties.email) : undefined;
			if (other && other.id !== contact.id) return this.json(res, 409, { status: 'error', message: `Contact already exists. Existing ID: ${other.id}`, category: 'CONFLICT' });
			this.write(contact, properties);
			this.json(res, 200, this.record(contact, Object.keys(properties)));
		});
		this.route('DELETE', `${C}/:id`, (_req, res, { id }) => {
			this.contacts.delete(id);
			this.json(res, 204, undefined);
		});

		this.route('POST', `${C}/batch/read`, (req, res) => {
			const body = asObject(req.body);
			const inputs = (body.inputs as Array<{ id: string }>) ?? [];
			if (inputs.length > 100) return this.json(res, 400, { status: 'error', message: 'Batch input limit is 100', category: 'VALIDATION_ERROR' });
			const results = [];
			const missing: string[] = [];
			for (const input of inputs) {
				const contact = body.idProperty === 'email' ? this.findByEmail(input.id) : this.contacts.get(input.id);
				if (contact) results.push(this.record(contact, (body.properties as string[]) ?? ['email']));
				else missing.push(input.id);
			}
			const errors = missing.length ? [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not get some CONTACT objects, they may be deleted or not exist.', context: { ids: missing } }] : [];
			this.json(res, errors.length ? 207 : 200, { status: 'COMPLETE', results, ...(errors.length ? { numErrors: errors.length, errors } : {}) });
		});

		this.route('POST', `${C}/batch/upsert`, (req, res) => {
			const inputs = (asObject(req.body).inputs as Array<{ idProperty?: string; id: string; properties: Record<string, unknown> }>) ?? [];
			if (!inputs.length || inputs.length > 100) {
				return this.json(res, 400, { status: 'error', message: `Batch input must have between 1 and 100 inputs, got ${inputs.length}`, category: 'VALIDATION_ERROR' });
			}
			const ids = inputs.map((input) => String(input.id).toLowerCase());
			const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
			if (duplicates.length) {
				return this.json(res, 400, { status: 'error', message: `Duplicate IDs found in batch input: [${duplicates.join(', ')}]. IDs must be unique`, category: 'VALIDATION_ERROR' });
			}
			if (this.rejectWholeBatch) {
				const bad = inputs.map((input) => this.problems({ ...input.properties, email: input.id })).find((p) => p.length);
				if (bad) return this.json(res, 400, { status: 'error', message: bad[0], category: 'VALIDATION_ERROR' });
			}
			const results = [];
			const errors = [];
			for (const input of inputs) {
				if (input.idProperty !== 'email') {
					errors.push({ status: 'error', category: 'VALIDATION_ERROR', message: 'idProperty must be a unique property such as email', context: { ids: [input.id] } });
					continue;
				}
				const properties = { ...input.properties, email: input.properties?.email ?? input.id };
				const problems = this.problems({ ...properties, email: input.id });
				if (problems.length) {
					errors.push({ status: 'error', category: 'VALIDATION_ERROR', message: problems[0], context: { ids: [input.id] } });
					continue;
				}
				const existing = this.findByEmail(input.id);
				const contact = existing ?? this.createContact(input.id);
				this.write(contact, properties);
				results.push({ ...this.record(contact, Object.keys(properties)), new: !existing });
			}
			this.json(res, errors.length ? 207 : 200, { status: 'COMPLETE', results, ...(errors.length ? { numErrors: errors.length, errors } : {}) });
		});
	}
}
