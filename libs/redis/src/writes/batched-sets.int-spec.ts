import { randomBytes } from 'node:crypto';
import { deleteMatching, keyHolders, testRedisUrl } from '../testing';
import { createRedisClient, type RedisClient, type RedisClientHandle } from '../client/redis-client';
import { readMany } from '../slots/read-many';
import { slotChunks } from '../slots/slot-chunks';
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
    await deleteMatching(handle.client, `${PREFIX}*`);
    await handle.close();
  });

  it('writes the keys asked for in one turn in one script call (on a cluster, one per slot), each with its own value and TTL', async () => {
    const sets = new BatchedSets(handle.client);
    const calls: string[] = [];
    const evalsha = handle.client.evalsha.bind(handle.client);
    // The spy says what kind of client it stands for: BatchedSets splits by slot for a cluster.
    const spied = new BatchedSets({
      isCluster: handle.client.isCluster,
      evalsha: ((...args: Parameters<typeof evalsha>) => {
        calls.push('evalsha');
        return evalsha(...args);
      }) as typeof evalsha,
      eval: handle.client.eval.bind(handle.client),
    } as Pick<RedisClient, 'evalsha' | 'eval'>);
    await sets.set(`${PREFIX}warm`, 'x', 1000); // loads the script, so the spied writer hits EVALSHA
    const keys = Array.from({ length: 120 }, (_, i) => `${PREFIX}k${i}`);
    await Promise.all(keys.map((key, i) => spied.set(key, `v${i}`, 60_000 + i)));
    // One call on one server; one per slot on a cluster, where 120 keys fall in about 120 slots.
    expect(calls).toHaveLength(slotChunks(handle.client, keys, 500).length);
    expect(await readMany(handle.client, keys)).toEqual(keys.map((_, i) => `v${i}`));
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
    expect(await readMany(handle.client, [`${PREFIX}free`, `${PREFIX}taken`])).toEqual(['mine', 'old']);
    expect(await handle.client.pttl(`${PREFIX}free`)).toBeGreaterThan(59_000);
  });

  it('loads the script again after Redis forgot it (SCRIPT FLUSH)', async () => {
    const sets = new BatchedSets(handle.client);
    await Promise.all(keyHolders(handle.client).map((server) => server.script('FLUSH')));
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
