import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { CREDENTIAL_TYPE, siteBaseUrl, wpumApiRequest } from '../../WpUserManager/transport';
import { catalogFromResponse, type FieldCatalog, type FieldCatalogResponse } from '../fields';

/** How long a site's field catalog is reused before it is read again. */
export const CATALOG_TTL_MS = 5 * 60_000;
/** A field the cached catalog does not know triggers a fresh read, at most this often per site. */
export const CATALOG_RECHECK_MS = 30_000;

interface CachedCatalog {
	readAt: number;
	catalog: Promise<FieldCatalog>;
}

// Per n8n process and site. Reading GET /fields on every event cost a full WordPress request per
// registration (most of the mapper's time on a busy site), for a list that changes only when an admin
// edits WPUM's fields.
const catalogs = new Map<string, CachedCatalog>();

/** Forgets every cached catalog (tests that change a site's fields between runs). */
export function clearFieldCatalogCache(): void {
	catalogs.clear();
}

/** Field keys the input users carry (in `user.fields`) that the catalog does not know. */
function unknownKeys(catalog: FieldCatalog, items: INodeExecutionData[]): boolean {
	for (const item of items) {
		const user = (item.json.user ?? item.json) as { fields?: unknown };
		if (typeof user.fields !== 'object' || user.fields === null) continue;
		for (const key of Object.keys(user.fields)) if (!catalog.has(key)) return true;
	}
	return false;
}

/**
 * The site's field catalog (GET /fields) when the node lists WPUM fields from the site: read once, then
 * reused for CATALOG_TTL_MS, and read again sooner when an input user has a field the catalog lacks
 * (an admin just added it in WPUM).
 */
export async function loadFieldCatalog(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<FieldCatalog | undefined> {
	if (this.getNodeParameter('wpumFieldList', 0) !== 'site') return undefined;
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const key = `${siteBaseUrl(credentials.url)}\n${String(credentials.username ?? '')}`;
	const now = Date.now();
	const cached = catalogs.get(key);
	if (cached && now - cached.readAt < CATALOG_TTL_MS) {
		const catalog = await cached.catalog.catch(() => undefined);
		if (catalog && (now - cached.readAt < CATALOG_RECHECK_MS || !unknownKeys(catalog, items))) return catalog;
	}
	const reading = (async () => catalogFromResponse((await wpumApiRequest.call(this, 'GET', '/fields')) as FieldCatalogResponse))();
	const entry: CachedCatalog = { readAt: now, catalog: reading };
	catalogs.set(key, entry);
	// A failed read is not cached: the next run asks the site again.
	reading.catch(() => {
		if (catalogs.get(key) === entry) catalogs.delete(key);
	});
	return await reading;
}
