/**
 * Benchmark 1, registration overhead (not a test; targets are reported, not asserted). A real WordPress
 * (Playground: PHP compiled to WebAssembly, run by Node, 2 PHP workers) with the companion plugin, core
 * registration enabled and the plugin's real delivery path (after each response it spawns a
 * non-blocking loopback request that delivers the outbox). Times real HTTP registrations — POSTs to
 * core `wp-login.php?action=register`, which fire `user_register`, the hook the plugin records the
 * event on — with the plugin inactive, then active with its webhook receiver up, down (refused
 * connection) and slow (answers after BENCH_SLOW_MS). Modes are interleaved round by round, in a
 * rotating order; each mode's figure is the median of its rounds' medians.
 * The same modes also run on a production-like stack (nginx → PHP-FPM 8.2 → MariaDB, test/wordpress-native),
 * where the plugin's default is to deliver in-process after fastcgi_finish_request(); there a sixth mode
 * measures its loopback path (fastcgi_finish_request() switched off through the test fixture). For every
 * mode the receivers' request counts are checked (a benchmark whose deliveries failed is meaningless).
 * Run alone: npm run bench -- registration   (BENCH_ROUNDS, BENCH_NATIVE_ROUNDS, BENCH_REGISTRATIONS, BENCH_SLOW_MS,
 * BENCH_REGISTRATION_STACKS=playground,native)
 */
import { randomUUID } from 'node:crypto';

import { freePort } from '../test/e2e/n8n';
import { sendJson, startServer, type LocalServer } from '../test/support/http-server';
import { bootSite } from '../test/wordpress/global-setup';
import { stopSite } from '../test/wordpress/global-teardown';
import { bootNativeSite, stopNativeSite } from '../test/wordpress-native/site';
import { PLUGIN_FILE, php, phpString, type SiteState } from '../test/wordpress/site';
import { type BenchRow, log, median, ms, now, ratio, sleep } from './support';

const ROUNDS_PLAYGROUND = Number(process.env.BENCH_ROUNDS ?? 3);
// Registrations on PHP-FPM take tens of milliseconds: more rounds for the same confidence, ~2 minutes.
const NATIVE_ROUNDS = Number(process.env.BENCH_NATIVE_ROUNDS ?? 15);
const PER_ROUND = Number(process.env.BENCH_REGISTRATIONS ?? 3);
const SLOW_MS = Number(process.env.BENCH_SLOW_MS ?? 3000);

const STACKS = (process.env.BENCH_REGISTRATION_STACKS ?? 'playground,native').split(',').map((stack) => stack.trim());

type Stack = 'playground' | 'native';
type Mode = 'inactive' | 'up' | 'down' | 'slow' | 'cron' | 'loopback';
type ActiveMode = Exclude<Mode, 'inactive'>;
const STACK_MODES: Record<Stack, Mode[]> = {
	playground: ['inactive', 'up', 'down', 'slow', 'cron'],
	native: ['inactive', 'up', 'down', 'slow', 'cron', 'loopback'],
};
const STACK_NAMES: Record<Stack, { bench: string; server: string }> = {
	playground: { bench: '1 registration', server: 'Playground/WebAssembly PHP' },
	native: { bench: '1 registration (PHP-FPM + MariaDB)', server: 'nginx, PHP-FPM 8.2 with 4 workers, MariaDB 10.11' },
};
const LABELS: Record<Mode, string> = {
	inactive: 'plugin inactive',
	up: 'plugin active, receiver up',
	down: 'plugin active, receiver down (connection refused)',
	slow: `plugin active, receiver slow (answers after ${SLOW_MS / 1000} s)`,
	// Tells the cost of recording the event apart from the cost of spawning the delivery loopback.
	cron: 'plugin active, receiver up, no loopback (WP-Cron delivers later)',
	loopback: 'plugin active, receiver up, loopback path (fastcgi_finish_request() off)',
};
/** On PHP-FPM the default path delivers after fastcgi_finish_request(); say so in those rows. */
const NATIVE_PATH: Partial<Record<Mode, string>> = { up: ' (after fastcgi_finish_request())', down: ' (after fastcgi_finish_request())', slow: ' (after fastcgi_finish_request())' };

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

async function setMode(site: SiteState, mode: Mode, receivers: Record<ActiveMode, string>): Promise<void> {
	// Deliveries still running from the previous mode must not overlap this one.
	await sleep(mode === 'inactive' ? 500 : 1000);
	await php(
		`require_once ABSPATH . 'wp-admin/includes/plugin.php';
		global $wpdb;
		update_option( 'wpum_fixture_loopback', ${mode === 'cron' ? 0 : 1} );
		update_option( 'wpum_fixture_no_finish_request', ${mode === 'cron' || mode === 'loopback' ? 1 : 0} );
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
	const rows: BenchRow[] = [];
	for (const stack of STACKS) {
		if (stack !== 'playground' && stack !== 'native') throw new Error(`unknown stack "${stack}" in BENCH_REGISTRATION_STACKS (playground, native)`);
		rows.push(...(await runStack(stack)));
	}
	return rows;
}

async function runStack(stack: Stack): Promise<BenchRow[]> {
	const MODES = STACK_MODES[stack];
	const ROUNDS = stack === 'native' ? NATIVE_ROUNDS : ROUNDS_PLAYGROUND;
	const name = STACK_NAMES[stack];
	const fast = await startServer((_req, res) => sendJson(res, 200, { ok: true }));
	const slow: LocalServer = await startServer(async (_req, res) => {
		await sleep(SLOW_MS);
		sendJson(res, 200, { ok: true });
	});
	const receivers: Record<ActiveMode, string> = {
		up: `${fast.url}/webhook/up-${randomUUID()}`,
		cron: `${fast.url}/webhook/cron-${randomUUID()}`,
		loopback: `${fast.url}/webhook/loopback-${randomUUID()}`,
		down: `http://127.0.0.1:${await freePort()}/webhook/down`,
		slow: `${slow.url}/webhook/slow`,
	};
	log(stack === 'native' ? 'Booting WordPress (nginx, PHP-FPM, MariaDB)…' : 'Booting WordPress (Playground)…');
	const native = stack === 'native' ? await bootNativeSite({ fpmChildren: 4 }) : undefined;
	const site: SiteState = native ?? (await bootSite());
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
		const times = Object.fromEntries(MODES.map((mode) => [mode, [] as number[][]])) as Record<Mode, number[][]>;
		const queued = Object.fromEntries(MODES.map((mode) => [mode, 0])) as Record<Mode, number>;
		const made = Object.fromEntries(MODES.map((mode) => [mode, 0])) as Record<Mode, number>;
		// Warm-up: PHP's opcache and WordPress's caches, in every mode.
		for (const mode of MODES) {
			await setMode(site, mode, receivers);
			for (let i = 0; i < 2; i++) await register(site);
			made[mode] += 2;
		}
		for (let round = 0; round < ROUNDS; round++) {
			const order = MODES.map((_, i) => MODES[(i + round) % MODES.length]);
			for (const mode of order) {
				await setMode(site, mode, receivers);
				const list: number[] = [];
				for (let i = 0; i < PER_ROUND; i++) list.push(await register(site));
				made[mode] += PER_ROUND;
				times[mode].push(list);
				if (mode !== 'inactive') {
					await sleep(300);
					queued[mode] += await outboxRows(site);
				}
				// PHP-FPM: each slow delivery holds its worker for BENCH_SLOW_MS after the response; let them
				// finish so the next mode has the whole pool (Playground keeps its original method).
				if (mode === 'slow' && stack === 'native') await sleep(SLOW_MS + 500);
			}
			log(`${stack} round ${round + 1}/${ROUNDS}: ${order.map((mode) => `${mode} ${ms(median(times[mode][times[mode].length - 1]))}`).join(', ')}`);
		}
		// The last slow deliveries are still waiting for their answer.
		await sleep(SLOW_MS + 2000);
		const received = (mode: ActiveMode) => [...fast.requests, ...slow.requests].filter((request) => receivers[mode].endsWith(request.path)).length;
		const active = MODES.filter((mode): mode is ActiveMode => mode !== 'inactive');
		log(`${stack}: events the plugin queued: ${active.map((mode) => `${mode} ${queued[mode]}`).join(', ')} (of ${ROUNDS * PER_ROUND} timed registrations each)`);
		log(`${stack}: deliveries the receivers got: ${active.map((mode) => `${mode} ${received(mode)}/${made[mode]}`).join(', ')} (registrations incl. warm-up)`);
		for (const mode of active) {
			if (queued[mode] < ROUNDS * PER_ROUND) throw new Error(`the plugin recorded only ${queued[mode]} of ${ROUNDS * PER_ROUND} registrations with the receiver ${mode}: it was not measured active`);
		}
		const figure = (mode: Mode) => median(times[mode].map(median));
		const base = figure('inactive');
		const rows: BenchRow[] = [
			{ bench: name.bench, measure: `${LABELS.inactive}: median request time (${name.server}; ${ROUNDS} rounds × ${PER_ROUND})`, value: ms(base) },
		];
		for (const mode of active) {
			const value = figure(mode);
			const path = stack === 'native' ? (NATIVE_PATH[mode] ?? '') : '';
			rows.push({ bench: name.bench, measure: `${LABELS[mode]}${path}: median request time`, value: ms(value), ratio: `${ratio(value / base)} vs inactive`, target: '≤ 1.05×', met: value / base <= 1.05 });
		}
		// Deliveries: every registration reached the receiver in the modes that deliver; none in the others.
		const delivering = active.filter((mode) => mode === 'up' || mode === 'slow' || mode === 'loopback');
		const silent = active.filter((mode) => mode === 'down' || mode === 'cron');
		const ok = delivering.every((mode) => received(mode) === made[mode]) && silent.every((mode) => received(mode) === 0);
		rows.push({
			bench: name.bench,
			measure: 'deliveries the receiver got (registrations incl. warm-up; down and no-loopback must get none)',
			value: active.map((mode) => `${mode} ${received(mode)}/${made[mode]}`).join(', '),
			target: 'all delivered',
			met: ok,
		});
		return rows;
	} finally {
		if (native) await stopNativeSite(native);
		else stopSite(site);
		await fast.close();
		await slow.close();
	}
}
