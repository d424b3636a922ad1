import type { Pool } from 'pg';
import { RollError } from '../errors/roll-error';
import { AUDIT_DEFAULTS } from './audit-row';
import { AUDIT_TABLE, expiredAuditPartitions } from './audit-partitions';

export interface PruneAuditOptions {
  /** Whole days older than this many days (before midnight UTC today) are dropped. Default 90. */
  retentionDays?: number;
  now?: Date;
}

/** The names of request_audit's partitions, oldest first. */
export async function listAuditPartitions(pool: Pool): Promise<string[]> {
  try {
    const { rows } = await pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = $1 AND p.relnamespace = to_regnamespace(current_schema())::oid
        ORDER BY c.relname`,
      [AUDIT_TABLE],
    );
    return rows.map((r) => r.name);
  } catch (err) {
    throw RollError.fromPostgres(err, 'listing audit partitions');
  }
}

/**
 * Applies the retention: drops every partition whose whole day is past it. A DROP of a day's
 * table, never a DELETE, so pruning costs nothing however many rows a day held. Returns the
 * dropped names.
 */
export async function pruneAuditPartitions(pool: Pool, options: PruneAuditOptions = {}): Promise<string[]> {
  const retentionDays = options.retentionDays ?? AUDIT_DEFAULTS.retentionDays;
  if (!Number.isInteger(retentionDays) || retentionDays < 1)
    throw new RollError('ROLL_CONFIG_INVALID', 'audit retention must be a whole number of days, at least 1');
  const expired = expiredAuditPartitions(await listAuditPartitions(pool), retentionDays, options.now ?? new Date());
  const dropped: string[] = [];
  for (const p of expired) {
    try {
      // Names come from parseAuditPartitionName (request_audit_pYYYYMMDD), never from input.
      await pool.query(`DROP TABLE IF EXISTS ${p.name}`);
    } catch (err) {
      throw RollError.fromPostgres(err, `dropping audit partition ${p.name}`);
    }
    dropped.push(p.name);
  }
  return dropped;
}
