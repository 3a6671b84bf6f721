// Stops the Playground server global-setup.ts started and removes its site copy.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { STATE_FILE } from './site';

export default async function globalTeardown() {
	if (!existsSync(STATE_FILE) || process.env.WPUM_N8N_REUSE_SITE === '1') return;
	stopSite(JSON.parse(readFileSync(STATE_FILE, 'utf8')) as { pid: number; siteDir: string });
	rmSync(STATE_FILE, { force: true });
}

/** Stops a site bootSite() started and removes its copy (kept with WPUM_N8N_KEEP_SITE=1). */
export function stopSite(state: { pid: number; siteDir: string }) {
	try {
		process.kill(-state.pid, 'SIGTERM');
	} catch {
		// already stopped
	}
	if (process.env.WPUM_N8N_KEEP_SITE !== '1') rmSync(state.siteDir, { recursive: true, force: true });
}
