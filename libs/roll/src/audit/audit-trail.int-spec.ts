import type { Pool } from 'pg';
import { createRollPool, dropDatabaseIfExists } from '../connection/postgres-pool';
import { runRollMigrations } from '../schema/roll-data-source';
import { testDatabaseUrl } from '../testing/roll-fixture';
import { AuditRow } from './audit-row';
import { listAuditPartitions, pruneAuditPartitions } from './audit-retention';
import { queryAudit } from './audit-query';
import { AuditWriter } from './audit-writer';
import { auditPartitionFor } from './audit-partitions';

const DB = testDatabaseUrl('parchee_roll_it_audit');

function hash(byte: number): Buffer {
  return Buffer.alloc(32, byte);
}

function row(at: Date, moId: string, over: Partial<AuditRow> = {}): AuditRow {
  return { at, moId, operator: 'jazz', channel: 'sms', msisdnHash: hash(1), cnicHash: hash(2), outcome: 'found', refusal: null, rollVersion: 1, ...over };
}

describe('audit trail in PostgreSQL', () => {
  let pool: Pool;
  let writer: AuditWriter;

  beforeAll(async () => {
    await dropDatabaseIfExists(DB);
    await runRollMigrations({ url: DB }, { createDatabase: true });
    pool = createRollPool({ url: DB, poolSize: 2 });
    writer = new AuditWriter(pool, { partitionsAhead: 2 });
  });

  afterAll(async () => {
    await writer.close();
    await pool.end();
    await dropDatabaseIfExists(DB);
  });

  it('writes a batch in one statement and creates the day partition and the next ones on the way', async () => {
    const now = new Date();
    await writer.record([
      row(now, 'mo-1'),
      row(new Date(now.getTime() + 1), 'mo-2', { outcome: 'refused', refusal: 'rate_limited', rollVersion: null }),
      row(now, 'mo-3', { cnicHash: null, outcome: 'help', rollVersion: null, msisdnHash: hash(3) }),
    ]);
    const { rows } = await pool.query('SELECT mo_id, outcome, refusal, roll_version, tableoid::regclass::text AS part FROM request_audit ORDER BY mo_id');
    expect(rows).toEqual([
      { mo_id: 'mo-1', outcome: 'found', refusal: null, roll_version: 1, part: auditPartitionFor(now).name },
      { mo_id: 'mo-2', outcome: 'refused', refusal: 'rate_limited', roll_version: null, part: auditPartitionFor(now).name },
      { mo_id: 'mo-3', outcome: 'help', refusal: null, roll_version: null, part: auditPartitionFor(now).name },
    ]);
    const ahead = [0, 1, 2].map((d) => auditPartitionFor(now.getTime() + d * 86_400_000).name);
    expect(await listAuditPartitions(pool)).toEqual(expect.arrayContaining(ahead));
  });

  it('creates the partition of a day it has not seen yet, and refuses an outcome outside the list', async () => {
    const old = new Date(Date.now() - 40 * 86_400_000);
    await writer.record([row(old, 'mo-old')]);
    expect(await listAuditPartitions(pool)).toContain(auditPartitionFor(old).name);
    await expect(writer.record([row(new Date(), 'mo-bad', { outcome: 'leaked' as AuditRow['outcome'] })])).rejects.toMatchObject({ name: 'RollError' });
  });

  it('several writers (replicas, concurrent batches) meeting on a new day all create it and write', async () => {
    const day = new Date(Date.now() - 20 * 86_400_000);
    const writers = Array.from({ length: 6 }, () => new AuditWriter(pool, { partitionsAhead: 3 }));
    await Promise.all(writers.map((w, i) => w.record([row(day, `mo-race-${i}`, { cnicHash: hash(9) })])));
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM request_audit WHERE cnic_hash = $1', [hash(9)]);
    expect(rows[0].n).toBe(6);
  });

  it('writes the rows recorded while an INSERT is in flight together in the next one', async () => {
    const counting = createRollPool({ url: DB, poolSize: 2 });
    const query = counting.query.bind(counting) as (...args: unknown[]) => Promise<unknown>;
    let inserts = 0;
    (counting as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
      if ((args[0] as { name?: string }).name === 'parchee_audit_insert_v2') inserts++;
      return query(...args);
    };
    const grouped = new AuditWriter(counting, { partitionsAhead: 2 });
    const now = new Date();
    await Promise.all(Array.from({ length: 10 }, (_, i) => grouped.record([row(now, `mo-group-${i}`, { cnicHash: hash(11) })])));
    await counting.end();
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM request_audit WHERE cnic_hash = $1', [hash(11)]);
    expect(rows[0].n).toBe(10);
    // The first call's INSERT goes alone; the nine made meanwhile share the next.
    expect(inserts).toBe(2);
  });

  it('finds one CNIC hash or one MSISDN hash over the last N days, oldest first', async () => {
    const byCnic = await queryAudit(pool, { cnicHash: hash(2), days: 30 });
    expect(byCnic.map((r) => r.outcome)).toEqual(['found', 'refused']);
    expect(byCnic[1]).toMatchObject({ refusal: 'rate_limited', operator: 'jazz', rollVersion: null });
    expect(byCnic[0].msisdnHash.equals(hash(1))).toBe(true);
    expect(await queryAudit(pool, { cnicHash: hash(2), days: 60 })).toHaveLength(3);
    expect((await queryAudit(pool, { msisdnHash: hash(3), days: 1 })).map((r) => r.outcome)).toEqual(['help']);
  });

  it('keeps each row’s channel, reads a row written without one (an older lookup) as sms, and refuses any other', async () => {
    const now = new Date();
    await writer.record([
      row(now, 'mo-ussd-1.3', { channel: 'ussd', msisdnHash: hash(21), cnicHash: hash(22) }),
      row(now, 'mo-sms-1', { msisdnHash: hash(21), cnicHash: hash(22) }),
    ]);
    // The statement a lookup of the release before this column writes: no channel named.
    await pool.query(
      `INSERT INTO request_audit (at, mo_id, operator, msisdn_hash, cnic_hash, outcome, refusal, roll_version) VALUES ($1, 'mo-old-1', 'jazz', $2, $3, 'found', NULL, 1)`,
      [now, hash(21), hash(22)],
    );
    const records = await queryAudit(pool, { msisdnHash: hash(21), days: 1 });
    expect(records.map((r) => [r.moId, r.channel]).sort()).toEqual([
      ['mo-old-1', 'sms'],
      ['mo-sms-1', 'sms'],
      ['mo-ussd-1.3', 'ussd'],
    ]);
    await expect(writer.record([row(now, 'mo-bad-channel', { channel: 'fax' as AuditRow['channel'] })])).rejects.toMatchObject({ name: 'RollError' });
  });

  it('prune drops only whole days past the retention, and the writer re-creates a dropped day', async () => {
    const old = auditPartitionFor(Date.now() - 40 * 86_400_000).name;
    const stale = new AuditWriter(pool, { partitionsAhead: 0 });
    await stale.record([row(new Date(Date.now() - 40 * 86_400_000), 'mo-stale')]);
    expect(await pruneAuditPartitions(pool, { retentionDays: 90 })).toEqual([]);
    // The old day came with the partitions ahead of it, all past the 30 days.
    const pastDays = [0, 1, 2].map((d) => auditPartitionFor(Date.now() - (40 - d) * 86_400_000).name);
    expect(pastDays[0]).toBe(old);
    expect(await pruneAuditPartitions(pool, { retentionDays: 30 })).toEqual(pastDays);
    const left = await listAuditPartitions(pool);
    expect(left).not.toContain(old);
    expect(left).toContain(auditPartitionFor(new Date()).name);
    expect(await queryAudit(pool, { cnicHash: hash(2), days: 60 })).toHaveLength(2);

    // This writer still believes the old day exists: the insert fails, it forgets, re-creates and retries.
    await stale.record([row(new Date(Date.now() - 40 * 86_400_000), 'mo-again')]);
    expect(await listAuditPartitions(pool)).toContain(old);
  });

  it('writes a batch of 10,000 rows in one statement (more than 65,535 parameters would allow as placeholders)', async () => {
    const now = new Date();
    const rows = Array.from({ length: 10_000 }, (_, i) =>
      row(now, `big-${i}`, { msisdnHash: hash(9), cnicHash: i % 2 ? hash(8) : null, outcome: i % 2 ? 'found' : 'help', rollVersion: i % 2 ? 7 : null }),
    );
    await writer.record(rows);
    const { rows: counts } = await pool.query(
      `SELECT count(*)::int AS n, count(cnic_hash)::int AS with_cnic, count(roll_version)::int AS with_version FROM request_audit WHERE mo_id LIKE 'big-%'`,
    );
    expect(counts[0]).toEqual({ n: 10_000, with_cnic: 5000, with_version: 5000 });
    const byCnic = await queryAudit(pool, { cnicHash: hash(8), days: 1 });
    expect(byCnic).toHaveLength(5000);
    expect(byCnic[0]).toMatchObject({ operator: 'jazz', outcome: 'found', rollVersion: 7 });
    expect(byCnic[0].msisdnHash.equals(hash(9))).toBe(true);
  });
});
