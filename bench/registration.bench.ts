/**
 * Benchmark 1, registration overhead (not a test; targets are reported, not asserted). A real WordPress
 * (Playground: PHP compiled to WebAssembly, run by Node, 2 PHP workers) with the companion plugin, core
 * registration enabled and the plugin's real delivery path (after each response it spawns a
 * non-blocking loopback request that delivers the outbox). Times real HTTP registrations — POSTs to
 * core `wp-login.php?action=register`, which fire `user_register`, the hook the plugin records the
 * event on — with the plugin inactive, then active with its webhook receiver up, down (refused
 * connection) and slow (answers after BENCH_SLOW_MS). Modes are interleaved round by round, in a
 * rotating order; each mode's figure is the median of its rounds' medians.
 * Run alone: npm run bench -- registration   (BENCH_ROUNDS, BENCH_REGISTRATIONS, BENCH_SLOW_MS)
 */
import { randomUUID } from 'node:crypto';

import { freePort } from '../test/e2e/n8n';
import { sendJson, startServer, type LocalServer } from '../test/support/http-server';
import { bootSite } from '../test/wordpress/global-setup';
import { stopSite } from '../test/wordpress/global-teardown';
import { PLUGIN_FILE, php, phpString, type SiteState } from '../test/wordpress/site';
import { type BenchRow, log, median, ms, now, ratio, sleep } from './support';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PER_ROUND = Number(process.env.BENCH_REGISTRATIONS ?? 3);
const SLOW_MS = Number(process.env.BENCH_SLOW_MS ?? 3000);

type Mode = 'inactive' | 'up' | 'down' | 'slow' | 'cron';
const MODES: Mode[] = ['inactive', 'up', 'down', 'slow', 'cron'];
const LABELS: Record<Mode, string> = {
	inactive: 'plugin inactive',
	up: 'plugin active, receiver up',
	down: 'plugin active, receiver down (connection refused)',
	slow: `plugin active, receiver slow (answers after ${SLOW_MS / 1000} s)`,
	// Tells the cost of recording the event apart from the cost of spawning the delivery loopback.
	cron: 'plugin active, receiver up, no loopback (WP-Cron delivers later)',
};

let counter = 0;

async function register(site: SiteState): Promise<number> {
	const login = `bench${Date.now().toString(36)}${++counter}`;
	const body = new URLSearchParams({ user_login: login, user_email: `${login}@example.org`, 'wp-submit': 'Register', redirect_to: '' });
	const started = now();
	const response = await fetch(`${site.url}/wp-login.php?action=register`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: body.toString(),
		redirect: 'manual',
	});
	const text = await response.text();
	const elapsed = now() - started;
	const location = response.headers.get('location') ?? '';
	if (response.status !== 302 || !location.includes('checkemail=registered')) {
		throw new Error(`registration of ${login} was not accepted (${response.status} ${location}): ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
	}
	return elapsed;
}

async function setMode(site: SiteState, mode: Mode, receivers: Record<Exclude<Mode, 'inactive'>, string>): Promise<void> {
	// Deliveries still running from the previous mode must not overlap this one.
	await sleep(mode === 'inactive' ? 500 : 1000);
	await php(
		`require_once ABSPATH . 'wp-admin/includes/plugin.php';
		global $wpdb;
		update_option( 'wpum_fixture_loopback', ${mode === 'cron' ? 0 : 1} );
		if ( is_plugin_active( ${phpString(PLUGIN_FILE)} ) ) {
			$wpdb->query( "DELETE FROM {$wpdb->prefix}wpum_n8n_outbox" );
			$wpdb->query( "DELETE FROM {$wpdb->prefix}wpum_n8n_webhooks" );
			${mode === 'inactive' ? '' : `WPUM_N8N_Webhooks::create( ${phpString(receivers[mode])}, array( '*' ), 'bench-secret-0123456789-abcdefghijklmnop', 'bench' );`}
		}
		${mode === 'inactive' ? `deactivate_plugins( ${phpString(PLUGIN_FILE)} );` : ''}
		return true;`,
		site.url,
	);
	if (mode !== 'inactive') {
		const result = await php(
			`require_once ABSPATH . 'wp-admin/includes/plugin.php';
			if ( ! is_plugin_active( ${phpString(PLUGIN_FILE)} ) ) {
				$r = activate_plugin( ${phpString(PLUGIN_FILE)} );
				if ( is_wp_error( $r ) ) return $r->get_error_message();
			}
			return true;`,
			site.url,
		);
		if (result !== true) throw new Error(`plugin activation failed: ${JSON.stringify(result)}`);
		// Activation happened in the request above; subscribe now that the plugin's classes are loaded.
		await php(
			`global $wpdb;
			$wpdb->query( "DELETE FROM {$wpdb->prefix}wpum_n8n_webhooks" );
			WPUM_N8N_Webhooks::create( ${phpString(receivers[mode])}, array( '*' ), 'bench-secret-0123456789-abcdefghijklmnop', 'bench' );
			return true;`,
			site.url,
		);
	}
}

const outboxRows = (site: SiteState) =>
	php<number>(`global $wpdb; return (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->prefix}wpum_n8n_outbox WHERE event = 'user.registered'" );`, site.url);

export async function run(): Promise<BenchRow[]> {
	const fast = await startServer((_req, res) => sendJson(res, 200, { ok: true }));
	const slow: LocalServer = await startServer(async (_req, res) => {
		await sleep(SLOW_MS);
		sendJson(res, 200, { ok: true });
	});
	const receivers = { up: `${fast.url}/webhook/${randomUUID()}`, cron: `${fast.url}/webhook/${randomUUID()}`, down: `http://127.0.0.1:${await freePort()}/webhook/down`, slow: `${slow.url}/webhook/slow` };
	log('Booting WordPress (Playground)…');
	const site = await bootSite();
	try {
		// Playground cannot send mail and core's new-user e-mail would dominate (and blur) every timing:
		// a tiny plugin, active in every mode, answers wp_mail as sent.
		const noMail = await php(
			`file_put_contents( WP_PLUGIN_DIR . '/bench-no-mail.php', "<?php\\n/* Plugin Name: Bench no mail */\\nadd_filter( 'pre_wp_mail', '__return_true' );\\n" );
			require_once ABSPATH . 'wp-admin/includes/plugin.php';
			wp_clean_plugins_cache();
			$r = activate_plugin( 'bench-no-mail.php' );
			update_option( 'users_can_register', 1 ); update_option( 'default_role', 'subscriber' ); update_option( 'wpum_fixture_loopback', 1 );
			return is_wp_error( $r ) ? $r->get_error_message() : true;`,
			site.url,
		);
		if (noMail !== true) throw new Error(`could not install the no-mail plugin: ${JSON.stringify(noMail)}`);
		const times: Record<Mode, number[][]> = { inactive: [], up: [], down: [], slow: [], cron: [] };
		const queued: Record<Mode, number> = { inactive: 0, up: 0, down: 0, slow: 0, cron: 0 };
		// Warm-up: PHP's opcache and WordPress's caches, in every mode.
		for (const mode of MODES) {
			await setMode(site, mode, receivers);
			for (let i = 0; i < 2; i++) await register(site);
		}
		for (let round = 0; round < ROUNDS; round++) {
			const order = MODES.map((_, i) => MODES[(i + round) % MODES.length]);
			for (const mode of order) {
				await setMode(site, mode, receivers);
				const list: number[] = [];
				for (let i = 0; i < PER_ROUND; i++) list.push(await register(site));
				times[mode].push(list);
				if (mode !== 'inactive') {
					await sleep(300);
					queued[mode] += await outboxRows(site);
				}
			}
			log(`round ${round + 1}/${ROUNDS}: ${order.map((mode) => `${mode} ${ms(median(times[mode][times[mode].length - 1]))}`).join(', ')}`);
		}
		const figure = (mode: Mode) => median(times[mode].map(median));
		const base = figure('inactive');
		log(`events the plugin queued: up ${queued.up}, down ${queued.down}, slow ${queued.slow}, no loopback ${queued.cron} (of ${ROUNDS * PER_ROUND} registrations each); deliveries the receiver got: ${fast.requests.length} (up), ${slow.requests.length} (slow)`);
		for (const mode of ['up', 'down', 'slow', 'cron'] as const) {
			if (queued[mode] < ROUNDS * PER_ROUND) throw new Error(`the plugin recorded only ${queued[mode]} of ${ROUNDS * PER_ROUND} registrations with the receiver ${mode}: it was not measured active`);
		}
		const rows: BenchRow[] = [
			{ bench: '1 registration', measure: `${LABELS.inactive}: median request time (Playground/WebAssembly PHP; ${ROUNDS} rounds × ${PER_ROUND})`, value: ms(base) },
		];
		for (const mode of ['up', 'down', 'slow', 'cron'] as const) {
			const value = figure(mode);
			rows.push({ bench: '1 registration', measure: `${LABELS[mode]}: median request time`, value: ms(value), ratio: `${ratio(value / base)} vs inactive`, target: '≤ 1.05×', met: value / base <= 1.05 });
		}
		return rows;
	} finally {
		stopSite(site);
		await fast.close();
		await slow.close();
	}
}
