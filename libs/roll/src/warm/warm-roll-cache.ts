import type { Client } from 'pg';
import type { RedisClient } from '@parchee/redis';
import { connectRollClient } from '../connection/postgres-pool';
import { createRollRedis } from '../connection/redis-client';
import { PostgresConnectionOptions, RedisConnectionOptions, RollLogger, silentLogger } from '../connection/roll-connection-options';
import { RollError } from '../errors/roll-error';
import { RollCache, RollCacheOptions } from '../lookup/roll-cache';
import { VOTER_JOIN_SQL, VOTER_ROW_SQL, VoterRow, voterRecordOf } from '../lookup/roll-repository';
import { rollCacheNamespace, RollVersionRef } from '../lookup/roll-version-ref';
import { VoterRecord } from '../lookup/voter-record';

export interface WarmProgress {
  version: number;
  /** Keys written to Redis so far. */
  written: number;
  /** Voters to write: the version's count, or the district's. */
  total: number;
}

export interface WarmRollCacheOptions {
  postgres: PostgresConnectionOptions;
  /**
   * The lookup reader's 250 ms command timeout is for a citizen waiting on a reply; a pipeline of
   * thousands of SETs on a busy Redis needs longer, so the warmer's default is 10,000 ms.
   */
  redis: RedisConnectionOptions;
  /** The version to warm. Default: the active one. */
  version?: number;
  /** Only voters of this district, matched against `district_en` in any case. Default: the whole roll. */
  district?: string;
  /** Rows per FETCH from the cursor and SETs per pipeline. Default 5000. */
  batchSize?: number;
  /** Must match the lookup service's (prefix, TTL), or the warmed keys are never read. Default: the reader's defaults. */
  cache?: RollCacheOptions;
  /** Called after each batch is in Redis. */
  onProgress?: (progress: WarmProgress) => void;
  logger?: RollLogger;
}

export interface WarmRollCacheResult {
  version: number;
  /** The version part of every key written, e.g. `v3-1a2b3c4d5e6f`. */
  cacheNamespace: string;
  /** The district as the roll spells it, or null for the whole roll. */
  district: string | null;
  keys: number;
  seconds: number;
  keysPerSecond: number;
  /** `used_memory` from INFO memory before and after, bytes. Other clients' writes count too. */
  redisMemory: { before: number; after: number; delta: number };
}

export const WARM_DEFAULTS = { batchSize: 5000, commandTimeoutMs: 10_000, readyTimeoutMs: 5000 } as const;

const CURSOR = 'parchee_roll_warm';
const WARMABLE = new Set(['ready', 'active', 'retired']);

interface VersionRow {
  id: number;
  cache_id: string;
  status: string;
  voters: number;
}

async function usedMemory(redis: RedisClient): Promise<number> {
  const info = await redis.info('memory');
  const m = /^used_memory:(\d+)/m.exec(info);
  return m ? Number(m[1]) : 0;
}

async function resolveVersion(client: Client, version: number | undefined): Promise<VersionRow> {
  const res =
    version === undefined
      ? await client.query<VersionRow>(`SELECT id, cache_id, status, voters FROM roll_version WHERE status = 'active'`)
      : await client.query<VersionRow>(`SELECT id, cache_id, status, voters FROM roll_version WHERE id = $1`, [version]);
  const row = res.rows[0];
  if (!row) {
    throw new RollError(
      'ROLL_VERSION_NOT_FOUND',
      version === undefined ? 'no roll version is active; name one with --version' : `roll version ${version} does not exist`,
    );
  }
  if (!WARMABLE.has(row.status)) {
    throw new RollError('ROLL_VERSION_NOT_READY', `roll version ${row.id} is ${row.status}; only ready, active or retired versions can be warmed`);
  }
  return row;
}

/**
 * Preloads the lookup cache for one roll version, or one district of it, so that election week
 * starts with every voter a hit. Rows stream from PostgreSQL through a server-side cursor (memory
 * stays flat at any roll size) and go to Redis as pipelined `SET ... EX` with the reader's own key,
 * encoding and TTL; the next batch is fetched while the previous one is being written.
 */
export async function warmRollCache(options: WarmRollCacheOptions): Promise<WarmRollCacheResult> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const batchSize = options.batchSize ?? WARM_DEFAULTS.batchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RollError('ROLL_CONFIG_INVALID', 'batchSize must be a positive integer');

  const handle = createRollRedis(
    { ...options.redis, commandTimeoutMs: options.redis.commandTimeoutMs ?? WARM_DEFAULTS.commandTimeoutMs },
    { name: 'roll-warm', logger },
  );
  const redis = handle.client;
  let client: Client | null = null;
  try {
    if (!(await handle.ready(WARM_DEFAULTS.readyTimeoutMs))) {
      throw new RollError('ROLL_CACHE_UNAVAILABLE', `Redis not ready within ${WARM_DEFAULTS.readyTimeoutMs} ms`, true);
    }
    client = await connectRollClient(options.postgres.url, 'parchee-roll-warm');
    const db = client;
    const cache = new RollCache(redis, options.cache);
    const pg = async <T>(doing: string, work: () => Promise<T>): Promise<T> => {
      try {
        return await work();
      } catch (err) {
        throw RollError.fromPostgres(err, doing);
      }
    };

    const row = await pg('reading the roll version', () => resolveVersion(db, options.version));
    const ref: RollVersionRef = { id: row.id, cacheId: row.cache_id };
    let district: string | null = null;
    let total = row.voters;
    if (options.district !== undefined) {
      const wanted = options.district.trim();
      const found = await pg('finding the district', () =>
        db.query<{ district_en: string }>(`SELECT district_en FROM electoral_area WHERE roll_version = $1 AND lower(district_en) = lower($2) LIMIT 1`, [
          ref.id,
          wanted,
        ]),
      );
      if (!found.rows.length) throw new RollError('ROLL_DISTRICT_NOT_FOUND', `roll version ${ref.id} has no district "${wanted}"`);
      district = found.rows[0].district_en;
      const counted = await pg('counting the district', () =>
        db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM voter v JOIN electoral_area a ON a.roll_version = v.roll_version AND a.block_code = v.block_code
            WHERE v.roll_version = $1 AND lower(a.district_en) = lower($2)`,
          [ref.id, district],
        ),
      );
      total = counted.rows[0].n;
    }

    const memoryBefore = await usedMemory(redis);
    logger.info({ version: ref.id, district, total }, 'roll cache warm started');
    let written = 0;
    await pg('opening the warm cursor', async () => {
      await db.query('BEGIN READ ONLY');
      // A cursor is planned for its first rows by default (nested loops); this one is read to the end.
      await db.query('SET LOCAL cursor_tuple_fraction = 1.0');
      await db.query(
        `DECLARE ${CURSOR} NO SCROLL CURSOR FOR SELECT ${VOTER_ROW_SQL} FROM ${VOTER_JOIN_SQL}
          WHERE v.roll_version = $1 ${district === null ? '' : 'AND lower(a.district_en) = lower($2)'}`,
        district === null ? [ref.id] : [ref.id, district],
      );
    });
    try {
      let writing: Promise<void> | null = null;
      for (;;) {
        const rows = (await pg('reading voters for the cache', () => db.query<VoterRow>(`FETCH ${batchSize} FROM ${CURSOR}`))).rows;
        if (writing) await writing;
        if (rows.length === 0) break;
        const entries = rows.map((r): [string, VoterRecord] => [r.cnic_hash.toString('base64url'), voterRecordOf(r)]);
        writing = cache.setMany(ref, entries).then(
          () => {
            written += entries.length;
            options.onProgress?.({ version: ref.id, written, total });
          },
          (err: unknown) => {
            throw new RollError('ROLL_CACHE_UNAVAILABLE', `writing to Redis: ${(err as Error).message}`, true, { cause: err });
          },
        );
        // Awaited on the next turn; marked handled now so a failure during the next FETCH is not "unhandled".
        writing.catch(() => undefined);
      }
      await db.query('COMMIT');
    } catch (err) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw err;
    }

    const memoryAfter = await usedMemory(redis);
    const seconds = (performance.now() - started) / 1000;
    const result: WarmRollCacheResult = {
      version: ref.id,
      cacheNamespace: rollCacheNamespace(ref),
      district,
      keys: written,
      seconds,
      keysPerSecond: Math.round(written / Math.max(seconds, 0.001)),
      redisMemory: { before: memoryBefore, after: memoryAfter, delta: memoryAfter - memoryBefore },
    };
    logger.info({ version: ref.id, district, keys: written, keysPerSecond: result.keysPerSecond }, 'roll cache warmed');
    return result;
  } finally {
    await client?.end().catch(() => undefined);
    await handle.close();
  }
}
