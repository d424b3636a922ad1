import { Command, InvalidArgumentError, Option } from 'commander';
import { KeyedHasher } from '@parchee/privacy';
import { AUDIT_DEFAULTS, createRollPool, pruneAuditPartitions, queryAudit } from '@parchee/roll';
import { intVar, readConfig, type Env } from '@parchee/config';
import { z } from 'zod';
import { connectionConfig, peppers } from '../cli-config';
import { formatAuditReport, parseCnicArgument, parseMsisdnArgument } from './audit-format';

function days(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > 3660) throw new InvalidArgumentError('must be a whole number of days (1-3660)');
  return n;
}

/** AUDIT_RETENTION_DAYS: whole days of audit partitions kept. */
export function auditRetentionDays(env: Env = process.env): number {
  return readConfig({ audit: z.object({ AUDIT_RETENTION_DAYS: intVar(AUDIT_DEFAULTS.retentionDays, 1, 3660) }) }, env).audit.AUDIT_RETENTION_DAYS;
}

async function withPool<T>(work: (pool: ReturnType<typeof createRollPool>) => Promise<T>): Promise<T> {
  const pool = createRollPool({ ...connectionConfig().postgres, poolSize: 1 });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

export function registerAuditCommands(program: Command, out: (line: string) => void): void {
  const audit = program.command('audit').description('the request audit trail (hashes only)');
  audit
    .command('query')
    .description('list the requests for one CNIC or one number; the value is hashed here with the pepper and never sent in clear')
    .addOption(new Option('--cnic <cnic>', 'CNIC, 13 digits or 35202-1234567-1').argParser(parseCnicArgument).conflicts('msisdn'))
    .addOption(new Option('--msisdn <number>', 'mobile number, 923001234567 or 03001234567').argParser(parseMsisdnArgument))
    .option('--days <n>', 'how far back', days, 30)
    .action(async (opts: { cnic?: string; msisdn?: string; days: number }) => {
      const { cnic, msisdn } = opts;
      if (cnic === undefined && msisdn === undefined) throw new InvalidArgumentError('give --cnic or --msisdn');
      // Read both before connecting: a missing pepper is a one-line error.
      connectionConfig();
      // During a pepper rotation rows are keyed with either pepper: ask for both hashes.
      const { pepper: current, next } = peppers();
      const hashers = [current, ...(next === undefined ? [] : [next])].map((p) => new KeyedHasher(p));
      const by = cnic !== undefined ? 'cnic' : 'msisdn';
      const queries = hashers.map((h) =>
        cnic !== undefined ? { cnicHash: h.cnic(cnic), days: opts.days } : { msisdnHash: h.msisdn(msisdn ?? ''), days: opts.days },
      );
      const records = await withPool(async (pool) =>
        (await Promise.all(queries.map((q) => queryAudit(pool, q)))).flat().sort((a, b) => a.at.getTime() - b.at.getTime()),
      );
      for (const line of formatAuditReport(records, by, opts.days)) out(line);
    });

  program
    .command('audit-prune')
    .description('drop audit partitions older than AUDIT_RETENTION_DAYS (default 90)')
    .option('--retention-days <n>', 'override AUDIT_RETENTION_DAYS', days)
    .action(async (opts: { retentionDays?: number }) => {
      const retentionDays = opts.retentionDays ?? auditRetentionDays();
      const dropped = await withPool((pool) => pruneAuditPartitions(pool, { retentionDays }));
      out(`roll: audit retention ${retentionDays} days: ${dropped.length} partitions dropped${dropped.length ? ` (${dropped.join(', ')})` : ''}`);
    });
}
