import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresConfig, readConfig } from '@parchee/config';
import { MetricsRegistry } from '@parchee/observability';
import { KeyedHasher } from '@parchee/privacy';
import type { RedisClient } from '@parchee/redis';
import { testRedis } from '@parchee/redis/testing';
import { AuditWriter } from '../audit/audit-writer';
import { dropDatabaseIfExists } from '../connection/postgres-pool';
import { generateRoll } from '../generator/generate-roll';
import { importRoll } from '../import/import-roll';
import { LocalStandby, prepareScratchRoll, readRollFixture, ScratchRoll, startLocalStandby, testDatabaseUrl } from '../testing';
import { RollVersionAdmin } from '../versions/roll-version-admin';
import { createRollReader, RollReaderHandle } from './roll-reader-factory';

const DB_NAME = 'parchee_roll_it_replicas';
const PRIMARY = testDatabaseUrl(DB_NAME);
const REDIS = process.env.PARCHEE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PEPPER = 'integration-test-pepper-0123456789';
const PREFIX = `parchee-it:${process.pid}:${Date.now()}:replicas:`;
const hasher = new KeyedHasher(PEPPER);
/** Fast checks and refreshes, so each step below takes a fraction of a second instead of seconds. */
const FAST = { versionRefreshMs: 100, replicaCheckMs: 100 };

/**
 * A TCP relay that can be cut like a server that died: every live connection reset, new ones
 * refused. It takes one PostgreSQL away from one reader without touching the machine's servers.
 */
class CuttableRelay {
  private readonly server: Server;
  private readonly live = new Set<Socket>();
  private cut = false;

  constructor(private readonly target: string) {
    this.server = createServer((client) => {
      if (this.cut) return client.resetAndDestroy();
      const u = new URL(this.target);
      const upstream = connect(Number(u.port || 5432), u.hostname);
      for (const s of [client, upstream]) {
        this.live.add(s);
        s.on('error', () => undefined);
        s.on('close', () => {
          this.live.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const u = new URL(this.target);
    u.port = String((this.server.address() as { port: number }).port);
    return u.toString();
  }

  down(): void {
    this.cut = true;
    for (const s of this.live) s.resetAndDestroy();
  }

  up(): void {
    this.cut = false;
  }

  close(): Promise<void> {
    this.down();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A metric's value in the registry's text, 0 when absent. */
async function metric(metrics: MetricsRegistry, series: string): Promise<number> {
  const body = (await metrics.render()).body;
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

const fallbacks = (metrics: MetricsRegistry, reason: string) => metric(metrics, `parchee_roll_replica_fallbacks_total{reason="${reason}",service="lookup"}`);
const replicas = (metrics: MetricsRegistry, state: string) => metric(metrics, `parchee_roll_replicas{state="${state}",service="lookup"}`);

describe('roll reads on a hot standby (deploy/local/pg-standby.sh)', () => {
  let standby: LocalStandby;
  let roll: ScratchRoll;
  let redis: RedisClient;
  let cnics: string[];
  const cleanups: Array<() => Promise<unknown> | unknown> = [];

  /** Each step reads CNICs no earlier step read: a cached voter would never reach PostgreSQL. */
  const fresh = (n = 1) => cnics.splice(0, n);

  async function reader(primaryUrl: string, replicaUrl: string): Promise<{ handle: RollReaderHandle; metrics: MetricsRegistry; misses: () => number }> {
    const metrics = new MetricsRegistry('lookup');
    let misses = 0;
    const handle = createRollReader(
      { postgres: { url: primaryUrl, poolSize: 2 }, readReplicas: [replicaUrl], redis: { url: REDIS } },
      { ...FAST, metrics, cache: { keyPrefix: PREFIX }, observer: { onCacheMisses: (n) => (misses += n) } },
    );
    cleanups.push(() => handle.close());
    return { handle, metrics, misses: () => misses };
  }

  async function relay(target: string): Promise<{ relay: CuttableRelay; url: string }> {
    const r = new CuttableRelay(target);
    cleanups.push(() => r.close());
    return { relay: r, url: await r.listen() };
  }

  beforeAll(async () => {
    standby = await startLocalStandby();
    roll = await prepareScratchRoll({ databaseUrl: PRIMARY, voters: 400, seed: 'replicas-it-1', pepper: PEPPER });
    cnics = [...roll.expected.keys()];
    redis = testRedis(REDIS);
    await standby.caughtUp();
  }, 180_000);

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    // A failed step must not leave the machine's standby paused for the next run.
    await standby?.resumeReplay().catch(() => undefined);
    const keys = (await redis?.keys(`${PREFIX}*`)) ?? [];
    if (keys.length) await redis.del(...keys);
    redis?.disconnect();
    await dropDatabaseIfExists(PRIMARY);
    rmSync(roll?.dir ?? '/nonexistent', { recursive: true, force: true });
  });

  it('reads voters from the standby: with the primary cut off once the version is known, lookups are still answered, none from the primary', async () => {
    const primary = await relay(PRIMARY);
    const { handle, metrics, misses } = await reader(primary.url, standby.databaseUrl(DB_NAME));
    const [first, second] = fresh(2);

    const before = await handle.reader.lookup([hasher.cnic(first)]);
    expect(before.version).toBe(roll.import.version);
    expect(before.results.get(KeyedHasher.text(hasher.cnic(first)))).toEqual(roll.expected.get(first));

    primary.relay.down();
    const after = await handle.reader.lookup([hasher.cnic(second)]);
    expect(after.version).toBe(roll.import.version);
    expect(after.results.get(KeyedHasher.text(hasher.cnic(second)))).toEqual(roll.expected.get(second));
    expect(misses()).toBe(2); // both went to PostgreSQL, not to the cache
    expect(await fallbacks(metrics, 'unavailable')).toBe(0);
    expect(await fallbacks(metrics, 'behind')).toBe(0);
    expect(await replicas(metrics, 'serving')).toBe(1);
  });

  it('falls back to the primary when the standby goes down, counting each read, and reads from the standby again once it answers', async () => {
    const replica = await relay(standby.databaseUrl(DB_NAME));
    const { handle, metrics } = await reader(PRIMARY, replica.url);
    const lookup = async (cnic: string) => (await handle.reader.lookup([hasher.cnic(cnic)])).results.get(KeyedHasher.text(hasher.cnic(cnic)));

    const [a, b, c, d] = fresh(4);
    expect(await lookup(a)).toEqual(roll.expected.get(a));
    expect(await fallbacks(metrics, 'unavailable')).toBe(0);

    replica.relay.down();
    // The read that meets the dead standby is answered from the primary at once: no reply lost.
    expect(await lookup(b)).toEqual(roll.expected.get(b));
    expect(await lookup(c)).toEqual(roll.expected.get(c));
    expect(await fallbacks(metrics, 'unavailable')).toBe(2);
    expect(await replicas(metrics, 'unavailable')).toBe(1);

    replica.relay.up();
    await until('the standby to answer a check again', async () => {
      await handle.router.checkReplicas();
      return (await replicas(metrics, 'serving')) === 1;
    });
    expect(await lookup(d)).toEqual(roll.expected.get(d));
    expect(await fallbacks(metrics, 'unavailable')).toBe(2);
  });

  it('sends every write to the primary: audit rows and activation (row locks) succeed with the replicas configured, which the standby would refuse', async () => {
    const config = readConfig(
      { postgres: postgresConfig },
      { PARCHEE_DATABASE_URL: PRIMARY, PARCHEE_DATABASE_READ_REPLICAS: `${new URL(standby.databaseUrl(DB_NAME)).host}` },
    ).postgres;
    expect(config.readReplicas).toEqual([standby.databaseUrl(DB_NAME)]);
    // The standby refuses writes outright, so a write that went there could not succeed.
    await expect(standby.query(DB_NAME, `UPDATE roll_version SET label = label`)).rejects.toMatchObject({ code: '25006' });

    const admin = await RollVersionAdmin.open(config);
    cleanups.push(() => admin.close());
    await expect(admin.activate(roll.import.version)).resolves.toMatchObject({ status: 'active' });
    const audit = AuditWriter.open(config);
    cleanups.push(() => audit.close());
    const moId = `replicas-it-${Date.now()}`;
    await audit.record([
      {
        at: new Date(),
        moId,
        operator: 'jazz',
        msisdnHash: Buffer.alloc(32, 1),
        cnicHash: Buffer.alloc(32, 2),
        outcome: 'found',
        refusal: null,
        rollVersion: roll.import.version,
        channel: 'sms',
      },
    ]);
    await standby.caughtUp();
    expect(await standby.query(DB_NAME, 'SELECT mo_id FROM request_audit WHERE mo_id = $1', [moId])).toEqual([{ mo_id: moId }]);
  });

  it('does not read a version from a standby whose replay is paused: the primary answers it until the standby replays it, then the standby does', async () => {
    const primary = await relay(PRIMARY);
    const { handle, metrics } = await reader(primary.url, standby.databaseUrl(DB_NAME));
    const [old] = fresh(1);
    expect((await handle.reader.lookup([hasher.cnic(old)])).version).toBe(roll.import.version);

    await standby.pauseReplay();
    const dir = mkdtempSync(join(tmpdir(), 'parchee-roll-v2-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    await generateRoll({ voters: 300, seed: 'replicas-it-2', outDir: dir });
    const next = await importRoll({ postgres: { url: PRIMARY }, dir, pepper: PEPPER, label: 'replicas-it-2' });
    const admin = await RollVersionAdmin.open({ url: PRIMARY });
    cleanups.push(() => admin.close());
    await admin.activate(next.version);
    const v2 = (await readRollFixture(dir)).expected;
    const [v2a, v2b, v2c] = [...v2.keys()];

    // The reader learns of the new version from the primary; the standby has none of its rows.
    const answer = await until('the reader to answer from the new version', async () => {
      const res = await handle.reader.lookup([hasher.cnic(v2a)]);
      return res.version === next.version ? res : undefined;
    });
    expect(answer.results.get(KeyedHasher.text(hasher.cnic(v2a)))).toEqual(v2.get(v2a));
    expect(await standby.query(DB_NAME, `SELECT id FROM roll_version WHERE status = 'active'`)).toEqual([{ id: roll.import.version }]);
    expect(await fallbacks(metrics, 'behind')).toBeGreaterThanOrEqual(1);
    expect(await replicas(metrics, 'behind')).toBe(1);

    await standby.resumeReplay();
    await standby.caughtUp();
    await until('the standby to be seen holding the new version', async () => {
      await handle.router.checkReplicas();
      return (await replicas(metrics, 'serving')) === 1;
    });
    const behindBefore = await fallbacks(metrics, 'behind');
    expect((await handle.reader.lookup([hasher.cnic(v2b)])).results.get(KeyedHasher.text(hasher.cnic(v2b)))).toEqual(v2.get(v2b));
    expect(await fallbacks(metrics, 'behind')).toBe(behindBefore);

    // Only the standby can answer now: the new version is read from it.
    primary.relay.down();
    const fromStandby = await handle.reader.lookup([hasher.cnic(v2c)]);
    expect(fromStandby.version).toBe(next.version);
    expect(fromStandby.results.get(KeyedHasher.text(hasher.cnic(v2c)))).toEqual(v2.get(v2c));
  }, 60_000);
});
