// Helpers for the WordPress suite: talk to the one Playground site that global-setup.ts booted.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

export const STATE_FILE = path.join(tmpdir(), 'wpum-n8n-wordpress-site.json');
export const FIXTURE_KEY = 'wpum-n8n-fixture-key';
export const PLUGIN_FILE = 'wpum-n8n-connector/wpum-n8n-connector.php';
const ROOT = path.resolve(__dirname, '../..');

export interface Credentials {
	user: string;
	password: string;
}

export interface SiteState {
	url: string;
	pid: number;
	siteDir: string;
	logFile: string;
	admin: Credentials & { id: number };
	subscriber: Credentials & { id: number };
	editor: Credentials & { id: number };
}

export function site(): SiteState {
	return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as SiteState;
}

function restUrl(url: string, route: string, query: Record<string, string | number> = {}) {
	const search = new URLSearchParams({ rest_route: route });
	for (const [key, value] of Object.entries(query)) search.set(key, String(value));
	return `${url}/?${search.toString()}`;
}

/** Runs PHP inside a real WordPress request (fixture route) and returns what the snippet returns. */
export async function php<T = unknown>(code: string, baseUrl = site().url): Promise<T> {
	const response = await fetch(restUrl(baseUrl, '/wpum-n8n-test/v1/run'), {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-fixture-key': FIXTURE_KEY },
		body: new URLSearchParams({ code }).toString(),
	});
	const text = await response.text();
	if (response.status !== 200) throw new Error(`PHP snippet failed (${response.status}): ${text}\n--- code ---\n${code}`);
	return (JSON.parse(text) as { result: T }).result;
}

export type Auth = 'admin' | 'subscriber' | 'editor' | 'none' | Credentials;

export interface RestResponse<T = any> {
	status: number;
	body: T;
	headers: Headers;
}

/** Calls the plugin's REST API (or any route) with an application password. */
export async function rest<T = any>(
	method: string,
	route: string,
	options: { auth?: Auth; body?: unknown; query?: Record<string, string | number> } = {},
): Promise<RestResponse<T>> {
	const state = site();
	const auth = options.auth ?? 'admin';
	const headers: Record<string, string> = {};
	const credentials = typeof auth === 'string' ? (auth === 'none' ? undefined : state[auth]) : auth;
	if (credentials) headers.authorization = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
	if (options.body !== undefined) headers['content-type'] = 'application/json';
	const response = await fetch(restUrl(state.url, route, options.query), {
		method,
		headers,
		body: options.body === undefined ? undefined : JSON.stringify(options.body),
	});
	const text = await response.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		// not JSON: keep the text
	}
	return { status: response.status, body: body as T, headers: response.headers };
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(JSON.parse(readFileSync(path.join(ROOT, 'contract/user.schema.json'), 'utf8')));
const userValidator = ajv.getSchema('https://n8n-nodes-wp-user-manager/contract/user.schema.json')!;
const eventValidator = ajv.compile(JSON.parse(readFileSync(path.join(ROOT, 'contract/event.schema.json'), 'utf8')));

/** Throws with ajv's errors when a user object breaks contract/user.schema.json. */
export function assertUser(user: unknown) {
	if (!userValidator(user)) throw new Error(`user breaks the contract: ${ajv.errorsText(userValidator.errors)}\n${JSON.stringify(user, null, 2)}`);
}

/** Throws with ajv's errors when an event body breaks contract/event.schema.json. */
export function assertEvent(event: unknown) {
	if (!eventValidator(event)) throw new Error(`event breaks the contract: ${ajv.errorsText(eventValidator.errors)}\n${JSON.stringify(event, null, 2)}`);
}

/** Words that must never appear in anything the plugin sends. */
export const SECRET_MARKERS = ['Plain-Text-Password-123!', 'user_pass', '$P$', '$wp$', 'session_tokens', 'activation_key', '_path', 'wpum_door_pin', '/wordpress/wp-content/uploads/'];

export function assertNoSecrets(value: unknown) {
	const text = JSON.stringify(value);
	for (const marker of SECRET_MARKERS) {
		if (text.includes(marker)) throw new Error(`"${marker}" leaked into: ${text.slice(0, 2000)}`);
	}
}

/**
 * Saves a real body or response to contract/examples/<name>.json when WPUM_N8N_WRITE_EXAMPLES=1
 * (the nodes' fake plugin server serves these files, so both sides use what the plugin really sends).
 * Events and user objects go at the top level; other REST responses under `rest/`.
 */
export function saveExample(name: string, data: unknown) {
	if (process.env.WPUM_N8N_WRITE_EXAMPLES !== '1') return;
	const file = path.join(ROOT, 'contract/examples', `${name}.json`);
	mkdirSync(path.dirname(file), { recursive: true });
	writeFileSync(file, `${JSON.stringify(data, null, '\t')}\n`);
}

export interface OutboxRow {
	id: number;
	event_id: string;
	event: string;
	webhook_id: number;
	user_id: number;
	status: string;
	attempts: number;
	last_http_status: number | null;
	last_error: string | null;
	next_attempt_at: string;
	created_at: string;
	payload: any;
}

/** Every outbox row (oldest first), with its payload parsed. */
export async function outbox(): Promise<OutboxRow[]> {
	const rows = await php<any[]>(
		'global $wpdb; return $wpdb->get_results( "SELECT * FROM {$wpdb->prefix}wpum_n8n_outbox ORDER BY id ASC", ARRAY_A );',
	);
	return rows.map((row) => ({
		...row,
		id: Number(row.id),
		webhook_id: Number(row.webhook_id),
		user_id: Number(row.user_id),
		attempts: Number(row.attempts),
		last_http_status: row.last_http_status === null ? null : Number(row.last_http_status),
		payload: JSON.parse(row.payload),
	}));
}

export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnop';

/**
 * Empties the outbox and the subscriptions, puts the clock and the fixture switches back, and (in the
 * same request) subscribes `subscribeUrl` to every event. Returns the new subscription id, if any.
 */
export async function resetPlugin(subscribeUrl?: string): Promise<number | null> {
	return php<number | null>(`
		global $wpdb;
		$wpdb->query( "DELETE FROM {$wpdb->prefix}wpum_n8n_outbox" );
		$wpdb->query( "DELETE FROM {$wpdb->prefix}wpum_n8n_webhooks" );
		delete_option( 'wpum_fixture_now' );
		delete_option( 'wpum_fixture_loopback' );
		delete_option( 'wpum_fixture_timeout' );
		delete_option( 'wpum_fixture_inline' );
		${subscribeUrl ? `return WPUM_N8N_Webhooks::create( ${phpString(subscribeUrl)}, array( '*' ), ${phpString(TEST_SECRET)}, 'jest' )['id'];` : 'return null;'}
	`);
}

/** Subscribes a URL through the REST API and returns the subscription. */
export async function subscribe(url: string, events: string[] = ['*'], secret = TEST_SECRET) {
	const response = await rest('POST', '/wpum-n8n/v1/webhooks', { body: { url, events, secret, name: 'jest' } });
	if (response.status !== 201) throw new Error(`subscribe failed: ${response.status} ${JSON.stringify(response.body)}`);
	return { ...(response.body as { id: number; url: string; events: string[] }), secret };
}

/** Runs the delivery runner once, as WP-Cron would. Returns the number of attempts made. */
export function runDeliveries() {
	return php<number>('return WPUM_N8N_Dispatcher::run_due();');
}

/** Runs the plugin's WP-Cron event the way wp-cron.php does, and reports its schedule. */
export function runCron() {
	return php<{ schedule: string | false; next: number | false }>(`
		do_action( 'wpum_n8n_deliver_due' );
		return array( 'schedule' => wp_get_schedule( 'wpum_n8n_deliver_due' ), 'next' => wp_next_scheduled( 'wpum_n8n_deliver_due' ) );
	`);
}

/** PHP notices, warnings and deprecations raised in the plugin's files so far. */
export async function pluginNotices(): Promise<string> {
	return php<string>("$f = WP_CONTENT_DIR . '/wpum-n8n-notices.log'; return file_exists( $f ) ? file_get_contents( $f ) : '';");
}

export const phpString = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Sets fixture switches (WPUM present, Custom Fields addon, User Verification addon). */
export async function setWpum(options: { wpum: boolean; customFields?: boolean; userVerification?: boolean; method?: string }) {
	await php(`
		update_option( 'wpum_fixture_wpum_active', ${options.wpum ? 1 : 0} );
		update_option( 'wpum_fixture_custom_fields', ${options.customFields ? 1 : 0} );
		update_option( 'wpum_fixture_user_verification', ${options.userVerification ? 1 : 0} );
		update_option( 'wpum_settings', array( 'user_verification_method' => ${phpString(options.method ?? 'email')} ) );
		return true;
	`);
}
