/**
 * npm run bench: N MOs from the simulator through the running suite (ingress, Kafka, lookup,
 * Redis, PostgreSQL, egress) and back. Prints sustained MO-to-MT throughput, latency
 * percentiles and each service's peak resident memory (VmHWM).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openRedisClient, REDIS_KEY_ROOT } from '@parchee/redis';
import { unlinkMatching } from '../support/redis-keys';
import { BENCH_PROTECTION_ENV, PORTS, ROOT, ensureSecrets, rollCli, run, startSuite, suiteEnv } from '../suite/suite-launcher';
import { moDedupeEnv } from '../suite/mo-dedupe-env';

const COUNT = Number(process.env['BENCH_COUNT'] ?? 20_000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 200);
const VOTERS = Number(process.env['BENCH_VOTERS'] ?? 100_000);
const STATE = join(ROOT, 'var/bench');

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function main(): Promise<void> {
  const secrets = ensureSecrets(STATE);
  const databaseUrl = 'postgres://postgres@127.0.0.1:5432/parchee_bench';
  const env = suiteEnv(secrets, databaseUrl, { LOG_LEVEL: 'warn', ...BENCH_PROTECTION_ENV, ...moDedupeEnv() });
  await run(
    'psql',
    ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-q', '-c', 'DROP DATABASE IF EXISTS parchee_bench WITH (FORCE)'],
    {},
    { quiet: true },
  );
  const redis = await openRedisClient({ url: env['PARCHEE_REDIS_URL'], name: 'suite-bench', commandTimeoutMs: 60_000 });
  await unlinkMatching(redis.client, `${REDIS_KEY_ROOT}*`);
  await redis.close();
  process.stdout.write(`bench: importing a roll of ${VOTERS} synthetic voters\n`);
  const rollDir = join(STATE, 'roll');
  await rollCli(['migrate'], env);
  await rollCli(['generate', '--voters', String(VOTERS), '--seed', '7', '--out', rollDir], env);
  await rollCli(['import', '--dir', rollDir, '--label', 'bench', '--activate'], env);
  const cnics = readFileSync(join(rollDir, 'voters.csv'), 'utf8')
    .split('\n')
    .slice(1, 5001)
    .map((l) => l.split(',')[0])
    .filter(Boolean);
  // A realistic mix: mostly registered voters, some unknown numbers, some malformed texts.
  const texts = [...cnics, ...cnics.slice(0, 500).map((c) => `E ${c}`), '3520199999999', 'HELP', 'my cnic', '12345'];

  const suite = await startSuite({ env, logDir: join(STATE, 'logs'), readyTimeoutMs: 90_000 });
  try {
    process.stdout.write(`bench: warming up\n`);
    // Numbers of its own: the measured run's first MOs would otherwise repeat the warm-up's
    // exactly (same number, same text) and be dropped by ingress as SMSC re-deliveries.
    await load(500, 50, texts, 900_000_000);
    process.stdout.write(`bench: ${COUNT} MOs, ${CONCURRENCY} outstanding, across 5 operators\n`);
    const result = await load(COUNT, CONCURRENCY, texts);
    const memory = [...suite.processes].map(([name, child]) => `${name} ${peakRssMb(child.pid!)} MB`).join(', ');
    process.stdout.write(
      [
        '',
        `sent ${result.sent}, acknowledged ${result.acked}, replied ${result.replied}, timed out ${result.timedOut}`,
        `throughput: ${result.throughputPerSec.toFixed(0)} MO->MT per second over ${(result.durationMs / 1000).toFixed(1)} s`,
        `latency ms: p50 ${result.latencyMs.p50}, p95 ${result.latencyMs.p95}, p99 ${result.latencyMs.p99}, max ${result.latencyMs.max}`,
        `peak RSS: ${memory}`,
        '',
      ].join('\n'),
    );
  } finally {
    await suite.stop();
  }
}

interface LoadResult {
  sent: number;
  acked: number;
  replied: number;
  timedOut: number;
  durationMs: number;
  throughputPerSec: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

async function load(count: number, concurrency: number, texts: string[], msisdnStart = 0): Promise<LoadResult> {
  const res = await fetch(`http://127.0.0.1:${PORTS.sim}/load`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count, concurrency, texts, msisdnStart }),
  });
  if (!res.ok) throw new Error(`load failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as LoadResult;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exit(1);
});
