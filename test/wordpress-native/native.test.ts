// The plugin on a production-like stack: nginx → PHP-FPM 8.2 → MariaDB (test/wordpress-native/site.ts).
// What Playground cannot show: the tables on MySQL, and delivery after fastcgi_finish_request().
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { sendJson, startServer, type RecordedRequest } from '../support/http-server';
import { TEST_SECRET, assertEvent, php, phpString, type OutboxRow } from '../wordpress/site';
import { bootNativeSite, stopNativeSite, type NativeSiteState } from './site';

const SLOW_MS = 3000;
let state: NativeSiteState;
let seq = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++seq}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const run = <T = unknown>(code: string) => php<T>(code, state.url);

/** A WPUM registration in one HTTP request (the fixture's route), as WPUM's form handler runs it. */
const register = (login: string) =>
	run<number>(`return wpum_fixture_register( array( 'login' => ${phpString(login)}, 'email' => ${phpString(`${login}@example.org`)}, 'custom' => array( 'wpum_company' => 'Acme' ) ) );`);

/** Empties the outbox and subscriptions, resets the fixture switches, subscribes `url` to every event. */
const resetPlugin = (url: string) =>
	run<number>(`
		global $wpdb;
		$wpdb->query( "DELETE FROM {$wpdb->prefix}wpum_n8n_outbox" );
		$wpdb->query( "DELETE FROM {$wpdb->prefix}wpum_n8n_webhooks" );
		foreach ( array( 'wpum_fixture_now', 'wpum_fixture_loopback', 'wpum_fixture_timeout', 'wpum_fixture_inline', 'wpum_fixture_no_finish_request' ) as $o ) { delete_option( $o ); }
		return WPUM_N8N_Webhooks::create( ${phpString(url)}, array( '*' ), ${phpString(TEST_SECRET)}, 'jest' )['id'];`);

async function outbox(): Promise<OutboxRow[]> {
	const rows = await run<any[]>('global $wpdb; return $wpdb->get_results( "SELECT * FROM {$wpdb->prefix}wpum_n8n_outbox ORDER BY id ASC", ARRAY_A );');
	return rows.map((row) => ({ ...row, id: Number(row.id), webhook_id: Number(row.webhook_id), user_id: Number(row.user_id), attempts: Number(row.attempts), last_http_status: row.last_http_status === null ? null : Number(row.last_http_status), payload: JSON.parse(row.payload) }));
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
	const started = Date.now();
	for (;;) {
		const value = await read();
		if (done(value)) return value;
		if (Date.now() - started > timeoutMs) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
		await sleep(100);
	}
}

function signed(request: RecordedRequest, secret = TEST_SECRET) {
	const timestamp = String(request.headers['x-wpum-timestamp']);
	return request.headers['x-wpum-signature'] === `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.rawBody}`).digest('hex')}`;
}

/** A receiver on a fixed port (it comes back where WordPress already sends). */
function listenOn(port: number) {
	const requests: RecordedRequest[] = [];
	const server = createServer((req, res) => {
		let rawBody = '';
		req.on('data', (chunk) => (rawBody += chunk));
		req.on('end', () => {
			requests.push({ method: req.method ?? '', url: req.url ?? '', path: req.url ?? '', query: new URLSearchParams(), headers: req.headers, rawBody, body: JSON.parse(rawBody) });
			sendJson(res, 200, { ok: true });
		});
	});
	return new Promise<{ requests: RecordedRequest[]; close: () => Promise<void> }>((resolve) =>
		server.listen(port, '127.0.0.1', () => resolve({ requests, close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }) })),
	);
}

const notices = () => run<string>("$f = WP_CONTENT_DIR . '/wpum-n8n-notices.log'; return file_exists( $f ) ? file_get_contents( $f ) : '';");

beforeAll(async () => {
	state = await bootNativeSite();
}, 120_000);

afterAll(async () => {
	if (!state) return;
	try {
		expect(await notices()).toBe('');
	} finally {
		await stopNativeSite(state);
	}
});

describe('native stack (nginx, PHP-FPM, MariaDB)', () => {
	it('is what it claims to be: PHP-FPM with fastcgi_finish_request(), MariaDB through mysqli', async () => {
		const info = await run<{ sapi: string; finish: boolean; db: string; driver: string }>(
			'global $wpdb; return array( "sapi" => PHP_SAPI, "finish" => function_exists( "fastcgi_finish_request" ), "db" => $wpdb->get_var( "SELECT VERSION()" ), "driver" => get_class( $wpdb->dbh ) );',
		);
		expect(info).toEqual({ sapi: 'fpm-fcgi', finish: true, db: expect.stringContaining('MariaDB'), driver: 'mysqli' });
	});

	it('(a) activation creates both tables on MariaDB with their columns and keys, and runs again cleanly', async () => {
		const describeTables = () =>
			run<Record<string, { engine: string; columns: string[]; keys: string[] }>>(`
				global $wpdb;
				$out = array();
				foreach ( array( 'wpum_n8n_webhooks', 'wpum_n8n_outbox' ) as $t ) {
					$table = $wpdb->prefix . $t;
					$cols  = $wpdb->get_results( $wpdb->prepare( "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s ORDER BY ORDINAL_POSITION", $table ), ARRAY_A );
					$keys  = $wpdb->get_results( $wpdb->prepare( "SELECT INDEX_NAME, GROUP_CONCAT( COLUMN_NAME ORDER BY SEQ_IN_INDEX ) AS cols FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s GROUP BY INDEX_NAME ORDER BY INDEX_NAME", $table ), ARRAY_A );
					$out[ $t ] = array(
						'engine'  => $wpdb->get_var( $wpdb->prepare( "SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s", $table ) ),
						'columns' => array_map( static fn( $c ) => $c['COLUMN_NAME'] . ' ' . $c['COLUMN_TYPE'] . ( 'YES' === $c['IS_NULLABLE'] ? ' null' : '' ), $cols ),
						'keys'    => array_map( static fn( $k ) => $k['INDEX_NAME'] . '(' . $k['cols'] . ')', $keys ),
					);
				}
				return $out;`);
		// Drop them, then activate the way WordPress does; the tables must come back from dbDelta.
		const reactivated = await run<{ error: string; active: boolean; version: string }>(`
			require_once ABSPATH . 'wp-admin/includes/plugin.php';
			global $wpdb;
			deactivate_plugins( 'wpum-n8n-connector/wpum-n8n-connector.php' );
			WPUM_N8N_Schema::drop();
			delete_option( WPUM_N8N_Schema::DB_VERSION_OPTION );
			$r = activate_plugin( 'wpum-n8n-connector/wpum-n8n-connector.php' );
			return array( 'error' => is_wp_error( $r ) ? $r->get_error_message() : $wpdb->last_error, 'active' => is_plugin_active( 'wpum-n8n-connector/wpum-n8n-connector.php' ), 'version' => get_option( WPUM_N8N_Schema::DB_VERSION_OPTION ) );`);
		expect(reactivated).toEqual({ error: '', active: true, version: '1' });
		const tables = await describeTables();
		expect(tables.wpum_n8n_webhooks).toEqual({
			engine: 'InnoDB',
			columns: ['id bigint(20) unsigned', 'name varchar(191)', 'url text', 'events text', 'secret varchar(255)', 'created_at datetime'],
			keys: ['PRIMARY(id)'],
		});
		expect(tables.wpum_n8n_outbox).toEqual({
			engine: 'InnoDB',
			columns: [
				'id bigint(20) unsigned',
				'event_id char(36)',
				'event varchar(64)',
				'webhook_id bigint(20) unsigned',
				'user_id bigint(20) unsigned',
				'payload longtext',
				'status varchar(20)',
				'attempts int(11) unsigned',
				'last_http_status int(11) null',
				'last_error text null',
				'next_attempt_at datetime',
				'locked_until datetime null',
				'created_at datetime',
				'delivered_at datetime null',
			],
			keys: ['event_id(event_id)', 'PRIMARY(id)', 'status_next(status,next_attempt_at)', 'webhook_id(webhook_id)'],
		});
		// dbDelta on existing tables (an upgrade run) changes nothing and raises no SQL error.
		const again = await run<string>('global $wpdb; WPUM_N8N_Schema::install(); return $wpdb->last_error;');
		expect(again).toBe('');
		expect(await describeTables()).toEqual(tables);
	});

	it('(b) a WPUM registration is delivered, signed, after fastcgi_finish_request(): the visitor does not wait for a slow receiver', async () => {
		let hitAt = 0;
		const receiver = await startServer(async (_req, res) => {
			hitAt = performance.now();
			await sleep(SLOW_MS);
			sendJson(res, 200, { ok: true });
		});
		try {
			await resetPlugin(`${receiver.url}/slow`);
			const login = unique('fpm');
			const sentAt = performance.now();
			const userId = await register(login);
			const answeredAt = performance.now();
			expect(typeof userId).toBe('number');

			// The registration's response came back while the delivery was still in flight (or not yet sent).
			const elapsed = answeredAt - sentAt;
			expect(elapsed).toBeLessThan(SLOW_MS / 2);
			const [during] = await outbox();
			expect(during).toMatchObject({ user_id: userId, status: 'pending', attempts: 0 });

			// Nobody runs the dispatcher: the worker that served the registration delivers it by itself.
			const [row] = await until('delivery', outbox, (rows) => rows[0]?.status !== 'pending', SLOW_MS + 10_000);
			expect(row).toMatchObject({ status: 'delivered', attempts: 1, last_http_status: 200 });
			expect(receiver.requests).toHaveLength(1);
			const request = receiver.requests[0];
			expect(hitAt).toBeGreaterThan(0);
			// The receiver only answered SLOW_MS after it was hit, long after the visitor had the page.
			expect(answeredAt).toBeLessThan(hitAt + SLOW_MS - 1000);
			expect(signed(request)).toBe(true);
			expect(signed(request, `${TEST_SECRET}-wrong`)).toBe(false);
			expect(request.headers).toMatchObject({ 'x-wpum-event': 'user.registered', 'x-wpum-event-id': row.event_id, 'x-wpum-delivery': String(row.id), 'x-wpum-attempt': '1' });
			assertEvent(request.body);
			expect((request.body as any).user).toMatchObject({ id: userId, login, fields: { wpum_company: 'Acme' } });
			process.stdout.write(`(b) registration answered in ${elapsed.toFixed(0)} ms; receiver hit ${(hitAt - answeredAt).toFixed(0)} ms after the answer (negative: before it reached the client), answered ${SLOW_MS} ms later\n`);
		} finally {
			await receiver.close();
		}
	});

	it('(c) receiver down: the row stays pending with the attempt recorded, and is delivered once it is up and the dispatcher runs', async () => {
		const probe = await startServer((_req, res) => sendJson(res, 200, {}));
		const port = probe.port;
		await probe.close();
		await resetPlugin(`http://127.0.0.1:${port}/hook`);
		const userId = await register(unique('down'));

		// The after-response attempt fails (connection refused) and is recorded, without anyone running it.
		const [failed] = await until('failed attempt', outbox, (rows) => rows[0]?.attempts >= 1);
		expect(failed).toMatchObject({ user_id: userId, status: 'pending', attempts: 1, last_http_status: null });
		expect(failed.last_error).toMatch(/refused|connect|cURL/i);
		const start = await run<number>('return time();');
		expect(Date.parse(`${failed.next_attempt_at}Z`) / 1000).toBeGreaterThanOrEqual(start + 50);

		// Not due yet: the dispatcher leaves it alone.
		expect(await run<number>('return WPUM_N8N_Dispatcher::run_due();')).toBe(0);

		const back = await listenOn(port);
		try {
			await run(`update_option( 'wpum_fixture_now', ${start + 61} ); return true;`);
			expect(await run<number>('return WPUM_N8N_Dispatcher::run_due();')).toBe(1);
			const [row] = await outbox();
			expect(row).toMatchObject({ id: failed.id, status: 'delivered', attempts: 2, last_http_status: 200, last_error: null });
			expect(back.requests).toHaveLength(1);
			expect(back.requests[0].headers).toMatchObject({ 'x-wpum-event-id': failed.event_id, 'x-wpum-attempt': '2' });
			expect(signed(back.requests[0])).toBe(true);
			expect((back.requests[0].body as any).user.id).toBe(userId);
			// Exactly once.
			expect(await run<number>('return WPUM_N8N_Dispatcher::run_due();')).toBe(0);
			expect(back.requests).toHaveLength(1);
		} finally {
			await back.close();
			await run("delete_option( 'wpum_fixture_now' ); return true;");
		}
	});
});
