/**
 * npm run bench: N MOs from the simulator through the running suite (ingress, Kafka, lookup,
 * Redis, PostgreSQL, egress) and back. Prints sustained MO-to-MT throughput, latency
 * percentiles and each service's peak resident memory (VmHWM).
 */
import { join } from 'node:path';
import { openRedisClient, REDIS_KEY_ROOT } from '@parchee/redis';
import { unlinkMatching } from '../support/redis-keys';
import { mb } from './support/figures';
import { peakRssKb } from './support/proc';
import { runLoad, suiteTexts } from './support/suite-load';
import { BENCH_PROTECTION_ENV, ROOT, ensureSecrets, rollCli, run, startSuite, suiteEnv, moDedupeEnv } from '@parchee/suite';

const COUNT = Number(process.env['BENCH_COUNT'] ?? 20_000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 200);
const VOTERS = Number(process.env['BENCH_VOTERS'] ?? 100_000);
const STATE = join(ROOT, 'var/bench');

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
  // A realistic mix: mostly registered voters, some unknown numbers, some malformed texts.
  const texts = suiteTexts(join(rollDir, 'voters.csv'));

  const suite = await startSuite({ env, logDir: join(STATE, 'logs'), readyTimeoutMs: 90_000 });
  try {
    process.stdout.write(`bench: warming up\n`);
    // Numbers of its own: the measured run's first MOs would otherwise repeat the warm-up's
    // exactly (same number, same text) and be dropped by ingress as SMSC re-deliveries.
    await runLoad({ count: 500, concurrency: 50, texts, msisdnStart: 900_000_000 });
    process.stdout.write(`bench: ${COUNT} MOs, ${CONCURRENCY} outstanding, across 5 operators\n`);
    const result = await runLoad({ count: COUNT, concurrency: CONCURRENCY, texts, msisdnStart: 0 });
    const memory = [...suite.processes].map(([name, child]) => `${name} ${mb(peakRssKb(child.pid!))}`).join(', ');
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

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exit(1);
});
