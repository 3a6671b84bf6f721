/**
 * Mailchimp Marketing API 3.0 list members (https://mailchimp.com/developer/marketing/api/list-members/):
 * Basic auth `anystring:<key>`, members addressed by MD5 of the lower-cased e-mail (or the e-mail, or
 * contact_id), `PUT` add-or-update needing `status_if_new` for new members, `POST` refusing an existing
 * member ("Member Exists"), tags by name via `/tags` with active/inactive, batch subscribe of at most
 * 500 with per-member `errors`, `count`/`offset` paging (default 10), problem+json errors, and its
 * throttling: 429 "Too Many Requests" and, as Mailchimp also does, a 403 that says it is throttling.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import type { RecordedRequest } from '../../support/http-server';
import { asObject, basicAuth, type FakeContact, FakeCrm } from './base';

export const MAILCHIMP_KEY = '0123456789abcdef0123456789abcdef-us21';
export const MAILCHIMP_AUDIENCE = 'a1b2c3d4e5';
const STATUSES = ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional'];

const md5 = (email: string) => createHash('md5').update(email.toLowerCase()).digest('hex');

export class MailchimpFake extends FakeCrm {
	protected readonly prefix = '/3.0';
	readonly audiences = [
		{ id: MAILCHIMP_AUDIENCE, name: 'WordPress members' },
		...Array.from({ length: 11 }, (_, n) => ({ id: `other${n}`, name: `Other audience ${n + 1}` })),
	];
	private throttleCount = 0;

	protected authorize(req: RecordedRequest): boolean {
		return basicAuth(req)?.password === MAILCHIMP_KEY;
	}

	private problem(res: ServerResponse, status: number, title: string, detail: string, extra: Record<string, unknown> = {}): void {
		this.json(res, status, { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail, instance: 'c0ffee00', ...extra }, { 'content-type': 'application/problem+json' });
	}

	protected unauthorized(res: ServerResponse): void {
		this.problem(res, 401, 'API Key Invalid', "Your API key may be invalid, or you've attempted to access the wrong datacenter.");
	}

	protected throttled(res: ServerResponse): void {
		// Alternate both documented signals: 429, and a 403 that names the throttling.
		if (this.throttleCount++ % 2 === 0) return this.problem(res, 429, 'Too Many Requests', 'You have exceeded the limit of 10 simultaneous connections.');
		this.problem(res, 403, 'Forbidden', 'Your request was throttled: too many simultaneous connections. Please try again shortly.');
	}

	protected serverError(res: ServerResponse, status: number): void {
		if (status === 403) return this.problem(res, 403, 'Forbidden', 'This API key does not have permission to access this resource.');
		this.problem(res, status, 'Internal Server Error', 'An unexpected internal error has occurred. Please contact Support for more information.');
	}

	protected notFound(res: ServerResponse): void {
		this.problem(res, 404, 'Resource Not Found', 'The requested resource could not be found.');
	}

	private member(contact: FakeContact) {
		const tags = [...contact.tags].map((name) => ({ id: Number(this.tagByName(name, true)!.id), name }));
		return {
			id: md5(contact.email),
			contact_id: contact.id,
			email_address: contact.email,
			status: contact.fields.__status,
			merge_fields: Object.fromEntries(this.fields.map((f) => [f.key, contact.fields[f.key] ?? ''])),
			tags,
			list_id: MAILCHIMP_AUDIENCE,
		};
	}

	private resolve(ref: string): FakeContact | undefined {
		return [...this.contacts.values()].find((c) => md5(c.email) === ref || c.email.toLowerCase() === ref.toLowerCase() || c.id === ref);
	}

	private applyMergeFields(contact: FakeContact, mergeFields: unknown): string | undefined {
		for (const [key, value] of Object.entries(asObject(mergeFields))) {
			const field = this.fields.find((f) => f.key === key);
			if (!field) return `Your merge fields were invalid: ${key} is not a merge field of this audience.`;
			contact.fields[key] = value;
		}
		return undefined;
	}

	private checkAudience(res: ServerResponse, list: string): boolean {
		if (list === MAILCHIMP_AUDIENCE) return true;
		this.notFound(res);
		return false;
	}

	private pageOf<T>(req: RecordedRequest, rows: T[]): T[] {
		const count = Math.min(1000, Number(req.query.get('count') ?? 10));
		const offset = Number(req.query.get('offset') ?? 0);
		return rows.slice(offset, offset + count);
	}

	protected routes(): void {
		const M = '/lists/:list/members';
		this.route('GET', '/ping', (_req, res) => this.json(res, 200, { health_status: "Everything's Chimpy!" }));

		this.route('GET', '/lists', (req, res) => {
			this.json(res, 200, { lists: this.pageOf(req, this.audiences).map((a) => ({ ...a, stats: { member_count: a.id === MAILCHIMP_AUDIENCE ? this.contacts.size : 0 } })), total_items: this.audiences.length });
		});

		this.route('GET', '/lists/:list/merge-fields', (req, res, { list }) => {
			if (!this.checkAudience(res, list)) return;
			const rows = this.fields.map((f, i) => ({ merge_id: i + 1, tag: f.key, name: f.label, type: f.type ?? 'text', list_id: list }));
			this.json(res, 200, { merge_fields: this.pageOf(req, rows), list_id: list, total_items: rows.length });
		});

		this.route('GET', '/lists/:list/segments', (req, res, { list }) => {
			if (!this.checkAudience(res, list)) return;
			const rows = [...this.tags.values()].map((t) => ({ id: Number(t.id), name: t.name, type: 'static', member_count: 0 }));
			this.json(res, 200, { segments: this.pageOf(req, rows), total_items: rows.length });
		});

		this.route('GET', `${M}/:ref`, (_req, res, { list, ref }) => {
			if (!this.checkAudience(res, list)) return;
			const contact = this.resolve(ref);
			if (!contact) return this.notFound(res);
			this.json(res, 200, this.member(contact));
		});

		this.route('POST', M, (req, res, { list }) => {
			if (!this.checkAudience(res, list)) return;
			const body = asObject(req.body);
			if (!this.isEmail(body.email_address)) return this.problem(res, 400, 'Invalid Resource', 'Please provide a valid email address.');
			if (this.findByEmail(body.email_address)) {
				return this.problem(res, 400, 'Member Exists', `${body.email_address} is already a list member. Use PUT to insert or update list members.`);
			}
			if (!STATUSES.includes(String(body.status))) return this.problem(res, 400, 'Invalid Resource', 'The resource submitted could not be validated.', { errors: [{ field: 'status', message: 'Data did not match any of the schemas described in anyOf.' }] });
			const contact = this.createContact(body.email_address, { __status: body.status });
			const problem = this.applyMergeFields(contact, body.merge_fields);
			if (problem) {
				this.contacts.delete(contact.id);
				return this.problem(res, 400, 'Invalid Resource', problem);
			}
			this.json(res, 200, this.member(contact));
		});

		this.route('PUT', `${M}/:ref`, (req, res, { list, ref }) => {
			if (!this.checkAudience(res, list)) return;
			const body = asObject(req.body);
			if (!this.isEmail(body.email_address)) return this.problem(res, 400, 'Invalid Resource', 'Please provide a valid email address.');
			let contact = this.resolve(ref);
			if (!contact) {
				if (md5(body.email_address) !== ref) return this.problem(res, 400, 'Invalid Resource', 'The subscriber hash does not match the email address.');
				const status = body.status_if_new ?? body.status;
				if (!STATUSES.includes(String(status))) return this.problem(res, 400, 'Invalid Resource', 'The resource submitted could not be validated.', { errors: [{ field: 'status_if_new', message: 'A status is required for new members.' }] });
				contact = this.createContact(body.email_address, { __status: status });
			} else {
				contact.email = body.email_address;
				if (body.status) contact.fields.__status = body.status;
			}
			const problem = this.applyMergeFields(contact, body.merge_fields);
			if (problem) return this.problem(res, 400, 'Invalid Resource', problem);
			this.json(res, 200, this.member(contact));
		});

		this.route('PATCH', `${M}/:ref`, (req, res, { list, ref }) => {
			if (!this.checkAudience(res, list)) return;
			const contact = this.resolve(ref);
			if (!contact) return this.notFound(res);
			const body = asObject(req.body);
			if (body.email_address !== undefined) {
				if (!this.isEmail(body.email_address)) return this.problem(res, 400, 'Invalid Resource', 'Please provide a valid email address.');
				const other = this.findByEmail(body.email_address);
				if (other && other.id !== contact.id) return this.problem(res, 400, 'Member Exists', `${body.email_address} is already a list member.`);
				contact.email = body.email_address;
			}
			if (body.status) contact.fields.__status = body.status;
			const problem = this.applyMergeFields(contact, body.merge_fields);
			if (problem) return this.problem(res, 400, 'Invalid Resource', problem);
			this.json(res, 200, this.member(contact));
		});

		this.route('DELETE', `${M}/:ref`, (_req, res, { list, ref }) => {
			if (!this.checkAudience(res, list)) return;
			const contact = this.resolve(ref);
			if (!contact) return this.notFound(res);
			this.contacts.delete(contact.id);
			this.json(res, 204, undefined);
		});

		this.route('POST', `${M}/:ref/tags`, (req, res, { list, ref }) => {
			if (!this.checkAudience(res, list)) return;
			const contact = this.resolve(ref);
			if (!contact) return this.notFound(res);
			for (const tag of (asObject(req.body).tags as Array<{ name: string; status: string }>) ?? []) {
				if (tag.status === 'active') contact.tags.add(this.tagByName(tag.name, true)!.name);
				else if (tag.status === 'inactive') {
					const known = this.tagByName(tag.name, false);
					if (known) contact.tags.delete(known.name);
				} else return this.problem(res, 400, 'Invalid Resource', 'Tag status must be active or inactive.');
			}
			this.json(res, 204, undefined);
		});

		this.route('POST', '/lists/:list', (req, res, { list }) => {
			if (!this.checkAudience(res, list)) return;
			const body = asObject(req.body);
			const members = (body.members as Array<Record<string, unknown>>) ?? [];
			if (members.length > 500) return this.problem(res, 400, 'Invalid Resource', 'You may only add or update 500 members per request.');
			const created: unknown[] = [];
			const updated: unknown[] = [];
			const errors: unknown[] = [];
			for (const input of members) {
				const email = input.email_address;
				if (!this.isEmail(email)) {
					errors.push({ email_address: String(email), error: 'Please provide a valid email address.', error_code: 'ERROR_GENERIC' });
					continue;
				}
				if (!STATUSES.includes(String(input.status))) {
					errors.push({ email_address: email, error: 'Invalid status.', error_code: 'ERROR_GENERIC' });
					continue;
				}
				const existing = this.findByEmail(email);
				if (existing && !body.update_existing) {
					errors.push({ email_address: email, error: `${email} is already a list member, do you want to update? please provide update_existing:true in the request body`, error_code: 'ERROR_CONTACT_EXISTS' });
					continue;
				}
				const contact = existing ?? this.createContact(email);
				contact.fields.__status = input.status;
				const problem = this.applyMergeFields(contact, input.merge_fields);
				if (problem) {
					if (!existing) this.contacts.delete(contact.id);
					errors.push({ email_address: email, error: problem, error_code: 'ERROR_GENERIC' });
					continue;
				}
				if (body.sync_tags) contact.tags.clear();
				for (const name of (input.tags as string[]) ?? []) contact.tags.add(this.tagByName(name, true)!.name);
				(existing ? updated : created).push(this.member(contact));
			}
			this.json(res, 200, {
				new_members: created,
				updated_members: updated,
				errors,
				total_created: created.length,
				total_updated: updated.length,
				error_count: errors.length,
			});
		});
	}
}
