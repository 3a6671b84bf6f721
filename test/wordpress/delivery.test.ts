// Delivery from the outbox: signed requests to a local receiver, retries, exactly once, give-up, retry.
import { createHmac } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { sendJson, startServer, type LocalServer, type RecordedRequest } from '../support/http-server';
import { TEST_SECRET, assertEvent, outbox, php, phpString, pluginNotices, resetPlugin, rest, runCron, runDeliveries, saveExample, site } from './site';

let seq = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++seq}`;

const register = (login: string) =>
	php<number>(`return wpum_fixture_register( array( 'login' => ${phpString(login)}, 'email' => ${phpString(`${login}@example.org`)}, 'custom' => array( 'wpum_company' => 'Acme' ) ) );`);

const setNow = (timestamp: number) => php(`update_option( 'wpum_fixture_now', ${timestamp} ); return true;`);
const phpNow = () => php<number>('return time();');

function verifySignature(request: RecordedRequest, secret: string) {
	const timestamp = String(request.headers['x-wpum-timestamp']);
	const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.rawBody}`).digest('hex')}`;
	return request.headers['x-wpum-signature'] === expected;
}

/** A receiver on a fixed port (so it can come back on the port WordPress already has). */
function listenOn(port: number, handler: (res: ServerResponse, body: string, headers: Record<string, unknown>) => void) {
	const received: Array<{ body: string; headers: Record<string, unknown> }> = [];
	const server: Server = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			received.push({ body, headers: req.headers });
			handler(res, body, req.headers);
		});
	});
	return new Promise<{ received: typeof received; close: () => Promise<void> }>((resolve) =>
		server.listen(port, '127.0.0.1', () =>
			resolve({
				received,
				close: () =>
					new Promise<void>((done) => {
						server.closeAllConnections();
						server.close(() => done());
					}),
			}),
		),
	);
}

async function refusedPort() {
	const probe = await startServer((_req, res) => sendJson(res, 200, {}));
	const { port } = probe;
	await probe.close();
	return port;
}

describe('delivery', () => {
	let receiver: LocalServer;
	let status = 200;

	beforeAll(async () => {
		receiver = await startServer((_req, res) => sendJson(res, status, { ok: status < 300 }));
	});
	beforeEach(() => {
		receiver.requests.length = 0;
		status = 200;
	});
	afterAll(async () => {
		await receiver.close();
		await resetPlugin();
		expect(await pluginNotices()).toBe('');
	});

	it('POSTs each event once, signed with the subscription secret over timestamp + "." + raw body', async () => {
		const webhookId = await resetPlugin(`${receiver.url}/hook`);
		const userId = await register(unique('signed'));
		const [row] = await outbox();

		expect(await runDeliveries()).toBe(1);
		expect(receiver.requests).toHaveLength(1);
		const request = receiver.requests[0];
		expect(request.method).toBe('POST');
		expect(request.path).toBe('/hook');
		expect(request.headers['content-type']).toBe('application/json');
		expect(request.headers['x-wpum-event']).toBe('user.registered');
		expect(request.headers['x-wpum-event-id']).toBe(row.event_id);
		expect(request.headers['x-wpum-delivery']).toBe(String(row.id));
		expect(request.headers['x-wpum-attempt']).toBe('1');
		expect(String(request.headers['x-wpum-timestamp'])).toMatch(/^\d{10}$/);
		expect(verifySignature(request, TEST_SECRET)).toBe(true);
		expect(verifySignature(request, `${TEST_SECRET}-wrong`)).toBe(false);
		expect(verifySignature({ ...request, rawBody: request.rawBody.replace('Acme', 'Acne') }, TEST_SECRET)).toBe(false);
		const body = request.body as any;
		assertEvent(body);
		expect(body.event_id).toBe(row.event_id);
		expect(body.user.id).toBe(userId);
		expect(request.rawBody).not.toContain(TEST_SECRET);

		const [delivered] = await outbox();
		expect(delivered).toMatchObject({ id: row.id, webhook_id: webhookId, status: 'delivered', attempts: 1, last_http_status: 200 });

		// Nothing is sent twice.
		expect(await runDeliveries()).toBe(0);
		expect(receiver.requests).toHaveLength(1);
		saveExample('rest/delivery-request-headers', {
			'content-type': request.headers['content-type'],
			'x-wpum-event-id': request.headers['x-wpum-event-id'],
			'x-wpum-event': request.headers['x-wpum-event'],
			'x-wpum-timestamp': request.headers['x-wpum-timestamp'],
			'x-wpum-signature': request.headers['x-wpum-signature'],
			'x-wpum-delivery': request.headers['x-wpum-delivery'],
			'x-wpum-attempt': request.headers['x-wpum-attempt'],
		});
	});

	it('retries after a refused connection and a 500, then delivers every event exactly once when the receiver is back', async () => {
		const port = await refusedPort();
		await resetPlugin(`http://127.0.0.1:${port}/hook`);
		const users = [await register(unique('down')), await register(unique('down')), await register(unique('down'))];
		const start = await phpNow();
		await setNow(start);

		// n8n is down: the first row fails, the subscription's other rows wait without spending attempts.
		expect(await runDeliveries()).toBe(1);
		let rows = await outbox();
		expect(rows.map((r) => [r.status, r.attempts])).toEqual([
			['pending', 1],
			['pending', 0],
			['pending', 0],
		]);
		expect(rows[0].last_error).toMatch(/refused|connect|Socket|cURL/i);
		expect(rows[0].last_http_status).toBeNull();
		expect(Date.parse(rows[0].next_attempt_at + 'Z') / 1000).toBe(start + 60);

		// Same minute: the first row is not due; the second is tried, fails, and holds back the third.
		expect(await runDeliveries()).toBe(1);
		rows = await outbox();
		expect(rows.map((r) => r.attempts)).toEqual([1, 1, 0]);

		// The receiver comes back on the same port but answers 500 first.
		let answers = 0;
		const acknowledged: string[] = [];
		const back = await listenOn(port, (res, _body, headers) => {
			answers++;
			if (answers > 1) acknowledged.push(String(headers['x-wpum-event-id']));
			res.writeHead(answers === 1 ? 500 : 200, { 'content-type': 'application/json' });
			res.end(answers === 1 ? '{"message":"workflow error"}' : '{}');
		});
		try {
			await setNow(start + 61);
			await runDeliveries();
			rows = await outbox();
			const failed500 = rows.find((r) => r.last_http_status === 500)!;
			expect(failed500.status).toBe('pending');
			expect(failed500.last_error).toContain('HTTP 500');

			// An hour later WP-Cron's one-minute event sends everything due.
			await setNow(start + 3600);
			expect(await runCron()).toEqual({ schedule: 'wpum_n8n_every_minute', next: expect.any(Number) });
			await setNow(start + 7200);
			await runCron();
			rows = await outbox();
			expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);

			// Each event acknowledged exactly once.
			expect(acknowledged).toHaveLength(3);
			expect([...acknowledged].sort()).toEqual(rows.map((r) => r.event_id).sort());
			expect(back.received.map((r) => JSON.parse(r.body).user.id).filter((id, i, all) => all.indexOf(id) === i).sort()).toEqual(users.sort());
			const retried = back.received.find((r) => r.headers['x-wpum-event-id'] === failed500.event_id && r.headers['x-wpum-attempt'] !== '1');
			expect(retried).toBeDefined();
			expect(Number(retried!.headers['x-wpum-attempt'])).toBeGreaterThan(1);

			// Exactly once: more runs, much later, send nothing.
			await setNow(start + 86400);
			expect(await runDeliveries()).toBe(0);
			expect(back.received).toHaveLength(answers);
		} finally {
			await back.close();
		}
	});

	it('two runners at once (loopback and WP-Cron) still send each row exactly once', async () => {
		const slowReceiver = await startServer((_req, res) => {
			setTimeout(() => sendJson(res, 200, {}), 200);
		});
		try {
			await resetPlugin(`${slowReceiver.url}/race`);
			await php(`for ( $i = 0; $i < 6; $i++ ) { wpum_fixture_register( array( 'login' => 'race' . $i . uniqid(), 'email' => 'race' . $i . uniqid() . '@example.org' ) ); } return true;`);
			const [first, second] = await Promise.all([runDeliveries(), runDeliveries()]);
			expect(first + second).toBe(6);
			const ids = slowReceiver.requests.map((r) => r.headers['x-wpum-event-id']);
			expect(ids).toHaveLength(6);
			expect(new Set(ids).size).toBe(6);
			expect((await outbox()).every((row) => row.status === 'delivered' && row.attempts === 1)).toBe(true);
		} finally {
			await slowReceiver.close();
		}
	});

	it('the loopback endpoint refuses callers without the site token', async () => {
		const response = await fetch(`${site().url}/wp-admin/admin-ajax.php`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'action=wpum_n8n_deliver&token=guess',
		});
		expect(response.status).toBe(403);
	});

	it('a receiver that does not answer in time counts as a failed attempt', async () => {
		const slow = await startServer(() => {
			// never answers
		});
		try {
			await resetPlugin(`${slow.url}/slow`);
			await php("update_option( 'wpum_fixture_timeout', 1 ); return true;");
			await register(unique('slow'));
			expect(await runDeliveries()).toBe(1);
			const [row] = await outbox();
			expect(row).toMatchObject({ status: 'pending', attempts: 1, last_http_status: null });
			expect(row.last_error).toMatch(/timed out|timeout/i);
		} finally {
			await slow.close();
		}
	});

	it('backs off 1 min, doubling, capped at 6 h, keeps trying for 72 h, then marks the delivery failed', async () => {
		expect(await php('return array_map( array( "WPUM_N8N_Dispatcher", "backoff" ), range( 1, 12 ) );')).toEqual([
			60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600, 21600, 21600,
		]);
		const port = await refusedPort();
		await resetPlugin(`http://127.0.0.1:${port}/hook`);
		await register(unique('giveup'));
		// Drive the runner at each scheduled attempt until it gives up.
		const result = await php<{ attempts: number; status: string; hours: number; runs: number }>(`
			global $wpdb;
			$table = $wpdb->prefix . 'wpum_n8n_outbox';
			$row   = $wpdb->get_row( "SELECT * FROM {$table} ORDER BY id DESC LIMIT 1", ARRAY_A );
			$created = strtotime( $row['created_at'] . ' UTC' );
			$runs = 0;
			while ( 'pending' === $row['status'] && $runs < 100 ) {
				$now = strtotime( $row['next_attempt_at'] . ' UTC' );
				update_option( 'wpum_fixture_now', $now );
				WPUM_N8N_Dispatcher::run_due();
				$row = $wpdb->get_row( $wpdb->prepare( "SELECT * FROM {$table} WHERE id = %d", $row['id'] ), ARRAY_A );
				$runs++;
			}
			return array( 'attempts' => (int) $row['attempts'], 'status' => $row['status'], 'hours' => ( $now - $created ) / 3600, 'runs' => $runs );
		`);
		expect(result.status).toBe('failed');
		expect(result.hours).toBeGreaterThanOrEqual(72);
		expect(result.hours).toBeLessThan(72 + 6 + 1);
		expect(result.attempts).toBe(result.runs);
		expect(result.attempts).toBeGreaterThan(15);

		// An admin retries the failed delivery once n8n is back.
		const [failed] = await outbox();
		const retried = await rest('POST', `/wpum-n8n/v1/deliveries/${failed.id}/retry`);
		expect(retried.status).toBe(200);
		expect(retried.body).toMatchObject({ id: failed.id, status: 'pending', last_error: expect.stringMatching(/./) });
		saveExample('rest/delivery-retry', retried.body);
		await php(`global $wpdb; $wpdb->update( $wpdb->prefix . 'wpum_n8n_webhooks', array( 'url' => ${phpString(`${receiver.url}/back`)} ), array( 'id' => ${failed.webhook_id} ) ); return true;`);
		await runDeliveries();
		expect(receiver.requests.map((r) => r.headers['x-wpum-event-id'])).toEqual([failed.event_id]);
		expect(Number(receiver.requests[0].headers['x-wpum-attempt'])).toBe(result.attempts + 1);
		const list = await rest('GET', '/wpum-n8n/v1/deliveries', { query: { status: 'delivered' } });
		expect(list.body.deliveries.map((d: any) => d.id)).toContain(failed.id);
		saveExample('rest/deliveries', list.body);
		const again = await rest('POST', `/wpum-n8n/v1/deliveries/${failed.id}/retry`);
		expect(again.status).toBe(409);
		expect(again.body.message).toMatch(/already delivered/);
	});

	it('is sent right after the response by itself (non-blocking loopback), without anyone running WP-Cron', async () => {
		await resetPlugin(`${receiver.url}/after-response`);
		await php("update_option( 'wpum_fixture_loopback', 1 ); return true;");
		const userId = await register(unique('loopback'));
		for (let i = 0; i < 120 && receiver.requests.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 500));
		expect(receiver.requests).toHaveLength(1);
		expect((receiver.requests[0].body as any).user.id).toBe(userId);
		const [row] = await outbox();
		expect(row.status).toBe('delivered');
	});

	it('under PHP-FPM it is sent in-process on shutdown, after the response (no runner needed)', async () => {
		await resetPlugin(`${receiver.url}/in-process`);
		await php("update_option( 'wpum_fixture_inline', 1 ); return true;");
		const userId = await register(unique('inline'));
		// Playground has no fastcgi_finish_request(): the shutdown hook sends before the response ends.
		expect(receiver.requests.map((r) => (r.body as any).user.id)).toEqual([userId]);
		expect((await outbox())[0]).toMatchObject({ status: 'delivered', attempts: 1 });
	});

	it('a test event (ping) goes to one subscription with the admin profile', async () => {
		const webhookId = await resetPlugin(`${receiver.url}/ping`);
		const queued = await rest('POST', `/wpum-n8n/v1/webhooks/${webhookId}/test`);
		expect(queued.status).toBe(200);
		expect(queued.body).toEqual({ delivery_id: expect.any(Number), event_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
		await runDeliveries();
		expect(receiver.requests).toHaveLength(1);
		const ping = receiver.requests[0].body as any;
		assertEvent(ping);
		expect(ping).toMatchObject({ event: 'ping', event_id: queued.body.event_id, user: { login: 'admin' } });
		expect(receiver.requests[0].headers['x-wpum-delivery']).toBe(String(queued.body.delivery_id));
		saveExample('event-ping', ping);
		saveExample('rest/webhook-test', queued.body);
	});
});
