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
 * Environment: BENCH_LOOKUP_VOTERS (10000000), BENCH_LOOKUP_COUNT (200000),
 * BENCH_LOOKUP_CONCURRENCY (lookup's LOOKUP_CONCURRENCY, default 4),
 * BENCH_LOOKUP_CPU_PROF=1 (write a .cpuprofile of lookup per pass into var/bench-lookup/prof).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import { decodeMt, encodeMessage } from '@parchee/contracts';
import { KeyedHasher } from '@parchee/privacy';
import { moFromText } from '@parchee/requests/testing';
import { createKafka, ensureTopics } from '@parchee/messaging';
import { BENCH_PROTECTION_ENV, ROOT, ensureSecrets, rollCli, run, startProcess, suiteEnv, waitHttpOk } from '../suite/suite-launcher';

const VOTERS = Number(process.env['BENCH_LOOKUP_VOTERS'] ?? 10_000_000);
const COUNT = Number(process.env['BENCH_LOOKUP_COUNT'] ?? 200_000);
const CONCURRENCY = process.env['BENCH_LOOKUP_CONCURRENCY'];
const CPU_PROF = process.env['BENCH_LOOKUP_CPU_PROF'] === '1';
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
  const redis = new Redis(redisUrl);
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'parchee:roll:*', 'COUNT', 10_000);
    cursor = next;
    if (keys.length > 0) removed += await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
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

/** MOs as ingress publishes them: parsed, CNICs hashed with the suite's pepper (ingress's work, not timed here). */
async function produceMos(kafka: KafkaClient, pass: string, texts: string[], hasher: KeyedHasher): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const started = Date.now();
  const operators = ['jazz', 'zong', 'telenor', 'ufone', 'sco'];
  const chunk = 5000;
  for (let i = 0; i < texts.length; i += chunk) {
    const messages = [];
    for (let j = i; j < Math.min(i + chunk, texts.length); j++) {
      const msisdn = `92300${String(j).padStart(7, '0')}`;
      const mo = moFromText(texts[j], hasher, { id: `${pass}-${j}`, operator: operators[j % 5], msisdn, dataCoding: 8, receivedAt: Date.now() });
      // Ingress keys by a hash of the MSISDN; the index spreads the records over the partitions the same way.
      messages.push({ key: `k${j}`, value: encodeMessage(mo) });
    }
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
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Quantile from a Prometheus histogram, linearly interpolated inside its bucket. */
function histogramQuantile(buckets: Array<[number, number]>, q: number): number {
  const total = buckets[buckets.length - 1][1];
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1, count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

async function batchHistogram(port: number): Promise<Array<[number, number]>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const buckets: Array<[number, number]> = [];
  for (const m of text.matchAll(/^parchee_lookup_batch_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\} (\d+)/gm)) {
    buckets.push([m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]);
  }
  return buckets;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function runPass(name: string, kafka: KafkaClient, env: Record<string, string>, texts: string[], port: number): Promise<PassResult> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const pass = `bench-${name}-${runId}`;
  const lookupGroup = `parchee-bench-lookup-${runId}-${name}`;
  const replyGroup = `parchee-bench-replies-${runId}-${name}`;
  await groupAtEnd(kafka, lookupGroup, MO_TOPIC);
  await groupAtEnd(kafka, replyGroup, MT_TOPIC);
  const produceMs = await produceMos(kafka, pass, texts, new KeyedHasher(env['PARCHEE_PEPPER']));
  say(`${name}: ${texts.length.toLocaleString('en')} MOs produced in ${(produceMs / 1000).toFixed(1)} s; starting lookup`);

  const kinds: Record<string, number> = {};
  let seen = 0;
  let firstAt = 0;
  let firstBatch = 0;
  let lastAt = 0;
  let allIn!: () => void;
  const done = new Promise<void>((r) => (allIn = r));
  const consumer = kafka.consumer({ groupId: replyGroup, readUncommitted: false, maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topics: [MT_TOPIC], fromBeginning: false });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      let n = 0;
      for (const m of batch.messages) {
        const mt = decodeMt(m.value);
        if (!mt.moId.startsWith(pass)) continue;
        kinds[mt.kind] = (kinds[mt.kind] ?? 0) + 1;
        n++;
      }
      if (n === 0) return;
      const now = Date.now();
      if (seen === 0) {
        firstAt = now;
        firstBatch = n;
      }
      seen += n;
      lastAt = now;
      if (seen >= texts.length) allIn();
    },
  });

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
  };
  const nodeArgs = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=lookup-${name}-${runId}.cpuprofile`] : [];
  const startedAt = Date.now();
  const lookup = startProcess('lookup', 'lookup', { env: lookupEnv, logDir: join(STATE, 'logs'), nodeArgs });
  try {
    await waitHttpOk(`http://127.0.0.1:${port}/health/ready`, Date.now() + 90_000, lookup, 'lookup');
    const timeout = setTimeout(() => allIn(), 10 * 60_000);
    await done;
    clearTimeout(timeout);
    if (seen < texts.length) throw new Error(`${name}: only ${seen} of ${texts.length} replies within 10 minutes`);
    const buckets = await batchHistogram(port);
    const batches = buckets.length ? buckets[buckets.length - 1][1] : 0;
    const at50 = buckets.find(([le]) => le === 0.05)?.[1] ?? 0;
    const windowMs = Math.max(1, lastAt - firstAt);
    return {
      name,
      replies: seen,
      windowMs,
      perSec: (seen - firstBatch) / (windowMs / 1000),
      totalMs: lastAt - startedAt,
      batches,
      p50: histogramQuantile(buckets, 0.5),
      p99: histogramQuantile(buckets, 0.99),
      within50ms: batches ? at50 / batches : 0,
      kinds,
      lookupCpuSec: cpuSeconds(lookup.pid!),
    };
  } finally {
    await stopChild(lookup);
    await consumer.disconnect();
  }
}

function table(results: PassResult[]): string {
  const rows = [
    ['pass', 'replies', 'lookups/s', 'window s', 'total s', 'batches', 'avg batch', 'p50 ms', 'p99 ms', '<=50 ms', 'lookup CPU s'],
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
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padStart(widths[i])).join('  ')).join('\n');
}

async function main(): Promise<void> {
  mkdirSync(STATE, { recursive: true });
  const secrets = ensureSecrets(STATE);
  const env = suiteEnv(secrets, DATABASE_URL, { LOG_LEVEL: 'warn', ...BENCH_PROTECTION_ENV });
  await ensureRoll(env);

  const known = await sampleCnics(Math.ceil(COUNT * 0.8));
  const texts = buildTexts(known);
  const brokers = env['KAFKA_BROKERS'].split(',');
  const kafka = createKafka({ brokers, clientId: 'parchee-bench-lookup' });
  const spec = { partitions: PARTITIONS, config: { 'retention.ms': String(3600 * 1000) } };
  await ensureTopics({ brokers, kafka }, [
    { name: MO_TOPIC, ...spec },
    { name: MT_TOPIC, ...spec },
  ]);
  const port = 9190;
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

  say(`flushed ${await flushRollCache(env['PARCHEE_REDIS_URL'])} parchee:roll:* keys (cold cache); load average ${load()}`);
  const cold = await runPass('cold', kafka, env, texts, port);
  say(`cold done; load average ${load()}; second pass over the same CNICs with the cache now filled`);
  const warm = await runPass('warm', kafka, env, texts, port);

  const results = [cold, warm];
  process.stdout.write(
    [
      '',
      `Lookup alone, Kafka in (${MO_TOPIC}) and out (${MT_TOPIC}, read-committed), roll of ${VOTERS.toLocaleString('en')} voters, ${COUNT.toLocaleString('en')} MOs a pass`,
      `(80 % registered, 15 % unregistered, 5 % not a CNIC); LOOKUP_CONCURRENCY ${CONCURRENCY ?? 'default'}; load average after ${load()} on ${readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? '?'} cores`,
      '',
      table(results),
      '',
      `reply kinds (cold): ${JSON.stringify(cold.kinds)}`,
      `targets: cold >= ${TARGETS.coldPerSec}/s ${cold.perSec >= TARGETS.coldPerSec ? 'met' : 'NOT met'}, warm >= ${TARGETS.warmPerSec}/s ${warm.perSec >= TARGETS.warmPerSec ? 'met' : 'NOT met'}, p99 batch <= 50 ms ${Math.max(cold.p99, warm.p99) <= TARGETS.p99Seconds ? 'met' : 'NOT met'}`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench lookup: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
