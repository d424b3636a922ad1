import { randomBytes } from 'node:crypto';
import { testRedisUrl } from '../testing';
import { createRedisClient, type RedisClientHandle } from '../client/redis-client';
import { BatchedSets } from './batched-sets';

/** Database 9: the machine's Redis (database 0) is shared with other work. Keys under a prefix of this run's own. */
const URL = testRedisUrl(9);
const PREFIX = `parchee:test:batched-sets:${randomBytes(4).toString('hex')}:`;

describe('BatchedSets against real Redis', () => {
  let handle: RedisClientHandle;
  beforeAll(async () => {
    handle = createRedisClient({ url: URL, name: 'int', commandTimeoutMs: 2000 });
    expect(await handle.ready(5000)).toBe(true);
  });
  afterAll(async () => {
    const keys = await handle.client.keys(`${PREFIX}*`);
    if (keys.length > 0) await handle.client.del(...keys);
    await handle.close();
  });

  it('writes the keys asked for in one turn in one script call, each with its own value and TTL', async () => {
    const sets = new BatchedSets(handle.client);
    const calls: string[] = [];
    const evalsha = handle.client.evalsha.bind(handle.client);
    const spied = new BatchedSets({
      evalsha: ((...args: Parameters<typeof evalsha>) => {
        calls.push('evalsha');
        return evalsha(...args);
      }) as typeof evalsha,
      eval: handle.client.eval.bind(handle.client),
    });
    await sets.set(`${PREFIX}warm`, 'x', 1000); // loads the script, so the spied writer hits EVALSHA
    await Promise.all(Array.from({ length: 120 }, (_, i) => spied.set(`${PREFIX}k${i}`, `v${i}`, 60_000 + i)));
    expect(calls).toHaveLength(1);
    expect(await handle.client.mget(Array.from({ length: 120 }, (_, i) => `${PREFIX}k${i}`))).toEqual(Array.from({ length: 120 }, (_, i) => `v${i}`));
    const ttl = await handle.client.pttl(`${PREFIX}k119`);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_119);
  });

  it('claims free keys and reads taken ones, in one call, as SET NX GET would key by key', async () => {
    const sets = new BatchedSets(handle.client);
    await handle.client.set(`${PREFIX}taken`, 'old', 'PX', 60_000);
    const [free, taken, again] = await Promise.all([
      sets.claim(`${PREFIX}free`, 'mine', 60_000),
      sets.claim(`${PREFIX}taken`, 'mine', 60_000),
      sets.claim(`${PREFIX}free`, 'second', 60_000),
    ]);
    expect([free, taken, again]).toEqual([null, 'old', 'mine']);
    expect(await handle.client.mget(`${PREFIX}free`, `${PREFIX}taken`)).toEqual(['mine', 'old']);
    expect(await handle.client.pttl(`${PREFIX}free`)).toBeGreaterThan(59_000);
  });

  it('loads the script again after Redis forgot it (SCRIPT FLUSH)', async () => {
    const sets = new BatchedSets(handle.client);
    await handle.client.script('FLUSH');
    await sets.set(`${PREFIX}after-flush`, 'y', 60_000);
    expect(await handle.client.get(`${PREFIX}after-flush`)).toBe('y');
  });

  it('fails every write of a call that Redis refuses', async () => {
    const refusing = new BatchedSets({
      evalsha: (() => Promise.reject(new Error('READONLY You cannot write against a read only replica.'))) as never,
      eval: (() => Promise.reject(new Error('unreachable'))) as never,
    });
    const results = await Promise.allSettled([refusing.set(`${PREFIX}a`, '1', 1000), refusing.set(`${PREFIX}b`, '2', 1000)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toContain('READONLY');
  });
});
