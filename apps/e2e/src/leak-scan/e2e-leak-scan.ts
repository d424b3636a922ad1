import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_LOGS, E2E_STATE, e2eDatabaseUrl } from '../support/e2e-paths';
import { CnicMatcher } from './cnic-matcher';
import { formatLeakReport, runLeakScan } from './leak-scan';

/**
 * Run as its own process (`node -r @swc-node/register e2e-leak-scan.ts <since-ms>`) by the e2e global
 * teardown: Jest resolves the @parchee/* path aliases inside tests only, not in its global hooks.
 */

/**
 * The leak scan over one e2e run: the CNICs of every roll the run imported, against what the run
 * left in logs, Kafka (records since `since`), Redis and the e2e database. Prints what it scanned
 * and fails on one clear CNIC.
 */
export async function scanE2eRun(since: number): Promise<void> {
  if (!Number.isFinite(since)) throw new Error('leak scan: the run start (epoch ms) is required');
  const rolls = readdirSync(E2E_STATE)
    .filter((d) => d.startsWith('roll'))
    .map((d) => join(E2E_STATE, d, 'voters.csv'))
    .filter((f) => existsSync(f));
  const matcher = CnicMatcher.fromRollFiles(rolls);
  if (matcher.size === 0) throw new Error(`leak scan: no roll CNICs found under ${E2E_STATE}`);
  const report = await runLeakScan({
    matcher,
    logDir: E2E_LOGS,
    kafkaBrokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
    kafkaSince: since,
    redisUrl: process.env['PARCHEE_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    databaseUrl: e2eDatabaseUrl(),
  });
  process.stdout.write(`\n${formatLeakReport(report)}\n`);
  if (report.hits.length > 0) throw new Error(`leak scan: ${report.hits.length} clear CNIC(s) of the e2e roll found after the run (listed above, masked)`);
}

if (require.main === module) {
  scanE2eRun(Number(process.argv[2])).catch((err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
