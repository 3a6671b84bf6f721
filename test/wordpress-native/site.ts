// A production-like WordPress for tests and benchmarks: private MariaDB, PHP-FPM 8.2 and nginx
// processes (Debian's packages, scripts/wordpress-native.sh installs them), started as the current user
// in a temp dir on 127.0.0.1 free ports, serving Debian's WordPress files with the companion plugin and
// the test fixture mu-plugin (copied, as test/wordpress does with Playground). bootNativeSite() returns
// the same SiteState as the Playground helpers, so php(code, state.url) and friends work against it;
// stopNativeSite() stops every process it started and removes the temp dir.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { PLUGIN_FILE, php, phpString, type SiteState } from '../wordpress/site';

const ROOT = path.resolve(__dirname, '../..');
const SBIN = '/usr/sbin';
const START_TIMEOUT_MS = 60_000;

export interface NativeSiteState extends SiteState {
	/** Process ids of what bootNativeSite() started (each leads its own process group). */
	pids: { mariadb: number; fpm: number; nginx: number };
	dbSocket: string;
	/** PHP-FPM pool size (pm = static). */
	fpmChildren: number;
}

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

async function waitFor(what: string, check: () => boolean | Promise<boolean>, child: ChildProcess, logFile: string) {
	const started = Date.now();
	while (Date.now() - started < START_TIMEOUT_MS) {
		if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}):\n${tail(logFile)}`);
		try {
			if (await check()) return;
		} catch {
			// not yet
		}
		await sleep(200);
	}
	throw new Error(`${what} did not start in ${START_TIMEOUT_MS / 1000} s:\n${tail(logFile)}`);
}

function tail(file: string) {
	try {
		return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
	} catch {
		return '(no log)';
	}
}

function start(command: string, args: string[], logFile: string): ChildProcess {
	const log = openSync(logFile, 'a');
	const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
	child.unref();
	return child;
}

function canConnect(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/**
 * Boots the native stack. `fpmChildren`: PHP-FPM pool size (static). Throws (after stopping what it
 * started) when any part does not come up.
 */
export async function bootNativeSite(options: { fpmChildren?: number } = {}): Promise<NativeSiteState> {
	const fpmChildren = options.fpmChildren ?? 4;
	const wordpressFiles = execFileSync('bash', [path.join(ROOT, 'scripts/wordpress-native.sh')], { encoding: 'utf8' }).trim().split('\n').pop()!;
	const siteDir = mkdtempSync(path.join(tmpdir(), 'wpum-n8n-native-'));
	const wpDir = path.join(siteDir, 'wordpress');
	cpSync(wordpressFiles, wpDir, { recursive: true });
	cpSync(path.join(ROOT, 'wordpress/wpum-n8n-connector'), path.join(wpDir, 'wp-content/plugins/wpum-n8n-connector'), { recursive: true });
	cpSync(path.join(ROOT, 'test/wordpress/fixtures/mu-plugins'), path.join(wpDir, 'wp-content/mu-plugins'), { recursive: true });
	for (const dir of ['mysql', 'run', 'nginx-tmp']) mkdirSync(path.join(siteDir, dir));

	const [dbPort, fpmPort, httpPort] = [await freePort(), await freePort(), await freePort()];
	const url = `http://127.0.0.1:${httpPort}`;
	const dbSocket = path.join(siteDir, 'run/mysqld.sock');
	const logFile = path.join(siteDir, 'native.log');
	const asRoot = isRoot() ? ['--user=root'] : [];
	const started: ChildProcess[] = [];
	const pids = { mariadb: 0, fpm: 0, nginx: 0 };
	const partial = { url, pid: 0, siteDir, logFile, dbSocket, fpmChildren, pids };

	try {
		// MariaDB: own datadir, socket and port; root over the socket only, WordPress's own user.
		execFileSync(
			'mariadb-install-db',
			['--no-defaults', `--datadir=${path.join(siteDir, 'mysql')}`, '--auth-root-authentication-method=socket', '--skip-test-db', ...asRoot],
			{ stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')] },
		);
		const mariadb = start(
			path.join(SBIN, 'mariadbd'),
			[
				'--no-defaults',
				`--datadir=${path.join(siteDir, 'mysql')}`,
				`--socket=${dbSocket}`,
				`--port=${dbPort}`,
				'--bind-address=127.0.0.1',
				`--pid-file=${path.join(siteDir, 'run/mysqld.pid')}`,
				'--skip-name-resolve',
				'--innodb-buffer-pool-size=128M',
				'--character-set-server=utf8mb4',
				'--collation-server=utf8mb4_unicode_ci',
				...asRoot,
			],
			path.join(siteDir, 'mariadb.log'),
		);
		started.push(mariadb);
		pids.mariadb = mariadb.pid!;
		await waitFor('mariadbd', () => canConnect(dbPort), mariadb, path.join(siteDir, 'mariadb.log'));
		const sql = (statement: string) => execFileSync('mariadb', ['--no-defaults', `--socket=${dbSocket}`, '-u', isRoot() ? 'root' : userInfo().username, '-e', statement]);
		sql("CREATE DATABASE wordpress DEFAULT CHARACTER SET utf8mb4; CREATE USER 'wp'@'localhost' IDENTIFIED BY 'wp'; GRANT ALL ON wordpress.* TO 'wp'@'localhost';");

		// PHP-FPM: one static pool on 127.0.0.1, Debian's php.ini (opcache on, as in production).
		const fpmConf = path.join(siteDir, 'php-fpm.conf');
		writeFileSync(
			fpmConf,
			[
				'[global]',
				`pid = ${path.join(siteDir, 'run/php-fpm.pid')}`,
				`error_log = ${path.join(siteDir, 'php-fpm.log')}`,
				'daemonize = no',
				'[wpum]',
				...(isRoot() ? ['user = root', 'group = root'] : []),
				`listen = 127.0.0.1:${fpmPort}`,
				'listen.allowed_clients = 127.0.0.1',
				'pm = static',
				`pm.max_children = ${fpmChildren}`,
				'catch_workers_output = yes',
				'php_admin_flag[log_errors] = on',
				`php_admin_value[error_log] = ${path.join(siteDir, 'php-errors.log')}`,
				'php_admin_value[memory_limit] = 256M',
				// No MTA here: mail "sent" at once, as a local relay would accept it.
				'php_admin_value[sendmail_path] = /bin/true',
				'',
			].join('\n'),
		);
		const fpm = start(path.join(SBIN, 'php-fpm8.2'), ['-F', '-y', fpmConf, ...(isRoot() ? ['-R'] : [])], path.join(siteDir, 'php-fpm.log'));
		started.push(fpm);
		pids.fpm = fpm.pid!;
		await waitFor('php-fpm', () => canConnect(fpmPort), fpm, path.join(siteDir, 'php-fpm.log'));

		// nginx in front, the usual WordPress location rules.
		const nginxConf = path.join(siteDir, 'nginx.conf');
		const tmp = path.join(siteDir, 'nginx-tmp');
		writeFileSync(
			nginxConf,
			`${isRoot() ? 'user root;\n' : ''}worker_processes 1;
pid ${path.join(siteDir, 'run/nginx.pid')};
error_log ${path.join(siteDir, 'nginx-error.log')};
events { worker_connections 512; }
http {
	include /etc/nginx/mime.types;
	access_log off;
	client_body_temp_path ${tmp}/body;
	fastcgi_temp_path ${tmp}/fastcgi;
	proxy_temp_path ${tmp}/proxy;
	uwsgi_temp_path ${tmp}/uwsgi;
	scgi_temp_path ${tmp}/scgi;
	server {
		listen 127.0.0.1:${httpPort};
		root ${wpDir};
		index index.php;
		client_max_body_size 16m;
		location / { try_files $uri $uri/ /index.php?$args; }
		location ~ \\.php$ {
			try_files $uri =404;
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
			fastcgi_pass 127.0.0.1:${fpmPort};
			fastcgi_read_timeout 120s;
		}
	}
}
`,
		);
		const nginx = start(path.join(SBIN, 'nginx'), ['-e', path.join(siteDir, 'nginx-error.log'), '-p', siteDir, '-c', nginxConf, '-g', 'daemon off;'], path.join(siteDir, 'nginx-error.log'));
		started.push(nginx);
		pids.nginx = nginx.pid!;
		partial.pid = nginx.pid!;
		await waitFor('nginx', () => canConnect(httpPort), nginx, path.join(siteDir, 'nginx-error.log'));

		// wp-config.php for MariaDB over its socket, then wp_install() from PHP.
		const salts = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT']
			.map((name) => `define( '${name}', '${randomBytes(32).toString('hex')}' );`)
			.join('\n');
		writeFileSync(
			path.join(wpDir, 'wp-config.php'),
			`<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp' );
define( 'DB_PASSWORD', 'wp' );
define( 'DB_HOST', ${phpString(`localhost:${dbSocket}`)} );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
${salts}
$table_prefix = 'wp_';
define( 'WP_HOME', ${phpString(url)} );
define( 'WP_SITEURL', ${phpString(url)} );
define( 'WP_DEBUG', false );
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
`,
		);
		const installed = execFileSync(
			'php',
			[
				// WordPress 6.1's bundled Requests library raises deprecations on PHP 8.2 (the fixture reports all).
				'-d',
				'log_errors=0',
				'-d',
				'sendmail_path=/bin/true',
				'-r',
				`define( 'WP_INSTALLING', true );
				$_SERVER['HTTP_HOST'] = '127.0.0.1:${httpPort}'; $_SERVER['REQUEST_URI'] = '/'; $_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
				require ${phpString(path.join(wpDir, 'wp-load.php'))};
				require_once ABSPATH . 'wp-admin/includes/upgrade.php';
				$r = wp_install( 'WPUM native', 'admin', 'admin@example.org', false, '', wp_generate_password( 24 ) );
				echo is_array( $r ) && ! empty( $r['user_id'] ) ? 'installed' : 'failed';`,
			],
			{ encoding: 'utf8', cwd: wpDir, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		if (!installed.trim().endsWith('installed')) throw new Error(`wp_install() failed: ${installed}`);

		const activated = await php(
			`require_once ABSPATH . 'wp-admin/includes/plugin.php';
			$result = activate_plugin( ${phpString(PLUGIN_FILE)} );
			return is_wp_error( $result ) ? $result->get_error_message() : $result;`,
			url,
		);
		if (activated !== null) throw new Error(`plugin activation failed: ${JSON.stringify(activated)}`);
		// The same fixture state and users as the Playground suite (test/wordpress/global-setup.ts).
		const setup = await php<{ users: SiteState['admin'][] }>(
			`update_option( 'wpum_fixture_wpum_active', 1 );
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
			return array( 'users' => $users );`,
			url,
		);
		const [admin, subscriber, editor] = setup.users;
		return { ...partial, admin, subscriber, editor };
	} catch (error) {
		await stopNativeSite({ ...partial, pids }, { keepDir: true });
		throw new Error(`native WordPress did not boot (logs in ${siteDir}): ${(error as Error).message}`);
	}
}

function alive(pid: number) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Stops nginx, PHP-FPM and MariaDB (each process group), waits for them, removes the temp dir. */
export async function stopNativeSite(state: Pick<NativeSiteState, 'pids' | 'siteDir'>, options: { keepDir?: boolean } = {}) {
	const pids = [state.pids.nginx, state.pids.fpm, state.pids.mariadb].filter((pid) => pid > 0);
	for (const pid of pids) {
		try {
			process.kill(-pid, 'SIGTERM');
		} catch {
			// already gone
		}
	}
	const deadline = Date.now() + 15_000;
	while (pids.some(alive) && Date.now() < deadline) await sleep(100);
	for (const pid of pids.filter(alive)) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			// gone meanwhile
		}
	}
	if (!options.keepDir && process.env.WPUM_N8N_KEEP_SITE !== '1') rmSync(state.siteDir, { recursive: true, force: true });
}
