import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { KeyedHasher } from '@parchee/privacy';
import { createRollPool, dropDatabaseIfExists } from '../connection/postgres-pool';
import { CsvRecord, CsvRecordParser } from '../csv/csv-record-parser';
import { generateRoll } from '../generator/generate-roll';
import { RollRepository } from '../lookup/roll-repository';
import { runRollMigrations } from '../schema/roll-data-source';
import { ROLL_LOCK_NAMESPACE } from '../schema/roll-locks';
import { testDatabaseUrl } from '../testing';
import { RollVersionAdmin } from '../versions/roll-version-admin';
import { importRoll, ImportProgress } from './import-roll';

const DB = testDatabaseUrl('parchee_roll_it_import');
const PEPPER = 'integration-test-pepper-import-42';
const hasher = new KeyedHasher(PEPPER);

function csvRows(path: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  const p = new CsvRecordParser();
  p.push(readFileSync(path, 'utf8'), out);
  p.end(out);
  return out;
}

function lineCount(path: string): number {
  return readFileSync(path, 'utf8').trimEnd().split('\n').length;
}

describe('importRoll against PostgreSQL', () => {
  let pool: Pool;
  let admin: RollVersionAdmin;
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'parchee-import-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    await dropDatabaseIfExists(DB);
    const report = await runRollMigrations({ url: DB }, { createDatabase: true });
    expect(report.databaseCreated).toBe(true);
    expect(report.applied).toEqual([
      'CreateRollSchema1730000000000',
      'VoterKeyHashFirst1730000000001',
      'RollVersionCacheId1730000000002',
      'CreateRequestAudit1730000000003',
      'RollVersionPepperId1730000000004',
      'RequestAuditChannel1730000000005',
    ]);
    pool = createRollPool({ url: DB, poolSize: 2 });
    admin = await RollVersionAdmin.open({ url: DB });
  });

  afterAll(async () => {
    await pool?.end();
    await admin?.close();
    await dropDatabaseIfExists(DB);
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('runs migrations once: a second run applies nothing', async () => {
    expect((await runRollMigrations({ url: DB }, { createDatabase: true })).applied).toEqual([]);
  });

  it('writes every bad row to the reject file with its line number and reason, and loads the rest', async () => {
    const dir = fresh();
    await generateRoll({ voters: 400, seed: 'rejects', outDir: dir });
    const voters = csvRows(join(dir, 'voters.csv'));
    const firstMale = voters.slice(1).find((r) => r.fields[4] === 'M') as CsvRecord;
    const [cnic0, block0] = voters[voters.length - 1].fields;
    expect(cnic0).not.toBe(firstMale.fields[0]);
    appendFileSync(join(dir, 'areas.csv'), '999000001,Kashmir,A,ا,B,ب,C,ج,NA-1,PP-1\n');
    appendFileSync(join(dir, 'stations.csv'), '888000001,M,1,"Govt. School, Nowhere",سکول\n');
    const votersFile = join(dir, 'voters.csv');
    const base = lineCount(votersFile);
    const bad: Array<[string, string]> = [
      ['352021234567,' + block0 + ',1,1,M', 'cnic must be exactly 13 digits'],
      ['9520212345671,' + block0 + ',1,1,M', 'cnic region digit (first) must be 1-7'],
      ['3520212345672,' + block0 + ',1,1,M', "gender M contradicts the CNIC's last digit"],
      ['3520212345673,999000001,1,1,M', 'block_code not in areas'],
      ['3520212345675,' + block0 + ',zero,1,M', 'serial_no must be a positive integer'],
      ['"3520212345677,' + block0 + ',1,1,M', 'unterminated quoted field'],
    ];
    // The unterminated quote swallows the rest of the file, so it goes last; the duplicate goes before it.
    const duplicate = `${firstMale.fields[0]},${firstMale.fields[1]},9999,1,M`;
    appendFileSync(
      votersFile,
      bad
        .slice(0, 5)
        .map(([l]) => `${l}\n`)
        .join('') +
        `${duplicate}\n` +
        `${bad[5][0]}\n`,
    );

    const progress: ImportProgress[] = [];
    const result = await importRoll({ postgres: { url: DB }, dir, pepper: PEPPER, label: 'with-rejects', onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({
      voters: 400,
      areas: lineCount(join(dir, 'areas.csv')) - 2,
      duplicates: 1,
      rejected: 9,
      rejectedByFile: { areas: 1, stations: 1, voters: 7 },
    });
    expect(result.rejectFile).toBe(join(dir, `rejects-v${result.version}.csv`));
    expect(progress.some((p) => p.phase === 'indexing')).toBe(true);

    const rejects = csvRows(result.rejectFile as string);
    expect(rejects[0].fields).toEqual(['file', 'line', 'reason', 'record']);
    const byLine = new Map(
      rejects
        .slice(1)
        .filter((r) => r.fields[0] === 'voters.csv')
        .map((r) => [Number(r.fields[1]), r.fields]),
    );
    bad.slice(0, 5).forEach(([, reason], i) => expect(byLine.get(base + 1 + i)?.[2]).toBe(reason));
    expect(byLine.get(base + 6)?.[2]).toBe(`duplicate cnic (first on line ${firstMale.line})`);
    expect(byLine.get(base + 7)?.[2]).toBe('unterminated quoted field');
    expect(rejects.find((r) => r.fields[0] === 'areas.csv')?.fields.slice(1, 3)).toEqual([
      String(lineCount(join(dir, 'areas.csv'))),
      'province must be one of KP, FATA, Punjab, Sindh, Balochistan, Islamabad, GB',
    ]);
    expect(rejects.find((r) => r.fields[0] === 'stations.csv')?.fields[2]).toBe('block_code not in areas');
    // No clear CNIC in the reject file.
    const rejectText = readFileSync(result.rejectFile as string, 'utf8');
    expect(rejectText).not.toMatch(/\d{13}/);
    expect(rejectText).not.toContain(firstMale.fields[0]);

    // The duplicate kept its first row.
    const repo = new RollRepository(pool);
    const found = await repo.findVoters(result.version, [hasher.cnic(firstMale.fields[0]), hasher.cnic(cnic0)]);
    expect(found.get(KeyedHasher.text(hasher.cnic(firstMale.fields[0])))?.serialNo).toBe(Number(firstMale.fields[2]));
    expect(found.size).toBe(2);
    const info = await admin.get(result.version);
    expect(info).toMatchObject({ status: 'ready', voters: 400, rejected: 9, label: 'with-rejects' });
  });

  it('imports gzip files like plain ones', async () => {
    const dir = fresh();
    await generateRoll({ voters: 300, seed: 'gz', outDir: dir, gzip: true });
    const result = await importRoll({ postgres: { url: DB }, dir, pepper: PEPPER });
    expect(result).toMatchObject({ voters: 300, rejected: 0, rejectFile: null });
    const count = await pool.query(`SELECT count(*)::int AS n FROM voter WHERE roll_version = $1`, [result.version]);
    expect(count.rows[0].n).toBe(300);
    // The key built before ATTACH became the partition's part of voter_pkey: one index, not two.
    const indexes = await pool.query(`SELECT indexdef FROM pg_indexes WHERE tablename = $1`, [`voter_v${result.version}`]);
    expect(indexes.rows.map((r) => r.indexdef)).toEqual([expect.stringContaining('(cnic_hash, roll_version)')]);
  });

  it('leaves nothing visible when an import fails, and marks the version failed', async () => {
    const dir = fresh();
    await generateRoll({ voters: 200, seed: 'broken', outDir: dir });
    writeFileSync(join(dir, 'voters.csv'), readFileSync(join(dir, 'voters.csv'), 'utf8').replace(/^cnic,/, 'nic,'));
    const before = (await admin.list()).map((v) => v.id);
    await expect(importRoll({ postgres: { url: DB }, dir, pepper: PEPPER, label: 'bad-header' })).rejects.toMatchObject({ code: 'ROLL_IMPORT_BAD_HEADER' });
    const failed = (await admin.list()).find((v) => !before.includes(v.id));
    expect(failed).toMatchObject({ status: 'failed', label: 'bad-header' });
    expect(failed?.error).toContain('header lacks column(s) cnic');
    const leftovers = await pool.query(
      `SELECT (SELECT count(*) FROM electoral_area WHERE roll_version = $1)::int AS areas,
              (SELECT count(*) FROM polling_station WHERE roll_version = $1)::int AS stations,
              to_regclass($2) IS NOT NULL AS partition`,
      [failed?.id, `voter_v${failed?.id}`],
    );
    expect(leftovers.rows[0]).toEqual({ areas: 0, stations: 0, partition: false });
    await expect(admin.activate(failed?.id ?? 0)).rejects.toMatchObject({ code: 'ROLL_VERSION_NOT_ACTIVATABLE' });
    await admin.drop(failed?.id ?? 0);
    expect(await admin.get(failed?.id ?? 0)).toBeNull();
  });

  it('fails with ROLL_IMPORT_NO_VOTERS when no voter row is valid', async () => {
    const dir = fresh();
    await generateRoll({ voters: 50, seed: 'empty', outDir: dir });
    writeFileSync(join(dir, 'voters.csv'), 'cnic,block_code,serial_no,family_no,gender\n123,1,1,1,M\n');
    await expect(importRoll({ postgres: { url: DB }, dir, pepper: PEPPER })).rejects.toMatchObject({ code: 'ROLL_IMPORT_NO_VOTERS' });
  });

  it('names the missing file', async () => {
    const dir = fresh();
    await expect(importRoll({ postgres: { url: DB }, dir, pepper: PEPPER })).rejects.toMatchObject({ code: 'ROLL_IMPORT_FILE_MISSING' });
  });

  it('refuses to drop a version whose import is still running, and cleans up one whose import died', async () => {
    const session = await pool.connect();
    try {
      const { rows } = await session.query<{ id: number }>(`INSERT INTO roll_version (label, status) VALUES ('in-flight', 'importing') RETURNING id`);
      const id = rows[0].id;
      await session.query('SELECT pg_advisory_lock($1, $2)', [ROLL_LOCK_NAMESPACE, id]);
      await expect(admin.drop(id)).rejects.toMatchObject({ code: 'ROLL_VERSION_BUSY', retriable: true });
      await session.query('SELECT pg_advisory_unlock($1, $2)', [ROLL_LOCK_NAMESPACE, id]);
      await admin.drop(id);
      expect(await admin.get(id)).toBeNull();
    } finally {
      session.release();
    }
  });

  it('activates one version at a time and can roll back to a retired one', async () => {
    const ready = (await admin.list()).filter((v) => v.status === 'ready');
    expect(ready.length).toBeGreaterThanOrEqual(2);
    const [a, b] = ready;
    await admin.activate(a.id);
    await admin.activate(b.id);
    const repo = new RollRepository(pool);
    // Each version names the pepper that keyed it (the id, never the pepper), for rotations.
    expect(await repo.activeVersion()).toEqual({ id: b.id, cacheId: b.cacheId, pepperId: new KeyedHasher(PEPPER).id });
    expect((await admin.get(a.id))?.status).toBe('retired');
    await admin.activate(a.id);
    expect(await repo.activeVersion()).toEqual({ id: a.id, cacheId: a.cacheId, pepperId: a.pepperId });
    expect(a.pepperId).toBe(new KeyedHasher(PEPPER).id);
    expect(a.cacheId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.cacheId).not.toBe(a.cacheId);
    const active = (await admin.list()).filter((v) => v.status === 'active');
    expect(active.map((v) => v.id)).toEqual([a.id]);
    await expect(admin.activate(987654)).rejects.toMatchObject({ code: 'ROLL_VERSION_NOT_FOUND' });
  });
});
