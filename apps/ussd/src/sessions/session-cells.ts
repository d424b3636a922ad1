/**
 * Where sessions are kept: one string per key, written only if it still holds the revision the
 * writer read. RedisSessionCells keeps them in Redis; unit specs keep them in memory.
 */
export interface SessionCells {
  /** The value and its revision: 0 and null when absent; -1 when the value carries no revision. */
  read(key: string): Promise<{ revision: number; value: string | null }>;
  /**
   * Stores `value` as revision `revision + 1` with `ttlMs` if the key is still at `revision`
   * (0: absent); true when stored, false when another writer got there first.
   */
  compareAndSet(key: string, revision: number, value: string, ttlMs: number): Promise<boolean>;
  /** A plain value (a remembered language), or null. */
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

/** `<revision>:<payload>`: the revision comes first so the compare-and-set script can read it without the payload. */
export function revisionOf(stored: string | null): { revision: number; value: string | null } {
  if (stored === null) return { revision: 0, value: null };
  const m = /^(\d{1,15}):/.exec(stored);
  return m ? { revision: Number(m[1]), value: stored.slice(m[0].length) } : { revision: -1, value: stored };
}

/** The revision a successful compare-and-set from `revision` leaves: a value without one (-1) starts again at 1. */
export function nextRevision(revision: number): number {
  return revision < 0 ? 1 : revision + 1;
}
