/**
 * npm run bench -- session: how many submit_sm per second one SMPP session carries with a window
 * of 1, 10 and 100 requests in flight, against an SMSC that answers each submit_sm after 1 ms.
 *
 * The SMSC is our SmscServer in a child process (so the two ends do not share a core), reached over
 * loopback TCP. The ESME is our EsmeClient, one bind per window, driven by exactly `window`
 * callers that each send the next submit_sm as soon as the last is answered, so the session never
 * queues and the latency is submit_sm to submit_sm_resp.
 *
 *   BENCH_SESSION_SECONDS   measured time per window (default 5, after 1 s of warm-up)
 *   BENCH_SESSION_WINDOWS   windows to measure (default 1,10,100)
 *   BENCH_SESSION_DELAY_MS  the SMSC's delay before each submit_sm_resp (default 1)
 *
 * Run alone: node -r @swc-node/register libs/smpp/src/bench/session-bench.ts
 */
import { ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { EsmeClient } from '../client/esme-client';
import { CommandStatus } from '../codec/command-status';
import { Npi, RegisteredDelivery, Ton } from '../codec/field-values';
import type { SubmitSmFields } from '../codec/pdu-defaults';
import { SmscServer } from '../server/smsc-server';
import { encodeGsm7 } from '../text/gsm7';
import { envNumber, formatTable, print, quantile, thousands } from './bench-table';

const SECONDS = envNumber('BENCH_SESSION_SECONDS', 5);
const WARM_UP_SECONDS = 1;
const DELAY_MS = envNumber('BENCH_SESSION_DELAY_MS', 1);
const WINDOWS = (process.env['BENCH_SESSION_WINDOWS'] ?? '1,10,100').split(',').map((value) => {
  const window = Number(value);
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`BENCH_SESSION_WINDOWS: ${value} is not a window`);
  return window;
});
const SMSC_FLAG = '--bench-smsc';

const submit: SubmitSmFields = {
  sourceAddrTon: Ton.NETWORK_SPECIFIC,
  sourceAddrNpi: Npi.UNKNOWN,
  sourceAddr: '8300',
  destAddrTon: Ton.INTERNATIONAL,
  destAddrNpi: Npi.ISDN,
  destinationAddr: '923001234567',
  registeredDelivery: RegisteredDelivery.SUCCESS_OR_FAILURE,
  shortMessage: encodeGsm7('Your vote: NA-125 Lahore-IX, polling station 47 Govt Girls High School Ravi Road, booth 3 (women), serial 1128. Bring your CNIC.'),
};

/** The child: an SmscServer answering every submit_sm after DELAY_MS. Tells the parent its port. */
async function runSmsc(): Promise<void> {
  const server = new SmscServer({
    host: '127.0.0.1',
    port: 0,
    authenticate: () => ({ ok: true }),
    sessionOptions: { enquireLinkIntervalMs: 0, window: 1000 },
  });
  let messageId = 0;
  server.on('session', (session) =>
    session.setSubmitSmHandler(async () => {
      await new Promise((resolve) => setTimeout(resolve, DELAY_MS));
      return { status: CommandStatus.ESME_ROK, messageId: (++messageId).toString(16) };
    }),
  );
  const { port } = await server.listen();
  process.on('message', () => process.send?.({ cpuMs: cpuMs(process.cpuUsage()) }));
  process.send?.({ port });
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
}

interface WindowResult {
  window: number;
  submits: number;
  seconds: number;
  latenciesMs: number[];
  /** CPU time of the ESME process (user + system) while measuring. */
  cpuMs: number;
  /** CPU time of the SMSC process while measuring. */
  smscCpuMs: number;
}

const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;

/** `window` callers, each sending its next submit_sm as soon as the last is answered, for `seconds`. */
async function drive(client: EsmeClient, window: number, seconds: number): Promise<Omit<WindowResult, 'window' | 'smscCpuMs'>> {
  const latenciesMs: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const caller = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      await client.submitSm(submit);
      latenciesMs.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: window }, caller));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { submits: latenciesMs.length, seconds: elapsedMs / 1000, latenciesMs, cpuMs: cpuMs(cpu) };
}

/** The SMSC child's CPU time so far. */
async function smscCpuMs(smsc: ChildProcess): Promise<number> {
  const reply = once(smsc, 'message') as Promise<[{ cpuMs: number }]>;
  smsc.send('cpu');
  return (await reply)[0].cpuMs;
}

async function measure(smsc: ChildProcess, port: number, window: number): Promise<WindowResult> {
  const client = new EsmeClient({
    host: '127.0.0.1',
    port,
    systemId: 'bench',
    password: 'bench',
    bindType: 'transmitter',
    window,
    responseTimeoutMs: 30_000,
    enquireLinkIntervalMs: 0,
    reconnect: { initialDelayMs: 60_000 },
  });
  const bound = once(client, 'bound');
  client.start();
  await bound;
  try {
    await drive(client, window, WARM_UP_SECONDS);
    const smscBefore = await smscCpuMs(smsc);
    const result = await drive(client, window, SECONDS);
    return { window, ...result, smscCpuMs: (await smscCpuMs(smsc)) - smscBefore };
  } finally {
    await client.stop();
  }
}

async function main(): Promise<void> {
  print(
    `bench session: one EsmeClient session, submit_sm against our SmscServer answering after ${DELAY_MS} ms (child process, loopback TCP), ` +
      `${SECONDS} s per window after ${WARM_UP_SECONDS} s warm-up (${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version})`,
  );
  const smsc = fork(__filename, [SMSC_FLAG], { execArgv: ['-r', '@swc-node/register'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const [{ port }] = (await once(smsc, 'message')) as [{ port: number }];
    const rows = [['window', 'submit_sm/s', 'p50 ms', 'p99 ms', 'max ms', 'window / delay', 'ESME CPU', 'SMSC CPU', 'submits']];
    for (const window of WINDOWS) {
      const result = await measure(smsc, port, window);
      const sorted = result.latenciesMs.sort((a, b) => a - b);
      rows.push([
        String(window),
        thousands(result.submits / result.seconds),
        quantile(sorted, 0.5).toFixed(2),
        quantile(sorted, 0.99).toFixed(2),
        (sorted[sorted.length - 1] ?? 0).toFixed(2),
        thousands((window * 1000) / DELAY_MS),
        `${Math.round((100 * result.cpuMs) / (result.seconds * 1000))} %`,
        `${Math.round((100 * result.smscCpuMs) / (result.seconds * 1000))} %`,
        thousands(result.submits),
      ]);
    }
    print(formatTable(rows));
    print('window / delay: the ceiling if every answer took exactly the delay and nothing else; CPU: each process, % of one core.');
  } finally {
    smsc.disconnect();
    await once(smsc, 'exit');
  }
}

if (process.argv.includes(SMSC_FLAG)) {
  void runSmsc();
} else {
  main().catch((error: Error) => {
    process.stderr.write(`bench session failed: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  });
}
