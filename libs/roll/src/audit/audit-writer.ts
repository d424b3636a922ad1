import type { Pool } from 'pg';
import { createRollPool } from '../connection/postgres-pool';
import { PostgresConnectionOptions, RollLogger, silentLogger } from '../connection/roll-connection-options';
import { RollError } from '../errors/roll-error';
import { sqlStateOf } from '../errors/sql-state';
import { AUDIT_DEFAULTS, AuditRow } from './audit-row';
import { auditPartitionFor, auditPartitionsAhead, createAuditPartitionSql } from './audit-partitions';

const COLUMNS = 9;
/**
 * One array per column, not one placeholder per value: the statement text is the same for every
 * batch (so it is prepared once), the driver serialises 9 parameters instead of 9 per row, and a
 * batch of more than 7,281 rows does not pass PostgreSQL's 65,535-parameter limit. A new name for
 * each new text: a prepared statement's name is bound to its text on every connection.
 */
const INSERT_AUDIT = {
  name: 'parchee_audit_insert_v2',
  text: `INSERT INTO request_audit (at, mo_id, operator, msisdn_hash, cnic_hash, outcome, refusal, roll_version, channel)
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::bytea[], $5::bytea[], $6::text[], $7::text[], $8::int[], $9::text[])`,
};
/** check_violation: also what PostgreSQL raises when no partition accepts a row. */
const NO_PARTITION = '23514';

export interface AuditWriterOptions {
  /** Days of partitions to create ahead whenever a new day is first written. Default 3. */
  partitionsAhead?: number;
  logger?: RollLogger;
}

/** Creates today's partition and the next `daysAhead` ones if missing. Returns their names. */
export async function ensureAuditPartitions(pool: Pool, from: Date | number, daysAhead: number = AUDIT_DEFAULTS.partitionsAhead): Promise<string[]> {
  const partitions = auditPartitionsAhead(from, daysAhead);
  for (const p of partitions) {
    try {
      await pool.query(createAuditPartitionSql(p));
    } catch (err) {
      // IF NOT EXISTS does not cover a concurrent CREATE (another replica, another partition's
      // batch): the loser gets duplicate_table or a pg_type unique violation. Either way it exists.
      const code = sqlStateOf(err);
      if (code !== '42P07' && code !== '23505') throw RollError.fromPostgres(err, 'creating audit partitions');
    }
  }
  return partitions.map((p) => p.name);
}

/** Rows handed to `record` while an INSERT is in flight, and their callers. */
interface WaitingRows {
  rows: AuditRow[];
  callers: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
}

/**
 * Writes the audit trail: one multi-row INSERT at a time, carrying every row recorded while the
 * previous one was in flight. Lookup processes a fetch's batches side by side and each records its
 * rows at nearly the same moment: one INSERT for all of them instead of one each saves PostgreSQL
 * a statement per batch and lookup the driver's work per statement. Each caller's promise settles
 * with the INSERT that carried its rows. Partitions are created on the first write of a day (and
 * `partitionsAhead` days after it); the names already known are cached, so a steady stream costs
 * no DDL at all.
 */
export class AuditWriter {
  private readonly known = new Set<string>();
  private waiting: WaitingRows = { rows: [], callers: [] };
  private writing = false;
  private readonly partitionsAhead: number;
  private readonly logger: RollLogger;

  constructor(
    private readonly pool: Pool,
    options: AuditWriterOptions = {},
    private readonly ownsPool = false,
  ) {
    this.partitionsAhead = options.partitionsAhead ?? AUDIT_DEFAULTS.partitionsAhead;
    this.logger = options.logger ?? silentLogger;
  }

  /** A writer with its own small pool, so audit writes never queue behind roll lookups. */
  static open(postgres: PostgresConnectionOptions, options: AuditWriterOptions = {}): AuditWriter {
    return new AuditWriter(createRollPool({ ...postgres, poolSize: postgres.poolSize ?? 2 }, options.logger), options, true);
  }

  /**
   * Resolves once an INSERT carrying the rows has committed. Throws RollError (retriable for
   * connection problems) when it failed, for every caller whose rows it carried; the caller
   * decides what a failure costs.
   */
  record(rows: readonly AuditRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.rows.push(...rows);
      this.waiting.callers.push({ resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.writing || this.waiting.callers.length === 0) return;
    const group = this.waiting;
    this.waiting = { rows: [], callers: [] };
    this.writing = true;
    this.insert(group.rows)
      .then(
        () => group.callers.forEach((c) => c.resolve()),
        (err: unknown) => group.callers.forEach((c) => c.reject(err)),
      )
      .finally(() => {
        this.writing = false;
        this.next();
      });
  }

  private async insert(rows: readonly AuditRow[]): Promise<void> {
    const n = rows.length;
    const columns: unknown[][] = Array.from({ length: COLUMNS }, () => new Array<unknown>(n));
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      columns[0][i] = r.at;
      columns[1][i] = r.moId;
      columns[2][i] = r.operator;
      columns[3][i] = r.msisdnHash;
      columns[4][i] = r.cnicHash;
      columns[5][i] = r.outcome;
      columns[6][i] = r.refusal;
      columns[7][i] = r.rollVersion;
      columns[8][i] = r.channel;
    }
    const sql = { ...INSERT_AUDIT, values: columns };
    await this.ensurePartitions(rows);
    try {
      await this.pool.query(sql);
    } catch (err) {
      if (sqlStateOf(err) !== NO_PARTITION) throw RollError.fromPostgres(err, 'writing the audit trail');
      // A partition dropped behind our back (a prune with a short retention): forget what we knew, create, retry once.
      this.known.clear();
      await this.ensurePartitions(rows);
      try {
        await this.pool.query(sql);
      } catch (again) {
        throw RollError.fromPostgres(again, 'writing the audit trail');
      }
    }
  }

  private async ensurePartitions(rows: readonly AuditRow[]): Promise<void> {
    // A batch's rows usually share one timestamp: work out each distinct one's partition once.
    let lastAt = NaN;
    for (const row of rows) {
      const at = row.at.getTime();
      if (at === lastAt) continue;
      lastAt = at;
      const p = auditPartitionFor(row.at);
      if (this.known.has(p.name)) continue;
      for (const name of await ensureAuditPartitions(this.pool, p.from, this.partitionsAhead)) this.known.add(name);
      this.logger.info({ partition: p.name, ahead: this.partitionsAhead }, 'audit partitions ensured');
    }
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}
