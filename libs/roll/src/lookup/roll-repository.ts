import { Pool } from 'pg';
import { RollError } from '../errors/roll-error';
import { Gender, VoterRecord } from './voter-record';
import { RollVersionRef } from './roll-version-ref';

/** One voter joined to its area and station, as both the lookup query and the cache warmer select it. */
export interface VoterRow {
  cnic_hash: Buffer;
  serial_no: number;
  family_no: number;
  gender: Gender;
  block_code: string;
  area_name_ur: string;
  area_name_en: string;
  district_ur: string;
  district_en: string;
  tehsil_ur: string;
  tehsil_en: string;
  na: string | null;
  pa: string | null;
  station_no: number;
  station_ur: string;
  station_en: string;
}

/** Columns of `VoterRow`, from `voter v` joined to `electoral_area a` and `polling_station s` (see `VOTER_JOIN_SQL`). */
export const VOTER_ROW_SQL = `v.cnic_hash, v.serial_no, v.family_no, v.gender, v.block_code,
           a.area_name_ur, a.area_name_en, a.district_ur, a.district_en, a.tehsil_ur, a.tehsil_en, a.na, a.pa,
           s.station_no, s.name_ur AS station_ur, s.name_en AS station_en`;

export const VOTER_JOIN_SQL = `voter v
      JOIN electoral_area a ON a.roll_version = v.roll_version AND a.block_code = v.block_code
      JOIN polling_station s ON s.roll_version = v.roll_version AND s.block_code = v.block_code AND s.gender = v.gender`;

// Partition pruning on roll_version happens at execution time, so the generic plan of this
// prepared statement still touches only the version's own partition.
const FIND_VOTERS = {
  name: 'parchee_roll_find_voters_v1',
  text: `
    SELECT ${VOTER_ROW_SQL}
      FROM ${VOTER_JOIN_SQL}
     WHERE v.roll_version = $1 AND v.cnic_hash = ANY($2::bytea[])`,
};

// The same read, for a replica: in one statement (one snapshot), whether this server holds the
// version in full, and its voters if it does. A replica may be several servers behind one address
// (a load-balanced service), so what a check saw on one connection proves nothing about the next;
// this answer is about the very snapshot the voters come from. `held` false: one row, no voter.
// `held` true and no voter found: one row whose cnic_hash is null.
const FIND_VOTERS_IF_HELD = {
  name: 'parchee_roll_find_voters_if_held_v1',
  text: `
    SELECT h.held, f.*
      FROM (SELECT EXISTS (SELECT 1 FROM roll_version WHERE id = $1 AND status IN ('ready', 'active', 'retired')) AS held) h
      LEFT JOIN LATERAL (
        SELECT ${VOTER_ROW_SQL}
          FROM ${VOTER_JOIN_SQL}
         WHERE v.roll_version = $1 AND v.cnic_hash = ANY($2::bytea[])) f ON h.held`,
};

export function voterRecordOf(r: VoterRow): VoterRecord {
  return {
    serialNo: r.serial_no,
    familyNo: r.family_no,
    gender: r.gender,
    blockCode: r.block_code,
    areaUr: r.area_name_ur,
    areaEn: r.area_name_en,
    districtUr: r.district_ur,
    districtEn: r.district_en,
    tehsilUr: r.tehsil_ur,
    tehsilEn: r.tehsil_en,
    na: r.na,
    pa: r.pa,
    stationNo: r.station_no,
    stationUr: r.station_ur,
    stationEn: r.station_en,
  };
}

const ACTIVE_VERSION = {
  name: 'parchee_roll_active_version_v3',
  text: `SELECT id, cache_id, pepper_id FROM roll_version WHERE status = 'active'`,
};

// A version's rows are complete once its import committed `ready` (rows, partition attach and
// status in one transaction) and never change afterwards, until `roll drop` marks it `dropping`.
const COMPLETE_VERSIONS = {
  name: 'parchee_roll_complete_versions_v1',
  text: `SELECT id FROM roll_version WHERE status IN ('ready', 'active', 'retired')`,
};

/**
 * The PostgreSQL side of lookups: one query per batch, through the pg pool directly. Errors are
 * RollErrors with `retriable` set, so a service can answer "busy" and try again.
 */
export class RollRepository {
  constructor(private readonly pool: Pool) {}

  async activeVersion(): Promise<RollVersionRef | null> {
    try {
      const res = await this.pool.query<{ id: number; cache_id: string; pepper_id: string | null }>(ACTIVE_VERSION);
      return res.rows.length ? { id: res.rows[0].id, cacheId: res.rows[0].cache_id, pepperId: res.rows[0].pepper_id } : null;
    } catch (err) {
      throw RollError.fromPostgres(err, 'reading the active roll version');
    }
  }

  /**
   * Ids of the versions whose rows this server holds in full (imported, not being dropped). On a
   * replica, what it has replayed so far: which versions it can answer for.
   */
  async completeVersions(): Promise<number[]> {
    try {
      const res = await this.pool.query<{ id: number }>(COMPLETE_VERSIONS);
      return res.rows.map((r) => r.id);
    } catch (err) {
      throw RollError.fromPostgres(err, 'reading the roll versions held');
    }
  }

  /** Voters of `version` among `hashes`, keyed by base64url hash. Hashes not in the roll are absent. */
  async findVoters(version: number, hashes: Buffer[]): Promise<Map<string, VoterRecord>> {
    const found = new Map<string, VoterRecord>();
    if (hashes.length === 0) return found;
    let rows: VoterRow[];
    try {
      rows = (await this.pool.query<VoterRow>({ ...FIND_VOTERS, values: [version, hashes] })).rows;
    } catch (err) {
      throw RollError.fromPostgres(err, 'looking voters up in PostgreSQL');
    }
    for (const r of rows) found.set(r.cnic_hash.toString('base64url'), voterRecordOf(r));
    return found;
  }

  /**
   * `findVoters` for a read replica: null when this server does not hold `version` in full (it has
   * not replayed the import yet), which an empty map could not tell from "none of them registered".
   */
  async findVotersIfHeld(version: number, hashes: Buffer[]): Promise<Map<string, VoterRecord> | null> {
    let rows: Array<{ held: boolean } & (VoterRow | { [K in keyof VoterRow]: null })>;
    try {
      rows = (await this.pool.query({ ...FIND_VOTERS_IF_HELD, values: [version, hashes] })).rows;
    } catch (err) {
      throw RollError.fromPostgres(err, 'looking voters up in a PostgreSQL read replica');
    }
    if (!rows[0]?.held) return null;
    const found = new Map<string, VoterRecord>();
    for (const r of rows) if (r.cnic_hash !== null) found.set(r.cnic_hash.toString('base64url'), voterRecordOf(r as VoterRow));
    return found;
  }
}
