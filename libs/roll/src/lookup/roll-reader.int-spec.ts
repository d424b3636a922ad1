import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsRegistry } from '@parchee/observability';
import { KeyedHasher } from '@parchee/privacy';
import type { RedisClient } from '@parchee/redis';
import { testRedis } from '@parchee/redis/testing';
import { createRollPool, dropDatabaseIfExists } from '../connection/postgres-pool';
import { importRoll } from '../import/import-roll';
import { prepareScratchRoll, ScratchRoll, testDatabaseUrl } from '../testing';
import { RollVersionAdmin } from '../versions/roll-version-admin';
import { RollCache } from './roll-cache';
import { RollReader, RollReaderObserver } from './roll-reader';
import { createRollReader, RollReaderHandle } from './roll-reader-factory';
import { RollRepository } from './roll-repository';

const DB = testDatabaseUrl('parchee_roll_it_reader');
const REDIS = process.env.PARCHEE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PEPPER = 'integration-test-pepper-0123456789';
const PREFIX = `parchee-it:${process.pid}:${Date.now()}:roll:`;
const hasher = new KeyedHasher(PEPPER);

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface QuietRedis {
  port: number;
  /** Command names received, lower case, in order. */
  commands: string[];
  /** Resolves when a client has opened a TCP connection. */
  connected: Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP server on a free port that reads and never answers: a Redis that is up but stuck. With
 * `answerHandshake` it answers ioredis's handshake (CLIENT SETINFO, INFO) and nothing after it, so commands are
 * really sent and time out, as against a Redis that accepted the connection and hung.
 */
async function quietRedis(answerHandshake: boolean): Promise<QuietRedis> {
  const sockets = new Set<Socket>();
  const commands: string[] = [];
  let markConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (markConnected = resolve));
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    markConnected();
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      // Each RESP command is `*<argc>\r\n$<len>\r\n<name>\r\n...`; the name is all we need.
      for (const m of pending.matchAll(/\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/g)) {
        const name = m[1].toLowerCase();
        commands.push(name);
        // Replies go in command order: the CLIENT SETINFO calls ioredis opens with need theirs too.
        if (answerHandshake && name === 'client') socket.write('+OK\r\n');
        if (answerHandshake && name === 'info') socket.write('$11\r\nloading:0\r\n\r\n');
      }
      pending = pending.slice(pending.lastIndexOf('\r\n') + 2);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    commands,
    connected,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

function counting() {
  const counts = { hits: 0, misses: 0, negatives: 0, errors: [] as Error[] };
  const observer: RollReaderObserver = {
    onCacheHits: (n) => (counts.hits += n),
    onCacheMisses: (n) => (counts.misses += n),
    onNegativeHits: (n) => (counts.negatives += n),
    onCacheError: (e) => counts.errors.push(e),
  };
  return { counts, observer };
}

/** A CNIC of the right shape that the generator never issues (its tehsil digits stop at 5). */
function unknownCnic(i: number): string {
  return `3520${9}${String(1000000 + i).slice(1)}${i % 2 ? 1 : 2}`;
}

describe('RollReader against PostgreSQL and Redis', () => {
  let roll: ScratchRoll;
  let admin: RollVersionAdmin;
  let redis: RedisClient;
  let handle: RollReaderHandle;
  let clock = 0;
  const { counts, observer } = counting();
  const workDirs: string[] = [];

  beforeAll(async () => {
    roll = await prepareScratchRoll({ databaseUrl: DB, voters: 2000, seed: 'reader-it', pepper: PEPPER });
    workDirs.push(roll.dir);
    admin = await RollVersionAdmin.open({ url: DB });
    redis = testRedis(REDIS);
    handle = createRollReader(
      { postgres: { url: DB, poolSize: 2 }, redis: { url: REDIS } },
      { observer, now: () => clock, versionRefreshMs: 2000, cache: { keyPrefix: PREFIX, negativeTtlSeconds: 60 } },
    );
    expect(await handle.cacheReady()).toBe(true);
  }, 60_000);

  afterAll(async () => {
    await handle?.close();
    const keys = await redis.keys(`${PREFIX}*`);
    if (keys.length) await redis.del(...keys);
    redis?.disconnect();
    await admin?.close();
    await dropDatabaseIfExists(DB);
    workDirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('answers every field of every voter in the roll, and null for CNICs not in it', async () => {
    expect(roll.import).toMatchObject({ voters: 2000, rejected: 0 });
    const cnics = [...roll.expected.keys()];
    const unknown = [unknownCnic(1), unknownCnic(2)];
    const res = await handle.reader.lookup([...cnics, ...unknown].map((c) => hasher.cnic(c)));
    expect(res.version).toBe(roll.import.version);
    for (const cnic of cnics) {
      expect(res.results.get(KeyedHasher.text(hasher.cnic(cnic)))).toEqual(roll.expected.get(cnic));
    }
    for (const cnic of unknown) expect(res.results.get(KeyedHasher.text(hasher.cnic(cnic)))).toBeNull();
    expect(res.results.size).toBe(2002);
    expect(counts).toMatchObject({ hits: 0, negatives: 0, misses: 2002, errors: [] });
  });

  it('serves the second lookup from the cache, unknown CNICs from negative entries', async () => {
    const sample = [...roll.expected.keys()].slice(0, 50);
    const before = { ...counts };
    const res = await handle.reader.lookup([...sample, unknownCnic(1)].map((c) => hasher.cnic(c)));
    expect(counts.hits - before.hits).toBe(50);
    expect(counts.negatives - before.negatives).toBe(1);
    expect(counts.misses - before.misses).toBe(0);
    expect(res.results.get(KeyedHasher.text(hasher.cnic(sample[7])))).toEqual(roll.expected.get(sample[7]));
  });

  it('keys the cache by version identity and hash only, with the shorter TTL on negative entries', async () => {
    const info = await admin.get(roll.import.version);
    const namespace = `v${roll.import.version}-${info?.cacheId.replace(/-/g, '').slice(0, 12)}`;
    const known = [...roll.expected.keys()][0];
    const knownKey = `${PREFIX}${namespace}:${KeyedHasher.text(hasher.cnic(known))}`;
    const negativeKey = `${PREFIX}${namespace}:${KeyedHasher.text(hasher.cnic(unknownCnic(1)))}`;
    expect(await redis.get(negativeKey)).toBe('-');
    const ttlNegative = await redis.ttl(negativeKey);
    const ttlKnown = await redis.ttl(knownKey);
    expect(ttlNegative).toBeGreaterThan(0);
    expect(ttlNegative).toBeLessThanOrEqual(60);
    expect(ttlKnown).toBeGreaterThan(60);
    const keys = await redis.keys(`${PREFIX}*`);
    expect(keys.length).toBeGreaterThan(2000);
    const shape = new RegExp(`^${PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}v\\d+-[0-9a-f]{12}:[A-Za-z0-9_-]{43}$`);
    const cnics = [...roll.expected.keys()];
    for (const key of keys) {
      expect(key).toMatch(shape);
      expect(cnics.some((c) => key.includes(c))).toBe(false);
    }
  });

  it('does not answer from entries a dropped and re-created database left under the same version id', async () => {
    const recreatedDb = testDatabaseUrl('parchee_roll_it_reader_recreated');
    const again = await prepareScratchRoll({ databaseUrl: recreatedDb, voters: 200, seed: 'reader-it', pepper: PEPPER });
    workDirs.push(again.dir);
    expect(again.import.version).toBe(roll.import.version);
    const { counts: fresh, observer: freshObserver } = counting();
    const other = createRollReader(
      { postgres: { url: recreatedDb, poolSize: 1 }, redis: { url: REDIS } },
      { observer: freshObserver, cache: { keyPrefix: PREFIX } },
    );
    try {
      expect(await other.cacheReady()).toBe(true);
      const sample = [...again.expected.keys()].slice(0, 50);
      const res = await other.reader.lookup(sample.map((c) => hasher.cnic(c)));
      expect(res.version).toBe(roll.import.version);
      expect(fresh).toMatchObject({ hits: 0, negatives: 0, misses: 50, errors: [] });
    } finally {
      await other.close();
      await dropDatabaseIfExists(recreatedDb);
    }
  });

  it('switches every answer to a newly activated version without flushing the cache', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'parchee-roll-v2-'));
    workDirs.push(dir2);
    copyFileSync(join(roll.dir, 'areas.csv'), join(dir2, 'areas.csv'));
    copyFileSync(join(roll.dir, 'stations.csv'), join(dir2, 'stations.csv'));
    // Same voters, renumbered: each serial moves up by 10,000.
    const lines = readFileSync(join(roll.dir, 'voters.csv'), 'utf8').trimEnd().split('\n');
    const renumbered = lines.map((l, i) =>
      i === 0 ? l : l.replace(/^(\d+,\d+,)(\d+)/, (_m, head: string, serial: string) => `${head}${Number(serial) + 10_000}`),
    );
    writeFileSync(join(dir2, 'voters.csv'), `${renumbered.join('\n')}\n`);
    const second = await importRoll({ postgres: { url: DB }, dir: dir2, pepper: PEPPER, label: 'renumbered' });
    expect(second.voters).toBe(2000);

    const sample = [...roll.expected.keys()].slice(0, 20);
    const hashes = sample.map((c) => hasher.cnic(c));
    const stillOld = await handle.reader.lookup(hashes);
    expect(stillOld.version).toBe(roll.import.version);

    await admin.activate(second.version);
    clock += 2000;
    const fresh = await handle.reader.lookup(hashes);
    expect(fresh.version).toBe(second.version);
    for (const cnic of sample) {
      expect(fresh.results.get(KeyedHasher.text(hasher.cnic(cnic)))?.serialNo).toBe((roll.expected.get(cnic)?.serialNo ?? 0) + 10_000);
    }
    const versions = await admin.list();
    expect(versions.find((v) => v.id === roll.import.version)?.status).toBe('retired');
    expect(versions.find((v) => v.id === second.version)?.status).toBe('active');
  });

  it('answers from PostgreSQL and reports the cache error when Redis is unreachable, counting it as a roll_cache error', async () => {
    const port = await closedPort();
    const { counts: deadCounts, observer: deadObserver } = counting();
    const metrics = new MetricsRegistry('roll-it');
    const dead = createRollReader(
      { postgres: { url: DB, poolSize: 1 }, redis: { url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 200 } },
      { observer: deadObserver, metrics, cache: { keyPrefix: PREFIX } },
    );
    try {
      const cnic = [...roll.expected.keys()][3];
      const started = Date.now();
      const res = await dead.reader.lookup([hasher.cnic(cnic), hasher.cnic(unknownCnic(5))]);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(res.results.get(KeyedHasher.text(hasher.cnic(cnic)))?.blockCode).toBe(roll.expected.get(cnic)?.blockCode);
      expect(res.results.get(KeyedHasher.text(hasher.cnic(unknownCnic(5))))).toBeNull();
      expect(deadCounts.errors.length).toBeGreaterThanOrEqual(1);
      expect(deadCounts.misses).toBe(2);
      const counted = Number(/parchee_redis_errors_total\{use="roll_cache"[^}]*\} (\d+)/.exec((await metrics.render()).body)?.[1]);
      expect(counted).toBeGreaterThanOrEqual(deadCounts.errors.length);
    } finally {
      await dead.close();
    }
  });

  it('answers from PostgreSQL in bounded time when Redis accepts the connection but never answers, reporting it once per bypass window', async () => {
    const quiet = await quietRedis(false);
    const { counts: c, observer: o } = counting();
    let now = 0;
    const stuck = createRollReader(
      { postgres: { url: DB, poolSize: 2 }, redis: { url: `redis://127.0.0.1:${quiet.port}`, commandTimeoutMs: 200, connectTimeoutMs: 200 } },
      { observer: o, now: () => now, cacheBypassMs: 1000, cache: { keyPrefix: PREFIX } },
    );
    try {
      await quiet.connected;
      const cnics = [...roll.expected.keys()].slice(10, 16);
      const truth = (await handle.reader.lookup(cnics.map((c) => hasher.cnic(c)))).results;
      const started = Date.now();
      const answers = await Promise.all(cnics.map((cnic) => stuck.reader.lookup([hasher.cnic(cnic)])));
      expect(Date.now() - started).toBeLessThan(1000);
      cnics.forEach((cnic, i) => {
        const text = KeyedHasher.text(hasher.cnic(cnic));
        expect(answers[i].results.get(text)?.blockCode).toBe(roll.expected.get(cnic)?.blockCode);
        expect(answers[i].results.get(text)).toEqual(truth.get(text));
      });
      expect(c.errors).toHaveLength(1);
      expect(c.misses).toBe(6);
      now += 999;
      await stuck.reader.lookup([hasher.cnic(cnics[0])]);
      expect(c.errors).toHaveLength(1);
      now += 1;
      await stuck.reader.lookup([hasher.cnic(cnics[0])]);
      expect(c.errors).toHaveLength(2);
      // The client never got past its handshake, so no lookup ever waited on it.
      expect(quiet.commands).not.toContain('mget');
      expect(quiet.commands.length).toBeGreaterThan(0);
    } finally {
      await stuck.close();
      await quiet.close();
    }
  });

  it('answers from PostgreSQL within the command timeout when Redis hangs after the handshake, and leaves it alone for the bypass window', async () => {
    const quiet = await quietRedis(true);
    const { counts: c, observer: o } = counting();
    let now = 0;
    const slow = createRollReader(
      { postgres: { url: DB, poolSize: 2 }, redis: { url: `redis://127.0.0.1:${quiet.port}`, commandTimeoutMs: 200, connectTimeoutMs: 200 } },
      { observer: o, now: () => now, cacheBypassMs: 1000, cache: { keyPrefix: PREFIX } },
    );
    try {
      expect(await slow.cacheReady()).toBe(true);
      const cnics = [...roll.expected.keys()].slice(20, 24);
      const truth = (await handle.reader.lookup(cnics.map((c) => hasher.cnic(c)))).results;
      const started = Date.now();
      const answers = await Promise.all(cnics.map((cnic) => slow.reader.lookup([hasher.cnic(cnic)])));
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(190);
      expect(elapsed).toBeLessThan(1200);
      cnics.forEach((cnic, i) => {
        const text = KeyedHasher.text(hasher.cnic(cnic));
        expect(answers[i].results.get(text)?.blockCode).toBe(roll.expected.get(cnic)?.blockCode);
        expect(answers[i].results.get(text)).toEqual(truth.get(text));
      });
      expect(quiet.commands.filter((name) => name === 'mget')).toHaveLength(4);
      expect(c.errors).toHaveLength(1);
      expect(c.errors[0].message).toMatch(/timed out/i);

      const quick = Date.now();
      await slow.reader.lookup([hasher.cnic(cnics[0])]);
      expect(Date.now() - quick).toBeLessThan(150);
      expect(quiet.commands.filter((name) => name === 'mget')).toHaveLength(4);
      expect(c.errors).toHaveLength(1);

      now += 1000;
      await slow.reader.lookup([hasher.cnic(cnics[0])]);
      expect(quiet.commands.filter((name) => name === 'mget')).toHaveLength(5);
      expect(c.errors).toHaveLength(2);
    } finally {
      await slow.close();
      await quiet.close();
    }
  });

  it('reports a PostgreSQL outage as a retriable error', async () => {
    const port = await closedPort();
    const pool = createRollPool({ url: `postgres://postgres@127.0.0.1:${port}/nothing`, connectTimeoutMs: 500 });
    const cacheRedis = testRedis(REDIS, { lazyConnect: true });
    try {
      const reader = new RollReader(new RollRepository(pool), new RollCache(cacheRedis, { keyPrefix: PREFIX }));
      await expect(reader.lookup([hasher.cnic('3520212345671')])).rejects.toMatchObject({ code: 'ROLL_DATABASE_UNAVAILABLE', retriable: true });
    } finally {
      cacheRedis.disconnect();
      await pool.end();
    }
  });

  it('refuses to drop the active version, drops a retired one and its partition', async () => {
    const versions = await admin.list();
    const active = versions.find((v) => v.status === 'active');
    const retired = versions.find((v) => v.status === 'retired');
    expect(active && retired).toBeTruthy();
    await expect(admin.drop(active?.id ?? 0)).rejects.toMatchObject({ code: 'ROLL_VERSION_ACTIVE' });
    await admin.drop(retired?.id ?? 0);
    expect((await admin.list()).map((v) => v.id)).toEqual([active?.id]);
    const pool = createRollPool({ url: DB, poolSize: 1 });
    try {
      const partitions = await pool.query(`SELECT relname FROM pg_class WHERE relname LIKE 'voter_v%' AND relkind = 'r' ORDER BY relname`);
      expect(partitions.rows.map((r) => r.relname)).toEqual([`voter_v${active?.id}`]);
      const areas = await pool.query('SELECT count(*)::int AS n FROM electoral_area WHERE roll_version = $1', [retired?.id]);
      expect(areas.rows[0].n).toBe(0);
    } finally {
      await pool.end();
    }
    clock += 2000;
    const cnic = [...roll.expected.keys()][0];
    const res = await handle.reader.lookup([hasher.cnic(cnic)]);
    expect(res.version).toBe(active?.id);
    expect(res.results.get(KeyedHasher.text(hasher.cnic(cnic)))).not.toBeNull();
  });
});
