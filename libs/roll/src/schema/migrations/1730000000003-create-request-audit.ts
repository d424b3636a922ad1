import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: one row per citizen request, hashes only. RANGE-partitioned by day so that
 * retention is a DROP TABLE of whole days (no DELETE, no bloat) and a query for the last N days
 * touches N partitions. Partitions are created ahead by the writer (`ensureAuditPartitions`), not
 * here: a migration runs once, the calendar does not stop.
 */
export class CreateRequestAudit1730000000003 implements MigrationInterface {
  name = 'CreateRequestAudit1730000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE request_audit (
        at timestamptz NOT NULL,
        mo_id text NOT NULL,
        operator text NOT NULL,
        msisdn_hash bytea NOT NULL,
        cnic_hash bytea NULL,
        outcome text NOT NULL CHECK (outcome IN ('found', 'not_found', 'invalid', 'help', 'busy', 'refused')),
        refusal text NULL,
        roll_version int NULL
      ) PARTITION BY RANGE (at)`);
    // Investigators ask by CNIC or by number, always over a recent time window.
    await q.query('CREATE INDEX request_audit_cnic ON request_audit (cnic_hash, at) WHERE cnic_hash IS NOT NULL');
    await q.query('CREATE INDEX request_audit_msisdn ON request_audit (msisdn_hash, at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE request_audit');
  }
}
