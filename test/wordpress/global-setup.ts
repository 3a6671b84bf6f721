// Boots ONE WordPress (Playground, PHP 8.2, Debian's WordPress files) for the whole WordPress suite,
// with the plugin and the test fixture mounted, the plugin activated and three users with
// application passwords.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PLUGIN_FILE, STATE_FILE, php, type SiteState } from './site';

const ROOT = path.resolve(__dirname, '../..');
const BOOT_TIMEOUT_MS = 240_000;

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

async function waitForReady(logFile: string, child: ReturnType<typeof spawn>) {
	const started = Date.now();
	while (Date.now() - started < BOOT_TIMEOUT_MS) {
		const log = readFileSync(logFile, 'utf8');
		if (log.includes('Ready!')) return;
		if (child.exitCode !== null) throw new Error(`Playground exited (${child.exitCode}):\n${log}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`Playground was not ready after ${BOOT_TIMEOUT_MS / 1000} s:\n${readFileSync(logFile, 'utf8')}`);
}

async function reusableSite(): Promise<boolean> {
	if (process.env.WPUM_N8N_REUSE_SITE !== '1' || !existsSync(STATE_FILE)) return false;
	try {
		const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as SiteState;
		return Boolean(state.admin) && (await php('return 1;', state.url)) === 1;
	} catch {
		return false;
	}
}

export default async function globalSetup() {
	// WPUM_N8N_REUSE_SITE=1 keeps one site across local runs (boot once, iterate fast).
	if (await reusableSite()) return;
	await bootSite(STATE_FILE);
}

/**
 * Boots a Playground site and returns its state. With `stateFile`, the state is also written there (the
 * suite's helpers read it); the end-to-end suite boots its own site without one and stops it with stopSite().
 */
export async function bootSite(stateFile?: string): Promise<SiteState> {
	const wordpressFiles = execFileSync('bash', [path.join(ROOT, 'scripts/wordpress-files.sh')], { encoding: 'utf8' }).trim();
	const siteDir = mkdtempSync(path.join(tmpdir(), 'wpum-n8n-site-'));
	cpSync(wordpressFiles, path.join(siteDir, 'wordpress'), { recursive: true });
	const port = await freePort();
	const logFile = path.join(siteDir, 'playground.log');
	const log = openSync(logFile, 'a');

	const child = spawn(
		process.execPath,
		[
			path.join(ROOT, 'node_modules/@wp-playground/cli/wp-playground.js'),
			'server',
			`--port=${port}`,
			// The oldest PHP the plugin supports; WPUM_N8N_PHP=8.3 (8.4, …) runs the suite on another.
			`--php=${process.env.WPUM_N8N_PHP ?? '8.2'}`,
			'--workers=2',
			'--wordpress-install-mode=install-from-existing-files',
			'--mount-dir-before-install',
			path.join(siteDir, 'wordpress'),
			'/wordpress',
			'--mount-dir',
			path.join(ROOT, 'wordpress/wpum-n8n-connector'),
			'/wordpress/wp-content/plugins/wpum-n8n-connector',
			'--mount-dir',
			path.join(ROOT, 'test/wordpress/fixtures/mu-plugins'),
			'/wordpress/wp-content/mu-plugins',
		],
		{ detached: true, stdio: ['ignore', log, log] },
	);
	child.unref();

	const url = `http://127.0.0.1:${port}`;
	const partial = { url, pid: child.pid!, siteDir, logFile };
	if (stateFile) writeFileSync(stateFile, JSON.stringify(partial));
	try {
		await waitForReady(logFile, child);
		// Playground's first request after "Ready!" comes back empty; wait until the fixture answers.
		for (let attempt = 1; ; attempt++) {
			try {
				if ((await php('return 1;', url)) === 1) break;
			} catch (error) {
				if (attempt >= 30) throw error;
			}
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		// The plugin mount is sometimes not listed on the first look: retry activation a few times.
		let activated: unknown = 'not tried';
		for (let attempt = 1; attempt <= 5 && activated !== null; attempt++) {
			activated = await php(
				`require_once ABSPATH . 'wp-admin/includes/plugin.php';
				wp_clean_plugins_cache();
				scandir( WP_PLUGIN_DIR . '/wpum-n8n-connector' );
				$result = activate_plugin( '${PLUGIN_FILE}' );
				return is_wp_error( $result ) ? $result->get_error_message() : $result;`,
				url,
			);
		}
		if (activated !== null) throw new Error(`plugin activation failed: ${JSON.stringify(activated)}`);
		const setup = await php<{ users: SiteState['admin'][] }>(
			`
			update_option( 'wpum_fixture_wpum_active', 1 );
			update_option( 'wpum_fixture_custom_fields', 1 );
			wpum_fixture_install_tables();
			wpum_fixture_add_custom_fields();
			$users = array();
			foreach ( array( 'admin' => 'administrator', 'jest-subscriber' => 'subscriber', 'jest-editor' => 'editor' ) as $login => $role ) {
				$user = get_user_by( 'login', $login );
				$id   = $user ? $user->ID : wp_insert_user( array( 'user_login' => $login, 'user_pass' => wp_generate_password(), 'user_email' => $login . '@example.org', 'role' => $role ) );
				list( $password ) = WP_Application_Passwords::create_new_application_password( $id, array( 'name' => 'jest' ) );
				$users[] = array( 'id' => $id, 'user' => $login, 'password' => $password );
			}
			return array( 'users' => $users );
			`,
			url,
		);
		const [admin, subscriber, editor] = setup.users;
		const state: SiteState = { ...partial, admin, subscriber, editor };
		if (stateFile) writeFileSync(stateFile, JSON.stringify(state));
		return state;
	} catch (error) {
		try {
			process.kill(-child.pid!, 'SIGTERM');
		} catch {
			// already gone
		}
		throw error;
	}
}
