import { createHash } from 'node:crypto';

import { WpumCrm } from '../../nodes/WpumCrm/WpumCrm.node';
import { memberHash } from '../../nodes/WpumCrm/adapters/mailchimp';
import { WpumMailchimpApi } from '../../credentials/WpumMailchimpApi.credentials';
import { Harness } from '../harness';
import { MAILCHIMP_AUDIENCE, MAILCHIMP_KEY, MailchimpFake } from './fakes/mailchimp';

describe('Mailchimp adapter specifics', () => {
	let fake: MailchimpFake;
	beforeEach(async () => {
		fake = new MailchimpFake();
		fake.fields.push({ key: 'FNAME', label: 'First Name' });
		await fake.start();
	});
	afterEach(async () => {
		await fake.close();
	});

	const harness = () =>
		new Harness({
			nodeTypes: [WpumCrm],
			credentialTypes: [WpumMailchimpApi],
			credentials: { wpumMailchimpApi: { apiKey: MAILCHIMP_KEY, baseUrl: `${fake.url}/3.0` } },
		});

	it('keys members by the MD5 of the lower-cased e-mail', async () => {
		expect(memberHash(' Jane@Example.COM ')).toBe(createHash('md5').update('jane@example.com').digest('hex'));
		const { error } = await harness().runNode(
			{ type: 'wpumCrm', parameters: { crm: 'mailchimp', operation: 'upsert', mailchimpAudience: MAILCHIMP_AUDIENCE } },
			[{ email: 'Jane@Example.com', fields: { FNAME: 'Jane' } }],
		);
		expect(error).toBeUndefined();
		const put = fake.requests.find((r) => r.method === 'PUT');
		expect(put?.path).toBe(`/3.0/lists/${MAILCHIMP_AUDIENCE}/members/${createHash('md5').update('jane@example.com').digest('hex')}`);
		expect(put?.body).toMatchObject({ email_address: 'Jane@Example.com', status_if_new: 'subscribed', merge_fields: { FNAME: 'Jane' } });
	});

	it('loads every audience of the account for the Audience dropdown', async () => {
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'mailchimp' } }, 'getMailchimpAudiences');
		expect(options).toHaveLength(fake.audiences.length);
		expect(options[0]).toMatchObject({ name: 'WordPress members', value: MAILCHIMP_AUDIENCE });
	});

	it('retries a 403 that says it is throttling, but not a plain 403, which points at the credential', async () => {
		const params = { crm: 'mailchimp', operation: 'get', mailchimpAudience: MAILCHIMP_AUDIENCE, lookupBy: 'email', lookupEmail: 'a@example.com' };
		fake.failNext(1, 403);
		const forbidden = await harness().runNode({ type: 'wpumCrm', parameters: params }, [{}]);
		expect(forbidden.error?.message).toMatch(/Forbidden: This API key does not have permission/);
		expect(forbidden.error?.message).toContain('Check the Mailchimp credential');
		expect(fake.requests).toHaveLength(1);

		fake.throttleNext(2); // the fake answers 429, then a 403 naming the throttling
		const throttled = await harness().runNode({ type: 'wpumCrm', parameters: params }, [{}]);
		expect(throttled.error).toBeUndefined();
		expect(throttled.output[0][0].json).toMatchObject({ found: false });
		expect(fake.requests.slice(1).map((r) => r.method)).toEqual(['GET', 'GET', 'GET']);
	});

	it('sends contacts that change e-mail one by one, the rest in one batch subscribe', async () => {
		const h = harness();
		const params = { crm: 'mailchimp', operation: 'upsert', mailchimpAudience: MAILCHIMP_AUDIENCE };
		const first = await h.runNode({ type: 'wpumCrm', parameters: params }, [{ email: 'old@example.com', fields: {} }]);
		const contactId = first.output[0][0].json.contactId;
		const { output, error } = await h.runNode({ type: 'wpumCrm', parameters: params }, [
			{ email: 'new@example.com', contactId, fields: {} },
			{ email: 'a@example.com', fields: {}, tags: ['Member'] },
			{ email: 'b@example.com', fields: {} },
		]);
		expect(error).toBeUndefined();
		expect(output[0].map((i) => i.json.action)).toEqual(['updated', 'created', 'created']);
		expect(output[0][0].json.contactId).toBe(contactId);
		expect(fake.contactCount()).toBe(3);
		expect(fake.tagNamesOf('a@example.com')).toEqual(['Member']);
		expect(fake.requests.filter((r) => r.method === 'POST' && r.path === `/3.0/lists/${MAILCHIMP_AUDIENCE}`)).toHaveLength(1);
	});

	it('can be told not to batch, so existing members keep their status', async () => {
		const params = { crm: 'mailchimp', operation: 'upsert', mailchimpAudience: MAILCHIMP_AUDIENCE, mailchimpUseBatch: false };
		const { output } = await harness().runNode({ type: 'wpumCrm', parameters: params }, [
			{ email: 'a@example.com', fields: {} },
			{ email: 'b@example.com', fields: {} },
		]);
		expect(output[0]).toHaveLength(2);
		expect(fake.requests.filter((r) => r.method === 'POST' && r.path === `/3.0/lists/${MAILCHIMP_AUDIENCE}`)).toHaveLength(0);
		expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(2);
	});
});
