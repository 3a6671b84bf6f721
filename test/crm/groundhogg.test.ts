/** Groundhogg specifics beyond the contract suite: documented request shapes, data/meta, value types, tags, paging, e-mail changes, limits. */
import { GROUNDHOGG_PASSWORD, GROUNDHOGG_USER, type GroundhoggFake } from './fakes/groundhogg';
import { emails, useTarget } from './run-target';
import type { CrmTarget } from './targets';
import { groundhoggTarget } from './targets/groundhogg';

describe('Groundhogg adapter', () => {
	const { state, run, harness } = useTarget<GroundhoggFake>(groundhoggTarget as CrmTarget<GroundhoggFake>);
	const writes = () => state.fake.writes.map((r) => ({ method: r.method, path: r.path.replace('/wp-json/gh/v4', ''), body: r.body }));

	it('sends the documented shapes: data for columns, meta for the rest, tag ids; PATCH with add_tags for an update', async () => {
		const created = await run('upsert', [
			{ email: 'jane@example.com', fields: { first_name: 'Jane', primary_phone: '+1 555 0100', membership_level: 'Gold' }, tags: ['Member'] },
		]);
		expect(created.error).toBeUndefined();
		const id = String(created.items[0].contactId);
		await run('upsert', [{ email: 'jane@example.com', fields: { last_name: 'Doe' }, tags: ['VIP'] }]);

		const member = state.fake.tagNamesOf('jane@example.com');
		expect(member).toEqual(['Member', 'VIP']);
		const [tagMember, tagVip] = ['Member', 'VIP'].map((name) => Number([...state.fake.tags.values()].find((t) => t.name === name)!.id));
		expect(writes()).toEqual([
			{ method: 'POST', path: '/tags', body: { data: { tag_name: 'Member' } } },
			{ method: 'POST', path: '/contacts', body: { data: { first_name: 'Jane', email: 'jane@example.com' }, meta: { primary_phone: '+1 555 0100', membership_level: 'Gold' }, tags: [tagMember] } },
			{ method: 'POST', path: '/tags', body: { data: { tag_name: 'VIP' } } },
			{ method: 'PATCH', path: `/contacts/${id}`, body: { data: { last_name: 'Doe', email: 'jane@example.com' }, add_tags: [tagVip] } },
		]);
		expect(state.fake.violations).toEqual([]);
		expect(state.fake.mangled).toEqual([]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({ first_name: 'Jane', last_name: 'Doe', primary_phone: '+1 555 0100', membership_level: 'Gold' });
	});

	it('the fake refuses (and records) bodies outside the documented shapes, so the check above can fail', async () => {
		const auth = `Basic ${Buffer.from(`${GROUNDHOGG_USER}:${GROUNDHOGG_PASSWORD}`).toString('base64')}`;
		const post = async (body: unknown) =>
			await fetch(`${state.fake.url}/wp-json/gh/v4/contacts`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
		const wrong = await post({ data: { email: 'a@example.com', phone: '1' }, meta: { Company: 'Acme' }, tags: 'VIP' });
		expect(wrong.status).toBe(400);
		expect(await wrong.json()).toMatchObject({ code: 'rest_invalid_param', data: { status: 400 } });
		expect(state.fake.violations[0].errors).toEqual([
			'data.phone is not a contact column (Groundhogg would drop it)',
			'meta key "Company" is not a sanitized key (WordPress would store it as "company")',
			'tags must be a list of tag ids or names',
		]);
		const missing = await post({ data: { first_name: 'A' } });
		expect(missing.status).toBe(422);
		expect(await missing.json()).toEqual({ code: 'error', message: 'An email address is required.', data: { status: 422, data: [] } });
		expect(state.fake.contactCount()).toBe(0);
	});

	it('updates the contact Groundhogg made for a new WordPress user instead of creating a second one, keeping its opt-in status', async () => {
		const own = state.fake.contactFromWordPressUser('new.user@example.com', 42, 'new.user');
		const { items, error } = await run('upsert', [{ email: 'new.user@example.com', fields: { first_name: 'Nina' }, tags: ['Member'], wpUserId: 42 }]);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ contactId: own.id, action: 'updated', wpUserId: 42 });
		expect(state.fake.contactCount()).toBe(1);
		expect(state.fake.findByEmail('new.user@example.com')?.fields).toMatchObject({ first_name: 'Nina', user_id: 42, optin_status: 1 });
		expect(state.fake.tagNamesOf('new.user@example.com')).toEqual(['Member']);
	});

	it('converts values to each field type, which Groundhogg would otherwise store as 0, "" or nothing', async () => {
		state.fake.properties.push(
			{ key: 'age', label: 'Age', type: 'number' },
			{ key: 'height', label: 'Height', type: 'number', decimals: 2 },
			{ key: 'joined', label: 'Joined', type: 'date' },
			{ key: 'last_seen', label: 'Last Seen', type: 'datetime' },
			{ key: 'call_time', label: 'Call Time', type: 'time' },
			{ key: 'plan', label: 'Plan', type: 'dropdown', options: ['Free', 'Gold'] },
			{ key: 'interests', label: 'Interests', type: 'checkboxes', options: ['Music', 'Sport', 'Books'] },
			{ key: 'about', label: 'About', type: 'textarea' },
		);
		const fields = {
			age: '42',
			height: '1.75',
			joined: '2024-03-01T10:00:00Z',
			last_seen: '2024-03-01T10:20:30',
			call_time: '9:30',
			plan: 'gold',
			interests: 'music, Books',
			about: ['line one', 'line two'],
			optin_status: 'Confirmed',
			country: 'ca',
			birthday: '1990-04-01',
			company_name: ['Acme', 'Globex'],
		};
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields }]);
		expect(error).toBeUndefined();
		expect(state.fake.violations).toEqual([]);
		expect(state.fake.mangled).toEqual([]);
		expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({
			age: '42',
			height: '1.75',
			joined: '2024-03-01',
			last_seen: '2024-03-01 10:20:30',
			call_time: '09:30:00',
			plan: 'Gold',
			interests: ['Music', 'Books'],
			about: 'line one\nline two',
			optin_status: 2,
			country: 'CA',
			birthday: '1990-04-01',
			company_name: 'Acme, Globex',
		});
	});

	it('fails an item whose value cannot fit its field, naming it, before anything (even a tag) is sent', async () => {
		state.fake.properties.push(
			{ key: 'age', label: 'Age', type: 'number' },
			{ key: 'plan', label: 'Plan', type: 'dropdown', options: ['Free', 'Gold'] },
		);
		const input = [
			{ email: 'a@example.com', fields: { age: 'lots' }, tags: ['New Tag'] },
			{ email: 'b@example.com', fields: { plan: 'Platinum' } },
			{ email: 'c@example.com', fields: { age: '2.5' } },
			{ email: 'd@example.com', fields: { optin_status: 'maybe' } },
			{ email: 'e@example.com', fields: { birthday: 'next Tuesday' } },
		];
		const { items, error } = await run('upsert', input, {}, true);
		expect(error).toBeUndefined();
		expect(items.map((item) => String(item.error))).toEqual([
			'Groundhogg field age needs a number, not "lots" (contact a@example.com)',
			'Groundhogg field plan needs one of "Free", "Gold", not "Platinum" (contact b@example.com)',
			'Groundhogg field age allows 0 decimal place(s) (set in Groundhogg → Contacts → Custom Fields), not "2.5" (contact c@example.com)',
			expect.stringMatching(/^Groundhogg field optin_status needs one of unconfirmed, confirmed, unsubscribed, .* not "maybe" \(contact d@example.com\)$/),
			'Groundhogg field birthday needs a date as YYYY-MM-DD, not "next Tuesday" (contact e@example.com)',
		]);
		expect(state.fake.writes).toEqual([]);
	});

	it('clears values sent empty: "" for text, [] for multi-option fields', async () => {
		state.fake.properties.push({ key: 'interests', label: 'Interests', type: 'checkboxes', options: ['Music'] });
		await run('upsert', [{ email: 'jane@example.com', fields: { membership_level: 'Gold', interests: ['Music'] } }]);
		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: { membership_level: null, interests: '' } }]);
		expect(error).toBeUndefined();
		expect(state.fake.findByEmail('jane@example.com')?.fields).toMatchObject({ membership_level: '', interests: [] });
		expect(state.fake.mangled).toEqual([]);
	});

	it('reads tags to the last page (100 per page), reuses them case-insensitively and creates only missing ones', async () => {
		state.fake.seedTags(230);
		const options = await harness().loadOptions({ name: 'CRM', type: 'wpumCrm', parameters: { crm: 'groundhogg', operation: 'upsert' } }, 'getCrmTags');
		expect(options).toHaveLength(230);
		expect(options.map((o) => o.value)).toContain('Tag 230');
		const pages = state.fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/tags'));
		expect(pages.map((r) => [r.query.get('limit'), r.query.get('offset')])).toEqual([
			['100', '0'],
			['100', '100'],
			['100', '200'],
		]);

		const { error } = await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['tag 229', '2024', 'Brand New'] }]);
		expect(error).toBeUndefined();
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['2024', 'Brand New', 'Tag 229']);
		// "2024" is created as a name: sent as a name Groundhogg would take it for tag id 2024.
		expect(writes().filter((w) => w.path === '/tags').map((w) => w.body)).toEqual([{ data: { tag_name: '2024' } }, { data: { tag_name: 'Brand New' } }]);
		expect(state.fake.tags.size).toBe(232);
	});

	it('removes only tags that exist, and sends no empty update (Groundhogg answers that with 401 "No changes were made.")', async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: {}, tags: ['VIP', 'Beta'] }]);
		const contactId = String(created.items[0].contactId);
		const before = state.fake.writes.length;
		const none = await run('removeTags', [{ contactId, email: 'jane@example.com', tags: ['Never Made'] }]);
		expect(none.error).toBeUndefined();
		expect(state.fake.writes.length).toBe(before);
		await run('removeTags', [{ contactId, email: 'jane@example.com', tags: ['vip', 'Never Made'] }]);
		expect(writes().pop()).toEqual({ method: 'PATCH', path: `/contacts/${contactId}`, body: { remove_tags: [Number([...state.fake.tags.values()].find((t) => t.name === 'VIP')!.id)] } });
		expect(state.fake.tagNamesOf('jane@example.com')).toEqual(['Beta']);
		expect(state.fake.tags.size).toBe(2);
	});

	it('changes the e-mail of the contact found by the previous e-mail, and says what to do when the new one is taken', async () => {
		const old = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		await run('upsert', [{ email: 'other@example.com', fields: {} }]);
		const clash = await run('upsert', [{ email: 'other@example.com', contactId: String(old.items[0].contactId), fields: { first_name: 'Jane' } }], {}, true);
		expect(String(clash.items[0].error)).toBe(`Groundhogg already has another contact with the e-mail other@example.com, so contact ${String(old.items[0].contactId)}'s e-mail cannot change to it`);
		expect(clash.items[0].errorDetails).toMatch(/^Nothing was changed\. Merge the two contacts in Groundhogg/);
		expect(state.fake.contactCount()).toBe(2);
		expect(state.fake.findByEmail('jane@example.com')?.fields.first_name).toBeUndefined();

		const moved = await run('upsert', [{ email: 'jane.doe@example.org', previousEmail: 'jane@example.com', fields: {} }]);
		expect(moved.items[0]).toMatchObject({ action: 'updated', contactId: old.items[0].contactId });
		expect(state.fake.findByEmail('jane.doe@example.org')?.id).toBe(String(old.items[0].contactId));
		expect(state.fake.contactCount()).toBe(2);
	});

	it("ignores a stored id that is not Groundhogg's and matches by e-mail instead", async () => {
		const created = await run('upsert', [{ email: 'jane@example.com', fields: {} }]);
		const { items } = await run('upsert', [{ email: 'jane@example.com', contactId: 'a1b2-c3', fields: {} }]);
		expect(items[0]).toMatchObject({ action: 'updated', contactId: created.items[0].contactId });
		expect(state.fake.requests.some((r) => r.path.includes('a1b2'))).toBe(false);
	});

	it("rides out the host's rate limit (429 + Retry-After) on a backfill without losing a contact", async () => {
		state.fake.enforceRateLimit = true;
		state.fake.rateLimit = { max: 8, windowMs: 1000 };
		const input = emails(6).map((email, n) => ({ email, fields: { membership_level: `L${n}` } }));
		const { items, error } = await run('upsert', input);
		expect(error).toBeUndefined();
		expect(state.fake.sent.throttled).toBeGreaterThan(0);
		expect(items.map((item) => item.action)).toEqual(input.map(() => 'created'));
		expect(state.fake.contactCount()).toBe(6);
		for (const [n, email] of emails(6).entries()) expect(state.fake.findByEmail(email)?.fields.membership_level).toBe(`L${n}`);
	});

	it("shows WordPress's message with its error code", async () => {
		const bad = await run('upsert', [{ email: 'jane@example', fields: {} }]);
		expect(bad.error?.message).toBe('Groundhogg answered HTTP 400: The provided email address is not valid. (invalid_email)');
		state.fake.failNext(5, 500);
		const down = await run('get', [{}], { lookupBy: 'email', lookupEmail: 'jane@example.com' });
		expect(down.error?.message).toBe('Groundhogg answered HTTP 500: <p>There has been a critical error on this website.</p> (internal_server_error)');
	});
});
