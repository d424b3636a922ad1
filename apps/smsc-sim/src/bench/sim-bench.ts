/**
 * npm run bench -- sim: the operator simulator alone. How many MOs per second it offers and gets
 * acknowledged, and what each costs it in CPU, so the suite benchmark's figures can be read
 * knowing the simulator is not what holds them.
 *
 * The simulator (startSimulator, the five default operators, every SMPP listener and the control
 * API on port 0) runs in a child process: this file forked with --bench-sim <window>, so its CPU,
 * read from /proc/<pid>/stat, is its own. The ESME is this process: BENCH_SIM_BINDS receiver binds
 * per operator (@parchee/smpp's EsmeClient) that answer every deliver_sm ESME_ROK at once and do
 * nothing else. For each window (a fresh simulator with smpp.window set to it), after a 1 s
 * warm-up, an open-loop POST /load with awaitReply false at each rate for BENCH_SIM_SECONDS: each
 * MO is done at its deliver_sm_resp, no reply is awaited.
 *
 *   BENCH_SIM_SECONDS  measured time per rate (default 10)
 *   BENCH_SIM_RATES    MOs per second offered (default 5000,10000,15000)
 *   BENCH_SIM_WINDOWS  the simulator's SMPP window, deliver_sm unanswered per bind (default 10,50)
 *   BENCH_SIM_BINDS    receiver binds per operator (default 1)
 *
 * The simulator logs (level info: binds, lifecycle, warnings) go to var/bench-sim/smsc-sim.log.
 * Run alone: node -r @swc-node/register apps/smsc-sim/src/bench/sim-bench.ts
 */
import { ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '@parchee/observability';
import { CommandStatus, EsmeClient } from '@parchee/smpp';
import { DEFAULT_OPERATOR_PORTS, defaultCredentials, parseSimConfig } from '../config/sim-config';
import type { LoadReport, LoadRequest } from '../load/load-runner';
import { startSimulator } from '../simulator';

const SIM_FLAG = '--bench-sim';
const ROOT = join(__dirname, '../../../..');
const LOG_DIR = join(ROOT, 'var/bench-sim');
const WARM_UP_SECONDS = 1;
/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
const OPERATORS = Object.keys(DEFAULT_OPERATOR_PORTS);
/** Single-part MOs as subscribers send them: a CNIC plain, dashed, with the `E` keyword, in Urdu digits (UCS-2). */
const TEXTS = ['3520212345671', '35202-1234567-1', 'E 3520212345671', '۳۵۲۰۲۱۲۳۴۵۶۷۱'];

/** A positive number from the environment, or the default. */
function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${process.env[name]}`);
  return value;
}

/** A comma-separated list of positive integers from the environment, or the default. */
function envIntegers(name: string, fallback: string): number[] {
  return (process.env[name] ?? fallback).split(',').map((raw) => {
    const value = Number(raw.trim());
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name}: ${raw} is not a positive integer`);
    return value;
  });
}

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Rows of cells as columns two spaces apart, the first column left-aligned, the rest right-aligned; the first row is the header. */
function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');
}

/** 1234567 as "1 234 567". */
function thousands(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after `comm` (which may hold spaces): [11] utime, [12] stime.
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

interface SimAddress {
  http: { host: string; port: number };
  smppPorts: Record<string, number>;
}

/** The child: the simulator on free ports with the given window; tells the parent where it listens. */
async function runSimulator(window: number): Promise<void> {
  const config = parseSimConfig({ http: { port: 0 }, operators: OPERATORS.map((id) => ({ id, port: 0 })) }, { SMSC_SIM_WINDOW: String(window) }, 'sim-bench');
  const sim = await startSimulator(config, { logger: createLogger({ service: 'smsc-sim', level: 'info' }) });
  process.on('disconnect', () => void sim.stop().then(() => process.exit(0)));
  const address: SimAddress = { http: sim.http, smppPorts: { ...sim.smppPorts } };
  process.send?.(address);
}

/** Forks the simulator and waits for its address; fails if it exits first. */
async function startSimulatorProcess(window: number, logFd: number): Promise<{ child: ChildProcess; address: SimAddress }> {
  const child = fork(__filename, [SIM_FLAG, String(window)], { execArgv: ['-r', '@swc-node/register'], stdio: ['ignore', logFd, 'inherit', 'ipc'] });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the simulator exited with code ${code} before it was ready`);
  });
  const [address] = (await Promise.race([once(child, 'message'), exited])) as [SimAddress];
  exited.catch(() => undefined);
  return { child, address };
}

async function stopSimulatorProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.disconnect();
  await exited;
}

/** BINDS receivers per operator that answer every deliver_sm ESME_ROK at once; resolves when all are bound. */
async function bindReceivers(smppPorts: Record<string, number>, binds: number): Promise<EsmeClient[]> {
  const acknowledge = async (): Promise<number> => CommandStatus.ESME_ROK;
  const clients = OPERATORS.flatMap((id) =>
    Array.from({ length: binds }, (_, n) => {
      const client = new EsmeClient({
        host: '127.0.0.1',
        port: smppPorts[id],
        ...defaultCredentials(id),
        bindType: 'receiver',
        name: `${id}#${n + 1}`,
        enquireLinkIntervalMs: 0,
        reconnect: { initialDelayMs: 60_000 },
        // Above any simulator window (1-1000), so the ESME never throttles it.
        sessionOptions: { maxPeerInFlight: 1_000 },
      });
      client.setDeliverSmHandler(acknowledge);
      return client;
    }),
  );
  await Promise.all(
    clients.map((client) => {
      const bound = once(client, 'bound');
      client.start();
      return bound;
    }),
  );
  return clients;
}

async function postLoad(http: SimAddress['http'], body: Omit<LoadRequest, 'operators' | 'timeoutMs'>): Promise<LoadReport> {
  const res = await fetch(`http://${http.host}:${http.port}/load`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`POST /load answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as LoadReport;
}

interface Step {
  window: number;
  rate: number;
  report: LoadReport;
  /** Wall time of the POST /load, s. */
  seconds: number;
  simCpuSeconds: number;
  esmeCpuSeconds: number;
}

function stepRow(step: Step): string[] {
  const { report } = step;
  const perMo = (cpu: number): string => (report.sent > 0 ? ((cpu * 1e6) / report.sent).toFixed(1) : '-');
  return [
    String(step.window),
    thousands(step.rate),
    thousands(report.ackedPerSec),
    (report.durationMs / 1000).toFixed(2),
    String(report.ackLatencyMs.p50),
    String(report.ackLatencyMs.p99),
    thousands(sum(report.refused)),
    thousands(sum(report.failed)),
    perMo(step.simCpuSeconds),
    `${Math.round((100 * step.simCpuSeconds) / step.seconds)} %`,
    perMo(step.esmeCpuSeconds),
    `${Math.round((100 * step.esmeCpuSeconds) / step.seconds)} %`,
  ];
}

const HEADER = ['window', 'offered/s', 'acked/s', 'load s', 'ack p50 ms', 'ack p99 ms', 'refused', 'failed', 'sim µs/MO', 'sim CPU', 'ESME µs/MO', 'ESME CPU'];

async function main(): Promise<void> {
  const seconds = envNumber('BENCH_SIM_SECONDS', 10);
  const rates = envIntegers('BENCH_SIM_RATES', '5000,10000,15000');
  const windows = envIntegers('BENCH_SIM_WINDOWS', '10,50');
  const binds = envIntegers('BENCH_SIM_BINDS', '1')[0];
  for (const window of windows) if (window > 1_000) throw new RangeError(`BENCH_SIM_WINDOWS: ${window} is above the simulator's limit of 1000`);

  print(
    `bench sim: the operator simulator alone (child process, ${OPERATORS.length} operators, ports 0), open-loop POST /load with awaitReply false, ` +
      `${binds} receiver bind(s) per operator answering every deliver_sm ESME_ROK at once, ${seconds} s per rate after ${WARM_UP_SECONDS} s warm-up`,
  );
  const started = new Date().toISOString();
  print(
    `${started}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  mkdirSync(LOG_DIR, { recursive: true });
  const logFd = openSync(join(LOG_DIR, 'smsc-sim.log'), 'a');
  const steps: Step[] = [];
  let msisdnStart = 0;
  try {
    for (const window of windows) {
      const { child, address } = await startSimulatorProcess(window, logFd);
      const pid = child.pid;
      if (pid === undefined) throw new Error('the simulator has no pid');
      let clients: EsmeClient[] = [];
      try {
        clients = await bindReceivers(address.smppPorts, binds);
        const warmUp = Math.round(rates[0] * WARM_UP_SECONDS);
        await postLoad(address.http, { count: warmUp, ratePerSec: rates[0], texts: TEXTS, msisdnStart, awaitReply: false });
        msisdnStart += warmUp;
        for (const rate of rates) {
          const count = Math.round(rate * seconds);
          const simBefore = cpuSeconds(pid);
          const esmeBefore = process.cpuUsage();
          const started = performance.now();
          const report = await postLoad(address.http, { count, ratePerSec: rate, texts: TEXTS, msisdnStart, awaitReply: false });
          const elapsed = (performance.now() - started) / 1000;
          const esme = process.cpuUsage(esmeBefore);
          const step: Step = {
            window,
            rate,
            report,
            seconds: elapsed,
            simCpuSeconds: cpuSeconds(pid) - simBefore,
            esmeCpuSeconds: (esme.user + esme.system) / 1e6,
          };
          msisdnStart += count;
          steps.push(step);
          print(HEADER.map((name, i) => `${name} ${stepRow(step)[i]}`).join(', '));
        }
      } finally {
        await Promise.all(clients.map((client) => client.stop()));
        await stopSimulatorProcess(child);
      }
    }
  } finally {
    closeSync(logFd);
  }
  print();
  print(`bench sim, ${started}: Node ${process.version}, ${cpus().length} cores, ${binds} receiver bind(s) per operator, ${seconds} s per rate`);
  print(formatTable([HEADER, ...steps.map(stepRow)]));
  print(
    'offered/s: the open loop rate asked for; acked/s: MOs acknowledged over the load (first MO to last deliver_sm_resp, "load s"); ack latency: MO sent to its ' +
      'deliver_sm_resp, whole ms; sim µs/MO and CPU: the simulator process alone (/proc/<pid>/stat, 10 ms ticks), per MO sent and % of one core over the ' +
      'POST /load; ESME: this process (the receivers and the HTTP client), for reference.',
  );
  print(
    `load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

if (process.argv.includes(SIM_FLAG)) {
  runSimulator(Number(process.argv[process.argv.indexOf(SIM_FLAG) + 1])).catch((error: Error) => {
    process.stderr.write(`bench sim: the simulator failed to start: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
} else {
  main().catch((error: Error) => {
    process.stderr.write(`bench sim failed: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  });
}
