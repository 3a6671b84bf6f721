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

/**
 * The run's tags for these names (matched without regard to case), in order and without repeats. A
 * missing name is created with `create` and remembered for the rest of the run; without `create` it
 * is skipped (removing a tag the account does not have is a no-op).
 */
export async function tagsNamed(
	ctx: CrmContext,
	adapter: CrmAdapter,
	names: string[],
	create?: (name: string) => Promise<CrmTag>,
): Promise<CrmTag[]> {
	if (!names.length) return [];
	const existing = await tagsForRun(ctx, adapter);
	const found: CrmTag[] = [];
	for (const name of names) {
		let tag = existing.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
		if (!tag && create) {
			tag = await create(name);
			existing.push(tag);
		}
		if (tag && !found.some((seen) => seen.id === tag!.id)) found.push(tag);
	}
	return found;
}
