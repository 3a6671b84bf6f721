import type { MapperInput } from './payload';

export type Route =
	| { output: 'sync'; fullSync: boolean }
	| { output: 'deferred'; reason: string }
	| { output: 'removed'; wasDeferred: boolean }
	| { output: 'skip' };

export interface GateSettings {
	/** "Defer until activation": hold back users who are not active yet. */
	deferUntilActivation: boolean;
	/** Send only the fields an update changed. */
	changedOnly: boolean;
	/** What to do with the plugin's "Send test event". */
	pingEvents: 'sync' | 'skip';
}

const PENDING_REASONS: Record<string, string> = {
	pending_approval: 'Waiting for an administrator to approve the account',
	pending_verification: 'Waiting for the user to confirm their e-mail address',
};

/**
 * Where one input goes. Decided per user from the payload's `status`, never from the kind of request
 * that created the user, so backfilled and admin-created users pass the gate the same way.
 */
export function route(input: MapperInput, settings: GateSettings): Route {
	const { event, user } = input;
	const pending = user.status === 'pending_approval' || user.status === 'pending_verification';

	if (event === 'user.deleted' || event === 'user.rejected') {
		// With the gate on, a user who never became active was never sent to the CRM.
		return { output: 'removed', wasDeferred: settings.deferUntilActivation && pending };
	}
	if (event === 'ping' && settings.pingEvents === 'skip') return { output: 'skip' };
	// An activation is the moment the gate opens: the whole profile goes, whatever `status` still says.
	if (event === 'user.activated') return { output: 'sync', fullSync: true };
	if (settings.deferUntilActivation && pending) {
		return { output: 'deferred', reason: PENDING_REASONS[user.status as string] };
	}
	const partial = event === 'user.updated' || event === 'user.role_changed';
	return { output: 'sync', fullSync: !(settings.changedOnly && partial) };
}
