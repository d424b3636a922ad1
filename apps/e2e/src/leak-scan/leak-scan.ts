import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Topics } from '@parchee/contracts';
import { createKafka } from '@parchee/messaging';
import { keyHolders, openRedisClient, REDIS_KEY_ROOT } from '@parchee/redis';
import type { CnicMatcher } from './cnic-matcher';

/** Where a clear CNIC was found; the CNIC itself only masked. */
export interface LeakHit {
  source: 'log' | 'kafka' | 'redis' | 'database';
  location: string;
  masked: string;
  context: string;
}

export interface LeakScanReport {
  scanned: { logFiles: number; logLines: number; kafkaRecords: number; redisKeys: number; redisValues: number; tables: number; rows: number };
  hits: LeakHit[];
}

export interface LeakScanOptions {
  matcher: CnicMatcher;
  logDir: string;
  kafkaBrokers: string[];
  /** Only records produced from this time on (epoch ms) are this run's. */
  kafkaSince: number;
  redisUrl: string;
  databaseUrl: string;
}

const KAFKA_TOPICS = [Topics.MO, Topics.MT, Topics.DLR, Topics.DEAD_LETTER];

/** Reading one run's records takes seconds; this only bounds a scan that stopped making progress. */
const KAFKA_SCAN_DEADLINE_MS = 120_000;

/** Hits beyond this many are counted but not listed, so a systematic leak keeps the report readable. */
const MAX_LISTED = 50;

/**
 * Looks for any clear CNIC of the e2e roll in everything a suite run left behind: every log line,
 * every Kafka record of the run, every Redis key and value, every row of every database table.
 */
export async function runLeakScan(options: LeakScanOptions): Promise<LeakScanReport> {
  const report: LeakScanReport = {
    scanned: { logFiles: 0, logLines: 0, kafkaRecords: 0, redisKeys: 0, redisValues: 0, tables: 0, rows: 0 },
    hits: [],
  };
  const check = (source: LeakHit['source'], location: string, text: string | Buffer | null | undefined): void => {
    if (text == null || text.length === 0) return;
    for (const hit of options.matcher.find(typeof text === 'string' ? text : text.toString('utf8'))) {
      report.hits.push({ source, location: options.matcher.redact(location), masked: hit.masked, context: hit.context });
    }
  };
  await scanLogs(options.logDir, report, check);
  await scanKafka(options, report, check);
  await scanRedis(options.redisUrl, report, check);
  await scanDatabase(options.databaseUrl, report, check);
  return report;
}

type Check = (source: LeakHit['source'], location: string, text: string | Buffer | null | undefined) => void;

async function scanLogs(dir: string, report: LeakScanReport, check: Check): Promise<void> {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    report.scanned.logFiles++;
    const lines = createInterface({ input: createReadStream(join(dir, name)), crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      n++;
      check('log', `${name}:${n}`, line);
    }
    report.scanned.logLines += n;
  }
}

async function scanKafka(options: LeakScanOptions, report: LeakScanReport, check: Check): Promise<void> {
  const kafka = createKafka({ brokers: options.kafkaBrokers, clientId: 'parchee-leak-scan' });
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const topics = KAFKA_TOPICS.filter((t) => existing.has(t));
  // Per partition: first offset of this run, and the end (exclusive) as it stands now.
  const ranges = new Map<string, { topic: string; partition: number; from: bigint; end: bigint }>();
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const starts = await admin.fetchTopicOffsetsByTimestamp(topic, options.kafkaSince);
    for (const { partition, high } of ends) {
      const from = BigInt(starts.find((s) => s.partition === partition)?.offset ?? high);
      if (from < BigInt(high)) ranges.set(`${topic}/${partition}`, { topic, partition, from, end: BigInt(high) });
    }
  }
  await admin.disconnect();
  if (ranges.size === 0) return;

  const consumer = kafka.consumer({ groupId: `parchee-leak-scan-${randomBytes(4).toString('hex')}`, readUncommitted: true });
  const pending = new Set(ranges.keys());
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  // Batch ends, not messages, mark progress: transaction markers take offsets but are never delivered.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const key = `${payload.topic}/${payload.partition}`;
    const range = ranges.get(key);
    if (range && BigInt(payload.lastOffset) >= range.end - 1n) pending.delete(key);
    if (pending.size === 0) finish();
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...new Set([...ranges.values()].map((r) => r.topic))], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const range = ranges.get(`${batch.topic}/${batch.partition}`);
        if (!range) return;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset < range.from || offset >= range.end) continue;
          report.scanned.kafkaRecords++;
          const where = `${batch.topic}[${batch.partition}]@${message.offset}`;
          check('kafka', `${where} key`, message.key);
          check('kafka', `${where} value`, message.value);
          check('kafka', `${where} dead-letter payload`, deadLetterPayload(message.value));
        }
      },
    });
    for (const range of ranges.values()) consumer.seek({ topic: range.topic, partition: range.partition, offset: String(range.from) });
    await withDeadline(finished, KAFKA_SCAN_DEADLINE_MS, () => `Kafka leak scan still waiting for ${[...pending].join(', ')}`);
  } finally {
    await consumer.disconnect();
  }
}

/** Bounds a wait that should end on its own, so a stuck scan fails the run instead of hanging it. */
async function withDeadline<T>(promise: Promise<T>, ms: number, describe: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(describe())), ms)));
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A dead letter carries the original record base64-encoded, where a plain text search cannot see it. */
function deadLetterPayload(value: Buffer | null): string | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as { payload?: unknown };
    return typeof parsed.payload === 'string' ? Buffer.from(parsed.payload, 'base64').toString('utf8') : undefined;
  } catch {
    return undefined;
  }
}

async function scanRedis(url: string, report: LeakScanReport, check: Check): Promise<void> {
  const handle = await openRedisClient({ url, name: 'leak-scan', commandTimeoutMs: 60_000 });
  try {
    // Each server that holds keys: the one server, or every master of a Redis Cluster, whose keys
    // a SCAN of one node would miss. Each master's keys are read on that master's own connection.
    for (const redis of keyHolders(handle.client)) await scanRedisServer(redis, report, check);
  } finally {
    await handle.close();
  }
}

async function scanRedisServer(redis: ReturnType<typeof keyHolders>[number], report: LeakScanReport, check: Check): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    report.scanned.redisKeys += keys.length;
    for (const key of keys) check('redis', `key ${key}`, key);
    const ours = keys.filter((k) => k.startsWith(REDIS_KEY_ROOT));
    if (ours.length === 0) continue;
    const types = (await redis.pipeline(ours.map((k) => ['type', k])).exec()) ?? [];
    const reads = ours.map((key, i) => {
      const type = types[i]?.[1] as string;
      if (type === 'string') return ['get', key];
      if (type === 'hash') return ['hgetall', key];
      if (type === 'list') return ['lrange', key, '0', '-1'];
      if (type === 'set') return ['smembers', key];
      if (type === 'zset') return ['zrange', key, '0', '-1', 'WITHSCORES'];
      return ['exists', key];
    });
    const values = (await redis.pipeline(reads).exec()) ?? [];
    values.forEach(([, value], i) => {
      report.scanned.redisValues++;
      check('redis', `value of ${ours[i]}`, JSON.stringify(value));
    });
  } while (cursor !== '0');
}

async function scanDatabase(url: string, report: LeakScanReport, check: Check): Promise<void> {
  // Leaf tables (partitions included, partitioned parents hold no rows of their own) and materialised views.
  const listing = await psql(url, [
    "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
      "WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1",
  ]);
  const tables = listing.split('\n').filter((t) => t.length > 0);
  for (const table of tables) {
    report.scanned.tables++;
    // COPY writes one line per row (newlines inside values escaped); each row as its composite text.
    const rows = await psql(url, [`COPY (SELECT t::text FROM ${table} t) TO STDOUT`]);
    let n = 0;
    for (const row of rows.split('\n')) {
      if (row.length === 0) continue;
      n++;
      check('database', `${table} row ${n}`, row);
    }
    report.scanned.rows += n;
  }
}

function psql(url: string, commands: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', ...commands.flatMap((c) => ['-c', c])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(`psql exited ${code}: ${err}`))));
  });
}

/** What was scanned and every hit, masked: safe to print in CI logs. */
export function formatLeakReport(report: LeakScanReport): string {
  const s = report.scanned;
  const lines = [
    `leak scan: ${s.logLines} log lines in ${s.logFiles} files, ${s.kafkaRecords} Kafka records, ` +
      `${s.redisKeys} Redis keys (${s.redisValues} values), ${s.rows} rows in ${s.tables} tables: ` +
      (report.hits.length === 0 ? 'no clear CNIC' : `${report.hits.length} clear CNIC(s)`),
  ];
  for (const hit of report.hits.slice(0, MAX_LISTED)) lines.push(`  ${hit.source} ${hit.location}: ${hit.masked} in …${hit.context}…`);
  if (report.hits.length > MAX_LISTED) lines.push(`  … and ${report.hits.length - MAX_LISTED} more`);
  return lines.join('\n');
}
