import type { IDataObject } from 'n8n-workflow';

/** How many event ids the trigger remembers to drop redelivered events. */
export const RECENT_EVENT_LIMIT = 500;

/**
 * Records `eventId` in the node's static data; returns false when it was already there (a duplicate).
 * Memory is bounded: only the last RECENT_EVENT_LIMIT ids are kept, oldest dropped first.
 */
export function rememberEvent(staticData: IDataObject, eventId: string, limit = RECENT_EVENT_LIMIT): boolean {
	const recent = Array.isArray(staticData.recentEventIds) ? (staticData.recentEventIds as string[]) : [];
	if (recent.includes(eventId)) return false;
	recent.push(eventId);
	if (recent.length > limit) recent.splice(0, recent.length - limit);
	staticData.recentEventIds = recent;
	return true;
}
