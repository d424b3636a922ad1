import { randomBytes } from 'node:crypto';
import { KeyedHasher } from '@parchee/privacy';
import { deleteKeys, testRedis, unreachableRedis } from '@parchee/redis/testing';
import { RedisSeenMoStore } from './seen-mo-store';

/** The machine's Redis, or the local Redis Cluster in the cluster run (PARCHEE_TEST_REDIS_URL). */
describe('RedisSeenMoStore against a real Redis', () => {
  const redis = testRedis();
  // Each run its own prefix: Redis outlives the test.
  const prefix = `parchee:mo-seen:int-${randomBytes(4).toString('hex')}:`;
  const hasher = new KeyedHasher('int-test-pepper-0123456789abcdef');
  const written = new Set<string>();
  const fingerprint = (text: string) => {
    const f = KeyedHasher.text(hasher.moContent('jazz', '923001234567', 0, Buffer.from(text)));
    written.add(prefix + f);
    return f;
  };

  afterAll(async () => {
    // The keys this spec made, by name: KEYS would block the shared Redis while it walks every key.
    await deleteKeys(redis, written);
    await redis.quit();
  });

  it('claims a new fingerprint, reports it pending to a second claim, and stored once marked', async () => {
    const store = new RedisSeenMoStore(redis, { windowMs: 60_000, keyPrefix: prefix });
    const f = fingerprint('E 3520212345671');
    expect(await store.claim(f, 'id-1')).toEqual({ kind: 'first' });
    expect(await store.claim(f, 'id-2')).toEqual({ kind: 'pending', moId: 'id-1' });
    await store.markStored(f, 'id-1');
    expect(await store.claim(f, 'id-3')).toEqual({ kind: 'stored', moId: 'id-1' });
  });

  it('lets exactly one of many simultaneous claims be first', async () => {
    const store = new RedisSeenMoStore(redis, { windowMs: 60_000, keyPrefix: prefix });
    const f = fingerprint('HELP');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.claim(f, `id-${i}`)));
    expect(results.filter((r) => r.kind === 'first')).toHaveLength(1);
    const firstId = `id-${results.findIndex((r) => r.kind === 'first')}`;
    expect(results.filter((r) => r.kind === 'pending').map((r) => (r.kind === 'pending' ? r.moId : ''))).toEqual(Array(19).fill(firstId));
  });

  it('claims the MOs of one turn together, each answered for its own fingerprint, wherever its key lives', async () => {
    const store = new RedisSeenMoStore(redis, { windowMs: 60_000, keyPrefix: prefix });
    const texts = Array.from({ length: 200 }, (_, i) => `E 35202${String(1000000 + i)}`);
    const fingerprints = texts.map(fingerprint);
    // Half of them seen before, under ids of their own.
    await Promise.all(fingerprints.filter((_, i) => i % 2 === 0).map((f, i) => store.markStored(f, `old-${i}`)));
    const claims = await Promise.all(fingerprints.map((f, i) => store.claim(f, `new-${i}`)));
    expect(claims).toEqual(fingerprints.map((_, i) => (i % 2 === 0 ? { kind: 'stored', moId: `old-${i / 2}` } : { kind: 'first' })));
  });

  it('forgets a fingerprint after the window, pending or stored', async () => {
    const store = new RedisSeenMoStore(redis, { windowMs: 5_000, keyPrefix: prefix });
    const f = fingerprint('E 3520212345672');
    await store.claim(f, 'id-1');
    const pendingTtl = await redis.pttl(prefix + f);
    expect(pendingTtl).toBeGreaterThan(4_000);
    expect(pendingTtl).toBeLessThanOrEqual(5_000);
    await store.markStored(f, 'id-1');
    const storedTtl = await redis.pttl(prefix + f);
    expect(storedTtl).toBeGreaterThan(4_000);
    expect(storedTtl).toBeLessThanOrEqual(5_000);
    // Expiry itself is Redis's: shorten it rather than wait out the window.
    await redis.pexpire(prefix + f, 1);
    for (const deadline = Date.now() + 2_000; (await redis.exists(prefix + f)) === 1 && Date.now() < deadline;);
    expect(await store.claim(f, 'id-2')).toEqual({ kind: 'first' });
  });

  it('keeps neither the number nor the text in the key or the value', async () => {
    const store = new RedisSeenMoStore(redis, { windowMs: 60_000, keyPrefix: prefix });
    const f = fingerprint('E 35202-1234567-1');
    await store.claim(f, '5f0c2a9e-1b7d-4c1e-9a55-0d6b1f3e2c11');
    await store.markStored(f, '5f0c2a9e-1b7d-4c1e-9a55-0d6b1f3e2c11');
    const key = prefix + f;
    const value = await redis.get(key);
    expect(value).toBe('s:5f0c2a9e-1b7d-4c1e-9a55-0d6b1f3e2c11');
    expect(f).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(`${key} ${value}`).not.toMatch(/923001234567|3520212345671|35202-1234567/);
  });

  it('fails fast when Redis is unreachable, so the caller can fail open', async () => {
    const dead = unreachableRedis({ commandTimeout: 200 });
    const store = new RedisSeenMoStore(dead, { windowMs: 60_000, keyPrefix: prefix });
    const started = Date.now();
    await expect(store.claim(fingerprint('HELP'), 'id-1')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
    dead.disconnect();
  });
});
