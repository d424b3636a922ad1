import { rmSync } from 'node:fs';
import { KeyedHasher } from '@parchee/privacy';
import type { RedisClient } from '@parchee/redis';
import { testRedis } from '@parchee/redis/testing';
import { dropDatabaseIfExists } from '../connection/postgres-pool';
import { ROLL_CACHE_DEFAULTS } from '../lookup/roll-cache';
import { RollReaderObserver } from '../lookup/roll-reader';
import { createRollReader, RollReaderHandle } from '../lookup/roll-reader-factory';
import { prepareScratchRoll, ScratchRoll, testDatabaseUrl } from '../testing';
import { RollVersionAdmin } from '../versions/roll-version-admin';
import { WarmProgress, warmRollCache } from './warm-roll-cache';

const DB = testDatabaseUrl('parchee_roll_it_warm');
const REDIS = process.env.PARCHEE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PEPPER = 'integration-test-pepper-warm-0123456789';
const PREFIX = `parchee-it:${process.pid}:${Date.now()}:warm:`;
const hasher = new KeyedHasher(PEPPER);

describe('warmRollCache against PostgreSQL and Redis', () => {
  let roll: ScratchRoll;
  let redis: RedisClient;
  let handle: RollReaderHandle;
  const counts = { hits: 0, misses: 0 };
  const observer: RollReaderObserver = { onCacheHits: (n) => (counts.hits += n), onCacheMisses: (n) => (counts.misses += n) };

  async function flushPrefix(): Promise<void> {
    const keys = await redis.keys(`${PREFIX}*`);
    if (keys.length) await redis.del(...keys);
  }

  beforeAll(async () => {
    roll = await prepareScratchRoll({ databaseUrl: DB, voters: 3000, seed: 'warm-it', pepper: PEPPER });
    redis = testRedis(REDIS);
    handle = createRollReader({ postgres: { url: DB, poolSize: 2 }, redis: { url: REDIS } }, { observer, cache: { keyPrefix: PREFIX } });
    expect(await handle.cacheReady()).toBe(true);
  }, 60_000);

  beforeEach(async () => {
    await flushPrefix();
    counts.hits = 0;
    counts.misses = 0;
  });

  afterAll(async () => {
    await handle?.close();
    await flushPrefix();
    redis?.disconnect();
    await dropDatabaseIfExists(DB);
    if (roll) rmSync(roll.dir, { recursive: true, force: true });
  });

  it('warms the whole active roll so that every lookup is answered from the cache', async () => {
    const progress: WarmProgress[] = [];
    const result = await warmRollCache({
      postgres: { url: DB },
      redis: { url: REDIS },
      batchSize: 700,
      cache: { keyPrefix: PREFIX },
      onProgress: (p) => progress.push(p),
    });
    const info = await (async () => {
      const admin = await RollVersionAdmin.open({ url: DB });
      try {
        return await admin.get(roll.import.version);
      } finally {
        await admin.close();
      }
    })();
    expect(result).toMatchObject({ version: roll.import.version, district: null, keys: 3000 });
    expect(result.cacheNamespace).toBe(`v${roll.import.version}-${info?.cacheId.replace(/-/g, '').slice(0, 12)}`);
    expect(result.redisMemory.after).toBeGreaterThan(0);
    expect(progress.map((p) => p.written)).toEqual([700, 1400, 2100, 2800, 3000]);
    expect(progress.every((p) => p.total === 3000)).toBe(true);
    expect(await redis.keys(`${PREFIX}*`)).toHaveLength(3000);

    const cnics = [...roll.expected.keys()];
    const res = await handle.reader.lookup(cnics.map((c) => hasher.cnic(c)));
    expect(counts).toEqual({ hits: 3000, misses: 0 });
    for (const cnic of cnics) expect(res.results.get(KeyedHasher.text(hasher.cnic(cnic)))).toEqual(roll.expected.get(cnic));

    const ttl = await redis.ttl(`${PREFIX}${result.cacheNamespace}:${KeyedHasher.text(hasher.cnic(cnics[0]))}`);
    expect(ttl).toBeGreaterThan(ROLL_CACHE_DEFAULTS.positiveTtlSeconds - 60);
    expect(ttl).toBeLessThanOrEqual(ROLL_CACHE_DEFAULTS.positiveTtlSeconds);
  });

  it('warms only the named district, matched in any case', async () => {
    const byDistrict = new Map<string, string[]>();
    for (const [cnic, v] of roll.expected) byDistrict.set(v.districtEn, [...(byDistrict.get(v.districtEn) ?? []), cnic]);
    const [district, inside] = [...byDistrict].sort((a, b) => b[1].length - a[1].length)[0];
    const outside = [...roll.expected.keys()].filter((c) => roll.expected.get(c)?.districtEn !== district);
    expect(inside.length).toBeGreaterThan(0);
    expect(outside.length).toBeGreaterThan(0);

    const result = await warmRollCache({ postgres: { url: DB }, redis: { url: REDIS }, district: ` ${district.toUpperCase()} `, cache: { keyPrefix: PREFIX } });
    expect(result).toMatchObject({ district, keys: inside.length });
    expect(await redis.keys(`${PREFIX}*`)).toHaveLength(inside.length);

    await handle.reader.lookup(inside.map((c) => hasher.cnic(c)));
    expect(counts).toEqual({ hits: inside.length, misses: 0 });
    await handle.reader.lookup(outside.map((c) => hasher.cnic(c)));
    expect(counts).toEqual({ hits: inside.length, misses: outside.length });
  });

  it('names an unknown district or version instead of warming nothing', async () => {
    await expect(warmRollCache({ postgres: { url: DB }, redis: { url: REDIS }, district: 'Atlantis', cache: { keyPrefix: PREFIX } })).rejects.toMatchObject({
      code: 'ROLL_DISTRICT_NOT_FOUND',
    });
    await expect(warmRollCache({ postgres: { url: DB }, redis: { url: REDIS }, version: 9999, cache: { keyPrefix: PREFIX } })).rejects.toMatchObject({
      code: 'ROLL_VERSION_NOT_FOUND',
    });
    expect(await redis.keys(`${PREFIX}*`)).toHaveLength(0);
  });
});
