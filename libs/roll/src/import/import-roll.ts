import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { KeyedHasher, maskCnic, maskDigitsInText } from '@parchee/privacy';
import { connectRollClient } from '../connection/postgres-pool';
import { PostgresConnectionOptions, RollLogger, silentLogger } from '../connection/roll-connection-options';
import { CsvRecord } from '../csv/csv-record-parser';
import { csvLine, openCsvSource } from '../csv/csv-source';
import { RollError } from '../errors/roll-error';
import { sqlStateOf } from '../errors/sql-state';
import type { Gender } from '../lookup/voter-record';
import { ROLL_LOCK_NAMESPACE, voterPartitionName } from '../schema/roll-locks';
import { BulkCnicHasher } from './bulk-cnic-hasher';
import { RejectWriter } from './reject-writer';
import { checkRollFiles, RollSourceFiles, rollFilesIn } from './roll-source-files';
import { AREA_COLUMNS, columnIndexes, requiredWidth, STATION_COLUMNS, validateArea, validateStation, validateVoter, VOTER_COLUMNS } from './row-validation';
import { copyText, VOTER_COPY_COLUMNS, VoterCopyEncoder } from './voter-copy-encoder';

export type ImportPhase = 'areas' | 'stations' | 'voters' | 'indexing' | 'deduplicating' | 'finishing';

export interface ImportProgress {
  phase: ImportPhase;
  version: number;
  /** Bytes of the current file consumed so far and its size (compressed for .gz). */
  bytesRead: number;
  totalBytes: number;
  voters: number;
  rejected: number;
}

export interface ImportRollOptions {
  postgres: PostgresConnectionOptions;
  /** Directory with areas.csv, stations.csv, voters.csv (each may be .csv.gz). */
  dir?: string;
  /** Or the three files by path. */
  files?: RollSourceFiles;
  /** Pepper for the CNIC keyed hash; at least 16 bytes. */
  pepper: Buffer | string;
  /** Default: the source directory's name. */
  label?: string;
  /** Default: `<dir of voters file>/rejects-v<version>.csv`. */
  rejectFile?: string;
  onProgress?: (progress: ImportProgress) => void;
  logger?: RollLogger;
  /** maintenance_work_mem for the primary-key build. Default '512MB'. */
  maintenanceWorkMem?: string;
  /** Abort when more duplicate CNICs than this are found (the file is probably wrong). Default 100,000. */
  maxDuplicates?: number;
}

export interface ImportRollResult {
  version: number;
  label: string;
  areas: number;
  stations: number;
  voters: number;
  rejected: number;
  rejectedByFile: { areas: number; stations: number; voters: number };
  duplicates: number;
  /** Path of the reject file, or null when every row was accepted. */
  rejectFile: string | null;
  /** Wall-clock seconds: total, reading + COPY of voters, and building the primary key. */
  seconds: { total: number; load: number; index: number };
  /** Voters per second over the whole import, and over the load phase alone. */
  votersPerSecond: number;
  loadVotersPerSecond: number;
}

const IMPORT_DEFAULTS = { maintenanceWorkMem: '512MB', maxDuplicates: 100_000 } as const;
const PROGRESS_EVERY_MS = 200;
const COPY_BUFFER_BYTES = 8 << 20;

/** Writes into a COPY ... FROM STDIN, with back-pressure; on failure sends CopyFail so the connection stays usable. */
async function copyIn(client: Client, sql: string, produce: (write: (chunk: Buffer) => Promise<void>) => Promise<void>): Promise<number> {
  // A few MB of buffer lets parsing run ahead while the server digests the previous chunks.
  const stream = client.query(copyFrom(sql, { highWaterMark: COPY_BUFFER_BYTES }));
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  finished.catch(() => undefined);
  const write = async (chunk: Buffer): Promise<void> => {
    if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), finished]);
  };
  try {
    await produce(write);
  } catch (err) {
    stream.destroy(err as Error);
    await finished.catch(() => undefined);
    throw err;
  }
  stream.end();
  await finished;
  return stream.rowCount;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Imports a roll from the three CSV files into a new version and leaves it `ready` (not active).
 *
 * Everything after the version row is one transaction: areas and stations are COPYed, voters are
 * COPYed (binary, FREEZE) into a fresh index-less table, its primary key is built once at the
 * end, and the table is attached as the version's partition. A failure rolls all of it back and
 * marks the version `failed`; nothing is ever half visible.
 */
export async function importRoll(options: ImportRollOptions): Promise<ImportRollResult> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const files = options.files ? checkRollFiles(options.files) : options.dir ? rollFilesIn(options.dir) : null;
  if (!files) throw new RollError('ROLL_CONFIG_INVALID', 'importRoll needs dir or files');
  const hasher = new BulkCnicHasher(options.pepper);
  const label = options.label ?? basename(options.dir ?? dirname(files.voters));
  const maxDuplicates = options.maxDuplicates ?? IMPORT_DEFAULTS.maxDuplicates;

  const client = await connectRollClient(options.postgres.url, 'parchee-roll-import');
  let version = 0;
  let rejects: RejectWriter | null = null;
  try {
    try {
      const res = await client.query<{ id: number }>(
        `INSERT INTO roll_version (label, status, source, pepper_id) VALUES ($1, 'importing', $2, $3) RETURNING id`,
        [label, options.dir ?? dirname(files.voters), new KeyedHasher(options.pepper).id],
      );
      version = res.rows[0].id;
      await client.query('SELECT pg_advisory_lock($1, $2)', [ROLL_LOCK_NAMESPACE, version]);
    } catch (err) {
      throw RollError.fromPostgres(err, 'creating the roll version');
    }
    logger.info({ version, label, pepperId: new KeyedHasher(options.pepper).id }, 'roll import started');
    rejects = new RejectWriter(options.rejectFile ?? join(dirname(files.voters), `rejects-v${version}.csv`));
    const job = new ImportJob(client, version, files, hasher, rejects, options, maxDuplicates);
    try {
      const outcome = await job.run();
      const rejectFile = await rejects.close();
      const total = (performance.now() - started) / 1000;
      const result: ImportRollResult = {
        version,
        label,
        areas: outcome.areas,
        stations: outcome.stations,
        voters: outcome.voters,
        duplicates: outcome.duplicates,
        rejectedByFile: outcome.rejectedByFile,
        rejected: rejects.count,
        rejectFile,
        seconds: { total, load: outcome.loadSeconds, index: outcome.indexSeconds },
        votersPerSecond: Math.round(outcome.voters / total),
        loadVotersPerSecond: Math.round(outcome.voters / outcome.loadSeconds),
      };
      logger.info({ version, voters: result.voters, rejected: result.rejected, votersPerSecond: result.votersPerSecond }, 'roll import ready');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      await client
        .query(`UPDATE roll_version SET status = 'failed', error = $2 WHERE id = $1`, [version, maskDigitsInText(errorText(err)).slice(0, 1000)])
        .catch(() => undefined);
      await rejects.close().catch(() => undefined);
      logger.error({ version, err: maskDigitsInText(errorText(err)) }, 'roll import failed');
      if (err instanceof RollError) throw err;
      throw new RollError('ROLL_IMPORT_FAILED', `import of version ${version} failed: ${maskDigitsInText(errorText(err))}`, false, { cause: err });
    }
  } finally {
    if (version) await client.query('SELECT pg_advisory_unlock($1, $2)', [ROLL_LOCK_NAMESPACE, version]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

interface JobOutcome {
  areas: number;
  stations: number;
  voters: number;
  duplicates: number;
  rejectedByFile: { areas: number; stations: number; voters: number };
  loadSeconds: number;
  indexSeconds: number;
}

class ImportJob {
  private readonly blocks = new Set<string>();
  private readonly maleStations = new Set<string>();
  private readonly femaleStations = new Set<string>();
  private readonly partition: string;
  private lastProgress = 0;
  private cnicColumn = 0;
  private readonly blockExists = (block: string) => this.blocks.has(block);
  private readonly hasStation = (block: string, gender: Gender) => (gender === 'M' ? this.maleStations : this.femaleStations).has(block);

  constructor(
    private readonly client: Client,
    private readonly version: number,
    private readonly files: RollSourceFiles,
    private readonly hasher: BulkCnicHasher,
    private readonly rejects: RejectWriter,
    private readonly options: ImportRollOptions,
    private readonly maxDuplicates: number,
  ) {
    this.partition = voterPartitionName(version);
  }

  async run(): Promise<JobOutcome> {
    const q = (sql: string, values?: unknown[]) => this.client.query(sql, values);
    await q('BEGIN');
    await q(`SELECT set_config('maintenance_work_mem', $1, true)`, [this.options.maintenanceWorkMem ?? IMPORT_DEFAULTS.maintenanceWorkMem]);
    await q(`SET LOCAL synchronous_commit = off`);

    const areas = await this.loadAreas();
    const areaRejects = this.rejects.count;
    const stations = await this.loadStations();
    const stationRejects = this.rejects.count - areaRejects;

    const loadStart = performance.now();
    await q(`CREATE TABLE ${this.partition} (LIKE voter INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    // The CHECK lets ATTACH PARTITION skip its validation scan; the default fills the column COPY does not send.
    await q(
      `ALTER TABLE ${this.partition} ALTER COLUMN roll_version SET DEFAULT ${this.version}, ADD CONSTRAINT ${this.partition}_version_check CHECK (roll_version = ${this.version})`,
    );
    let voters = await this.loadVoters();
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const voterRejectsBeforeDedupe = this.rejects.count - areaRejects - stationRejects;
    if (voters === 0) throw new RollError('ROLL_IMPORT_NO_VOTERS', `no valid voter rows in ${this.files.voters}`);

    const indexStart = performance.now();
    this.progress('indexing', voters, true);
    const duplicates = await this.buildPrimaryKey();
    voters -= duplicates;
    const indexSeconds = (performance.now() - indexStart) / 1000;

    this.progress('finishing', voters, true);
    // Fresh statistics, or the planner guesses a handful of areas and hashes a whole version's blocks for every batch.
    await q(`ANALYZE ${this.partition}, electoral_area, polling_station`);
    await q(`ALTER TABLE voter ATTACH PARTITION ${this.partition} FOR VALUES IN (${this.version})`);
    await q(`UPDATE roll_version SET status = 'ready', ready_at = now(), voters = $2, areas = $3, stations = $4, rejected = $5 WHERE id = $1`, [
      this.version,
      voters,
      areas,
      stations,
      this.rejects.count,
    ]);
    await q('COMMIT');
    return {
      areas,
      stations,
      voters,
      duplicates,
      rejectedByFile: { areas: areaRejects, stations: stationRejects, voters: voterRejectsBeforeDedupe + duplicates },
      loadSeconds,
      indexSeconds,
    };
  }

  private progress(phase: ImportPhase, voters: number, force = false, bytesRead = 0, totalBytes = 0): void {
    if (!this.options.onProgress) return;
    const now = performance.now();
    if (!force && now - this.lastProgress < PROGRESS_EVERY_MS) return;
    this.lastProgress = now;
    this.options.onProgress({ phase, version: this.version, bytesRead, totalBytes, voters, rejected: this.rejects.count });
  }

  private async loadAreas(): Promise<number> {
    const source = await openCsvSource(this.files.areas);
    const name = basename(this.files.areas);
    let ix: Record<(typeof AREA_COLUMNS)[number], number> | null = null;
    return copyIn(
      this.client,
      `COPY electoral_area (roll_version, block_code, province, district_ur, district_en, tehsil_ur, tehsil_en, area_name_ur, area_name_en, na, pa) FROM STDIN`,
      async (write) => {
        for await (const batch of source.records()) {
          let text = '';
          for (const rec of batch) {
            if (!ix) {
              ix = columnIndexes(name, rec.fields, AREA_COLUMNS);
              continue;
            }
            if (rec.error) {
              await this.rejects.write(name, rec.line, rec.error, rec.raw);
              continue;
            }
            const v = validateArea(rec.fields, ix);
            if (!v.ok) {
              await this.rejects.write(name, rec.line, v.reason, rec.raw);
              continue;
            }
            const a = v.row;
            if (this.blocks.has(a.blockCode)) {
              await this.rejects.write(name, rec.line, 'duplicate block_code', rec.raw);
              continue;
            }
            this.blocks.add(a.blockCode);
            text += `${[this.version, a.blockCode, a.province, a.districtUr, a.districtEn, a.tehsilUr, a.tehsilEn, a.areaNameUr, a.areaNameEn, a.na, a.pa].map(copyText).join('\t')}\n`;
          }
          if (text) await write(Buffer.from(text, 'utf8'));
          this.progress('areas', 0, false, source.bytesRead(), source.size);
        }
        if (!ix) throw new RollError('ROLL_IMPORT_BAD_HEADER', `${name} is empty`);
      },
    );
  }

  private async loadStations(): Promise<number> {
    const source = await openCsvSource(this.files.stations);
    const name = basename(this.files.stations);
    let ix: Record<(typeof STATION_COLUMNS)[number], number> | null = null;
    return copyIn(this.client, `COPY polling_station (roll_version, block_code, gender, station_no, name_ur, name_en) FROM STDIN`, async (write) => {
      for await (const batch of source.records()) {
        let text = '';
        for (const rec of batch) {
          if (!ix) {
            ix = columnIndexes(name, rec.fields, STATION_COLUMNS);
            continue;
          }
          if (rec.error) {
            await this.rejects.write(name, rec.line, rec.error, rec.raw);
            continue;
          }
          const v = validateStation(rec.fields, ix, this.blockExists);
          if (!v.ok) {
            await this.rejects.write(name, rec.line, v.reason, rec.raw);
            continue;
          }
          const s = v.row;
          const set = s.gender === 'M' ? this.maleStations : this.femaleStations;
          if (set.has(s.blockCode)) {
            await this.rejects.write(name, rec.line, `duplicate station for block_code and gender ${s.gender}`, rec.raw);
            continue;
          }
          set.add(s.blockCode);
          text += `${[this.version, s.blockCode, s.gender, s.stationNo, s.nameUr, s.nameEn].map(copyText).join('\t')}\n`;
        }
        if (text) await write(Buffer.from(text, 'utf8'));
        this.progress('stations', 0, false, source.bytesRead(), source.size);
      }
      if (!ix) throw new RollError('ROLL_IMPORT_BAD_HEADER', `${name} is empty`);
    });
  }

  /** The record as it goes to the reject file: CNIC masked. */
  private maskedVoter(rec: CsvRecord, cnicIndex: number): string {
    if (rec.error || rec.fields.length <= cnicIndex) return maskDigitsInText(rec.raw);
    const fields = rec.fields.slice();
    fields[cnicIndex] = maskCnic(fields[cnicIndex]);
    return csvLine(fields).slice(0, -1);
  }

  /**
   * Streams valid voter rows through the keyed hash into the partition. `onValid` sees every valid
   * row (used by the duplicate pass, which re-reads the file instead of keeping anything in memory).
   */
  private async scanVoters(
    onValid: (hash: string, rec: CsvRecord, row: { blockCode: string; serialNo: number; familyNo: number; gender: Gender }) => Promise<void> | void,
    reportRejects: boolean,
  ): Promise<number> {
    const source = await openCsvSource(this.files.voters);
    const name = basename(this.files.voters);
    let ix: Record<(typeof VOTER_COLUMNS)[number], number> | null = null;
    let width = 0;
    let valid = 0;
    for await (const batch of source.records()) {
      for (const rec of batch) {
        if (!ix) {
          ix = columnIndexes(name, rec.fields, VOTER_COLUMNS);
          width = requiredWidth(ix);
          this.cnicColumn = ix.cnic;
          continue;
        }
        const f = rec.fields;
        let reason: string | null = rec.error ?? null;
        if (!reason && f.length < width) reason = `expected ${width} fields, found ${f.length}`;
        if (!reason) {
          const v = validateVoter(f[ix.cnic], f[ix.block_code], f[ix.serial_no], f[ix.family_no], f[ix.gender], this.blockExists, this.hasStation);
          if (v.ok) {
            valid++;
            const onValidResult = onValid(this.hasher.cnicBinary(v.row.cnic), rec, v.row);
            if (onValidResult) await onValidResult;
            continue;
          }
          reason = v.reason;
        }
        if (reportRejects) await this.rejects.write(name, rec.line, reason, this.maskedVoter(rec, ix.cnic));
      }
      this.progress('voters', valid, false, source.bytesRead(), source.size);
    }
    if (!ix) throw new RollError('ROLL_IMPORT_BAD_HEADER', `${name} is empty`);
    return valid;
  }

  private async loadVoters(): Promise<number> {
    let loaded = 0;
    await copyIn(this.client, `COPY ${this.partition} ${VOTER_COPY_COLUMNS} FROM STDIN WITH (FORMAT binary, FREEZE)`, async (write) => {
      const encoder = new VoterCopyEncoder();
      loaded = await this.scanVoters((hash, _rec, row) => {
        encoder.add(hash, row.blockCode, row.serialNo, row.familyNo, row.gender);
        return encoder.full ? write(encoder.take()) : undefined;
      }, true);
      await write(encoder.finish());
    });
    return loaded;
  }

  /** Builds the primary key; if duplicate CNICs stop it, keeps each CNIC's first row, rejects the rest, and builds it again. */
  private async buildPrimaryKey(): Promise<number> {
    const addPk = `ALTER TABLE ${this.partition} ADD CONSTRAINT ${this.partition}_pkey PRIMARY KEY (cnic_hash, roll_version)`;
    await this.client.query('SAVEPOINT before_pk');
    try {
      await this.client.query(addPk);
      return 0;
    } catch (err) {
      if (sqlStateOf(err) !== '23505') throw err;
      await this.client.query('ROLLBACK TO SAVEPOINT before_pk');
    }
    this.progress('deduplicating', 0, true);
    const dupRows = await this.client.query<{ cnic_hash: Buffer }>(`SELECT cnic_hash FROM ${this.partition} GROUP BY cnic_hash HAVING count(*) > 1 LIMIT $1`, [
      this.maxDuplicates + 1,
    ]);
    if (dupRows.rows.length > this.maxDuplicates) {
      throw new RollError('ROLL_IMPORT_TOO_MANY_DUPLICATES', `more than ${this.maxDuplicates} CNICs appear more than once in ${basename(this.files.voters)}`);
    }
    const firstLine = new Map<string, number>(dupRows.rows.map((r) => [r.cnic_hash.toString('latin1'), 0]));
    const keep: Array<{ hash: string; blockCode: string; serialNo: number; familyNo: number; gender: Gender }> = [];
    const name = basename(this.files.voters);
    let extra = 0;
    await this.scanVoters(async (hash, rec, row) => {
      const first = firstLine.get(hash);
      if (first === undefined) return;
      if (first === 0) {
        firstLine.set(hash, rec.line);
        keep.push({ hash, ...row });
        return;
      }
      extra++;
      await this.rejects.write(name, rec.line, `duplicate cnic (first on line ${first})`, this.maskedVoter(rec, this.cnicColumn));
    }, false);
    const hashes = keep.map((k) => Buffer.from(k.hash, 'latin1'));
    await this.client.query(`DELETE FROM ${this.partition} WHERE cnic_hash = ANY($1::bytea[])`, [hashes]);
    await this.client.query(
      `INSERT INTO ${this.partition} ${VOTER_COPY_COLUMNS}
       SELECT * FROM unnest($1::bytea[], $2::text[], $3::int[], $4::int[], $5::text[])`,
      [hashes, keep.map((k) => k.blockCode), keep.map((k) => k.serialNo), keep.map((k) => k.familyNo), keep.map((k) => k.gender)],
    );
    await this.client.query(addPk);
    return extra;
  }
}
