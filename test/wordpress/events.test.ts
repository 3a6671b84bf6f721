// Which WPUM / WordPress actions produce which events, and what the payload carries.
import { assertEvent, assertNoSecrets, outbox, php, phpString, pluginNotices, resetPlugin, saveExample, setWpum, subscribe } from './site';

let seq = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++seq}`;

const CUSTOM_VALUES = {
	wpum_company: 'Acme',
	wpum_newsletter: '1',
	wpum_interests: ['php', 'js'],
	wpum_channels: ['sms'],
	wpum_plan: 'pro',
	wpum_birthday: '1990-04-01', // front end: Y-m-d
	wpum_member_since: 'April 2, 2020', // wp-admin: the site's date_format (F j, Y)
	wpum_cv: 'https://example.org/wp-content/uploads/cv.pdf',
	wpum_cv_path: '/wordpress/wp-content/uploads/cv.pdf',
	wpum_portfolio: [
		{ url: 'https://example.org/wp-content/uploads/a.png', path: '/wordpress/wp-content/uploads/a.png' },
		{ url: 'https://example.org/wp-content/uploads/b.png', path: '/wordpress/wp-content/uploads/b.png' },
	],
	wpum_employees: '12',
	wpum_door_pin: '4321',
	wpum_phones: [{ type: 'work', number: '+1 555 0100' }],
};

/** PHP array literal from a JSON value. */
const phpValue = (value: unknown) => `json_decode( ${phpString(JSON.stringify(value))}, true )`;

async function registerThroughWpum(login: string, extra: Record<string, unknown> = {}) {
	const id = await php<number>(
		`return wpum_fixture_register( ${phpValue({ login, email: `${login}@example.org`, first_name: 'Jane', last_name: 'Doe', custom: CUSTOM_VALUES, ...extra })} );`,
	);
	expect(typeof id).toBe('number');
	return id;
}

const NOWHERE = 'http://127.0.0.1:9/not-called';
const rowsFor = async (userId: number) => (await outbox()).filter((row) => row.user_id === userId);

describe('events written to the outbox', () => {
	beforeAll(async () => {
		await setWpum({ wpum: true, customFields: true });
	});
	beforeEach(async () => {
		await resetPlugin(NOWHERE);
	});
	afterAll(async () => {
		expect(await pluginNotices()).toBe('');
	});

	it('a WPUM registration gives ONE user.registered with the full, normalized profile and its form', async () => {
		const login = unique('jane');
		const id = await registerThroughWpum(login);
		const rows = await rowsFor(id);
		expect(rows.map((r) => [r.event, r.status, r.attempts])).toEqual([['user.registered', 'pending', 0]]);

		const event = rows[0].payload;
		assertEvent(event);
		assertNoSecrets(event);
		expect(event.event_id).toBe(rows[0].event_id);
		expect(event.form).toEqual({ id: 1, name: 'Default registration form' });
		expect(event.occurred_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		const user = event.user;
		expect(user).toMatchObject({
			id,
			login,
			email: `${login}@example.org`,
			first_name: 'Jane',
			last_name: 'Doe',
			roles: ['subscriber'],
			status: 'active',
			registration_form: { id: 1, name: 'Default registration form' },
			crm: {},
		});
		expect(user.fields).toEqual({
			user_login: login,
			user_email: `${login}@example.org`,
			first_name: 'Jane',
			last_name: 'Doe',
			nickname: login,
			display_name: login,
			user_url: null,
			description: null,
			current_user_avatar: null,
			user_cover: null,
			wpum_company: 'Acme',
			wpum_newsletter: true,
			wpum_interests: ['php', 'js'],
			wpum_channels: ['sms'],
			wpum_plan: 'pro',
			wpum_birthday: '1990-04-01',
			wpum_member_since: '2020-04-02',
			wpum_cv: 'https://example.org/wp-content/uploads/cv.pdf',
			wpum_portfolio: ['https://example.org/wp-content/uploads/a.png', 'https://example.org/wp-content/uploads/b.png'],
			wpum_employees: 12,
			wpum_phones: [{ type: 'work', number: '+1 555 0100' }],
		});
		expect(user.field_labels).toEqual({ wpum_interests: ['PHP', 'JavaScript'], wpum_channels: ['Text message'], wpum_plan: 'Professional' });
		saveExample('event-user.registered', event);
	});

	it('a user created outside WPUM gives user.registered once, with meta saved later in the same request', async () => {
		const login = unique('admin-made');
		const id = await php<number>(`
			wp_set_current_user( 1 );
			$id = wp_insert_user( array( 'user_login' => ${phpString(login)}, 'user_email' => ${phpString(`${login}@example.org`)}, 'user_pass' => 'Plain-Text-Password-123!', 'first_name' => 'Ada', 'role' => 'editor' ) );
			update_user_meta( $id, 'wpum_company', 'Late Meta Ltd' );
			wp_update_user( array( 'ID' => $id, 'last_name' => 'Lovelace' ) );
			return $id;
		`);
		const rows = await rowsFor(id);
		expect(rows.map((r) => r.event)).toEqual(['user.registered']);
		const event = rows[0].payload;
		assertEvent(event);
		assertNoSecrets(event);
		expect(event.form).toBeNull();
		expect(event.user.registration_form).toBeNull();
		expect(event.user.roles).toEqual(['editor']);
		expect(event.user.fields).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', wpum_company: 'Late Meta Ltd', wpum_newsletter: null, wpum_interests: null });
	});

	it('a WPUM account update gives ONE user.updated with the changed fields, final state and previous e-mail', async () => {
		const login = unique('upd');
		const id = await registerThroughWpum(login);
		await resetPlugin(NOWHERE);
		await php(`return wpum_fixture_account_update( ${id}, array( 'user_email' => ${phpString(`${login}-new@example.org`)}, 'first_name' => 'Janet' ), array( 'wpum_company' => 'Globex', 'wpum_interests' => array( 'py' ) ) );`);

		const rows = await rowsFor(id);
		expect(rows.map((r) => r.event)).toEqual(['user.updated']);
		const event = rows[0].payload;
		assertEvent(event);
		assertNoSecrets(event);
		expect(event.changes.fields.sort()).toEqual(['first_name', 'user_email', 'wpum_company', 'wpum_interests'].sort());
		expect(event.changes.previous_email).toBe(`${login}@example.org`);
		expect(event.user.email).toBe(`${login}-new@example.org`);
		expect(event.user.fields).toMatchObject({ first_name: 'Janet', wpum_company: 'Globex', wpum_interests: ['py'] });
		expect(event.user.field_labels.wpum_interests).toEqual(['Python']);
		expect(event.user.updated_at).toMatch(/Z$/);
		saveExample('event-user.updated', event);
	});

	it('custom-field tabs, avatar changes and wp-admin edits each give user.updated without an e-mail change', async () => {
		const id = await registerThroughWpum(unique('tabs'));
		await resetPlugin(NOWHERE);

		// A custom field-group tab: no wp_update_user, no profile_update.
		await php(`
			update_user_meta( ${id}, 'wpum_employees', '250' );
			do_action( 'wpum_after_custom_user_update', new stdClass(), array(), ${id} );
		`);
		// Avatar through WPUM's hook; the server path is stored too and must not be sent.
		await php(`
			update_user_meta( ${id}, 'current_user_avatar', 'https://example.org/wp-content/uploads/me.png' );
			update_user_meta( ${id}, '_current_user_avatar_path', '/wordpress/wp-content/uploads/me.png' );
			do_action( 'wpum_user_update_change_avatar', ${id}, 'https://example.org/wp-content/uploads/me.png' );
		`);
		// wp-admin: datepicker saved in the site's date_format, and a checkbox cleared.
		await php(`
			wp_set_current_user( 1 );
			update_user_meta( ${id}, 'wpum_birthday', 'May 5, 1991' );
			update_user_meta( ${id}, 'wpum_newsletter', '' );
			wp_update_user( array( 'ID' => ${id}, 'description' => 'Edited in wp-admin' ) );
		`);

		const rows = await rowsFor(id);
		expect(rows.map((r) => r.event)).toEqual(['user.updated', 'user.updated', 'user.updated']);
		rows.forEach((row) => {
			assertEvent(row.payload);
			assertNoSecrets(row.payload);
			expect(row.payload.changes.previous_email).toBeUndefined();
		});
		expect(rows[0].payload.changes.fields).toEqual(['wpum_employees']);
		expect(rows[0].payload.user.fields.wpum_employees).toBe(250);
		expect(rows[1].payload.changes.fields).toEqual(['current_user_avatar']);
		expect(rows[1].payload.user.fields.current_user_avatar).toBe('https://example.org/wp-content/uploads/me.png');
		expect(rows[2].payload.changes.fields.sort()).toEqual(['description', 'wpum_birthday', 'wpum_newsletter']);
		expect(rows[2].payload.user.fields).toMatchObject({ wpum_birthday: '1991-05-05', wpum_newsletter: false, description: 'Edited in wp-admin' });
	});

	it('an update that changes nothing sends nothing', async () => {
		const id = await registerThroughWpum(unique('same'));
		await resetPlugin(NOWHERE);
		await php(`return wpum_fixture_account_update( ${id}, array( 'first_name' => 'Jane' ), array( 'wpum_company' => 'Acme' ) );`);
		expect(await rowsFor(id)).toEqual([]);
	});

	it('e-mail verification and manual approval give user.activated with their method; pending users say which', async () => {
		await setWpum({ wpum: true, customFields: true, userVerification: true, method: 'email' });
		const verified = await registerThroughWpum(unique('verify'), { pending: true });
		const registered = (await rowsFor(verified))[0].payload;
		expect(registered.user.status).toBe('pending_verification');
		await php(`delete_user_meta( ${verified}, 'wpumuv_needs_verification' ); do_action( 'wpumuv_after_user_verification', ${verified} );`);

		await setWpum({ wpum: true, customFields: true, userVerification: true, method: 'manual' });
		const approved = await registerThroughWpum(unique('approve'), { pending: true });
		expect((await rowsFor(approved))[0].payload.user.status).toBe('pending_approval');
		await php(`do_action( 'wpumuv_after_user_approval', ${approved} ); delete_user_meta( ${approved}, 'wpumuv_needs_verification' );`);

		const verifiedRows = await rowsFor(verified);
		const approvedRows = await rowsFor(approved);
		expect(verifiedRows.map((r) => r.event)).toEqual(['user.registered', 'user.activated']);
		expect(approvedRows.map((r) => r.event)).toEqual(['user.registered', 'user.activated']);
		expect(verifiedRows[1].payload.activation).toEqual({ method: 'email_verification' });
		expect(approvedRows[1].payload.activation).toEqual({ method: 'approval' });
		for (const row of [...verifiedRows, ...approvedRows]) assertEvent(row.payload);
		expect(approvedRows[1].payload.user.status).toBe('active');
		saveExample('event-user.activated', approvedRows[1].payload);
		await setWpum({ wpum: true, customFields: true });
	});

	it('role changes give user.role_changed with old and new roles', async () => {
		const id = await registerThroughWpum(unique('role'));
		await resetPlugin(NOWHERE);
		await php(`$u = new WP_User( ${id} ); $u->set_role( 'author' ); $u->add_role( 'contributor' );`);
		const rows = await rowsFor(id);
		expect(rows.map((r) => r.event)).toEqual(['user.role_changed']);
		assertEvent(rows[0].payload);
		expect(rows[0].payload.role_change).toEqual({ old: ['subscriber'], new: ['author', 'contributor'] });
		saveExample('event-user.role_changed', rows[0].payload);
	});

	it('rejection gives user.rejected then user.deleted, both with the profile captured before deletion', async () => {
		const login = unique('reject');
		const id = await registerThroughWpum(login, { pending: true });
		await resetPlugin(NOWHERE);
		await php(`
			require_once ABSPATH . 'wp-admin/includes/user.php';
			do_action( 'wpumuv_before_user_rejection', ${id} );
			wp_delete_user( ${id} );
		`);
		const rows = await rowsFor(id);
		expect(rows.map((r) => r.event)).toEqual(['user.rejected', 'user.deleted']);
		for (const row of rows) {
			assertEvent(row.payload);
			assertNoSecrets(row.payload);
			expect(row.payload.user).toMatchObject({ id, login, fields: { wpum_company: 'Acme' } });
		}
		expect(await php(`return (bool) get_userdata( ${id} );`)).toBe(false);
		saveExample('event-user.rejected', rows[0].payload);
		saveExample('event-user.deleted', rows[1].payload);
	});

	it('a subscription receives only the events it asked for', async () => {
		await resetPlugin();
		const onlyDeleted = await subscribe('http://127.0.0.1:9/deleted-only', ['user.deleted']);
		const all = await subscribe('http://127.0.0.1:9/all', ['*']);
		const id = await registerThroughWpum(unique('filter'));
		await php(`require_once ABSPATH . 'wp-admin/includes/user.php'; wp_delete_user( ${id} );`);
		const rows = await rowsFor(id);
		expect(rows.filter((r) => r.webhook_id === all.id).map((r) => r.event)).toEqual(['user.registered', 'user.deleted']);
		expect(rows.filter((r) => r.webhook_id === onlyDeleted.id).map((r) => r.event)).toEqual(['user.deleted']);
		// One event id per event, shared by its subscriptions.
		const deleted = rows.filter((r) => r.event === 'user.deleted');
		expect(new Set(deleted.map((r) => r.event_id)).size).toBe(1);
	});

	it('normalizes stored values by field type whatever the site date format', async () => {
		const cases = await php<Record<string, unknown>>(`
			$n = static fn( $raw, $type, $multiple = false ) => WPUM_N8N_User_Serializer::normalize( $raw, array( 'type' => $type, 'multiple' => $multiple, 'options' => array() ) );
			update_option( 'date_format', 'd/m/Y' );
			$out = array(
				'date_ymd'        => $n( '1990-04-01', 'datepicker' ),
				'date_site'       => $n( '05/04/1991', 'datepicker' ),
				'date_timestamp'  => $n( '638928000', 'datepicker' ),
				'date_garbage'    => $n( 'not a date', 'datepicker' ),
				'checkbox_on'     => $n( '1', 'checkbox' ),
				'checkbox_off'    => $n( '', 'checkbox' ),
				'number_int'      => $n( '42', 'number' ),
				'number_float'    => $n( '3,5', 'number' ),
				'number_empty'    => $n( '', 'number' ),
				'multi_serialized'=> $n( serialize( array( 'a', 'b' ) ), 'multiselect' ),
				'multi_single'    => $n( 'a', 'multicheckbox' ),
				'file_single'     => $n( 'https://x/a.pdf', 'file' ),
				'file_multiple'   => $n( array( array( 'url' => 'https://x/a.png', 'path' => '/srv/a.png' ) ), 'file', true ),
				'text_empty'      => $n( '', 'text' ),
				'never_saved'     => $n( null, 'text' ),
			);
			update_option( 'date_format', 'F j, Y' );
			return $out;
		`);
		expect(cases).toEqual({
			date_ymd: '1990-04-01',
			date_site: '1991-04-05',
			date_timestamp: '1990-04-01',
			date_garbage: null,
			checkbox_on: true,
			checkbox_off: false,
			number_int: 42,
			number_float: 3.5,
			number_empty: null,
			multi_serialized: ['a', 'b'],
			multi_single: ['a'],
			file_single: 'https://x/a.pdf',
			file_multiple: ['https://x/a.png'],
			text_empty: null,
			never_saved: null,
		});
	});

	it('without subscriptions nothing is queued', async () => {
		await resetPlugin();
		const id = await registerThroughWpum(unique('nobody'));
		expect(await rowsFor(id)).toEqual([]);
	});
});
