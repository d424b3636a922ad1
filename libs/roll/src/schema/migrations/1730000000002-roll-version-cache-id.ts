import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gives every roll version a random identity for its cache keys. Version ids come from a serial
 * and start again at 1 when a database is re-created, so keys built from the id alone could meet
 * another roll's entries left in the same Redis. The volatile default gives each existing row a
 * value of its own, and every import after this one gets a fresh one.
 */
export class RollVersionCacheId1730000000002 implements MigrationInterface {
  name = 'RollVersionCacheId1730000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE roll_version ADD COLUMN cache_id uuid NOT NULL DEFAULT gen_random_uuid()');
    await q.query('CREATE UNIQUE INDEX roll_version_cache_id ON roll_version (cache_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE roll_version DROP COLUMN cache_id');
  }
}
