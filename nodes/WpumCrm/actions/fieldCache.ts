import { createHash } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { CrmAdapter, CrmField } from '../adapters/types';

/** How long a CRM account's field list is reused before it is read again. */
export const CRM_FIELDS_TTL_MS = 5 * 60_000;

interface CachedFields {
	readAt: number;
	fields: Promise<CrmField[]>;
}

// Per n8n process, CRM account and CRM settings (e.g. the Mailchimp audience). Listing the fields on every
// event cost one CRM request per registration against the vendor's rate limit, for a list that changes
// only when someone edits the CRM's fields; a key the list lacks makes the caller read it again.
const cache = new Map<string, CachedFields>();

/** Forgets every cached field list (tests that change a fake CRM's fields between runs). */
export function clearCrmFieldCache(): void {
	cache.clear();
}

async function cacheKey(ctx: IExecuteFunctions, adapter: CrmAdapter): Promise<string> {
	const credentials = await ctx.getCredentials(adapter.credentialType);
	const settings = (adapter.settings ?? []).map((property) => ctx.getNodeParameter(property.name, 0, null));
	// Hashed so no secret is kept in the key.
	const identity = createHash('sha256').update(JSON.stringify([credentials, settings])).digest('hex');
	return `${adapter.slug}:${identity}`;
}

/**
 * The CRM's fields, from the cache when it is fresh; `refresh` reads them from the CRM whatever the
 * cache holds (a field key the cached list did not know). A failed read is not cached.
 */
export async function crmFields(ctx: IExecuteFunctions, adapter: CrmAdapter, refresh = false): Promise<CrmField[]> {
	const key = await cacheKey(ctx, adapter);
	const now = Date.now();
	const cached = cache.get(key);
	if (!refresh && cached && now - cached.readAt < CRM_FIELDS_TTL_MS) {
		const fields = await cached.fields.catch(() => undefined);
		if (fields) return fields;
	}
	const reading = adapter.listFields(ctx);
	const entry: CachedFields = { readAt: now, fields: reading };
	cache.set(key, entry);
	reading.catch(() => {
		if (cache.get(key) === entry) cache.delete(key);
	});
	return await reading;
}
