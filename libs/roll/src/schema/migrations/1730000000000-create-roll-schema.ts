import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The roll schema. Voters are partitioned by roll version: an import fills a fresh table and
 * attaches it, dropping a version drops its table, so neither ever runs a long DELETE or bloats
 * the live data. Voter rows carry no foreign key to electoral_area: the importer validates every
 * block code before COPY, and a per-row FK check would cost more than the whole load.
 */
export class CreateRollSchema1730000000000 implements MigrationInterface {
  name = 'CreateRollSchema1730000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE roll_version (
        id           serial PRIMARY KEY,
        label        text NOT NULL,
        status       text NOT NULL CHECK (status IN ('importing', 'ready', 'active', 'retired', 'failed', 'dropping')),
        voters       integer NOT NULL DEFAULT 0,
        areas        integer NOT NULL DEFAULT 0,
        stations     integer NOT NULL DEFAULT 0,
        rejected     integer NOT NULL DEFAULT 0,
        source       text NOT NULL DEFAULT '',
        error        text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        ready_at     timestamptz,
        activated_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX roll_version_single_active ON roll_version ((true)) WHERE status = 'active'`);
    await q.query(`
      CREATE TABLE electoral_area (
        roll_version integer NOT NULL REFERENCES roll_version (id) ON DELETE CASCADE,
        block_code   text NOT NULL,
        province     text NOT NULL,
        district_ur  text NOT NULL,
        district_en  text NOT NULL,
        tehsil_ur    text NOT NULL,
        tehsil_en    text NOT NULL,
        area_name_ur text NOT NULL,
        area_name_en text NOT NULL,
        na           text,
        pa           text,
        PRIMARY KEY (roll_version, block_code)
      )`);
    await q.query(`
      CREATE TABLE polling_station (
        roll_version integer NOT NULL,
        block_code   text NOT NULL,
        gender       char(1) NOT NULL CHECK (gender IN ('M', 'F')),
        station_no   integer NOT NULL CHECK (station_no > 0),
        name_ur      text NOT NULL,
        name_en      text NOT NULL,
        PRIMARY KEY (roll_version, block_code, gender),
        FOREIGN KEY (roll_version, block_code) REFERENCES electoral_area (roll_version, block_code) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE voter (
        roll_version integer NOT NULL,
        cnic_hash    bytea NOT NULL,
        block_code   text NOT NULL,
        serial_no    integer NOT NULL,
        family_no    integer NOT NULL,
        gender       char(1) NOT NULL,
        CONSTRAINT voter_gender_check CHECK (gender IN ('M', 'F')),
        CONSTRAINT voter_cnic_hash_length_check CHECK (octet_length(cnic_hash) = 32),
        PRIMARY KEY (roll_version, cnic_hash)
      ) PARTITION BY LIST (roll_version)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS voter');
    await q.query('DROP TABLE IF EXISTS polling_station');
    await q.query('DROP TABLE IF EXISTS electoral_area');
    await q.query('DROP TABLE IF EXISTS roll_version');
  }
}
