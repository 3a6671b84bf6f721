import type { CrmAdapter, CrmContext, CrmTag } from './types';

const cache = new WeakMap<object, Map<string, CrmTag[]>>();

/**
 * The adapter's tags (or lists, groups) read once per node run and shared by all its items, so a run
 * of many contacts does not page through the account's tags for each one. Push tags the run creates
 * onto the returned array. A dropdown load has its own context, hence a fresh read.
 */
export async function tagsForRun(ctx: CrmContext, adapter: CrmAdapter): Promise<CrmTag[]> {
	let byAdapter = cache.get(ctx);
	if (!byAdapter) {
		byAdapter = new Map();
		cache.set(ctx, byAdapter);
	}
	let tags = byAdapter.get(adapter.slug);
	if (!tags) {
		tags = await adapter.listTags(ctx);
		byAdapter.set(adapter.slug, tags);
	}
	return tags;
}
