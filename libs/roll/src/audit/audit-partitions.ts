/** The parent table; partitions are `request_audit_pYYYYMMDD`, one per UTC day. */
export const AUDIT_TABLE = 'request_audit';

const DAY_MS = 86_400_000;
const PARTITION_NAME = /^request_audit_p(\d{4})(\d{2})(\d{2})$/;

export interface AuditPartition {
  name: string;
  /** Inclusive lower bound: midnight UTC of the day. */
  from: Date;
  /** Exclusive upper bound: midnight UTC of the next day. */
  to: Date;
}

/** Midnight UTC of the day `at` falls in. Days are UTC so every replica agrees on the bounds. */
export function auditDayStart(at: Date | number): Date {
  const ms = typeof at === 'number' ? at : at.getTime();
  return new Date(ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS));
}

export function auditPartitionFor(at: Date | number): AuditPartition {
  const from = auditDayStart(at);
  const iso = from.toISOString();
  return { name: `${AUDIT_TABLE}_p${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`, from, to: new Date(from.getTime() + DAY_MS) };
}

/** The partitions for the day of `from` and the `daysAhead` days after it. */
export function auditPartitionsAhead(from: Date | number, daysAhead: number): AuditPartition[] {
  const start = auditDayStart(from).getTime();
  return Array.from({ length: daysAhead + 1 }, (_, i) => auditPartitionFor(start + i * DAY_MS));
}

/** Reads a partition name back; null for anything that is not one of ours (never dropped). */
export function parseAuditPartitionName(name: string): AuditPartition | null {
  const m = PARTITION_NAME.exec(name);
  if (!m) return null;
  const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  const partition = auditPartitionFor(from);
  return partition.name === name ? partition : null;
}

/** The DDL for one partition; idempotent, so replicas racing to create it both succeed. */
export function createAuditPartitionSql(p: AuditPartition): string {
  return `CREATE TABLE IF NOT EXISTS ${p.name} PARTITION OF ${AUDIT_TABLE} FOR VALUES FROM ('${p.from.toISOString()}') TO ('${p.to.toISOString()}')`;
}

/**
 * Partitions wholly older than the retention window: every row in them is at least
 * `retentionDays` days old (measured from midnight UTC today).
 */
export function expiredAuditPartitions(names: readonly string[], retentionDays: number, now: Date | number): AuditPartition[] {
  const cutoff = auditDayStart(now).getTime() - retentionDays * DAY_MS;
  return names
    .map(parseAuditPartitionName)
    .filter((p): p is AuditPartition => p !== null && p.to.getTime() <= cutoff)
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}
