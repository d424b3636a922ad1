/** A roll version as lookups need it: the id, and the random identity its cache keys carry. */
export interface RollVersionRef {
  id: number;
  /** `roll_version.cache_id`, a uuid set at import. */
  cacheId: string;
  /** KeyedHasher.id of the pepper that keyed the version's CNIC hashes; null or absent when not recorded. */
  pepperId?: string | null;
}

/**
 * The version part of a cache key: `v<id>-<first 12 hex digits of cache_id>`. The id keeps keys
 * readable (`parchee:roll:v3-*` finds one version's entries); the 48 random bits make a key from a
 * dropped and re-created database, whose ids started again at 1, miss instead of answering with
 * another roll's voter. Twelve digits rather than the whole uuid: every cached voter pays for each
 * byte of its key.
 */
export function rollCacheNamespace(version: RollVersionRef): string {
  return `v${version.id}-${version.cacheId.replace(/-/g, '').slice(0, 12)}`;
}
