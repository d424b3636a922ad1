import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSecrets, moDedupeEnv, OPERATORS, PORTS, ROOT, rollCli, sendMo, startSuite, suiteEnv } from '@parchee/suite';

const STATE = join(ROOT, 'var/dev');
const DEMO_VOTERS = Number(process.env['PARCHEE_DEMO_VOTERS'] ?? 20_000);

function firstVoterCnic(rollDir: string): string {
  const lines = readFileSync(join(rollDir, 'voters.csv'), 'utf8').split('\n', 3);
  return lines[1].split(',')[0];
}

async function main(): Promise<void> {
  const secrets = ensureSecrets(STATE);
  const env = suiteEnv(secrets, process.env['PARCHEE_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/parchee', { LOG_LEVEL: 'info', ...moDedupeEnv() });
  await rollCli(['migrate'], env);
  const rollDir = join(STATE, 'roll');
  const listing = await rollCli(['list'], env);
  if (!existsSync(join(rollDir, 'voters.csv')) || !/active/.test(listing)) {
    process.stdout.write(`parchee: generating and importing a demo roll of ${DEMO_VOTERS} synthetic voters\n`);
    await rollCli(['generate', '--voters', String(DEMO_VOTERS), '--seed', '8300', '--out', rollDir], env);
    await rollCli(['import', '--dir', rollDir, '--label', 'demo', '--activate'], env, false);
  }
  process.stdout.write('parchee: starting smsc-sim, ingress, lookup and egress (logs in var/dev/logs)\n');
  const suite = await startSuite({ env, logDir: join(STATE, 'logs') });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nparchee: stopping\n');
    await suite.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  for (const [name, child] of suite.processes) {
    child.on('exit', (code) => {
      if (!stopping) process.stderr.write(`parchee: ${name} exited with code ${code}; see var/dev/logs/${name}.log\n`);
    });
  }

  const cnic = firstVoterCnic(rollDir);
  process.stdout.write(`\nDemo SMS: a Jazz subscriber sends "${cnic}" to 8300\n`);
  const reply = await sendMo('jazz', '923001234567', cnic);
  if (reply.status !== 200 || !reply.body.mt) {
    process.stderr.write(`parchee: no reply to the demo SMS (${reply.status} ${JSON.stringify(reply.body)})\n`);
  } else {
    process.stdout.write(`Reply in ${reply.body.latencyMs} ms, ${reply.body.mt.parts} UCS-2 part(s):\n\n${reply.body.mt.text}\n\n`);
  }
  process.stdout.write(
    [
      'The suite keeps running. Send more SMS through the simulated operators:',
      `  curl -s localhost:${PORTS.sim}/mo -H 'content-type: application/json' \\`,
      `       -d '{"operator":"zong","msisdn":"923121234567","text":"E ${cnic}"}'`,
      `  operators: ${OPERATORS.join(', ')}; try "HELP", "مدد", a wrong number, or Urdu digits.`,
      `Metrics: localhost:${PORTS.ingress}/metrics, :${PORTS.lookup}/metrics, :${PORTS.egress}/metrics`,
      'Stop with Ctrl-C.',
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`parchee: ${(err as Error).message}\n`);
  process.exit(1);
});
