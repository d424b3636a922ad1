/**
 * What a Redis Cluster master failover loses, per kind of Parchee state (docs/delivery-guarantees.md,
 * "Redis Cluster: a master failing over"). Against the local cluster (deploy/local/redis-cluster.sh),
 * with the services' own client (createRedisClient, 250 ms command timeout) and their own ways of
 * writing: BatchedSets claims and sets, commandBatch pipelines, scripts over a hash tag. Each kind
 * writes its keys as the service does, spread over the slots (or under its hash tag), at a steady
 * rate; after `--before` seconds one master is failed over, writing goes on for `--after` seconds,
 * then every write Redis acknowledged is read back. A write that was acknowledged and is not there
 * is lost; a write refused while the master's slots had no master is refused (its caller failed
 * open). Prints one table per run.
 *
 *   node -r @swc-node/register apps/e2e/src/cluster/redis-failover.ts [--mode kill|takeover|manual] [--rate 4000] [--before 3] [--after 8]
 *
 *   kill      kill -9 the master: its replica is elected after the node timeout (2 s here, 15 s by default)
 *   takeover  CLUSTER FAILOVER TAKEOVER on its replica, the master still running: no agreement, no wait
 *   manual    CLUSTER FAILOVER on its replica: the master stops, the replica catches up, then takes over
 *   restart   kill -9 the master and start it again at once, before its replica is elected: with
 *             nothing persisted (the local cluster's nodes, like the machine's Redis) it comes back
 *             empty and still master, and its replica copies the empty data set
 *
 * The failed master comes back as a replica (redis-cluster.sh up) before the script ends.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  BatchedSets,
  SET_MANY_SCRIPT,
  commandBatch,
  createRedisClient,
  keySlot,
  readMany,
  redisScript,
  runScript,
  RedisKeys,
  type RedisClient,
} from '@parchee/redis';
import { ROOT } from '@parchee/suite';
import { unlinkMatching } from '../support/redis-keys';

type Mode = 'kill' | 'restart' | 'takeover' | 'manual';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const MODE = option('mode', 'kill') as Mode;
/** Writes per second, all kinds together. */
const RATE = Number(option('rate', '4000'));
const BEFORE_S = Number(option('before', '3'));
const AFTER_S = Number(option('after', '8'));
const SCRIPT = join(ROOT, 'deploy/local/redis-cluster.sh');
const URL = execFileSync('bash', [SCRIPT, 'url'], { encoding: 'utf8' }).trim();
const RUN = randomBytes(3).toString('hex');
const TICK_MS = 10;

/** One kind of state: how the service writes one item of it, and how to tell afterwards that it is there. */
interface Kind {
  name: string;
  /** The key of item `i`. */
  key(i: number): string;
  /** Writes item `i`; resolves once Redis acknowledged it. */
  write(i: number): Promise<void>;
  /** For each item, whether Redis holds what was acknowledged. */
  check(items: number[]): Promise<boolean[]>;
}

interface Tally {
  acknowledged: number[];
  refused: number;
  /** Items refused whose key is not on the failed master. */
  refusedElsewhere: number[];
  /** Items acknowledged before the failure. */
  before: Set<number>;
  /** The longest a write took to be acknowledged or refused, ms. */
  slowest: number;
  firstRefusedAt?: number;
  lastRefusedAt?: number;
}

/** The kinds, each keyed and written as its service does (RedisKeys has the layouts). */
function kinds(redis: RedisClient): Kind[] {
  const sets = new BatchedSets(redis);
  const strings = (name: string, key: (i: number) => string, write: (i: number) => Promise<unknown>, value: (i: number) => string): Kind => ({
    name,
    key,
    write: async (i) => void (await write(i)),
    check: async (items) => {
      const values = await readMany(
        redis,
        items.map((i) => key(i)),
      );
      return values.map((v, k) => v === value(items[k]));
    },
  });
  const id = (i: number) => `fo${RUN}-${i}`;
  const moParts = redisScript(
    "redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) redis.call('PEXPIRE', KEYS[2], 60000) redis.call('ZADD', KEYS[1], 1, ARGV[1]) redis.call('PEXPIRE', KEYS[1], 60000) return 1",
  );
  const operators = ['jazz', 'zong', 'telenor', 'ufone', 'sco'];
  const partIndex = (i: number) => `${RedisKeys.MO_PARTS}{fo${RUN}-${operators[i % operators.length]}}`;
  return [
    strings(
      'MO re-delivery fingerprint (ingress, BatchedSets claim)',
      (i) => `${RedisKeys.MO_SEEN}${id(i)}`,
      (i) => sets.claim(`${RedisKeys.MO_SEEN}${id(i)}`, `p:${id(i)}`, 120_000),
      (i) => `p:${id(i)}`,
    ),
    {
      name: 'MO part of a long MO (ingress, script under {operator})',
      key: partIndex,
      write: async (i) => void (await runScript(redis, moParts, [partIndex(i), `${partIndex(i)}:${id(i)}`], [id(i), 'sealed'])),
      check: async (items) => Promise.all(items.map(async (i) => (await redis.hget(`${partIndex(i)}:${id(i)}`, id(i))) === 'sealed')),
    },
    {
      name: 'request guard state (lookup, write script per slot)',
      key: (i) => `${RedisKeys.GUARD}state:${id(i)}`,
      write: async (i) => {
        const results = await commandBatch(redis)
          .call('EVAL', [SET_MANY_SCRIPT, 1, `${RedisKeys.GUARD}state:${id(i)}`, `state-${i}`, 120_000])
          .exec();
        const failed = results?.find(([err]) => err)?.[0];
        if (failed) throw failed;
      },
      check: async (items) =>
        (
          await readMany(
            redis,
            items.map((i) => `${RedisKeys.GUARD}state:${id(i)}`),
          )
        ).map((v, k) => v === `state-${items[k]}`),
    },
    {
      name: 'reply cap counter (lookup, INCRBY pipeline)',
      key: (i) => `${RedisKeys.GUARD}replies:h:1:${id(i)}`,
      write: async (i) => {
        const key = `${RedisKeys.GUARD}replies:h:1:${id(i)}`;
        const results = await commandBatch(redis).incrby(key, 1).pexpire(key, 120_000).exec();
        const failed = results?.find(([err]) => err)?.[0];
        if (failed) throw failed;
      },
      check: async (items) =>
        (
          await readMany(
            redis,
            items.map((i) => `${RedisKeys.GUARD}replies:h:1:${id(i)}`),
          )
        ).map((v) => v === '1'),
    },
    strings(
      'roll cache entry (lookup, SET EX pipeline)',
      (i) => `${RedisKeys.ROLL}v1-fo${RUN}:${id(i)}`,
      async (i) => {
        const results = await commandBatch(redis)
          .set(`${RedisKeys.ROLL}v1-fo${RUN}:${id(i)}`, `voter-${i}`, 'EX', 120)
          .exec();
        const failed = results?.find(([err]) => err)?.[0];
        if (failed) throw failed;
      },
      (i) => `voter-${i}`,
    ),
    strings(
      'sent-ledger entry (egress, BatchedSets set)',
      (i) => `${RedisKeys.MT_SENT}${id(i)}`,
      (i) => sets.set(`${RedisKeys.MT_SENT}${id(i)}`, '1', 120_000),
      () => '1',
    ),
    strings(
      'message-id map entry (egress, BatchedSets set)',
      (i) => `${RedisKeys.DLR}fo${RUN}:${id(i)}`,
      (i) => sets.set(`${RedisKeys.DLR}fo${RUN}:${id(i)}`, `{"mtId":"${id(i)}"}`, 120_000),
      (i) => `{"mtId":"${id(i)}"}`,
    ),
  ];
}

function cli(port: number, ...command: string[]): string {
  return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...command], { encoding: 'utf8' }).trim();
}

/** The master serving slot `slot`, its replica, and the slots it serves, from CLUSTER NODES on any node. */
function masterAndReplica(slot: number): { master: number; replica: number; slots: Array<[number, number]> } {
  const lines = cli(7101, 'cluster', 'nodes')
    .split('\n')
    .map((l) => l.split(' '));
  const master = lines.find(
    (f) =>
      f[2].includes('master') &&
      f.slice(8).some((range) => {
        const [a, b] = range.split('-').map(Number);
        return slot >= a && slot <= (b ?? a);
      }),
  );
  const replica = lines.find((f) => f[3] === master?.[0]);
  if (!master || !replica) throw new Error(`no master with a replica for slot ${slot}`);
  const port = (f: string[]) => Number(f[1].split('@')[0].split(':')[1]);
  const slots = master.slice(8).map((range) => {
    const [a, b] = range.split('-').map(Number);
    return [a, b ?? a] as [number, number];
  });
  return { master: port(master), replica: port(replica), slots };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `read` again until it answers (the client may not have the new slot map yet), for up to 5 s. */
async function persist<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (attempt >= 25) throw err;
      await delay(200);
    }
  }
}

async function main(): Promise<void> {
  execFileSync('bash', [SCRIPT, 'up'], { stdio: 'inherit' });
  const handle = createRedisClient({ url: URL, name: 'failover', commandTimeoutMs: 250 });
  if (!(await handle.ready(5000))) throw new Error('the local Redis Cluster is not ready');
  const redis = handle.client;
  const all = kinds(redis);
  // The master of the first MO part index's slot: every kind has keys there, and the MO parts of one operator all are.
  const { master, replica, slots } = masterAndReplica(keySlot(all[1].key(0)));
  const onMaster = (key: string) => {
    const slot = keySlot(key);
    return slots.some(([a, b]) => slot >= a && slot <= b);
  };
  const tallies = new Map<Kind, Tally>(all.map((k) => [k, { acknowledged: [], refused: 0, refusedElsewhere: [], before: new Set(), slowest: 0 }]));
  const perTick = Math.max(1, Math.round((RATE * TICK_MS) / 1000 / all.length));
  const what = MODE === 'restart' ? `master ${master} killed and started again` : `master ${master} fails over to ${replica}`;
  process.stdout.write(`mode ${MODE}: ${what}; ${perTick * all.length * (1000 / TICK_MS)} writes/s for ${BEFORE_S} s + ${AFTER_S} s\n`);

  let next = 0;
  let failedAt = 0;
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  while (Date.now() - started < (BEFORE_S + AFTER_S) * 1000) {
    if (failedAt === 0 && Date.now() - started >= BEFORE_S * 1000) {
      failedAt = Date.now();
      if (MODE === 'kill' || MODE === 'restart') {
        const pid = Number(readFileSync(join(ROOT, 'var/redis-cluster', String(master), 'redis.pid'), 'utf8'));
        process.kill(pid, 'SIGKILL');
        if (MODE === 'restart') {
          while (isAlive(pid)) await delay(5);
          execFileSync('bash', [SCRIPT, 'up'], { stdio: 'ignore' });
        }
      } else {
        cli(replica, 'cluster', 'failover', ...(MODE === 'takeover' ? ['takeover'] : []));
      }
    }
    for (let n = 0; n < perTick; n++) {
      const i = next++;
      for (const kind of all) {
        const tally = tallies.get(kind) as Tally;
        const sentAt = Date.now();
        const write = kind.write(i).then(
          () => {
            tally.acknowledged.push(i);
            if (failedAt === 0) tally.before.add(i);
            tally.slowest = Math.max(tally.slowest, Date.now() - sentAt);
          },
          () => {
            tally.slowest = Math.max(tally.slowest, Date.now() - sentAt);
            if (!onMaster(kind.key(i))) tally.refusedElsewhere.push(i);
            tally.refused++;
            const at = Date.now() - failedAt;
            tally.firstRefusedAt ??= at;
            tally.lastRefusedAt = at;
          },
        );
        inFlight.add(write);
        void write.finally(() => inFlight.delete(write));
      }
    }
    await delay(TICK_MS);
  }
  await Promise.all([...inFlight]);
  // The replica is master now: what it holds is what the cluster holds.
  await delay(500);

  const rows: string[][] = [];
  for (const kind of all) {
    const tally = tallies.get(kind) as Tally;
    const present = await persist(() => kind.check(tally.acknowledged));
    const lost = tally.acknowledged.filter((_, k) => !present[k]);
    const onFailed = tally.acknowledged.filter((i) => onMaster(kind.key(i)));
    const onFailedBefore = onFailed.filter((i) => tally.before.has(i)).length;
    rows.push([
      kind.name,
      String(tally.acknowledged.length + tally.refused),
      `${onFailed.length} (${onFailedBefore} before)`,
      String(lost.length),
      `${tally.refused} (${tally.refusedElsewhere.length} elsewhere)`,
      tally.firstRefusedAt === undefined ? '-' : `${tally.firstRefusedAt}-${tally.lastRefusedAt} ms`,
      `${tally.slowest} ms`,
    ]);
  }
  const header = [
    'kind',
    'written',
    'acknowledged on the failed master (of them before the failure)',
    'lost (acknowledged, then gone)',
    'refused (of them on other masters)',
    'refused between (after the failure)',
    'slowest write',
  ];
  process.stdout.write(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n`);
  for (const row of rows) process.stdout.write(`| ${row.join(' | ')} |\n`);

  for (const prefix of [RedisKeys.MO_SEEN, RedisKeys.GUARD, RedisKeys.ROLL, RedisKeys.MT_SENT, RedisKeys.DLR, RedisKeys.MO_PARTS]) {
    await unlinkMatching(redis, `${prefix}*fo${RUN}*`);
  }
  await handle.close();
  // The killed master comes back, as a replica of the node that took over.
  execFileSync('bash', [SCRIPT, 'up'], { stdio: 'inherit' });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
