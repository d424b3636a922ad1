import { RedisKeys, commandBatch, readMany, type RedisClient } from '@parchee/redis';
import { decodeVoterRecord, encodeVoterRecord, NEGATIVE_ENTRY } from './voter-record-codec';
import { VoterRecord } from './voter-record';
import { rollCacheNamespace, RollVersionRef } from './roll-version-ref';

export interface RollCacheOptions {
  /** Key prefix; keys are `<prefix>v<version id>-<cache id>:<base64url hash>` (see `rollCacheNamespace`). Default `RedisKeys.ROLL`, 'parchee:roll:'. */
  keyPrefix?: string;
  /** TTL of a cached voter. Rolls are immutable per version, so this only bounds memory. Default 21600 s (6 h). */
  positiveTtlSeconds?: number;
  /**
   * TTL of a negative entry (CNIC not in the roll). Shorter, because enumeration attempts fill
   * these with numbers nobody will ask for again. Default 900 s (15 min).
   */
  negativeTtlSeconds?: number;
}

export const ROLL_CACHE_DEFAULTS = {
  keyPrefix: RedisKeys.ROLL,
  positiveTtlSeconds: 21_600,
  negativeTtlSeconds: 900,
} as const;

/**
 * `undefined` = not cached, `null` = cached as unknown, a record = cached voter. Keys hold only
 * the roll version's identity and the keyed hash, never a CNIC.
 */
export type CachedVoter = VoterRecord | null | undefined;

/**
 * Redis side of lookups: one MGET per batch to read, one pipeline of SET EX to write (on a Redis
 * Cluster, one MGET per slot and the SETs one pipeline per node: readMany, commandBatch). Errors
 * throw; the reader decides.
 */
export class RollCache {
  private readonly prefix: string;
  private readonly positiveTtl: number;
  private readonly negativeTtl: number;

  constructor(
    private readonly redis: RedisClient,
    options: RollCacheOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? ROLL_CACHE_DEFAULTS.keyPrefix;
    this.positiveTtl = options.positiveTtlSeconds ?? ROLL_CACHE_DEFAULTS.positiveTtlSeconds;
    this.negativeTtl = options.negativeTtlSeconds ?? ROLL_CACHE_DEFAULTS.negativeTtlSeconds;
  }

  key(version: RollVersionRef, hashText: string): string {
    return `${this.prefix}${rollCacheNamespace(version)}:${hashText}`;
  }

  /** TTL a cached voter gets; the warmer uses it too, so warmed and read-through entries age alike. */
  get positiveTtlSeconds(): number {
    return this.positiveTtl;
  }

  async getMany(version: RollVersionRef, hashTexts: string[]): Promise<CachedVoter[]> {
    if (hashTexts.length === 0) return [];
    // The version part once per batch, not once per key (it runs a regex).
    const prefix = this.key(version, '');
    const values = await readMany(
      this.redis,
      hashTexts.map((h) => prefix + h),
    );
    return values.map((v) => {
      if (v === null) return undefined;
      if (v === NEGATIVE_ENTRY) return null;
      return decodeVoterRecord(v);
    });
  }

  async setMany(version: RollVersionRef, entries: Array<[hashText: string, record: VoterRecord | null]>): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = commandBatch(this.redis);
    const prefix = this.key(version, '');
    let queued = 0;
    for (const [hashText, record] of entries) {
      if (record === null) {
        pipeline.set(prefix + hashText, NEGATIVE_ENTRY, 'EX', this.negativeTtl);
        queued++;
        continue;
      }
      const value = encodeVoterRecord(record);
      if (value === null) continue;
      pipeline.set(prefix + hashText, value, 'EX', this.positiveTtl);
      queued++;
    }
    if (queued === 0) return;
    const results = await pipeline.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  }
}
