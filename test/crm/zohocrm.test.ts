/**
 * Zoho CRM specifics beyond the contract suite: OAuth2 through n8n's real OAuth2 path (token refresh,
 * data-centre URLs), the Last_Name Zoho requires, typed values, tag creation, e-mail changes, the two
 * 429 answers, and the fake's own refusals (so a wrong adapter request fails a test).
 */
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { WpumZohoCrmOAuth2Api } from '../../credentials/WpumZohoCrmOAuth2Api.credentials';
import { WpumCrm } from '../../nodes/WpumCrm/WpumCrm.node';
import { zohocrm } from '../../nodes/WpumCrm/adapters/zohocrm';
import { Harness } from '../harness';
import { TestCredentialsHelper } from '../harness/credentials-helper';
import { ZOHO_FIRST_ACCESS_TOKEN, ZOHO_REFRESH_TOKEN, type ZohoCrmFake } from './fakes/zohocrm';
import { useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { zohoCredentials, zohocrmTarget } from './targets/zohocrm';

const CREDENTIAL = 'wpumZohoCrmOAuth2Api';

describe('Zoho CRM adapter', () => {
	const { state, run } = useTarget<ZohoCrmFake>(zohocrmTarget as CrmTarget<ZohoCrmFake>);
	const upsertPath = '/crm/v8/Contacts/upsert';
	const calls = (method: string, path: string) => state.fake.requests.filter((r) => r.method === method && r.path === path);

	/** A harness whose credential data the test keeps, to see what n8n stored after a refresh. */
	function ownHarness(credentials: ICredentialDataDecryptedObject) {
		const harness = new Harness({ nodeTypes: [WpumCrm], credentialTypes: [WpumZohoCrmOAuth2Api], credentials: { [CREDENTIAL]: credentials } });
		return async (operation: string, input: object[], extra: object = {}) =>
			await harness.runNode({ type: 'wpumCrm', parameters: { crm: 'zohocrm', operation, options: { maxRateLimitWait: 20 }, ...extra } as INodeParameters }, input as never);
	}

	describe('OAuth2', () => {
		it('refreshes an expired access token at the token URL, retries the request and keeps the new token', async () => {
			const credentials = zohoCredentials(state.fake);
			const runOwn = ownHarness(credentials);
			state.fake.expireTokens();

			const first = await runOwn('upsert', [{ email: 'jane@example.com', fields: { Last_Name: 'Doe' } }]);
			expect(first.error).toBeUndefined();
			expect(state.fake.findByEmail('jane@example.com')?.fields.Last_Name).toBe('Doe');
			expect(state.fake.tokenRequests).toHaveLength(1);
			const form = new URLSearchParams(state.fake.tokenRequests[0].rawBody);
			expect(Object.fromEntries(form)).toMatchObject({
				grant_type: 'refresh_token',
				refresh_token: ZOHO_REFRESH_TOKEN,
				client_id: credentials.clientId,
				client_secret: credentials.clientSecret,
			});
			// The request that met INVALID_TOKEN went out again with the new token, signed by n8n's OAuth2 client.
			const refused = state.fake.requests.filter((r) => r.headers.authorization === `Bearer ${ZOHO_FIRST_ACCESS_TOKEN}`);
			expect(refused).toHaveLength(1);
			expect(state.fake.requests.at(-1)?.headers.authorization).toBe('Bearer 1000.access.1');
			// n8n stored the new token (the refresh token stays), so the next run needs no refresh.
			expect(credentials.oauthTokenData).toMatchObject({ access_token: '1000.access.1', refresh_token: ZOHO_REFRESH_TOKEN });
			const second = await runOwn('upsert', [{ email: 'jane@example.com', fields: { Last_Name: 'Dough' } }]);
			expect(second.error).toBeUndefined();
			expect(state.fake.tokenRequests).toHaveLength(1);
			expect(state.fake.findByEmail('jane@example.com')?.fields.Last_Name).toBe('Dough');
		});

		it('says to reconnect the credential when Zoho refuses the refresh token, and writes nothing', async () => {
			state.fake.expireTokens();
			const runOwn = ownHarness(zohoCredentials(state.fake, { access: ZOHO_FIRST_ACCESS_TOKEN, refresh: '1000.refresh.revoked' }));
			const { error } = await runOwn('upsert', [{ email: 'jane@example.com', fields: {} }]);
			expect(error?.message).toContain('Zoho CRM refused the request (HTTP 401: invalid oauth token (INVALID_TOKEN))');
			expect(error?.message).toContain('Check the Zoho CRM credential');
			expect(state.fake.tokenRequests).toHaveLength(1);
			expect(state.fake.contactCount()).toBe(0);
		});

		it('fills the data centre\'s token URL into the credential and finds the API domain', async () => {
			const helper = new TestCredentialsHelper(new Map([[CREDENTIAL, new WpumZohoCrmOAuth2Api()]]), {
				[CREDENTIAL]: { accountsServer: 'https://accounts.zoho.eu', clientId: 'id', clientSecret: 'secret' },
			});
			const decrypted = await helper.getDecrypted({}, { id: 'c', name: 'c' }, CREDENTIAL);
			expect(decrypted).toMatchObject({
				accessTokenUrl: 'https://accounts.zoho.eu/oauth/v2/token',
				authUrl: 'https://accounts.zoho.eu/oauth/v2/auth',
				grantType: 'authorizationCode',
				authentication: 'body',
			});
			expect(String(decrypted.authQueryParameters)).toContain('access_type=offline');
			// No api_domain in the token data: the data centre's; Zoho's api_domain wins; an explicit base URL wins over both.
			expect(zohocrm.baseUrl(decrypted)).toBe('https://www.zohoapis.eu');
			expect(zohocrm.baseUrl({ accountsServer: 'https://accounts.zohocloud.ca' })).toBe('https://www.zohoapis.ca');
			expect(zohocrm.baseUrl({ ...decrypted, oauthTokenData: { api_domain: 'https://www.zohoapis.com.au' } })).toBe('https://www.zohoapis.com.au');
			expect(zohocrm.baseUrl({ ...decrypted, baseUrl: 'https://sandbox.zohoapis.eu/', oauthTokenData: { api_domain: 'x' } })).toBe('https://sandbox.zohoapis.eu');
		});
	});

	describe('contacts', () => {
		it('upserts a batch in one call and creates the new contacts that lack a Last_Name with one insert, never overwriting a real last name', async () => {
			await run('upsert', [{ email: 'known@example.com', fields: { Last_Name: 'Known' } }]);
			const input = ['known@example.com', 'ann.lee@example.com', 'bob@example.com'].map((email) => ({ email, fields: { Membership_Level: 'Gold' } }));
			const { items, error } = await run('upsert', input);
			expect(error).toBeUndefined();
			expect(calls('POST', upsertPath)).toHaveLength(2);
			const batch = calls('POST', upsertPath)[1].body as { data: Array<Record<string, unknown>>; duplicate_check_fields: string[] };
			expect(batch.duplicate_check_fields).toEqual(['Email']);
			expect(batch.data.map((r) => r.Email)).toEqual(input.map((c) => c.email));
			expect(batch.data.every((r) => !('Last_Name' in r))).toBe(true);
			const inserts = calls('POST', '/crm/v8/Contacts');
			expect(inserts).toHaveLength(1);
			expect((inserts[0].body as { data: unknown[] }).data).toEqual([
				{ Membership_Level: 'Gold', Email: 'ann.lee@example.com', Last_Name: 'ann.lee' },
				{ Membership_Level: 'Gold', Email: 'bob@example.com', Last_Name: 'bob' },
			]);
			expect(items.map((i) => i.action)).toEqual(['updated', 'created', 'created']);
			expect(state.fake.storedValue('known@example.com', 'Last_Name')).toBe('Known');
			expect(state.fake.contactCount()).toBe(3);
		});

		it('converts values to each field\'s data type and picklist values', async () => {
			state.fake.addField('Visits', 'integer');
			state.fake.addField('Score', 'double');
			state.fake.addField('Registered_At', 'datetime');
			state.fake.addField('Interests', 'multiselectpicklist', {
				pick_list_values: [
					{ display_value: 'Sports', actual_value: 'sports', id: 'i1' },
					{ display_value: 'Music', actual_value: 'music', id: 'i2' },
				],
			});
			const fields = {
				Last_Name: 'Doe',
				Visits: '12',
				Score: '4.5',
				Email_Opt_Out: 'yes',
				Date_of_Birth: '1990-04-01T00:00:00Z',
				Registered_At: '2024-05-01T12:20:30+02:00',
				Lead_Source: 'web site',
				Interests: 'Music, sports',
				Description: ['a', 'b'],
			};
			const { error } = await run('upsert', [{ email: 'jane@example.com', fields }]);
			expect(error).toBeUndefined();
			expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({
				Visits: 12,
				Score: 4.5,
				Email_Opt_Out: true,
				Date_of_Birth: '1990-04-01',
				Registered_At: '2024-05-01T10:20:30+00:00',
				Lead_Source: 'Web Site',
				Interests: ['music', 'sports'],
				Description: 'a, b',
			});
		});

		it('fails the item naming the field and its options when a value cannot be converted, before anything is sent', async () => {
			const bad = [
				{ fields: { Lead_Source: 'Billboard' }, message: /Zoho CRM field Lead_Source needs one of "Web Site", "Advertisement", not "Billboard"/ },
				{ fields: { Email_Opt_Out: 'maybe' }, message: /Email_Opt_Out needs yes\/no/ },
				{ fields: { Date_of_Birth: 'April 1st' }, message: /Date_of_Birth needs a date as YYYY-MM-DD/ },
			];
			for (const { fields, message } of bad) {
				const { items, error } = await run('upsert', [{ email: 'jane@example.com', fields, tags: ['Members'] }], {}, true);
				expect(error).toBeUndefined();
				expect(String(items[0].error)).toMatch(message);
			}
			expect(state.fake.writes).toHaveLength(0);
		});

		it('surfaces Zoho\'s own record error when Zoho refuses a value (text longer than the field allows)', async () => {
			const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { First_Name: 'x'.repeat(41), Last_Name: 'Doe' } }]);
			expect(error?.message).toContain('Zoho CRM rejected jane@example.com: invalid data (INVALID_DATA, field First_Name, expected text, at most 40 characters)');
			expect(state.fake.contactCount()).toBe(0);
		});

		it('follows an e-mail change by the previous e-mail when the stored id is gone, without a second contact', async () => {
			const created = await run('upsert', [{ email: 'old@example.com', fields: { Last_Name: 'Doe' } }]);
			const id = String(created.items[0].contactId);
			const { items, error } = await run('upsert', [{ email: 'new@example.com', previousEmail: 'old@example.com', contactId: '999999', fields: {} }]);
			expect(error).toBeUndefined();
			expect(items[0]).toMatchObject({ contactId: id, action: 'updated' });
			expect(state.fake.contactCount()).toBe(1);
			expect(state.fake.findByEmail('new@example.com')?.id).toBe(id);
			const put = calls('PUT', `/crm/v8/Contacts/${id}`);
			expect(put.map((r) => r.body)).toEqual([{ data: [{ Email: 'new@example.com' }] }]);
		});

		it('does not take a contact whose secondary e-mail matches for the contact with that e-mail', async () => {
			await run('upsert', [{ email: 'jane@example.com', fields: { Last_Name: 'Doe', Secondary_Email: 'jd@example.com' } }]);
			const lookup = await run('get', [{}], { lookupBy: 'email', lookupEmail: 'jd@example.com' });
			expect(lookup.items[0]).toMatchObject({ found: false });
			expect(calls('GET', '/crm/v8/Contacts/search')[0].query.get('email')).toBe('jd@example.com');
		});
	});

	describe('tags', () => {
		it('creates missing tags by name once, reuses existing ones by id, and removes only tags that exist', async () => {
			const created = await run('upsert', [{ email: 'jane@example.com', fields: { Last_Name: 'Doe' }, tags: ['Members', ' members ', 'VIP'] }]);
			const contactId = String(created.items[0].contactId);
			const creates = calls('POST', '/crm/v8/settings/tags');
			expect(creates.map((r) => [r.query.get('module'), r.body])).toEqual([['Contacts', { tags: [{ name: 'Members' }, { name: 'VIP' }] }]]);
			expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Members', 'VIP']);

			await run('upsert', [{ email: 'bob@example.com', fields: { Last_Name: 'Bob' }, tags: ['vip'] }]);
			expect(calls('POST', '/crm/v8/settings/tags')).toHaveLength(1);
			const vip = [...state.fake.tags.values()].find((t) => t.name === 'VIP')!;
			expect(calls('POST', `/crm/v8/Contacts/${state.fake.findByEmail('bob@example.com')!.id}/actions/add_tags`)[0].body).toEqual({ tags: [{ id: vip.id, name: 'VIP' }] });

			const before = state.fake.requests.length;
			await run('removeTags', [{ contactId, tags: ['Never Created'] }]);
			expect(state.fake.requests.slice(before).filter((r) => r.method === 'POST')).toHaveLength(0);
			await run('removeTags', [{ contactId, tags: ['members'] }]);
			expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['VIP']);
		});

		it('lists the module\'s tags and every writable field (no read-only, lookup or Email field) in one call each', async () => {
			state.fake.addTag('Alpha');
			const harness = new Harness({ nodeTypes: [WpumCrm], credentialTypes: [WpumZohoCrmOAuth2Api], credentials: { [CREDENTIAL]: zohoCredentials(state.fake) } });
			const fields = await harness.loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'zohocrm', operation: 'upsert' } }, 'getCrmFields');
			const keys = fields.map((f) => f.value);
			expect(keys).toEqual(expect.arrayContaining(['Last_Name', 'First_Name', 'Membership_Level', 'WPUM_Extra_120', 'Lead_Source']));
			for (const hidden of ['Email', 'id', 'Owner', 'Account_Name', 'Created_Time']) expect(keys).not.toContain(hidden);
			expect(calls('GET', '/crm/v8/settings/fields')).toHaveLength(1);
			const tags = await harness.loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'zohocrm', operation: 'upsert' } }, 'getCrmTags');
			expect(tags.map((t) => t.name)).toEqual(['Alpha']);
			expect(calls('GET', '/crm/v8/settings/tags').map((r) => r.query.get('module'))).toEqual(['Contacts']);
		});
	});

	describe('limits and errors', () => {
		it('rides out the enforced concurrency limit (429 TOO_MANY_REQUESTS, no Retry-After)', async () => {
			state.fake.rateLimit = { max: 3, windowMs: 1000 };
			state.fake.enforceRateLimit = true;
			const input = ['a', 'b', 'c', 'd', 'e'].map((n) => ({ email: `${n}@example.com`, fields: { Last_Name: n }, previousEmail: `${n}.old@example.com` }));
			const { items, error } = await run('upsert', input);
			expect(error).toBeUndefined();
			expect(items.every((i) => i.action === 'created')).toBe(true);
			expect(state.fake.sent.throttled).toBeGreaterThan(0);
			expect(state.fake.contactCount()).toBe(5);
		}, 30_000);

		it('gives up with a clear message when the 24-hour credits stay exhausted (429 LIMIT_REACHED)', async () => {
			state.fake.throttleCode = 'LIMIT_REACHED';
			state.fake.throttleNext(1000);
			const { error } = await run('upsert', [{ email: 'jane@example.com', fields: {} }], { options: { maxRateLimitWait: 2 } });
			expect(error?.message).toMatch(/Zoho CRM is still rate-limiting after this run waited \d+ s/);
			expect(state.fake.contactCount()).toBe(0);
		});

		it('the fake refuses bodies Zoho documents as invalid (so a wrong adapter request fails a test)', async () => {
			const post = async (path: string, body: unknown, method = 'POST') => {
				const response = await fetch(`${state.fake.url}${path}`, {
					method,
					headers: { authorization: `Zoho-oauthtoken ${ZOHO_FIRST_ACCESS_TOKEN}`, 'content-type': 'application/json' },
					body: JSON.stringify(body),
				});
				return { status: response.status, body: (await response.json()) as Record<string, unknown> };
			};
			expect(await post(upsertPath, { records: [] })).toMatchObject({ status: 400, body: { code: 'REQUIRED_PARAM_MISSING', status: 'error' } });
			const many = Array.from({ length: 101 }, (_, n) => ({ Email: `u${n}@example.com`, Last_Name: 'x' }));
			expect(await post(upsertPath, { data: many })).toMatchObject({ status: 400, body: { code: 'LIMIT_EXCEEDED' } });
			expect(await post(upsertPath, { data: [{ Email: 'a@example.com', Last_Name: 'A' }], duplicate_check_fields: 'Email' })).toMatchObject({ status: 400, body: { code: 'INVALID_DATA' } });
			const typed = await post(upsertPath, { data: [{ Email: 'a@example.com', Last_Name: 'A', Email_Opt_Out: 'yes' }, { Email: 'b@example.com' }, { Email: 'c@example.com', Last_Name: 'C', Nope: 1 }] });
			expect(typed).toMatchObject({
				status: 400,
				body: {
					data: [
						{ code: 'INVALID_DATA', details: { api_name: 'Email_Opt_Out', expected_data_type: 'boolean' } },
						{ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Last_Name' } },
						{ code: 'INVALID_DATA', details: { api_name: 'Nope' } },
					],
				},
			});
			expect(await post('/crm/v8/Contacts/1/actions/add_tags', { tag_names: 'x' })).toMatchObject({ status: 400 });
			const unauthorized = await fetch(`${state.fake.url}/crm/v8/settings/tags?module=Contacts`, { headers: { authorization: 'Zoho-oauthtoken nope' } });
			expect(unauthorized.status).toBe(401);
			expect(await unauthorized.json()).toEqual({ code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });
			expect(state.fake.contactCount()).toBe(0);
		});
	});
});
