/**
 * npm run soak: a steady MO rate through the whole suite for SOAK_MINUTES (default 10), sampling
 * every process's resident memory every 10 s. Memory is judged against its level after the
 * warm-up (the first minute): caches, JIT and pools fill during it, so growth after it is what a
 * leak would show. Exits non-zero when a service grew more than 10 % or an acknowledged MO got no reply.
 */
import { join } from 'node:path';
import { openRedisClient, RedisKeys } from '@parchee/redis';
import { mb } from '../bench/support/figures';
import { rssKb } from '../bench/support/proc';
import { runLoad, suiteTexts } from '../bench/support/suite-load';
import { unlinkMatching } from '../support/redis-keys';
import { BENCH_PROTECTION_ENV, ROOT, ensureSecrets, rollCli, run, startSuite, suiteEnv, moDedupeEnv } from '@parchee/suite';

const RATE = Number(process.env['SOAK_RATE'] ?? 200);
const MINUTES = Number(process.env['SOAK_MINUTES'] ?? 10);
const VOTERS = Number(process.env['SOAK_VOTERS'] ?? 50_000);
const WINDOW_MS = 5_000;
const SAMPLE_MS = 10_000;
const PER_WINDOW = Math.max(1, Math.round((RATE * WINDOW_MS) / 1000));
// Enough outstanding MOs to clear a window well inside it even at the bench's p99 latency on a
// busy machine; the window then idles. A fifth of the rate outstanding fell behind, half did no
// better on the same busy machine (see docs/benchmarks.md, "Measurements behind code choices").
const CONCURRENCY = Number(process.env['SOAK_CONCURRENCY'] ?? Math.max(20, Math.ceil(RATE / 2)));
const MAX_GROWTH = 0.1;
const STATE = join(ROOT, 'var/soak');
/** The simulator is the test's own instrument: reported, not judged. */
const JUDGED = new Set(['ingress', 'lookup', 'egress']);

interface Sample {
  atMs: number;
  rssKb: Map<string, number>;
}

function sum(record: Record<string, number>): number {
  return Object.values(record).reduce((a, b) => a + b, 0);
}

async function main(): Promise<void> {
  if (!(RATE > 0) || !(MINUTES > 0)) throw new Error('SOAK_RATE and SOAK_MINUTES must be positive numbers');
  const secrets = ensureSecrets(STATE);
  const databaseUrl = 'postgres://postgres@127.0.0.1:5432/parchee_soak';
  const env = suiteEnv(secrets, databaseUrl, { LOG_LEVEL: 'warn', ...BENCH_PROTECTION_ENV, ...moDedupeEnv() });
  await run(
    'psql',
    ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-q', '-c', 'DROP DATABASE IF EXISTS parchee_soak WITH (FORCE)'],
    {},
    { quiet: true },
  );
  const redis = await openRedisClient({ url: env['PARCHEE_REDIS_URL'], name: 'suite-soak', commandTimeoutMs: 60_000 });
  await unlinkMatching(redis.client, `${RedisKeys.ROLL}*`);
  await redis.close();
  process.stdout.write(`soak: importing a roll of ${VOTERS} synthetic voters\n`);
  const rollDir = join(STATE, 'roll');
  await rollCli(['migrate'], env);
  await rollCli(['generate', '--voters', String(VOTERS), '--seed', '11', '--out', rollDir], env);
  await rollCli(['import', '--dir', rollDir, '--label', 'soak', '--activate'], env);
  const texts = suiteTexts(join(rollDir, 'voters.csv'));

  const suite = await startSuite({ env, logDir: join(STATE, 'logs'), readyTimeoutMs: 90_000 });
  const samples: Sample[] = [];
  const totals = { sent: 0, acked: 0, replied: 0, timedOut: 0, refused: 0, failed: 0 };
  let late = 0;
  const durationMs = MINUTES * 60_000;
  const began = Date.now();
  const sample = () => {
    const rss = new Map<string, number>();
    for (const [name, child] of suite.processes) rss.set(name, rssKb(child.pid!));
    samples.push({ atMs: Date.now() - began, rssKb: rss });
  };
  let exitCode = 0;
  try {
    process.stdout.write(`soak: ${RATE} MO/s for ${MINUTES} min (${PER_WINDOW} MOs per ${WINDOW_MS / 1000} s window, ${CONCURRENCY} outstanding)\n`);
    sample();
    const sampler = setInterval(sample, SAMPLE_MS);
    try {
      for (let window = 0; Date.now() - began < durationMs; window++) {
        const windowEnd = began + (window + 1) * WINDOW_MS;
        // Distinct MSISDNs per window, so each MO is a fresh subscriber as at a real peak.
        const r = await runLoad({ count: PER_WINDOW, concurrency: CONCURRENCY, texts, msisdnStart: window * PER_WINDOW });
        totals.sent += r.sent;
        totals.acked += r.acked;
        totals.replied += r.replied;
        totals.timedOut += r.timedOut;
        totals.refused += sum(r.refused);
        totals.failed += sum(r.failed);
        const wait = windowEnd - Date.now();
        if (wait > 0) await new Promise((resolveWait) => setTimeout(resolveWait, wait));
        else late++;
        if (window % 12 === 11) {
          process.stdout.write(
            `soak: ${((Date.now() - began) / 1000).toFixed(0)} s, sent ${totals.sent}, replied ${totals.replied}, timed out ${totals.timedOut}\n`,
          );
        }
      }
    } finally {
      clearInterval(sampler);
    }
    sample();
    const elapsedMs = Date.now() - began;
    // The first minute is warm-up; a run shorter than three minutes uses its first third.
    const warmUpMs = Math.min(60_000, durationMs / 3);
    const afterWarmUp = samples.filter((s) => s.atMs >= warmUpMs);
    const lines = [
      '',
      `soak: ${(elapsedMs / 60_000).toFixed(1)} min at ${RATE} MO/s; RSS sampled every ${SAMPLE_MS / 1000} s, warm-up ${(warmUpMs / 1000).toFixed(0)} s`,
    ];
    lines.push('service    after warm-up   end       min       max       growth   verdict');
    for (const name of suite.processes.keys()) {
      const series = afterWarmUp.map((s) => s.rssKb.get(name) ?? 0);
      const base = series[0];
      const end = series[series.length - 1];
      const growth = (end - base) / base;
      const pass = growth <= MAX_GROWTH;
      const verdict = JUDGED.has(name) ? (pass ? 'PASS' : 'FAIL') : `${pass ? 'pass' : 'fail'} (not judged: the test instrument)`;
      if (JUDGED.has(name) && !pass) exitCode = 1;
      lines.push(
        `${name.padEnd(10)} ${mb(base).padEnd(15)} ${mb(end).padEnd(9)} ${mb(Math.min(...series)).padEnd(9)} ${mb(Math.max(...series)).padEnd(9)} ${`${(growth * 100).toFixed(1)} %`.padEnd(8)} ${verdict}`,
      );
    }
    const lost = totals.acked - totals.replied;
    if (lost > 0 || totals.sent !== totals.acked) exitCode = 1;
    lines.push(
      `sent ${totals.sent}, acknowledged ${totals.acked}, replied ${totals.replied}, timed out ${totals.timedOut}, refused ${totals.refused}, failed ${totals.failed}, lost ${lost}`,
      `throughput: ${((totals.replied * 1000) / elapsedMs).toFixed(1)} replies per second (target ${RATE}) over ${(elapsedMs / 1000).toFixed(0)} s; windows that overran ${WINDOW_MS / 1000} s: ${late}`,
      `result: ${exitCode === 0 ? 'PASS' : 'FAIL'}`,
      '',
    );
    process.stdout.write(lines.join('\n'));
  } finally {
    await suite.stop();
  }
  process.exitCode = exitCode;
}

main().catch((err: unknown) => {
  process.stderr.write(`soak: ${(err as Error).message}\n`);
  process.exit(1);
});
