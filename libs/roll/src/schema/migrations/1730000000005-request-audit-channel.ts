import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which channel each audited lookup came by: `sms` (lookup, from an MO) or `ussd` (the USSD
 * service, from a dialog step), so investigators see both and per-number counts add up across
 * them. Every row written before this migration was an SMS: the default says so, and an older
 * lookup still running during a rolling deploy (it names no channel) keeps writing `sms`.
 *
 * Both statements are catalogue changes only, however large the trail: a constant default is
 * not written into existing rows (PostgreSQL 11+), and the CHECK is added NOT VALID, so existing
 * rows (all `sms` by the default) are not scanned under the table's lock; it holds for every new
 * row and for every partition created from now on.
 */
export class RequestAuditChannel1730000000005 implements MigrationInterface {
  name = 'RequestAuditChannel1730000000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE request_audit ADD COLUMN channel text NOT NULL DEFAULT 'sms'`);
    await q.query(`ALTER TABLE request_audit ADD CONSTRAINT request_audit_channel CHECK (channel IN ('sms', 'ussd')) NOT VALID`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE request_audit DROP COLUMN channel');
  }
}
