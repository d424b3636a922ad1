/**
 * Starts the whole suite as real processes: the operator simulator, ingress, lookup and egress,
 * built into dist/ and talking to the real Kafka, Redis and PostgreSQL. Used by `npm start`, the
 * e2e tests and the benchmark, so all three run the same thing the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');
export const OPERATORS = ['jazz', 'zong', 'telenor', 'ufone', 'sco'] as const;

export const PORTS = { sim: 8300, ingress: 9101, lookup: 9102, egress: 9103 } as const;

export interface SuiteSecrets {
  pepper: string;
  passwords: Record<string, string>;
}

/**
 * Local secrets are generated once per state folder and kept out of the repository. The roll's
 * hashes depend on the pepper, so it must stay the same between an import and the services.
 */
export function ensureSecrets(dir: string): SuiteSecrets {
  const file = join(dir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SuiteSecrets;
  mkdirSync(dir, { recursive: true });
  const secrets: SuiteSecrets = {
    pepper: randomBytes(32).toString('base64url'),
    // SMPP 3.4 passwords are at most 8 characters.
    passwords: Object.fromEntries(OPERATORS.map((op) => [op, randomBytes(6).toString('base64url').slice(0, 8)])),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export function suiteEnv(secrets: SuiteSecrets, databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PARCHEE_PEPPER: secrets.pepper,
    PARCHEE_DATABASE_URL: databaseUrl,
    PARCHEE_REDIS_URL: process.env['PARCHEE_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092',
    PARCHEE_OPERATORS_FILE: join(ROOT, 'config/operators.yaml'),
    ...protectionEnv(),
    ...extra,
  };
  for (const op of OPERATORS) {
    env[`PARCHEE_SMPP_PASSWORD_${op.toUpperCase()}`] = secrets.passwords[op];
    env[`SMSC_SIM_${op.toUpperCase()}_PASSWORD`] = secrets.passwords[op];
  }
  return env;
}

/**
 * Request protection as in production (5 lookups an hour, 20 a day, 3 distinct CNICs a day, scans
 * of 3 close steps), so the e2e specs prove the real limits; only the scan memory and blocks are
 * shortened to an hour. Each run gets its own key prefix (kept in the environment, so spec workers
 * and restarted services share it): Redis outlives a run, and earlier runs' lookups from the same
 * test numbers must not limit this one. Benchmarks pass higher limits in `extra`.
 */
/** Benchmarks measure throughput with protection on (its Redis script costs what it costs) but limits nobody reaches. */
export const BENCH_PROTECTION_ENV: Record<string, string> = {
  PROTECTION_LOOKUPS_PER_HOUR: '1000000',
  PROTECTION_LOOKUPS_PER_DAY: '10000000',
  PROTECTION_MAX_DISTINCT_CNICS: '1000000',
  PROTECTION_SCAN_STRIKES: '1000',
  PROTECTION_HELP_REPLIES_PER_HOUR: '1000000',
  PROTECTION_HELP_REPLIES_PER_DAY: '10000000',
};

/** The suite's distinct-CNIC window, seconds (a day in production). */
export const E2E_DISTINCT_WINDOW_SECONDS = 2;

function protectionEnv(): Record<string, string> {
  const prefix = (process.env['PROTECTION_KEY_PREFIX'] ??= `parchee:guard:suite-${randomBytes(4).toString('hex')}:`);
  return {
    PROTECTION_LOOKUPS_PER_HOUR: '5',
    PROTECTION_LOOKUPS_PER_DAY: '20',
    PROTECTION_MAX_DISTINCT_CNICS: '3',
    // Two seconds for the day-long window: protection.e2e-spec shows a slow scan outlasting it.
    PROTECTION_DISTINCT_WINDOW_SECONDS: String(E2E_DISTINCT_WINDOW_SECONDS),
    PROTECTION_SCAN_MEMORY_SECONDS: '3600',
    PROTECTION_BLOCK_SECONDS: '3600',
    PROTECTION_KEY_PREFIX: prefix,
  };
}

/** Runs a command to completion, failing with its output on a non-zero exit. */
export function run(command: string, args: string[], env: Record<string, string>, options: { quiet?: boolean } = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!options.quiet) process.stdout.write(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
      if (!options.quiet) process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${out.slice(-4000)}`))));
  });
}

export function rollCli(args: string[], env: Record<string, string>, quiet = true): Promise<string> {
  return run(process.execPath, ['-r', '@swc-node/register', 'apps/roll-cli/src/main.ts', ...args], env, { quiet });
}

export type SuiteService = 'ingress' | 'lookup' | 'egress';
export const SUITE_SERVICES: readonly SuiteService[] = ['ingress', 'lookup', 'egress'];

/** How one service went down. */
export interface StopReport {
  name: SuiteService;
  signal: 'SIGTERM' | 'SIGKILL';
  /** The old process's exit: code (null when a signal ended it) and the signal that ended it. */
  exitCode: number | null;
  exitSignal: string | null;
  /** When the signal was sent, epoch ms (the machine's clock, as the simulator's timestamps). */
  signalledAt: number;
  /** Signal sent to process gone. */
  stopMs: number;
}

/** How one service went down and came back. */
export interface RestartReport extends StopReport {
  /** New process spawned to ready. */
  readyMs: number;
}

export interface RunningSuite {
  processes: Map<string, ChildProcess>;
  stop(): Promise<void>;
  /** Sends `signal` to one service, waits for it to exit, starts it again and waits until it is ready. */
  restart(name: SuiteService, signal: 'SIGTERM' | 'SIGKILL'): Promise<RestartReport>;
  /** The two halves of `restart`, for a test that acts while the service is down. */
  stopService(name: SuiteService, signal: 'SIGTERM' | 'SIGKILL'): Promise<StopReport>;
  startService(name: SuiteService): Promise<number>;
}

export interface StartOptions {
  env: Record<string, string>;
  /** Folder for one log file per process. */
  logDir: string;
  /** Also copy every log line to this process's stdout. */
  echo?: boolean;
  /** Extra environment for one process, over `env` (e.g. lookup reaching PostgreSQL through a proxy). */
  envFor?: Partial<Record<string, Record<string, string>>>;
  readyTimeoutMs?: number;
  /** Extra node flags before the script (e.g. --cpu-prof, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

/** Polls `url` until it answers 2xx, failing early if the child exits. */
export async function waitHttpOk(url: string, deadline: number, child: ChildProcess, name: string): Promise<void> {
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} not ready at ${url}: ${last}`);
}

/**
 * Node flags an app always runs with, wherever this launcher starts it (npm start, e2e, bench, soak).
 * None today: lookup ran with larger semi-spaces (64, then 32 MiB) to spend less time in garbage
 * collection, but in the suite at 4,500-5,000 MO/s Node's default used as little CPU per MO and
 * kept lookup's resident memory within its 300 MB (282 MB against 310-321 with 32 MiB; see
 * docs/benchmarks.md, "Measurements behind code choices").
 */
export const APP_NODE_ARGS: Partial<Record<string, string[]>> = {};

/** Starts one app from dist/, its output going to `<logDir>/<name>.log`. */
export function startProcess(name: string, app: string, options: StartOptions): ChildProcess {
  mkdirSync(options.logDir, { recursive: true });
  const log = createWriteStream(join(options.logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(
    process.execPath,
    [...(APP_NODE_ARGS[app] ?? []), ...(options.nodeArgs ?? []), '--enable-source-maps', join(ROOT, 'dist/apps', app, 'apps', app, 'src/main.js')],
    {
      cwd: ROOT,
      env: { ...process.env, ...options.env, ...options.envFor?.[name] },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (d: Buffer) => {
      log.write(d);
      if (options.echo) process.stdout.write(d.toString().replace(/^(?=.)/gm, `[${name}] `));
    });
  }
  child.on('exit', () => log.end());
  return child;
}

/** Starts the simulator first (the services bind to it), then the three services, and waits until each is ready. */
/** True when something already accepts connections on the port. */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}

/**
 * Refuses to start over another running suite (an `npm start` left open, say): the readiness
 * probes would otherwise find the other suite's processes and the tests would talk to them.
 */
async function assertPortsFree(): Promise<void> {
  const ports = [PORTS.sim, PORTS.ingress, PORTS.lookup, PORTS.egress];
  const taken = (await Promise.all(ports.map(async (p) => ((await portTaken(p)) ? p : null)))).filter((p) => p !== null);
  if (taken.length > 0) {
    throw new Error(`ports ${taken.join(', ')} are already in use: is another Parchee suite (npm start) running? Stop it first.`);
  }
}

export async function startSuite(options: StartOptions): Promise<RunningSuite> {
  await assertPortsFree();
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  const processes = new Map<string, ChildProcess>();
  const stop = async () => {
    const order = ['ingress', 'lookup', 'egress', 'smsc-sim'];
    for (const name of order) {
      const child = processes.get(name);
      if (!child || child.exitCode !== null) continue;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  /** Signals one service and waits until it has exited. */
  const stopService = async (name: SuiteService, signal: 'SIGTERM' | 'SIGKILL'): Promise<StopReport> => {
    const old = processes.get(name);
    if (!old) throw new Error(`${name} is not part of this suite`);
    const began = Date.now();
    const exited = old.exitCode !== null || old.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => old.once('exit', () => r()));
    old.kill(signal);
    // A service that ignores SIGTERM past its own 10 s deadline is killed, and the report shows it.
    const stuck = setTimeout(() => old.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(stuck);
    return { name, signal, exitCode: old.exitCode, exitSignal: old.signalCode, signalledAt: began, stopMs: Date.now() - began };
  };
  /** Starts one (stopped) service again and waits until it is ready; returns how long that took, ms. */
  const startService = async (name: SuiteService): Promise<number> => {
    const old = processes.get(name);
    if (old && old.exitCode === null && old.signalCode === null) throw new Error(`${name} is still running`);
    const started = Date.now();
    const child = startProcess(name, name, options);
    processes.set(name, child);
    await waitHttpOk(`http://127.0.0.1:${PORTS[name]}/health/ready`, Date.now() + (options.readyTimeoutMs ?? 60_000), child, name);
    return Date.now() - started;
  };
  const restart = async (name: SuiteService, signal: 'SIGTERM' | 'SIGKILL'): Promise<RestartReport> => {
    const stopped = await stopService(name, signal);
    return { ...stopped, readyMs: await startService(name) };
  };
  try {
    const sim = startProcess('smsc-sim', 'smsc-sim', options);
    processes.set('smsc-sim', sim);
    await waitHttpOk(`http://127.0.0.1:${PORTS.sim}/health`, deadline, sim, 'smsc-sim');
    for (const name of ['lookup', 'egress', 'ingress'] as const) {
      const child = startProcess(name, name, options);
      processes.set(name, child);
    }
    for (const name of ['lookup', 'egress', 'ingress'] as const) {
      await waitHttpOk(`http://127.0.0.1:${PORTS[name]}/health/ready`, deadline, processes.get(name)!, name);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { processes, stop, restart, stopService, startService };
}

export interface MoReply {
  status: number;
  body: {
    /** The MO's acknowledgement: its deliver_sm_resp status, and how many deliver_sm it took. */
    mo?: { commandStatus: number; parts?: number };
    mt?: { text: string; parts: number; dataCoding: number; sourceAddr: string; destinationAddr: string };
    latencyMs?: number;
    error?: string;
  };
}

export async function sendMo(operator: string, msisdn: string, text: string, timeoutMs = 20_000): Promise<MoReply> {
  const res = await fetch(`http://127.0.0.1:${PORTS.sim}/mo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ operator, msisdn, text, timeoutMs }),
  });
  return { status: res.status, body: (await res.json()) as MoReply['body'] };
}
