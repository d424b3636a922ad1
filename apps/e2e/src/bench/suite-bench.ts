/**
 * npm run bench -- suite: the whole suite (simulator, ingress, Kafka, lookup, Redis, PostgreSQL,
 * egress) under an open loop at fixed offered rates, step after step until it cannot keep up.
 * Subscribers do not wait for each other's replies, so neither does the load: a slow suite shows
 * as growing latency and timeouts, never as a quietly lower offered rate.
 *
 * Per step it prints offered, acknowledged and replied MO/s, MO acknowledgement latency, MO to
 * last reply part latency, the CPU every process spent per replied MO (from /proc) and resident
 * memory; at the end the saturation point, a JSON file of every figure and a latency-versus-
 * throughput chart (SVG). The SMSC window (deliver_sm outstanding per bind) is a parameter.
 *
 *   BENCH_RATES          offered MO/s, ascending (default 250,500,1000,2000,3000,3500,4000,5000,7500,10000)
 *   BENCH_STEP_SECONDS   length of each step (default 15)
 *   BENCH_WINDOWS        SMSC windows to sweep, one suite start each (default 10)
 *   BENCH_ONE_BIND_RATE  after each window's sweep, MO/s offered to one bind alone (jazz) for one step (default 1000; 0: none)
 *   BENCH_VOTERS         roll size (default 100000)
 *   BENCH_OUT            folder for suite-sweep.json and suite-sweep.svg (default var/bench)
 *   BENCH_CPU_PROF=1     write a .cpuprofile per service into var/bench/profiles
 *   BENCH_NODE_ARGS      extra node flags for every process, e.g. --perf-basic-prof for `perf record`
 *   BENCH_RECEIPTS=0     the SMSCs send no delivery receipts (default: one per part, as production SMSCs do)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { openRedisClient, REDIS_KEY_ROOT, type RedisClientHandle } from '@parchee/redis';
import { unlinkMatching } from '../support/redis-keys';
import { formatTable, mb } from './support/figures';
import { latencyChartSvg, type ChartSeries } from './support/latency-chart';
import { coreCount, cpuSeconds, infraCpuSeconds, loadAverage, peakRssKb, rssKb, type InfraCpu } from './support/proc';
import { sim } from '../support/sim-control';
import { runLoad, suiteTexts, type SuiteLoadResult } from './support/suite-load';
import { BENCH_PROTECTION_ENV, OPERATORS, ROOT, ensureSecrets, rollCli, run, startSuite, suiteEnv, moDedupeEnv, type RunningSuite } from '@parchee/suite';

const list = (name: string, fallback: string): number[] =>
  (process.env[name] ?? fallback)
    .split(',')
    .map((v) => Number(v.trim()))
    .filter((v) => Number.isFinite(v) && v > 0);

const RATES = list('BENCH_RATES', '250,500,1000,2000,3000,3500,4000,5000,7500,10000');
const WINDOWS = list('BENCH_WINDOWS', '10');
const STEP_SECONDS = Number(process.env['BENCH_STEP_SECONDS'] ?? 15);
const ONE_BIND_RATE = Number(process.env['BENCH_ONE_BIND_RATE'] ?? 1000);
const VOTERS = Number(process.env['BENCH_VOTERS'] ?? 100_000);
const CPU_PROF = process.env['BENCH_CPU_PROF'] === '1';
const RECEIPTS = process.env['BENCH_RECEIPTS'] !== '0';
const NODE_ARGS = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
const STATE = join(ROOT, 'var/bench');
const OUT = resolve(ROOT, process.env['BENCH_OUT'] ?? 'var/bench');
/** Per-MO wait for the reply: past it the MO counts as timed out and the step as not keeping up. */
const MO_TIMEOUT_MS = 10_000;
/**
 * Each operator's submit_sm cap for the benchmark. Production links carry the operators' own
 * contractual caps (config/operators.yaml); the benchmark measures Parchee, so it lifts them above
 * any rate it offers rather than measuring a cap it set itself.
 */
const BENCH_TPS = 50_000;

type ProcessName = 'smsc-sim' | 'ingress' | 'lookup' | 'egress' | keyof InfraCpu;
const PROCESSES: readonly ProcessName[] = ['ingress', 'lookup', 'egress', 'kafka', 'redis', 'postgres', 'smsc-sim'];

interface Step {
  window: number;
  /** All five operators' binds, or the one bind of jazz alone. */
  binds: 'all' | 'one';
  offeredPerSec: number;
  sent: number;
  ackedPerSec: number;
  repliedPerSec: number;
  timedOut: number;
  failed: number;
  ackMs: SuiteLoadResult['ackLatencyMs'];
  replyMs: SuiteLoadResult['latencyMs'];
  /** CPU µs per replied MO, by process. */
  cpuUsPerMo: Record<ProcessName, number>;
  /** Every process but the simulator. */
  suiteCpuUsPerMo: number;
  rssMb: Record<string, number>;
  /** Redis commands per replied MO, by command (INFO commandstats), busiest first. */
  redisCallsPerMo: Record<string, number>;
  keptUp: boolean;
}

/** Calls so far of every Redis command (INFO commandstats). */
async function redisCalls(redis: RedisClientHandle): Promise<Map<string, number>> {
  const info = (await redis.client.info('commandstats')) as string;
  const calls = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(m[1], Number(m[2]));
  return calls;
}

function callsPerMo(before: Map<string, number>, after: Map<string, number>, replied: number): Record<string, number> {
  const out = [...after]
    .map(([cmd, n]) => [cmd, (n - (before.get(cmd) ?? 0)) / Math.max(1, replied)] as const)
    .filter(([cmd, n]) => n >= 0.01 && cmd !== 'info')
    .sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(out.map(([cmd, n]) => [cmd, Math.round(n * 100) / 100]));
}

/** A step keeps up when (nearly) every MO got its reply in time at (nearly) the offered rate. */
function keptUp(r: SuiteLoadResult, offered: number): boolean {
  return r.replied >= r.sent * 0.999 && r.throughputPerSec >= offered * 0.95;
}

function cpuNow(suite: RunningSuite): Record<ProcessName, number> {
  const infra = infraCpuSeconds();
  const own = (name: string): number => cpuSeconds(suite.processes.get(name)!.pid!);
  return { ingress: own('ingress'), lookup: own('lookup'), egress: own('egress'), 'smsc-sim': own('smsc-sim'), ...infra };
}

/** The bench's operator links: the shipped ones with each operator's cap lifted to BENCH_TPS. */
function benchOperatorsFile(): string {
  const links = parse(readFileSync(join(ROOT, 'config/operators.yaml'), 'utf8')) as { operators: Array<Record<string, unknown>> };
  for (const op of links.operators) op['tps'] = BENCH_TPS;
  const file = join(STATE, 'operators.yaml');
  writeFileSync(file, stringify(links));
  return file;
}

async function prepare(env: Record<string, string>): Promise<string[]> {
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
  return suiteTexts(join(rollDir, 'voters.csv'));
}

async function sweep(window: number, env: Record<string, string>, texts: string[], msisdnBase: number): Promise<Step[]> {
  const profileDir = join(STATE, 'profiles');
  const suite = await startSuite({
    env: { ...env, SMSC_SIM_WINDOW: String(window) },
    logDir: join(STATE, 'logs'),
    readyTimeoutMs: 90_000,
    nodeArgs: [...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...NODE_ARGS],
  });
  const steps: Step[] = [];
  const redis = await openRedisClient({ url: env['PARCHEE_REDIS_URL'], name: 'suite-bench', commandTimeoutMs: 10_000 });
  try {
    // Egress asks every part for a delivery receipt (registered_delivery 1) and production SMSCs
    // send them: each part's receipt is a deliver_sm at ingress, a record on sms.dlr.v1 and a
    // status update at egress. BENCH_RECEIPTS=0 measures without them.
    for (const op of OPERATORS) await sim('PUT', `/operators/${op}/faults`, RECEIPTS ? { deliveryReceipts: {} } : {});
    process.stdout.write(`bench: window ${window}: warming up${RECEIPTS ? ', every part with its delivery receipt' : ', no delivery receipts'}\n`);
    // Numbers of their own: a later MO repeating an earlier one exactly (same number, same text)
    // would be dropped by ingress as an SMSC re-delivery.
    let msisdnStart = msisdnBase;
    await runLoad({ count: 2_000, ratePerSec: 500, texts, msisdnStart, timeoutMs: MO_TIMEOUT_MS });
    msisdnStart += 2_000;
    const plan: Array<{ rate: number; binds: Step['binds'] }> = [...RATES.map((rate) => ({ rate, binds: 'all' as const }))];
    if (ONE_BIND_RATE > 0) plan.push({ rate: ONE_BIND_RATE, binds: 'one' });
    let saturated = false;
    for (const { rate, binds } of plan) {
      // Past saturation only the one-bind step still runs: it measures another thing.
      if (saturated && binds === 'all') continue;
      const count = Math.round(rate * STEP_SECONDS);
      const [before, callsBefore] = [cpuNow(suite), await redisCalls(redis)];
      const operators = binds === 'one' ? ['jazz'] : undefined;
      const r = await runLoad({ count, ratePerSec: rate, texts, msisdnStart, timeoutMs: MO_TIMEOUT_MS, ...(operators ? { operators } : {}) });
      const [after, callsAfter] = [cpuNow(suite), await redisCalls(redis)];
      msisdnStart += count;
      const perMo = (name: ProcessName): number => Math.round(((after[name] - before[name]) * 1e6) / Math.max(1, r.replied));
      const cpuUsPerMo = Object.fromEntries(PROCESSES.map((p) => [p, perMo(p)])) as Record<ProcessName, number>;
      const step: Step = {
        window,
        binds,
        offeredPerSec: rate,
        sent: r.sent,
        ackedPerSec: r.ackedPerSec,
        repliedPerSec: r.throughputPerSec,
        timedOut: r.timedOut,
        failed: Object.values(r.failed).reduce((a, b) => a + b, 0) + Object.values(r.refused).reduce((a, b) => a + b, 0),
        ackMs: r.ackLatencyMs,
        replyMs: r.latencyMs,
        cpuUsPerMo,
        suiteCpuUsPerMo: PROCESSES.filter((p) => p !== 'smsc-sim').reduce((sum, p) => sum + cpuUsPerMo[p], 0),
        redisCallsPerMo: callsPerMo(callsBefore, callsAfter, r.replied),
        rssMb: Object.fromEntries(['ingress', 'lookup', 'egress'].map((n) => [n, Math.round(rssKb(suite.processes.get(n)!.pid!) / 1024)])),
        keptUp: keptUp(r, rate),
      };
      steps.push(step);
      process.stdout.write(`${stepLine(step)}\n`);
      if (!step.keptUp && binds === 'all') saturated = true;
    }
    const peaks = ['ingress', 'lookup', 'egress'].map((n) => `${n} ${mb(peakRssKb(suite.processes.get(n)!.pid!))}`).join(', ');
    process.stdout.write(`bench: window ${window}: peak RSS ${peaks}\n`);
  } finally {
    await redis.close();
    await suite.stop();
  }
  return steps;
}

function stepLine(s: Step): string {
  return (
    `  offered ${s.offeredPerSec}/s${s.binds === 'one' ? ' to one bind' : ''}: acked ${s.ackedPerSec}/s, replied ${s.repliedPerSec}/s, timed out ${s.timedOut}, failed ${s.failed}; ` +
    `ack p50/p99 ${s.ackMs.p50}/${s.ackMs.p99} ms; reply p50/p95/p99 ${s.replyMs.p50}/${s.replyMs.p95}/${s.replyMs.p99} ms; ` +
    `CPU ${s.suiteCpuUsPerMo} µs/MO${s.keptUp ? '' : ' (not keeping up)'}\n` +
    `    Redis calls per MO: ${Object.entries(s.redisCallsPerMo)
      .map(([cmd, n]) => `${cmd} ${n}`)
      .join(', ')}`
  );
}

function report(steps: Step[]): string {
  const header = [
    'window',
    'offered/s',
    'acked/s',
    'replied/s',
    'ack p50',
    'ack p99',
    'reply p50',
    'p95',
    'p99',
    ...PROCESSES.map((p) => `${p} µs`),
    'suite µs/MO',
    'RSS MB i/l/e',
    'kept up',
  ];
  const rows = steps.map((s) => [
    String(s.window),
    s.binds,
    String(s.offeredPerSec),
    s.ackedPerSec.toFixed(0),
    s.repliedPerSec.toFixed(0),
    String(s.ackMs.p50),
    String(s.ackMs.p99),
    String(s.replyMs.p50),
    String(s.replyMs.p95),
    String(s.replyMs.p99),
    ...PROCESSES.map((p) => String(s.cpuUsPerMo[p])),
    String(s.suiteCpuUsPerMo),
    `${s.rssMb['ingress']}/${s.rssMb['lookup']}/${s.rssMb['egress']}`,
    s.keptUp ? 'yes' : 'no',
  ]);
  const lines = [formatTable([header, ...rows]), ''];
  for (const window of WINDOWS) {
    const mine = steps.filter((s) => s.window === window && s.binds === 'all');
    const sustained = mine.filter((s) => s.keptUp).reduce((best, s) => Math.max(best, s.repliedPerSec), 0);
    const first = mine.find((s) => !s.keptUp);
    lines.push(
      `window ${window}: sustained ${sustained.toFixed(0)} MO/s with every MO answered; ` +
        (first ? `saturated at ${first.offeredPerSec} MO/s offered (replied ${first.repliedPerSec.toFixed(0)}/s)` : `kept up at every offered rate`),
    );
    const one = steps.find((s) => s.window === window && s.binds === 'one');
    if (one)
      lines.push(
        `window ${window}, one bind: ${one.ackedPerSec.toFixed(0)} MO/s acknowledged of ${one.offeredPerSec} offered, ack p50 ${one.ackMs.p50} ms, p99 ${one.ackMs.p99} ms`,
      );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const secrets = ensureSecrets(STATE);
  const databaseUrl = 'postgres://postgres@127.0.0.1:5432/parchee_bench';
  const env = suiteEnv(secrets, databaseUrl, {
    LOG_LEVEL: 'warn',
    ...BENCH_PROTECTION_ENV,
    ...moDedupeEnv(),
    PARCHEE_OPERATORS_FILE: benchOperatorsFile(),
  });
  const texts = await prepare(env);
  process.stdout.write(`bench: ${coreCount()} cores, load ${loadAverage()}; open loop, ${STEP_SECONDS} s per step, rates ${RATES.join(', ')} MO/s\n`);
  const steps: Step[] = [];
  for (const [i, window] of WINDOWS.entries()) {
    steps.push(...(await sweep(window, env, texts, 100_000_000 * (i + 1))));
  }
  process.stdout.write(`\n${report(steps)}\n`);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'suite-sweep.json'), JSON.stringify({ at: new Date().toISOString(), stepSeconds: STEP_SECONDS, receipts: RECEIPTS, steps }, null, 2));
  const series: ChartSeries[] = WINDOWS.map((window) => ({
    label: `window ${window}`,
    steps: steps
      .filter((s) => s.window === window && s.binds === 'all')
      .map((s) => ({
        offeredPerSec: s.offeredPerSec,
        repliedPerSec: s.repliedPerSec,
        p50Ms: s.replyMs.p50,
        p95Ms: s.replyMs.p95,
        p99Ms: s.replyMs.p99,
        saturated: !s.keptUp,
      })),
  }));
  const when = new Date().toISOString().slice(0, 10);
  writeFileSync(
    join(OUT, 'suite-sweep.svg'),
    latencyChartSvg(series, {
      title: 'Parchee suite: MO to reply latency versus throughput',
      subtitle: `${when}, open loop, ${coreCount()} cores, everything on one machine`,
    }),
  );
  process.stdout.write(`bench: figures in ${join(OUT, 'suite-sweep.json')}, chart in ${join(OUT, 'suite-sweep.svg')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exit(1);
});
