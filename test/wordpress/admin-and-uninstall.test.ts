// The admin screen (Users → n8n Connector) with a real admin session, and uninstall.
import { PLUGIN_FILE, TEST_SECRET, outbox, php, phpString, pluginNotices, resetPlugin, runDeliveries, site } from './site';

async function adminCookie(userId = 1) {
	return php<string>(`
		$expiration = time() + HOUR_IN_SECONDS;
		return AUTH_COOKIE . '=' . rawurlencode( wp_generate_auth_cookie( ${userId}, $expiration, 'auth' ) ) . '; ' . LOGGED_IN_COOKIE . '=' . rawurlencode( wp_generate_auth_cookie( ${userId}, $expiration, 'logged_in' ) );
	`);
}

const PAGE = '/wp-admin/users.php?page=wpum-n8n-connector';

async function get(pathAndQuery: string, cookie: string) {
	const response = await fetch(site().url + pathAndQuery, { headers: { cookie }, redirect: 'manual' });
	return { status: response.status, html: await response.text() };
}

async function post(form: Record<string, string>, cookie: string) {
	const response = await fetch(`${site().url}/wp-admin/admin-post.php`, {
		method: 'POST',
		headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams(form).toString(),
		redirect: 'manual',
	});
	return { status: response.status, location: response.headers.get('location') ?? '', text: await response.text() };
}

/** The hidden fields of the form that posts `action` for `id`. */
function formFields(html: string, action: string, id: number) {
	const forms = html.match(/<form[\s\S]*?<\/form>/g) ?? [];
	const form = forms.find((f) => f.includes(`value="wpum_n8n_${action}"`) && f.includes(`name="id" value="${id}"`));
	if (!form) throw new Error(`no ${action} form for ${id}`);
	const fields: Record<string, string> = {};
	for (const [, name, value] of form.matchAll(/<input type="hidden"[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"/g)) fields[name] = value;
	return fields;
}

describe('admin page', () => {
	afterAll(async () => {
		expect(await pluginNotices()).toBe('');
	});

	it('shows status, subscriptions (escaped) and the outbox with the last error; retries a failed delivery and sends a test event', async () => {
		const webhookId = await resetPlugin('http://127.0.0.1:9/admin');
		await php(`global $wpdb; $wpdb->update( $wpdb->prefix . 'wpum_n8n_webhooks', array( 'name' => '<script>alert(1)</script>' ), array( 'id' => ${webhookId} ) ); return true;`);
		const login = `adm${Date.now().toString(36)}`;
		await php(`return wpum_fixture_register( array( 'login' => ${phpString(login)}, 'email' => ${phpString(`${login}@example.org`)} ) );`);
		// Mark it failed, as the runner does after 72 h.
		await php(`global $wpdb; $wpdb->query( "UPDATE {$wpdb->prefix}wpum_n8n_outbox SET status = 'failed', attempts = 20, last_error = 'cURL error 7: Failed to connect <b>here</b>'" ); return true;`);
		const [failed] = await outbox();

		const cookie = await adminCookie();
		const page = await get(PAGE, cookie);
		expect(page.status).toBe(200);
		expect(page.html).toContain('WPUM n8n Connector');
		expect(page.html).toMatch(/WP User Manager<\/th><td>active \(2\.9\.14\)/);
		expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(page.html).not.toContain('<script>alert(1)</script>');
		expect(page.html).toContain('cURL error 7: Failed to connect &lt;b&gt;here&lt;/b&gt;');
		expect(page.html).toContain(`data-delivery-id="${failed.id}"`);
		expect(page.html).not.toContain(TEST_SECRET);

		// A forged request (no valid nonce) changes nothing.
		const forged = await post({ action: 'wpum_n8n_retry_delivery', id: String(failed.id), _wpnonce: 'bad' }, cookie);
		expect(forged.status).toBe(403);
		expect((await outbox())[0].status).toBe('failed');

		// A subscriber cannot open the page or post its actions.
		const subscriberCookie = await adminCookie(site().subscriber.id);
		expect((await get(PAGE, subscriberCookie)).status).toBe(403);
		const fields = formFields(page.html, 'retry_delivery', failed.id);
		expect((await post(fields, subscriberCookie)).status).toBe(403);

		const retried = await post(fields, cookie);
		expect(retried.status).toBe(302);
		expect(retried.location).toContain('wpum_n8n_notice=retry_queued');
		expect((await outbox())[0]).toMatchObject({ id: failed.id, status: 'pending' });

		const test = await post(formFields(page.html, 'test_webhook', webhookId!), cookie);
		expect(test.location).toContain('wpum_n8n_notice=test_queued');
		const rows = await outbox();
		expect(rows.map((r) => r.event)).toEqual(['user.registered', 'ping']);
		expect(rows[1].payload.user.login).toBe('admin');

		const filtered = await get(`${PAGE}&status=pending&wpum_n8n_notice=test_queued`, cookie);
		expect(filtered.html).toContain('Test event queued');
		expect(filtered.html).toContain(`data-delivery-id="${rows[1].id}"`);
	});

	it('adds and deletes a subscription from the page', async () => {
		await resetPlugin();
		const cookie = await adminCookie();
		const page = await get(PAGE, cookie);
		const nonce = page.html.match(/name="_wpnonce" value="([^"]+)"[^>]*>\s*<input type="hidden" name="_wp_http_referer"[^>]*>\s*<table class="form-table">/)?.[1];
		expect(nonce).toBeDefined();
		const added = await fetch(`${site().url}/wp-admin/admin-post.php`, {
			method: 'POST',
			headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
			body: `action=wpum_n8n_add_webhook&_wpnonce=${nonce}&name=Form&url=${encodeURIComponent('https://n8n.example.org/webhook/form')}&events%5B%5D=user.deleted&secret=${TEST_SECRET}`,
			redirect: 'manual',
		});
		expect(added.headers.get('location')).toContain('wpum_n8n_notice=webhook_added');
		const hooks = await php<any[]>('return WPUM_N8N_Webhooks::all();');
		expect(hooks).toEqual([expect.objectContaining({ name: 'Form', url: 'https://n8n.example.org/webhook/form', events: ['user.deleted'] })]);

		const again = await get(PAGE, cookie);
		const deleted = await post(formFields(again.html, 'delete_webhook', hooks[0].id), cookie);
		expect(deleted.location).toContain('wpum_n8n_notice=webhook_deleted');
		expect(await php('return WPUM_N8N_Webhooks::all();')).toEqual([]);
	});
});

describe('uninstall', () => {
	it('drops the tables, options, user meta and cron event, and the plugin installs cleanly again', async () => {
		const webhookId = await resetPlugin('http://127.0.0.1:9/uninstall');
		await php(`wpum_fixture_register( array( 'login' => 'un' . time(), 'email' => 'un' . time() . '@example.org' ) ); update_user_meta( 1, '_wpum_n8n_crm', array( 'hubspot' => array( 'contact_id' => '1' ) ) ); return true;`);
		expect(webhookId).toEqual(expect.any(Number));
		const leftovers = `
			global $wpdb;
			return array(
				'tables'  => $wpdb->get_col( "SHOW TABLES LIKE '%wpum_n8n%'" ),
				'options' => $wpdb->get_col( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE 'wpum_n8n%'" ),
				'meta'    => (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->usermeta} WHERE meta_key LIKE '\\\\_wpum\\\\_n8n\\\\_%'" ),
				'cron'    => (bool) wp_next_scheduled( 'wpum_n8n_deliver_due' ),
			);
		`;
		const before = await php<any>(leftovers);
		expect(before.tables.sort()).toEqual(['wp_wpum_n8n_outbox', 'wp_wpum_n8n_webhooks']);
		expect(before.meta).toBeGreaterThan(0);
		expect(before.options).toContain('wpum_n8n_db_version');

		await php(`
			require_once ABSPATH . 'wp-admin/includes/plugin.php';
			deactivate_plugins( '${PLUGIN_FILE}' );
			uninstall_plugin( '${PLUGIN_FILE}' );
			return true;
		`);
		expect(await php(leftovers)).toEqual({ tables: [], options: [], meta: 0, cron: false });

		const reactivated = await php(`require_once ABSPATH . 'wp-admin/includes/plugin.php'; $r = activate_plugin( '${PLUGIN_FILE}' ); return is_wp_error( $r ) ? $r->get_error_message() : $r;`);
		expect(reactivated).toBeNull();
		const after = await php<any>(leftovers);
		expect(after.tables.sort()).toEqual(['wp_wpum_n8n_outbox', 'wp_wpum_n8n_webhooks']);
		expect(after.cron).toBe(true);
		expect(await runDeliveries()).toBe(0);
		expect(await pluginNotices()).toBe('');
	});
});
