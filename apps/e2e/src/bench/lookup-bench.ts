/**
 * npm run bench -- lookup: lookups per second through the lookup service alone, Kafka in and
 * Kafka out, on a large roll (10 million voters by default), with a cold and a warm cache.
 *
 * Each pass fills the benchmark's own MO topic with N MOs first, then starts lookup (from dist/)
 * on a fresh consumer group positioned just before them, and counts its replies on the
 * benchmark's own MT topic (read-committed) until all N are in. The rate is replies over the
 * time between the first and the last reply, so start-up and group join are not counted; the
 * per-batch latency comes from lookup's own `parchee_lookup_batch_seconds` histogram (which
 * starts empty with each pass, since each pass is a new process). The live topics and the
 * live consumer groups are never touched: egress will never see a benchmark reply.
 *
 * A paced pass answers a different question: not how fast a backlog drains, but how long one MO
 * takes at a steady offered rate. Lookup starts first (on an empty backlog), then MOs go out at
 * BENCH_LOOKUP_RATE per second for BENCH_LOOKUP_SECONDS, each stamped with its send time, and
 * every reply's MO->MT delay (send to read-committed receipt) is recorded, besides the batch
 * latency histogram over the paced window only.
 *
 * Environment: BENCH_LOOKUP_VOTERS (10000000), BENCH_LOOKUP_COUNT (200000),
 * BENCH_LOOKUP_PASSES (cold,warm,paced), BENCH_LOOKUP_RATE (20000), BENCH_LOOKUP_SECONDS (20),
 * BENCH_LOOKUP_CONCURRENCY (lookup's LOOKUP_CONCURRENCY, default 4),
 * BENCH_LOOKUP_CPU_PROF=1 (write a .cpuprofile of lookup per pass into var/bench-lookup/prof),
 * BENCH_LOOKUP_NODE_ARGS (extra node flags for lookup, space-separated, e.g. --max-semi-space-size=64),
 * BENCH_LOOKUP_ENV (extra environment for lookup, e.g. "LOOKUP_MAX_BYTES_PER_PARTITION=262144 X=1").
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { decodeMt, encodeMessage, type MoMessageV2 } from '@parchee/contracts';
import { KeyedHasher } from '@parchee/privacy';
import { openRedisClient, RedisKeys } from '@parchee/redis';
import { moRequestFromText } from '@parchee/requests';
import { createKafka, ensureTopics } from '@parchee/messaging';
import { histogramBuckets } from '../support/service-metrics';
import { formatTable, histogramQuantile, quantile, type Buckets } from './support/figures';
import { coreCount, cpuSeconds, infraCpuSeconds, infraCpuSince, loadAverage } from './support/proc';
import { BENCH_PROTECTION_ENV, OPERATORS, ROOT, ensureSecrets, rollCli, run, startProcess, suiteEnv, waitHttpOk } from '@parchee/suite';

const VOTERS = Number(process.env['BENCH_LOOKUP_VOTERS'] ?? 10_000_000);
const COUNT = Number(process.env['BENCH_LOOKUP_COUNT'] ?? 200_000);
const CONCURRENCY = process.env['BENCH_LOOKUP_CONCURRENCY'];
const CPU_PROF = process.env['BENCH_LOOKUP_CPU_PROF'] === '1';
const PASSES = (process.env['BENCH_LOOKUP_PASSES'] ?? 'cold,warm,paced').split(',').map((p) => p.trim());
const RATE = Number(process.env['BENCH_LOOKUP_RATE'] ?? 20_000);
const PACED_SECONDS = Number(process.env['BENCH_LOOKUP_SECONDS'] ?? 20);
const NODE_ARGS = (process.env['BENCH_LOOKUP_NODE_ARGS'] ?? '').split(/\s+/).filter(Boolean);
const EXTRA_ENV: Record<string, string> = Object.fromEntries(
  (process.env['BENCH_LOOKUP_ENV'] ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
const SEED = 10;
const STATE = join(ROOT, 'var/bench-lookup');
const DB = 'parchee_bench_lookup';
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DB}`;
const MO_TOPIC = 'bench.lookup.mo.v1';
const MT_TOPIC = 'bench.lookup.mt.v1';
const PARTITIONS = 12;
const TARGETS = { coldPerSec: 20_000, warmPerSec: 50_000, p99Seconds: 0.05 };

const say = (line: string) => process.stdout.write(`bench lookup: ${line}\n`);

interface RollMarker {
  versionId: number;
  cacheId: string;
  voters: number;
  seed: number;
}

function psql(sql: string): Promise<string> {
  return run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', DB, '-Atq', '-c', sql], {}, { quiet: true }).then((o) => o.trim());
}

/** The active version, if it is the one this benchmark imported earlier with the same size and seed. */
async function reusableRoll(): Promise<RollMarker | null> {
  const file = join(STATE, 'roll.json');
  if (!existsSync(file) || !existsSync(join(STATE, 'roll/voters.csv'))) return null;
  const marker = JSON.parse(readFileSync(file, 'utf8')) as RollMarker;
  if (marker.voters !== VOTERS || marker.seed !== SEED) return null;
  const row = await psql(`SELECT id || ' ' || cache_id || ' ' || voters FROM roll_version WHERE status = 'active'`).catch(() => '');
  return row === `${marker.versionId} ${marker.cacheId} ${VOTERS}` ? marker : null;
}

async function ensureRoll(env: Record<string, string>): Promise<void> {
  const reused = await reusableRoll();
  if (reused) {
    // A roll imported before a schema change still needs the newer migrations (idempotent).
    await rollCli(['migrate'], env);
    say(`reusing the active roll version ${reused.versionId} (${VOTERS.toLocaleString('en')} voters) in ${DB}`);
    return;
  }
  say(`importing a fresh roll of ${VOTERS.toLocaleString('en')} voters into ${DB} (drops the database first)`);
  await run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-q', '-c', `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`], {}, { quiet: true });
  const rollDir = join(STATE, 'roll');
  await rollCli(['migrate'], env);
  process.stdout.write(await rollCli(['generate', '--voters', String(VOTERS), '--seed', String(SEED), '--out', rollDir], env));
  const started = Date.now();
  process.stdout.write(await rollCli(['import', '--dir', rollDir, '--label', `bench-lookup-${VOTERS}`, '--activate'], env));
  say(`import took ${((Date.now() - started) / 1000).toFixed(1)} s including the CLI's start-up`);
  const [id, cacheId] = (await psql(`SELECT id || ' ' || cache_id FROM roll_version WHERE status = 'active'`)).split(' ');
  const marker: RollMarker = { versionId: Number(id), cacheId, voters: VOTERS, seed: SEED };
  writeFileSync(join(STATE, 'roll.json'), JSON.stringify(marker, null, 2));
}

/** Registered CNICs spread over the whole roll (every k-th line of voters.csv). */
async function sampleCnics(wanted: number): Promise<string[]> {
  const step = Math.max(1, Math.floor(VOTERS / wanted));
  const out: string[] = [];
  const lines = createInterface({ input: createReadStream(join(STATE, 'roll/voters.csv')), crlfDelay: Infinity });
  let n = -1;
  for await (const line of lines) {
    n++;
    if (n === 0 || (n - 1) % step !== 0) continue;
    out.push(line.slice(0, 13));
    if (out.length >= wanted) break;
  }
  lines.close();
  return out;
}

const URDU_DIGITS = '۰۱۲۳۴۵۶۷۸۹';

/**
 * The same mix for both passes: 80 % registered voters (plain, dashed, Urdu digits, English
 * keyword), 15 % well-formed CNICs that are not in the roll, 5 % texts that are not a CNIC.
 */
function buildTexts(known: string[]): string[] {
  const texts: string[] = [];
  let k = 0;
  for (let i = 0; i < COUNT; i++) {
    const r = i % 20;
    if (r < 16) {
      const c = known[k++ % known.length];
      if (r === 0) texts.push(`${c.slice(0, 5)}-${c.slice(5, 12)}-${c.slice(12)}`);
      else if (r === 1) texts.push([...c].map((d) => URDU_DIGITS[Number(d)]).join(''));
      else if (r === 2) texts.push(`E ${c}`);
      else texts.push(c);
    } else if (r < 19) {
      // Region 7 with a serial far past anything the generator writes: well-formed, unregistered.
      texts.push(`7${900_000_000_000 + i}`);
    } else {
      texts.push(['HELP', 'my cnic please', '12345', '35202 12345 67', ''][i % 5]);
    }
  }
  return texts;
}

async function flushRollCache(redisUrl: string): Promise<number> {
  const handle = await openRedisClient({ url: redisUrl, name: 'lookup-bench', commandTimeoutMs: 60_000 });
  const redis = handle.client;
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${RedisKeys.ROLL}*`, 'COUNT', 10_000);
    cursor = next;
    if (keys.length > 0) removed += await redis.unlink(...keys);
  } while (cursor !== '0');
  await handle.close();
  return removed;
}

type KafkaClient = ReturnType<typeof createKafka>;

/** Puts a new group's committed offsets at the end of every partition, so it reads only what comes next. */
async function groupAtEnd(kafka: KafkaClient, groupId: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // A topic created a moment ago may not have elected its partition leaders yet.
    for (let attempt = 1; ; attempt++) {
      try {
        const ends = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
        return;
      } catch (err) {
        if (attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * MO number j of a pass as ingress publishes it (parsed, CNIC hashed with the suite's pepper): `mos`
 * holds each text's MO, made once before the clock starts, so ingress's work is not timed here.
 * Each MO gets its own MSISDN (modulo ten million) and is stamped `receivedAt`.
 */
function moRecord(pass: string, j: number, template: MoMessageV2, receivedAt: number): { key: string; value: Buffer } {
  const msisdn = `92300${String(j % 10_000_000).padStart(7, '0')}`;
  const mo: MoMessageV2 = { ...template, id: `${pass}-${j}`, operator: OPERATORS[j % 5], msisdn, dataCoding: 8, receivedAt };
  // Ingress keys by a hash of the MSISDN; the index spreads the records over the partitions the same way.
  return { key: `k${j}`, value: encodeMessage(mo) };
}

async function produceMos(kafka: KafkaClient, pass: string, mos: MoMessageV2[]): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const started = Date.now();
  const chunk = 5000;
  for (let i = 0; i < mos.length; i += chunk) {
    const messages = [];
    for (let j = i; j < Math.min(i + chunk, mos.length); j++) messages.push(moRecord(pass, j, mos[j], Date.now()));
    await producer.send({ topic: MO_TOPIC, messages, acks: -1 });
  }
  await producer.disconnect();
  return Date.now() - started;
}

interface PassResult {
  name: string;
  replies: number;
  windowMs: number;
  perSec: number;
  totalMs: number;
  batches: number;
  p50: number;
  p99: number;
  within50ms: number;
  kinds: Record<string, number>;
  lookupCpuSec: number;
  /** Lookup CPU between the first and the last reply, per reply after the first batch, µs. */
  cpuUsPerMo: number;
  /** CPU of Redis, PostgreSQL and Kafka over the same window (shared with other users of the machine). */
  infra: string;
}

interface PacedResult {
  offeredPerSec: number;
  sentPerSec: number;
  sent: number;
  replies: number;
  replyPerSec: number;
  /** Last reply received after the last MO was sent, ms: how far behind lookup was at the end. */
  tailMs: number;
  moMt: { p50: number; p95: number; p99: number; max: number };
  batches: number;
  p50: number;
  p99: number;
  within50ms: number;
  cpuUsPerMo: number;
  infra: string;
}

/** Lookup's own batch latency histogram so far (the time `LookupPipeline.process` takes for one Kafka batch). */
function batchHistogram(port: number): Promise<Buckets> {
  return histogramBuckets(port, 'parchee_lookup_batch_seconds');
}

/** Batches, p50, p99 and the share within 50 ms of a (cumulative) histogram. */
function batchFigures(buckets: Buckets): { batches: number; p50: number; p99: number; within50ms: number } {
  const batches = buckets.length ? buckets[buckets.length - 1][1] : 0;
  if (batches === 0) return { batches, p50: 0, p99: 0, within50ms: 0 };
  const at50 = buckets.find(([le]) => le === 0.05)?.[1] ?? 0;
  return { batches, p50: histogramQuantile(buckets, 0.5), p99: histogramQuantile(buckets, 0.99), within50ms: at50 / batches };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Reads the benchmark's MT topic (read-committed) and keeps the replies of one pass: their kinds,
 * their count over time and each one's MO->MT delay (receipt here minus the MO's send time).
 */
class ReplyCounter {
  readonly kinds: Record<string, number> = {};
  readonly delaysMs: number[] = [];
  seen = 0;
  firstAt = 0;
  firstBatch = 0;
  lastAt = 0;
  private waiters: Array<{ n: number; resolve: () => void }> = [];
  private consumer?: ReturnType<KafkaClient['consumer']>;
  onFirst?: () => void;

  constructor(private readonly pass: string) {}

  async start(kafka: KafkaClient, groupId: string): Promise<void> {
    // A short long-poll: the delay measured includes this consumer's own wait for the next fetch.
    this.consumer = kafka.consumer({ groupId, readUncommitted: false, maxBytesPerPartition: 4 * 1024 * 1024, maxWaitTimeInMs: 50 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [MT_TOPIC], fromBeginning: false });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        let n = 0;
        for (const m of batch.messages) {
          const mt = decodeMt(m.value);
          if (!mt.moId.startsWith(this.pass)) continue;
          this.kinds[mt.kind] = (this.kinds[mt.kind] ?? 0) + 1;
          this.delaysMs.push(now - mt.moReceivedAt);
          n++;
        }
        if (n === 0) return;
        if (this.seen === 0) {
          this.firstAt = now;
          this.firstBatch = n;
          this.onFirst?.();
        }
        this.seen += n;
        this.lastAt = now;
        this.waiters = this.waiters.filter((w) => (this.seen >= w.n ? (w.resolve(), false) : true));
      },
    });
  }

  /** Resolves once `n` replies are in, or after `timeoutMs` (then `seen` tells how many). */
  waitFor(n: number, timeoutMs: number): Promise<void> {
    if (this.seen >= n) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  stop(): Promise<void> {
    return this.consumer?.disconnect() ?? Promise.resolve();
  }
}

/** Starts lookup from dist/ on its own group and instance id and waits until it is ready. */
async function startLookup(name: string, runId: string, lookupGroup: string, env: Record<string, string>, port: number): Promise<ChildProcess> {
  const profDir = join(STATE, 'prof');
  const lookupEnv: Record<string, string> = {
    ...env,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    LOOKUP_GROUP_ID: lookupGroup,
    LOOKUP_MO_TOPIC: MO_TOPIC,
    LOOKUP_MT_TOPIC: MT_TOPIC,
    LOOKUP_INSTANCE_ID: `bench-${runId}-${name}`,
    ...(CONCURRENCY ? { LOOKUP_CONCURRENCY: CONCURRENCY } : {}),
    ...EXTRA_ENV,
  };
  const nodeArgs = [...NODE_ARGS, ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=lookup-${name}-${runId}.cpuprofile`] : [])];
  const lookup = startProcess('lookup', 'lookup', { env: lookupEnv, logDir: join(STATE, 'logs'), nodeArgs });
  await waitHttpOk(`http://127.0.0.1:${port}/health/ready`, Date.now() + 90_000, lookup, 'lookup');
  return lookup;
}

function newRun(name: string): { runId: string; pass: string; lookupGroup: string; replyGroup: string } {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  return { runId, pass: `bench-${name}-${runId}`, lookupGroup: `parchee-bench-lookup-${runId}-${name}`, replyGroup: `parchee-bench-replies-${runId}-${name}` };
}

/** Drain: the backlog is produced first, then lookup starts and works through it. */
async function runPass(name: string, kafka: KafkaClient, env: Record<string, string>, mos: MoMessageV2[], port: number): Promise<PassResult> {
  const { runId, pass, lookupGroup, replyGroup } = newRun(name);
  await groupAtEnd(kafka, lookupGroup, MO_TOPIC);
  await groupAtEnd(kafka, replyGroup, MT_TOPIC);
  const produceMs = await produceMos(kafka, pass, mos);
  say(`${name}: ${mos.length.toLocaleString('en')} MOs produced in ${(produceMs / 1000).toFixed(1)} s; starting lookup`);

  const replies = new ReplyCounter(pass);
  await replies.start(kafka, replyGroup);
  const startedAt = Date.now();
  let lookup: ChildProcess | undefined;
  let cpuAtFirst = 0;
  let infraAtFirst = infraCpuSeconds();
  replies.onFirst = () => {
    if (lookup?.pid) cpuAtFirst = cpuSeconds(lookup.pid);
    infraAtFirst = infraCpuSeconds();
  };
  try {
    lookup = await startLookup(name, runId, lookupGroup, env, port);
    await replies.waitFor(mos.length, 10 * 60_000);
    if (replies.seen < mos.length) throw new Error(`${name}: only ${replies.seen} of ${mos.length} replies within 10 minutes`);
    const cpu = cpuSeconds(lookup.pid!);
    const windowMs = Math.max(1, replies.lastAt - replies.firstAt);
    const counted = replies.seen - replies.firstBatch;
    return {
      name,
      replies: replies.seen,
      windowMs,
      perSec: counted / (windowMs / 1000),
      totalMs: replies.lastAt - startedAt,
      ...batchFigures(await batchHistogram(port)),
      kinds: replies.kinds,
      lookupCpuSec: cpu,
      cpuUsPerMo: ((cpu - cpuAtFirst) * 1e6) / Math.max(1, counted),
      infra: infraCpuSince(infraAtFirst),
    };
  } finally {
    if (lookup) await stopChild(lookup);
    await replies.stop();
  }
}

/**
 * Paced: lookup runs first on an empty backlog; a warm-up of 500 MOs is answered before the clock
 * starts. Then MOs go out at RATE per second, each send carrying the MOs that fell due since the
 * previous one, for PACED_SECONDS. Texts cycle through the same mix (the cache is warm when this
 * runs after the drain passes).
 */
async function runPaced(kafka: KafkaClient, env: Record<string, string>, mos: MoMessageV2[], port: number): Promise<PacedResult> {
  const { runId, pass, lookupGroup, replyGroup } = newRun('paced');
  await groupAtEnd(kafka, lookupGroup, MO_TOPIC);
  await groupAtEnd(kafka, replyGroup, MT_TOPIC);
  const replies = new ReplyCounter(pass);
  await replies.start(kafka, replyGroup);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const lookup = await startLookup('paced', runId, lookupGroup, env, port);
  try {
    const warmUp = 500;
    await producer.send({
      topic: MO_TOPIC,
      acks: -1,
      messages: Array.from({ length: warmUp }, (_, j) => moRecord(`${pass}-w`, j, mos[j % mos.length], Date.now())),
    });
    await replies.waitFor(warmUp, 90_000);
    if (replies.seen < warmUp) throw new Error(`paced: only ${replies.seen} of ${warmUp} warm-up replies within 90 s`);
    replies.delaysMs.length = 0;
    const before = await batchHistogram(port);
    const cpuBefore = cpuSeconds(lookup.pid!);
    const infraBefore = infraCpuSeconds();
    const seenBefore = replies.seen;

    const total = Math.round(RATE * PACED_SECONDS);
    say(`paced: offering ${RATE.toLocaleString('en')} MOs/s for ${PACED_SECONDS} s (${total.toLocaleString('en')} MOs)`);
    const t0 = performance.now();
    let sent = 0;
    // At most 2,000 MOs a request (a request that falls behind must stay under the broker's 1 MiB
    // per partition) and 4 requests in flight, so one slow acknowledgement does not stall the rate.
    const inFlight = new Set<Promise<unknown>>();
    while (sent < total) {
      const due = Math.min(total, sent + 2000, Math.floor(((performance.now() - t0) / 1000) * RATE));
      if (due <= sent) {
        await new Promise((r) => setTimeout(r, 2));
        continue;
      }
      if (inFlight.size >= 4) await Promise.race(inFlight);
      const now = Date.now();
      const messages = [];
      for (let j = sent; j < due; j++) messages.push(moRecord(pass, j, mos[j % mos.length], now));
      const request: Promise<unknown> = producer.send({ topic: MO_TOPIC, acks: -1, messages }).finally(() => inFlight.delete(request));
      inFlight.add(request);
      sent = due;
    }
    await Promise.all(inFlight);
    const sendMs = performance.now() - t0;
    const lastSentAt = Date.now();
    await replies.waitFor(seenBefore + total, 120_000);
    const after = await batchHistogram(port);
    const cpu = cpuSeconds(lookup.pid!) - cpuBefore;
    const got = replies.seen - seenBefore;
    if (got < total) say(`paced: only ${got} of ${total} replies within 120 s of the last send`);
    const delta: Buckets = after.map(([le, c], i) => [le, c - (before[i]?.[1] ?? 0)]);
    const delays = [...replies.delaysMs].sort((a, b) => a - b);
    const replyWindowS = (replies.lastAt - (lastSentAt - sendMs)) / 1000;
    return {
      offeredPerSec: RATE,
      sentPerSec: total / (sendMs / 1000),
      sent: total,
      replies: got,
      replyPerSec: got / Math.max(0.001, replyWindowS),
      tailMs: Math.max(0, replies.lastAt - lastSentAt),
      moMt: { p50: quantile(delays, 0.5), p95: quantile(delays, 0.95), p99: quantile(delays, 0.99), max: delays[delays.length - 1] ?? 0 },
      ...batchFigures(delta),
      cpuUsPerMo: (cpu * 1e6) / Math.max(1, got),
      infra: infraCpuSince(infraBefore),
    };
  } finally {
    await stopChild(lookup);
    await producer.disconnect();
    await replies.stop();
  }
}

function table(results: PassResult[]): string {
  return formatTable([
    ['pass', 'replies', 'lookups/s', 'window s', 'total s', 'batches', 'avg batch', 'p50 ms', 'p99 ms', '<=50 ms', 'lookup CPU s', 'CPU µs/MO'],
    ...results.map((r) => [
      r.name,
      String(r.replies),
      r.perSec.toFixed(0),
      (r.windowMs / 1000).toFixed(1),
      (r.totalMs / 1000).toFixed(1),
      String(r.batches),
      r.batches ? (r.replies / r.batches).toFixed(0) : '-',
      (r.p50 * 1000).toFixed(1),
      (r.p99 * 1000).toFixed(1),
      `${(r.within50ms * 100).toFixed(1)} %`,
      r.lookupCpuSec.toFixed(1),
      r.cpuUsPerMo.toFixed(0),
    ]),
  ]);
}

function pacedTable(r: PacedResult): string {
  return formatTable([
    [
      'offered/s',
      'sent/s',
      'replies',
      'replies/s',
      'tail ms',
      'MO->MT p50',
      'p95',
      'p99',
      'max',
      'batches',
      'avg batch',
      'batch p50 ms',
      'p99 ms',
      '<=50 ms',
      'CPU µs/MO',
    ],
    [
      String(r.offeredPerSec),
      r.sentPerSec.toFixed(0),
      String(r.replies),
      r.replyPerSec.toFixed(0),
      String(r.tailMs),
      String(r.moMt.p50),
      String(r.moMt.p95),
      String(r.moMt.p99),
      String(r.moMt.max),
      String(r.batches),
      r.batches ? (r.replies / r.batches).toFixed(0) : '-',
      (r.p50 * 1000).toFixed(1),
      (r.p99 * 1000).toFixed(1),
      `${(r.within50ms * 100).toFixed(1)} %`,
      r.cpuUsPerMo.toFixed(0),
    ],
  ]);
}

async function main(): Promise<void> {
  mkdirSync(STATE, { recursive: true });
  const secrets = ensureSecrets(STATE);
  const env = suiteEnv(secrets, DATABASE_URL, { LOG_LEVEL: 'warn', ...BENCH_PROTECTION_ENV });
  await ensureRoll(env);

  const known = await sampleCnics(Math.ceil(COUNT * 0.8));
  const hasher = new KeyedHasher(env['PARCHEE_PEPPER']);
  // What ingress would publish for each text (parsed, CNIC hashed). Not '@parchee/requests/testing':
  // swc-node, which runs this script, does not resolve the wildcard testing path.
  const mos = buildTexts(known).map((text): MoMessageV2 => ({
    v: 2,
    id: '',
    operator: '',
    msisdn: '',
    shortCode: '8300',
    request: moRequestFromText(text, [hasher]),
    textLength: text.length,
    dataCoding: 8,
    receivedAt: 0,
  }));
  const brokers = env['KAFKA_BROKERS'].split(',');
  const kafka = createKafka({ brokers, clientId: 'parchee-bench-lookup' });
  const spec = { partitions: PARTITIONS, config: { 'retention.ms': String(3600 * 1000) } };
  await ensureTopics({ brokers, kafka }, [
    { name: MO_TOPIC, ...spec },
    { name: MT_TOPIC, ...spec },
  ]);
  const port = 9190;

  const results: PassResult[] = [];
  let paced: PacedResult | null = null;
  for (const name of PASSES) {
    if (name === 'cold') {
      say(`flushed ${await flushRollCache(env['PARCHEE_REDIS_URL'])} parchee:roll:* keys (cold cache); load average ${loadAverage()}`);
      results.push(await runPass('cold', kafka, env, mos, port));
    } else if (name === 'warm') {
      say(`warm: a pass over the same CNICs (cached by an earlier pass); load average ${loadAverage()}`);
      results.push(await runPass('warm', kafka, env, mos, port));
    } else if (name === 'paced') {
      say(`paced: load average ${loadAverage()}`);
      paced = await runPaced(kafka, env, mos, port);
    } else {
      throw new Error(`unknown pass ${name} in BENCH_LOOKUP_PASSES (cold, warm, paced)`);
    }
    say(`${name} done; load average ${loadAverage()}`);
  }

  const cold = results.find((r) => r.name === 'cold');
  const warm = results.find((r) => r.name === 'warm');
  const verdict = (ok: boolean | undefined) => (ok === undefined ? 'not run' : ok ? 'met' : 'NOT met');
  process.stdout.write(
    [
      '',
      `Lookup alone, Kafka in (${MO_TOPIC}) and out (${MT_TOPIC}, read-committed), roll of ${VOTERS.toLocaleString('en')} voters, ${COUNT.toLocaleString('en')} MOs a drain pass`,
      `(80 % registered, 15 % unregistered, 5 % not a CNIC); LOOKUP_CONCURRENCY ${CONCURRENCY ?? 'default'}; node args ${NODE_ARGS.join(' ') || 'none'}; env ${JSON.stringify(EXTRA_ENV)}`,
      `load average after ${loadAverage()} on ${coreCount()} cores`,
      '',
      ...(results.length ? ['Drain (backlog first, then lookup):', table(results), ''] : []),
      ...(paced ? [`Paced (${PACED_SECONDS} s at ${RATE}/s, MO->MT in ms, send to read-committed receipt):`, pacedTable(paced), ''] : []),
      ...results.map((r) => `${r.name}: infrastructure CPU from first to last reply: ${r.infra}`),
      ...(paced ? [`paced: infrastructure CPU over the paced window: ${paced.infra}`] : []),
      ...(cold ? [`reply kinds (cold): ${JSON.stringify(cold.kinds)}`] : []),
      `targets: cold >= ${TARGETS.coldPerSec}/s ${verdict(cold && cold.perSec >= TARGETS.coldPerSec)}, warm >= ${TARGETS.warmPerSec}/s ${verdict(warm && warm.perSec >= TARGETS.warmPerSec)}, ` +
        `p99 batch <= 50 ms at ${RATE}/s paced ${verdict(paced ? paced.p99 <= TARGETS.p99Seconds && paced.replies >= paced.sent : undefined)}`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench lookup: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
