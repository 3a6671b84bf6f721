// Starts the pinned n8n server with this package installed the way a user installs it: the `npm pack`
// tarball unpacked into <userFolder>/.n8n/nodes/node_modules/<package> (what Settings → Community Nodes
// does), so a broken `files` list or `n8n` block in package.json fails here.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const PACKAGE = 'n8n-nodes-wp-user-manager';
const OWNER = { email: 'owner@example.com', firstName: 'E2E', lastName: 'Owner', password: 'E2e-Passw0rd-Owner' };

/** The n8n versions the end-to-end suite proves: the oldest and the newest supported (WPUM_N8N_VERSIONS overrides). */
export const N8N_VERSIONS = (process.env.WPUM_N8N_VERSIONS ?? '2.8.4,2.41.1')
	.split(',')
	.map((v) => v.trim())
	.filter(Boolean);

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

/** Builds and packs this package once; returns the tarball path. */
export function packPackage(): string {
	const outDir = mkdtempSync(path.join(tmpdir(), 'wpum-n8n-pack-'));
	execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
	const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
	return path.join(outDir, name);
}

export interface N8nServer {
	url: string;
	port: number;
	userFolder: string;
	apiKey: string;
	logFile: string;
	process: ChildProcess;
	/**
	 * Calls n8n's public API (`/api/v1/...`). `POST /workflows/{id}/activate` and `/deactivate` return once
	 * n8n has applied them, on every version (n8n ≥ 2.10 publishes after the call returns), and throw
	 * with n8n's message when a trigger could not start, as n8n 2.8 answers the call itself.
	 */
	api<T = any>(method: string, route: string, body?: unknown): Promise<T>;
	/** Calls the editor's internal API (`/rest/...`) with the owner's session. */
	rest<T = any>(method: string, route: string, body?: unknown): Promise<T>;
	stop(): Promise<void>;
	/** Starts the same instance again (same user folder, port and database). */
	restart(): Promise<void>;
}

export async function startN8n(options: { version?: string; tarball: string; port?: number; env?: Record<string, string> }): Promise<N8nServer> {
	// WPUM_N8N_VERSION: the n8n a caller without its own version gets (npm start, the benchmarks).
	const version = options.version ?? process.env.WPUM_N8N_VERSION ?? '2.8.4';
	const install = execFileSync('bash', [path.join(ROOT, 'scripts/install-n8n.sh'), version], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
	const userFolder = mkdtempSync(path.join(tmpdir(), 'wpum-n8n-user-'));
	const nodesDir = path.join(userFolder, '.n8n/nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE);
	mkdirSync(packageDir, { recursive: true });
	execFileSync('tar', ['xzf', options.tarball, '-C', packageDir, '--strip-components=1']);
	const installed = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
	writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE]: installed.version } }));

	const port = options.port ?? (await freePort());
	const brokerPort = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const logFile = path.join(userFolder, 'n8n.log');
	// jest sets NODE_ENV=test, which n8n reads as "running its own unit tests": start it as users do.
	const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_ENV' && !k.startsWith('JEST')));
	const env = {
		...inherited,
		NODE_ENV: 'production',
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		WEBHOOK_URL: `${url}/`,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		...options.env,
	};

	let child: ChildProcess;
	const launch = async () => {
		const log = openSync(logFile, 'a');
		const starts = readFileSync(logFile, 'utf8').split('Editor is now accessible via').length;
		// bin/n8n runs the server on the Node its version needs (scripts/install-n8n.sh).
		child = spawn(path.join(install, 'bin/n8n'), ['start'], { env, stdio: ['ignore', log, log] });
		// /healthz and even /rest answer ("n8n is starting up") before n8n is ready; this line marks ready.
		const ready = () => readFileSync(logFile, 'utf8').split('Editor is now accessible via').length > starts;
		await waitFor(() => ready() || child.exitCode !== null, 180_000, () => readFileSync(logFile, 'utf8').slice(-3000));
		if (child.exitCode !== null) throw new Error(`n8n exited (${child.exitCode}): ${readFileSync(logFile, 'utf8').slice(-3000)}`);
	};
	try {
		await launch();
	} catch (error) {
		child!.kill('SIGKILL');
		throw error;
	}

	const ownerResponse = await fetch(`${url}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
	if (!ownerResponse.ok) throw new Error(`n8n owner setup failed: ${ownerResponse.status} ${await ownerResponse.text()}`);
	let cookie = (ownerResponse.headers.get('set-cookie') ?? '').split(';')[0];

	const rest = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
		const response = await fetch(`${url}/rest${route}`, { method, headers: { cookie, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
		const text = await response.text();
		if (!response.ok) throw new Error(`n8n ${method} /rest${route} → ${response.status}: ${text}`);
		try {
			return (JSON.parse(text) as { data: T }).data;
		} catch {
			throw new Error(`n8n ${method} /rest${route} answered no JSON: ${text.slice(0, 300)}`);
		}
	};
	const scopes = await rest<string[]>('GET', '/api-keys/scopes');
	const key = await rest<{ rawApiKey?: string; apiKey?: string }>('POST', '/api-keys', { label: 'e2e', scopes, expiresAt: null });
	const apiKey = key.rawApiKey ?? key.apiKey!;

	const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
		const response = await fetch(`${url}/api/v1${route}`, { method, headers: { 'x-n8n-api-key': apiKey, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
		const text = await response.text();
		if (!response.ok) throw new Error(`n8n ${method} /api/v1${route} → ${response.status}: ${text}`);
		const activation = method === 'POST' ? /^\/workflows\/([^/]+)\/(activate|deactivate)$/.exec(route) : null;
		if (activation) await publicationSettled(activation[1], activation[2] === 'activate');
		return (text ? JSON.parse(text) : undefined) as T;
	};

	// n8n ≥ 2.10 (its workflow publication service) starts and stops triggers from an outbox after the
	// API call; its editor polls this status. n8n 2.8 has no such route (404): its call was synchronous.
	const publicationSettled = async (workflowId: string, active: boolean) => {
		let status: { status: string; triggers: Array<{ nodeId: string; status: string; errorMessage?: string | null }> } | undefined;
		await waitFor(
			async () => {
				const response = await fetch(`${url}/rest/workflows/${workflowId}/publication-status`, { headers: { cookie } });
				if (response.status === 404) return true;
				if (!response.ok) throw new Error(`n8n GET /rest/workflows/${workflowId}/publication-status → ${response.status}: ${await response.text()}`);
				status = ((await response.json()) as { data: typeof status }).data;
				return status!.status !== 'in_progress';
			},
			60_000,
			() => `publication of workflow ${workflowId}: ${JSON.stringify(status)}`,
		);
		if (active && status && status.status !== 'published') {
			const reasons = status.triggers.filter((t) => t.status === 'failed').map((t) => `${t.nodeId}: ${t.errorMessage ?? 'failed'}`);
			throw new Error(`n8n could not activate workflow ${workflowId} (${status.status}): ${reasons.join('; ')}`);
		}
	};

	const stop = async () => {
		if (child.exitCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
		await exited;
		clearTimeout(timer);
	};

	const restart = async () => {
		await launch();
		const login = await fetch(`${url}/rest/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }) });
		cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
	};

	return { url, port, userFolder, apiKey, logFile, get process() { return child; }, api, rest, stop, restart };
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, describe: () => string = () => ''): Promise<void> {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`Timed out after ${timeoutMs / 1000} s. ${describe()}`);
}
