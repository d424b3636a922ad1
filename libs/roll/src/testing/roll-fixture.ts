import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabaseIfExists } from '../connection/postgres-pool';
import { CsvRecord } from '../csv/csv-record-parser';
import { openCsvSource } from '../csv/csv-source';
import { generateRoll } from '../generator/generate-roll';
import { importRoll, ImportRollResult } from '../import/import-roll';
import { rollFilesIn } from '../import/roll-source-files';
import { AREA_COLUMNS, columnIndexes, STATION_COLUMNS, VOTER_COLUMNS } from '../import/row-validation';
import { VoterRecord } from '../lookup/voter-record';
import { runRollMigrations } from '../schema/roll-data-source';
import { RollVersionAdmin } from '../versions/roll-version-admin';

/** A roll read back from its CSV files: what the lookup of each CNIC must answer. Small rolls only. */
export interface RollFixtureData {
  /** Clear CNIC -> expected record, in file order. */
  expected: Map<string, VoterRecord>;
}

async function allRecords(path: string): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const batch of (await openCsvSource(path)).records()) out.push(...batch);
  return out;
}

/** Reads areas, stations and voters in `dir` and joins them the way the roll lookup does. */
export async function readRollFixture(dir: string): Promise<RollFixtureData> {
  const files = rollFilesIn(dir);
  const [areaRecs, stationRecs, voterRecs] = await Promise.all([allRecords(files.areas), allRecords(files.stations), allRecords(files.voters)]);
  const ai = columnIndexes('areas', areaRecs[0].fields, AREA_COLUMNS);
  const si = columnIndexes('stations', stationRecs[0].fields, STATION_COLUMNS);
  const vi = columnIndexes('voters', voterRecs[0].fields, VOTER_COLUMNS);
  const areas = new Map(areaRecs.slice(1).map((r) => [r.fields[ai.block_code], r.fields]));
  const stations = new Map(stationRecs.slice(1).map((r) => [`${r.fields[si.block_code]}:${r.fields[si.gender]}`, r.fields]));
  const expected = new Map<string, VoterRecord>();
  for (const r of voterRecs.slice(1)) {
    const f = r.fields;
    const a = areas.get(f[vi.block_code]);
    const s = stations.get(`${f[vi.block_code]}:${f[vi.gender]}`);
    if (!a || !s || expected.has(f[vi.cnic])) continue;
    expected.set(f[vi.cnic], {
      serialNo: Number(f[vi.serial_no]),
      familyNo: Number(f[vi.family_no]),
      gender: f[vi.gender] as 'M' | 'F',
      blockCode: f[vi.block_code],
      areaUr: a[ai.area_name_ur],
      areaEn: a[ai.area_name_en],
      districtUr: a[ai.district_ur],
      districtEn: a[ai.district_en],
      tehsilUr: a[ai.tehsil_ur],
      tehsilEn: a[ai.tehsil_en],
      na: a[ai.na] || null,
      pa: a[ai.pa] || null,
      stationNo: Number(s[si.station_no]),
      stationUr: s[si.name_ur],
      stationEn: s[si.name_en],
    });
  }
  return { expected };
}

export interface ScratchRollOptions {
  /** Database to (re)create; everything in it is dropped first. */
  databaseUrl: string;
  voters: number;
  seed: number | string;
  pepper: string | Buffer;
  /** Where to generate the CSV files; default a fresh temp directory. */
  dir?: string;
  /** Activate the imported version. Default true. */
  activate?: boolean;
}

export interface ScratchRoll extends RollFixtureData {
  dir: string;
  import: ImportRollResult;
}

/**
 * A fresh database with a generated roll imported (and activated): for integration and e2e tests
 * of services that read the roll. Drops the database first, so give it a name of its own.
 */
export async function prepareScratchRoll(options: ScratchRollOptions): Promise<ScratchRoll> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'parchee-roll-'));
  await dropDatabaseIfExists(options.databaseUrl);
  await runRollMigrations({ url: options.databaseUrl }, { createDatabase: true });
  await generateRoll({ voters: options.voters, seed: options.seed, outDir: dir });
  const result = await importRoll({ postgres: { url: options.databaseUrl }, dir, pepper: options.pepper, label: `scratch-${options.seed}` });
  if (options.activate ?? true) {
    const admin = await RollVersionAdmin.open({ url: options.databaseUrl });
    try {
      await admin.activate(result.version);
    } finally {
      await admin.close();
    }
  }
  return { dir, import: result, ...(await readRollFixture(dir)) };
}

/** The test database URL: PARCHEE_TEST_DATABASE_BASE_URL's server with the given database name. */
export function testDatabaseUrl(name: string): string {
  const base = new URL(process.env.PARCHEE_TEST_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/${name}`;
  return base.toString();
}
