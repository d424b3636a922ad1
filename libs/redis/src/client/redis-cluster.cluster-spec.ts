import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Redis from 'ioredis';
import { commandBatch } from '../slots/command-batch';
import { keySlot } from '../slots/key-slot';
import { readMany } from '../slots/read-many';
import { deleteMatching, keyHolders, testRedisUrl } from '../testing';
import { createRedisClient, isCluster, type RedisClientHandle } from './redis-client';

/*
 * What only a Redis Cluster shows: slots, CROSSSLOT, the masters a batch spreads over, and a
 * master failing over under a client. Runs in the cluster run of the Redis specs
 * (jest.int-cluster.config.js), against the local cluster of deploy/local/redis-cluster.sh.
 */

const PREFIX = `parchee:test:cluster:${randomBytes(4).toString('hex')}:`;
const ROOT = join(__dirname, '../../../..');
const LOCAL_CLUSTER = join(ROOT, 'deploy/local/redis-cluster.sh');

/** One line of CLUSTER NODES: id, host:port, flags, the master's id (or -), and the slots it serves. */
interface ClusterNode {
  id: string;
  address: string;
  master: boolean;
  masterId: string;
  slots: Array<[number, number]>;
}

async function clusterNodes(server: Redis): Promise<ClusterNode[]> {
  const text = (await server.cluster('NODES')) as string;
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, masterId, , , , , ...slots] = line.split(' ');
      return {
        id,
        address: address.split('@')[0],
        master: flags.split(',').includes('master'),
        masterId,
        slots: slots.filter((s) => /^\d/.test(s)).map((s) => s.split('-').map(Number) as [number, number]),
      };
    })
    .map((node) => ({ ...node, slots: node.slots.map(([a, b]) => [a, b ?? a] as [number, number]) }));
}

/** Polls `check` every 50 ms until it holds, or fails after `timeoutMs` naming `what`. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the Redis client against a Redis Cluster', () => {
  let handle: RedisClientHandle;
  const masterOf = async (key: string) => {
    const slot = keySlot(key);
    const nodes = await clusterNodes(keyHolders(handle.client)[0]);
    return nodes.find((n) => n.master && n.slots.some(([a, b]) => slot >= a && slot <= b));
  };

  beforeAll(async () => {
    handle = createRedisClient({ url: testRedisUrl(), name: 'cluster-int', commandTimeoutMs: 250 });
    expect(await handle.ready(5000)).toBe(true);
  });
  afterAll(async () => {
    await deleteMatching(handle.client, `${PREFIX}*`);
    await handle.close();
  });

  it('is a cluster client, and computes every key’s slot as the cluster does', async () => {
    expect(isCluster(handle.client)).toBe(true);
    const keys = [
      ...Array.from({ length: 100 }, () => `${PREFIX}${randomBytes(12).toString('base64url')}`),
      ...Array.from({ length: 20 }, (_, i) => `parchee:lease:{jazz:tx}:${i}`),
      `parchee:mo-parts:{zong}:${randomBytes(8).toString('base64url')}:udh8:12`,
      'ünïcödé:{}:key',
    ];
    const server = keyHolders(handle.client)[0];
    const theirs = await Promise.all(keys.map((key) => server.cluster('KEYSLOT', key)));
    expect(keys.map(keySlot)).toEqual(theirs);
  });

  it('refuses an MGET over keys of several slots (CROSSSLOT), which readMany reads from every master', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `${PREFIX}read:${i}`);
    await Promise.all(keys.map((key, i) => handle.client.set(key, `v${i}`, 'EX', 60)));
    const masters = new Set((await Promise.all(keys.map(masterOf))).map((m) => m?.id));
    expect(masters.size).toBe(3);
    await expect(handle.client.mget(keys)).rejects.toThrow(/CROSSSLOT|same slot/);
    expect(await readMany(handle.client, keys)).toEqual(keys.map((_, i) => `v${i}`));
  });

  it('runs a batch over every master and answers it in order, as a pipeline would', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `${PREFIX}batch:${i}`);
    const batch = commandBatch(handle.client);
    batch.time();
    for (const key of keys) batch.incrby(key, 2).pexpire(key, 60_000);
    batch.mget(keys);
    const results = await batch.exec();
    expect(results?.every(([err]) => err === null)).toBe(true);
    expect(
      results
        ?.slice(1, 61)
        .filter((_, i) => i % 2 === 0)
        .map(([, reply]) => reply),
    ).toEqual(keys.map(() => 2));
    expect(results?.at(-1)?.[1]).toEqual(keys.map(() => '2'));
  });

  it('keeps answering through a master’s failover to its replica, each command failing within its timeout meanwhile', async () => {
    const key = `${PREFIX}failover`;
    await handle.client.set(key, 'before', 'EX', 60);
    const master = await masterOf(key);
    const server = keyHolders(handle.client)[0];
    const replica = (await clusterNodes(server)).find((n) => n.masterId === master?.id);
    expect(replica).toBeDefined();
    const [host, port] = (replica as ClusterNode).address.split(':');
    const admin = createRedisClient({ url: `redis://${host}:${port}`, name: 'failover-admin', commandTimeoutMs: 5000 });
    try {
      expect(await admin.ready(2000)).toBe(true);
      // The replica takes over with its master's agreement: a manual failover, nothing lost.
      await admin.client.cluster('FAILOVER');
      const slowest = { ms: 0 };
      await eventually(
        'the replica serving the key as master',
        async () => {
          const started = Date.now();
          try {
            await handle.client.set(key, 'after', 'EX', 60);
            return (await masterOf(key))?.id === replica?.id;
          } finally {
            slowest.ms = Math.max(slowest.ms, Date.now() - started);
          }
        },
        15_000,
      );
      expect(slowest.ms).toBeLessThan(250 + 250);
      expect(await handle.client.get(key)).toBe('after');
    } finally {
      await admin.close();
    }
  });

  it('fails each command at once while a killed master’s slots have no master, and serves them again from its replica once elected', async () => {
    const key = `${PREFIX}killed`;
    await handle.client.set(key, 'before', 'EX', 60);
    const master = await masterOf(key);
    const replica = (await clusterNodes(keyHolders(handle.client)[0])).find((n) => n.masterId === master?.id);
    const port = (master as ClusterNode).address.split(':')[1];
    process.kill(Number(readFileSync(join(ROOT, 'var/redis-cluster', port, 'redis.pid'), 'utf8')), 'SIGKILL');
    try {
      const attempts: Array<{ ms: number; ok: boolean }> = [];
      // The node timeout (2 s locally), the election, and the client's next slot map (1 s at most).
      await eventually(
        'the killed master’s replica serving its key',
        async () => {
          const started = Date.now();
          const ok = await handle.client.set(key, 'after', 'EX', 60).then(
            () => true,
            () => false,
          );
          attempts.push({ ms: Date.now() - started, ok });
          return ok;
        },
        15_000,
      );
      // Commands failed meanwhile, each within its timeout: none was held for the failover's length.
      expect(attempts.filter((a) => !a.ok).length).toBeGreaterThan(0);
      expect(Math.max(...attempts.map((a) => a.ms))).toBeLessThan(250 + 250);
      expect((await masterOf(key))?.id).toBe(replica?.id);
      expect(await handle.client.get(key)).toBe('after');
    } finally {
      // The killed node comes back, as a replica of the one that took over.
      await promisify(execFile)('bash', [LOCAL_CLUSTER, 'up']);
    }
  });
});
