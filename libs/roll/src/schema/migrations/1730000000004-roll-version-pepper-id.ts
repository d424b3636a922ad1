import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Records which pepper keyed each roll version's CNIC hashes (KeyedHasher.id, never the pepper).
 * A pepper rotation imports a re-keyed version beside the old one; lookups use this column to
 * pick, from the hashes each MO carries, the one made with the active version's pepper. Versions
 * imported before this migration keep NULL: "whatever pepper the services hold".
 */
export class RollVersionPepperId1730000000004 implements MigrationInterface {
  name = 'RollVersionPepperId1730000000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE roll_version ADD COLUMN pepper_id text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE roll_version DROP COLUMN pepper_id');
  }
}
