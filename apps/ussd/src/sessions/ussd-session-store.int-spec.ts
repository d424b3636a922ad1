import { randomBytes } from 'node:crypto';
import { KeyedHasher } from '@parchee/privacy';
import type { RedisClient } from '@parchee/redis';
import { testRedis } from '@parchee/redis/testing';
import { RedisSessionCells } from './redis-session-cells';
import type { UssdSession } from './ussd-session';
import { UssdSessionStore } from './ussd-session-store';

const PEPPER = 'int-test-pepper-0123456789abcdef';
const MSISDN = '923339940001';
// A database of its own: cleaning up is one FLUSHDB.
const REDIS_URL = 'redis://127.0.0.1:6379/10';

function session(steps: number, over: Partial<UssdSession> = {}): UssdSession {
  return {
    v: 1,
    dialog: '0e0f6a51-0000-4000-8000-00000000000a',
    begunAt: Date.UTC(2026, 11, 1, 9),
    steps,
    state: JSON.stringify({ v: 1, at: 'result', lang: 'ur', bad: 0, page: 0, voter: { areaEn: 'Gulberg' } }),
    last: { step: `fp-${steps}`, screen: { text: 'Gulberg', end: false } },
    claim: null,
    ...over,
  };
}

describe('UssdSessionStore on real Redis', () => {
  let redis: RedisClient;
  let store: UssdSessionStore;
  let prefix: string;

  beforeAll(() => {
    redis = testRedis(REDIS_URL, { maxRetriesPerRequest: 0, commandTimeout: 1000 });
  });

  beforeEach(() => {
    prefix = `parchee:test:ussd:${randomBytes(6).toString('hex')}:`;
    store = new UssdSessionStore(new RedisSessionCells(redis), PEPPER, { sessionTtlMs: 5000, languageTtlMs: 60_000, keyPrefix: prefix });
  });

  afterAll(async () => {
    await redis.flushdb();
    await redis.quit();
  });

  it('stores a session sealed under its hashed key with the session time to live, and reads it back', async () => {
    const key = store.sessionKey('jazz', 'smpp', MSISDN, MSISDN);
    expect(await store.save(key, 0, session(1))).toBe(1);
    expect(await store.load(key)).toEqual({ revision: 1, session: session(1), unreadable: false });
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(4000);
    expect(ttl).toBeLessThanOrEqual(5000);
    const raw = (await redis.get(key)) as string;
    expect(raw).toMatch(/^1:[A-Za-z0-9+/]+=*$/);
    expect(`${key} ${raw} ${Buffer.from(raw.slice(2), 'base64').toString('latin1')}`).not.toMatch(/923339940001|Gulberg|fp-1/);
  });

  it('lets exactly one of many concurrent writers from one revision win, and refuses a stale revision', async () => {
    const key = store.sessionKey('jazz', 'http', 'race', MSISDN);
    await store.save(key, 0, session(1));
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => store.save(key, 1, session(10 + i))));
    const winners = results.filter((r) => r !== null);
    expect(winners).toEqual([2]);
    const won = results.findIndex((r) => r !== null);
    expect((await store.load(key)).session?.steps).toBe(10 + won);
    expect(await store.save(key, 1, session(99))).toBeNull();
    expect(await store.save(key, 2, session(3))).toBe(3);
  });

  it('overwrites a value it cannot read (no revision) as if absent, and only from what it read', async () => {
    const key = store.sessionKey('jazz', 'smpp', '5', MSISDN);
    await redis.set(key, 'left by something else', 'PX', 5000);
    const loaded = await store.load(key);
    expect(loaded).toEqual({ revision: -1, session: null, unreadable: true });
    expect(await store.save(key, 0, session(1))).toBeNull();
    expect(await store.save(key, loaded.revision, session(1))).toBe(1);
  });

  it('remembers a language under the number’s keyed hash with its time to live', async () => {
    const hash = new KeyedHasher(PEPPER).msisdn(MSISDN);
    await store.rememberLanguage(hash, 'ur');
    expect(await store.language(hash)).toBe('ur');
    const key = `${prefix}lang:${KeyedHasher.text(hash)}`;
    expect(await redis.get(key)).toBe('ur');
    expect(await redis.pttl(key)).toBeGreaterThan(59_000);
  });
});
