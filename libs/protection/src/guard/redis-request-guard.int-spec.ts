import { randomBytes } from 'node:crypto';
import { KeyedHasher } from '@parchee/privacy';
import { createRedisClient, type RedisClient } from '@parchee/redis';
import { countWrites, keyHolders, keysMatching, testRedis, testRedisUrl, unreachableRedis } from '@parchee/redis/testing';
import { GuardAllowlist } from './guard-allowlist';
import { GuardSecrets } from './guard-secrets';
import { RedisRequestGuard, type RedisRequestGuardOptions } from './redis-request-guard';
import type { GuardedLookup, GuardVerdict } from './request-guard';

const pepper = 'int-test-pepper-0123456789abcdef';
const hasher = new KeyedHasher(pepper);
const secrets = new GuardSecrets(pepper);

function lookup(msisdn: string, cnic: string, operator = 'jazz'): GuardedLookup {
  const [a, b] = hasher.cnicNeighbourhood(cnic, 1000);
  return { msisdn, operator, cnicHash: hasher.cnic(cnic), near: [KeyedHasher.text(a), KeyedHasher.text(b)] };
}

/** CNICs far apart, so only the counters under test can refuse them. */
function farCnic(i: number): string {
  return String(3520200000001 + i * 10_000_000);
}

/**
 * The verdicts, once the batch's memory is stored (`stored` settled): what the pipeline waits for
 * before the batch commits, so the next batch, on this replica or another, sees this one.
 */
async function ask(guard: RedisRequestGuard, requests: GuardedLookup[]): Promise<GuardVerdict[]> {
  const { verdicts, stored } = await guard.decide(requests);
  await stored;
  return verdicts;
}

describe('RedisRequestGuard against real Redis', () => {
  const clients: RedisClient[] = [];
  let prefix: string;

  // A database of its own: cleaning up is one FLUSHDB, where a KEYS over a Redis that a benchmark
  // left millions of cache entries in would block it for a second and time the tests out. In the
  // cluster run (PARCHEE_TEST_REDIS_URL), the local Redis Cluster, the tests' own: FLUSHDB on each master.
  const REDIS_URL = testRedisUrl(9);

  function replica(options: RedisRequestGuardOptions = {}): RedisRequestGuard {
    const redis = testRedis(REDIS_URL, { maxRetriesPerRequest: 0, commandTimeout: 1000 });
    clients.push(redis);
    return new RedisRequestGuard(redis, hasher, secrets, { keyPrefix: prefix, ...options });
  }

  beforeEach(() => {
    prefix = `parchee:test:guard:${randomBytes(6).toString('hex')}:`;
  });

  afterEach(async () => {
    if (clients[0]) await Promise.all(keyHolders(clients[0]).map((server) => server.flushdb()));
    await Promise.all(clients.splice(0).map((c) => c.quit()));
  });

  it('shares the hourly limit between two replicas', async () => {
    const limits = { perHour: 5, maxDistinctCnics: 100 };
    const a = replica({ limits });
    const b = replica({ limits });
    const verdicts = [];
    // Each batch's memory is stored (ask awaits `stored`) before the other replica decides the next.
    for (let i = 0; i < 7; i++) verdicts.push(...(await ask(i % 2 === 0 ? a : b, [lookup('923339900001', farCnic(i))])));
    expect(verdicts).toEqual(['allow', 'allow', 'allow', 'allow', 'allow', 'rate_limited', 'rate_limited']);
    expect(await ask(b, [lookup('923339900002', farCnic(0))])).toEqual(['allow']);
  });

  it('decides a whole batch in order, each request seeing the ones before it', async () => {
    const guard = replica({ limits: { perHour: 2, maxDistinctCnics: 100 } });
    const verdicts = await ask(guard, [
      lookup('923339900003', farCnic(0)),
      lookup('923339900004', farCnic(1)),
      lookup('923339900003', farCnic(2)),
      lookup('923339900003', farCnic(3)),
    ]);
    expect(verdicts).toEqual(['allow', 'allow', 'allow', 'rate_limited']);
  });

  it('applies the daily limit across hours and lets a number ask again once its window has slid past', async () => {
    const guard = replica({ limits: { perHour: 100, perDay: 2, dayWindowMs: 400, maxDistinctCnics: 100 } });
    expect(await ask(guard, [lookup('923339900005', farCnic(0)), lookup('923339900005', farCnic(1)), lookup('923339900005', farCnic(2))])).toEqual([
      'allow',
      'allow',
      'rate_limited',
    ]);
    // The window is time itself: waiting it out is the behaviour under test.
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await ask(guard, [lookup('923339900005', farCnic(3))])).toEqual(['allow']);
  });

  it('blocks a number past its distinct CNICs, on every replica, while repeats of one CNIC stay allowed', async () => {
    const a = replica({ limits: { perHour: 100, maxDistinctCnics: 3 } });
    const b = replica({ limits: { perHour: 100, maxDistinctCnics: 3 } });
    const blocked: string[] = [];
    const c = replica({ limits: { perHour: 100, maxDistinctCnics: 3 }, onBlocked: (_op, cause) => blocked.push(cause) });
    expect(await ask(a, [lookup('923339900006', farCnic(0)), lookup('923339900006', farCnic(0)), lookup('923339900006', farCnic(1))])).toEqual([
      'allow',
      'allow',
      'allow',
    ]);
    expect(await ask(b, [lookup('923339900006', farCnic(2)), lookup('923339900006', farCnic(2))])).toEqual(['allow', 'allow']);
    expect(await ask(c, [lookup('923339900006', farCnic(3))])).toEqual(['enumeration']);
    expect(await ask(a, [lookup('923339900006', farCnic(0))])).toEqual(['enumeration']);
    expect(blocked).toEqual(['distinct']);
  });

  it('blocks a sequential scan across replicas from the stored scan state, and the block outlives the scan', async () => {
    const limits = { perHour: 100, maxDistinctCnics: 100, scanStrikes: 3 };
    const blocked: string[] = [];
    const a = replica({ limits, onBlocked: (_op, cause) => blocked.push(cause) });
    const b = replica({ limits, onBlocked: (_op, cause) => blocked.push(cause) });
    const verdicts = [];
    for (let i = 0; i < 5; i++) verdicts.push(...(await ask(i % 2 === 0 ? a : b, [lookup('923339900007', String(3520212345671 + i))])));
    expect(verdicts).toEqual(['allow', 'allow', 'allow', 'enumeration', 'enumeration']);
    expect(await ask(a, [lookup('923339900007', farCnic(9))])).toEqual(['enumeration']);
    expect(blocked).toEqual(['scan']);
  });

  it('catches a slow scan the distinct-CNIC window has already forgotten', async () => {
    // A 1 ms distinct window: by the next request the distinct counter has nothing, as after days.
    const guard = replica({ limits: { perHour: 100, maxDistinctCnics: 1, distinctWindowMs: 1, scanStrikes: 3 } });
    const verdicts = [];
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 3));
      verdicts.push(...(await ask(guard, [lookup('923339900012', String(3520212345671 + i * 7))])));
    }
    expect(verdicts).toEqual(['allow', 'allow', 'allow', 'enumeration']);
  });

  it('decides a batch of hundreds of numbers in one read and one write (to each master of a cluster), each number with one key, in order within the batch', async () => {
    // 451 requests of 450 numbers: one write script (one per slot on a cluster), and the
    // operator's PFADD in the same pipeline. The service's own client, for its batching.
    const handle = createRedisClient({ url: REDIS_URL, name: 'guard-int', commandTimeoutMs: 2000 });
    expect(await handle.ready(5000)).toBe(true);
    const redis = handle.client;
    const servers = keyHolders(redis);
    await Promise.all(servers.map((server) => server.ping()));
    const guard = new RedisRequestGuard(redis, hasher, secrets, { keyPrefix: prefix, limits: { perHour: 1 } });
    const batch = Array.from({ length: 450 }, (_, i) => lookup(`9233399${String(50000 + i)}`, farCnic(i)));
    batch.push(lookup('923339950000', farCnic(1)));
    const writes = countWrites(redis);
    try {
      const verdicts = await ask(guard, batch);
      expect(verdicts.slice(0, 450).every((v) => v === 'allow')).toBe(true);
      // The last request repeats the first number: it sees that lookup.
      expect(verdicts[450]).toBe('rate_limited');
      // Two round trips: one write to each server for the read, one for the write-back.
      expect(writes.count()).toBeGreaterThanOrEqual(2);
      expect(writes.count()).toBeLessThanOrEqual(2 * servers.length);
      expect(await keysMatching(redis, `${prefix}state:*`)).toHaveLength(450);
    } finally {
      writes.stop();
      await handle.close();
    }
  });

  it('keeps each number in one key that lives as long as its longest memory, the scan memory by default', async () => {
    const guard = replica();
    await ask(guard, [lookup('923339900013', farCnic(0))]);
    const key = `${prefix}state:${KeyedHasher.text(hasher.msisdn('923339900013'))}`;
    const ttl = await clients[0].pttl(key);
    expect(ttl).toBeGreaterThan(7 * 24 * 3600_000 - 5000);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600_000);
    expect((await keysMatching(clients[0], `${prefix}*`)).sort()).toEqual([expect.stringMatching(new RegExp(`^${prefix}operator:jazz:\\d+$`)), key]);
  });

  it('keeps refusing a number blocked under the previous key layout until its flag expires', async () => {
    const guard = replica();
    await clients[0].set(`${prefix}block:${KeyedHasher.text(hasher.msisdn('923339900014'))}`, '1', 'PX', 60_000);
    expect(await ask(guard, [lookup('923339900014', farCnic(0))])).toEqual(['enumeration']);
    expect(await ask(guard, [lookup('923339900015', farCnic(0))])).toEqual(['allow']);
  });

  it('writes no clear MSISDN or CNIC into a key or a value', async () => {
    const guard = replica({ limits: { perHour: 100, maxDistinctCnics: 100 } });
    await ask(guard, [lookup('923339900008', '3520212345671'), lookup('923339900008', '3520212345672')]);
    const redis = clients[0];
    const keys = await keysMatching(redis, `${prefix}*`);
    // The number's state and the operator's HyperLogLog.
    expect(keys).toHaveLength(2);
    const dump: string[] = [...keys];
    for (const key of keys) {
      // Strings only: the states, and the HyperLogLog (a string to Redis).
      expect(await redis.type(key)).toBe('string');
      dump.push((await redis.getBuffer(key))?.toString('latin1') ?? '');
    }
    const all = dump.join('\n');
    expect(all).not.toContain('923339900008');
    expect(all).not.toContain('3520212345671');
    expect(all).not.toContain(KeyedHasher.text(hasher.cnic('3520212345671')));
    // Nor the MO's neighbourhood marks: the stored ones are salted with the number.
    for (const mark of lookup('923339900008', '3520212345671').near) expect(all).not.toContain(mark);
  });

  it('never limits an allowlisted number', async () => {
    const allowlist = new GuardAllowlist(['923339900009'], hasher);
    const guard = replica({ limits: { perHour: 1, maxDistinctCnics: 1 }, allowlist });
    const verdicts = await ask(
      guard,
      Array.from({ length: 6 }, (_, i) => lookup('923339900009', String(3520212345671 + i))),
    );
    expect(verdicts.every((v) => v === 'allow')).toBe(true);
    expect(await ask(guard, [lookup('923339900010', farCnic(0)), lookup('923339900010', farCnic(1))])).toEqual(['allow', 'rate_limited']);
  });

  it('raises an operator spike when one operator sees more distinct CNICs in a minute than the threshold', async () => {
    const spikes: Array<[string, number]> = [];
    const guard = replica({ limits: { operatorDistinctPerMinute: 3 }, onOperatorSpike: (op, n) => spikes.push([op, n]) });
    await ask(
      guard,
      Array.from({ length: 5 }, (_, i) => lookup(`92333991${String(i).padStart(4, '0')}`, farCnic(i), 'zong')).concat([
        lookup('923339920000', farCnic(0), 'ufone'),
      ]),
    );
    expect(spikes).toEqual([['zong', 5]]);
  });

  it('fails open, and says so, when Redis does not answer', async () => {
    const dead = unreachableRedis();
    let failedOpen = 0;
    const guard = new RedisRequestGuard(dead, hasher, secrets, { keyPrefix: prefix, limits: { perHour: 1 }, onFailOpen: (n) => (failedOpen += n) });
    expect(await ask(guard, [lookup('923339900011', farCnic(0)), lookup('923339900011', farCnic(1))])).toEqual(['allow', 'allow']);
    expect(failedOpen).toBe(2);
    dead.disconnect();
  });

  it('counts a number’s lookups decided alone (USSD) on several replicas with its batches (SMS): concurrent ones exactly, no clear value stored', async () => {
    const limits = { perHour: 6, maxDistinctCnics: 100 };
    const ussd = [replica({ limits }), replica({ limits }), replica({ limits })];
    const sms = replica({ limits });
    // Three USSD replicas at once, and an SMS batch of two beside them: five lookups of six.
    const [alone, batch] = await Promise.all([
      Promise.all(ussd.map((guard, i) => guard.decideAlone(lookup('923339930001', farCnic(i))))),
      ask(sms, [lookup('923339930001', farCnic(3)), lookup('923339930001', farCnic(4))]),
    ]);
    expect([...alone, ...batch].every((v) => v === 'allow')).toBe(true);
    // The batch's plain write may have overwritten USSD lookups stored in its few milliseconds
    // (docs/protection.md): what is certain is that the next two see at least the batch's two and
    // the lookups stored after it, and never more than all five.
    const after = [await ussd[0].decideAlone(lookup('923339930001', farCnic(5))), await ussd[1].decideAlone(lookup('923339930001', farCnic(6)))];
    expect(after[0]).toBe('allow');

    // Without a batch beside them, concurrent lookups decided alone are counted exactly.
    const verdicts = await Promise.all(Array.from({ length: 8 }, (_, i) => ussd[i % 3].decideAlone(lookup('923339930002', farCnic(i)))));
    expect(verdicts.filter((v) => v === 'allow')).toHaveLength(6);
    expect(verdicts.filter((v) => v === 'rate_limited')).toHaveLength(2);

    const redis = clients[0];
    // Every master's keys: on a Redis Cluster, KEYS on one connection sees one node.
    const keys = await keysMatching(redis, `${prefix}*`);
    const dump = [...keys, ...(await Promise.all(keys.map(async (k) => (await redis.getBuffer(k))?.toString('latin1') ?? '')))].join('\n');
    expect(dump).not.toMatch(/923339930001|923339930002|3520200000001/);
    expect(keys).toContain(`${prefix}state:${KeyedHasher.text(hasher.msisdn('923339930002'))}`);
  });
});
