import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** This checkout, whose deploy/local/infra.sh the helpers below run. */
const ROOT = resolve(__dirname, '../../../..');
const CONFIG_SUFFIX = '/var/kafka/server.properties';

/**
 * The checkout whose `deploy/local/infra.sh` started the broker now running: infra.sh stops only
 * a broker whose command line names its own checkout's config, and the shared broker on this
 * machine may have been started from another worktree than the one under test. Found from the
 * running JVM's command line, so it must be asked while the broker is up.
 */
export function brokerCheckout(): string {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const at = argv.indexOf('kafka.Kafka');
    const config = at >= 0 ? argv[at + 1] : undefined;
    if (config?.endsWith(CONFIG_SUFFIX)) return config.slice(0, -CONFIG_SUFFIX.length);
  }
  throw new Error('no Kafka broker started by deploy/local/infra.sh is running: a broker-restart test only restarts a broker infra.sh manages');
}

async function infra(command: 'kafka-down' | 'kafka-up', checkout: string): Promise<void> {
  await promisify(execFile)('bash', [join(ROOT, 'deploy/local/infra.sh'), command], { env: { ...process.env, PARCHEE_ROOT: checkout }, timeout: 120_000 });
}

/** Stops the broker gracefully (SIGTERM, as infra.sh does) and resolves once its process is gone. */
export function stopBroker(checkout: string): Promise<void> {
  return infra('kafka-down', checkout);
}

/** Starts the broker again (a no-op if it runs) and resolves once it logged that startup finished. */
export function startBroker(checkout: string): Promise<void> {
  return infra('kafka-up', checkout);
}
