import { KeyedHasher } from '@parchee/privacy';
import { AuditWriter, auditPartitionFor, createRollPool, dropDatabaseIfExists, listAuditPartitions, runRollMigrations, type AuditRow } from '@parchee/roll';
import { testDatabaseUrl } from '@parchee/roll/testing';
import { rollCliRunner } from '../testing/roll-cli-process';

const DB = testDatabaseUrl('parchee_roll_it_audit_cli');
const PEPPER = 'audit-cli-integration-pepper-0123';
const CNIC = '3520212345671';
const DAY = 86_400_000;

const roll = rollCliRunner({ databaseUrl: DB, pepper: PEPPER });

describe('roll audit commands', () => {
  const hasher = new KeyedHasher(PEPPER);
  const now = Date.now();
  const row = (ago: number, msisdn: string, cnic: string | null, over: Partial<AuditRow> = {}): AuditRow => ({
    at: new Date(now - ago),
    moId: `mo-${ago}-${msisdn}`,
    operator: 'ufone',
    channel: 'sms',
    msisdnHash: hasher.msisdn(msisdn),
    cnicHash: cnic ? hasher.cnic(cnic) : null,
    outcome: 'found',
    refusal: null,
    rollVersion: 2,
    ...over,
  });

  beforeAll(async () => {
    await dropDatabaseIfExists(DB);
    await runRollMigrations({ url: DB }, { createDatabase: true });
    const pool = createRollPool({ url: DB, poolSize: 1 });
    const writer = new AuditWriter(pool, { partitionsAhead: 0 });
    try {
      await writer.record([
        row(3 * 60_000, '923001112222', CNIC),
        row(2 * 60_000, '923003334444', CNIC, { outcome: 'refused', refusal: 'rate_limited', rollVersion: null, channel: 'ussd' }),
        row(60_000, '923001112222', '6110112345672', { outcome: 'not_found' }),
        row(45 * DAY, '923001112222', CNIC),
      ]);
    } finally {
      await pool.end();
    }
  }, 30_000);

  afterAll(async () => {
    await dropDatabaseIfExists(DB);
  });

  it('audit query --cnic hashes the CNIC locally and lists its requests with the short number hash', async () => {
    const run = await roll(['audit', 'query', '--cnic', '35202-1234567-1']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(new RegExp(`\\sufone\\s+sms\\s+found\\s+2\\s+${hasher.msisdn('923001112222').toString('hex').slice(0, 8)}$`));
    expect(lines[2]).toMatch(new RegExp(`\\sufone\\s+ussd\\s+refused:rate_limited\\s+-\\s+${hasher.msisdn('923003334444').toString('hex').slice(0, 8)}$`));
    expect(lines[3]).toBe('audit: 2 requests in the last 30 days, 2 distinct numbers');
    expect(run.stdout).not.toContain(CNIC);

    const longer = await roll(['audit', 'query', '--cnic', CNIC, '--days', '60']);
    expect(longer.stdout).toContain('audit: 3 requests in the last 60 days, 2 distinct numbers');
  }, 30_000);

  it("audit query --msisdn lists one number's requests and counts its distinct CNICs", async () => {
    const run = await roll(['audit', 'query', '--msisdn', '03001112222']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('audit: 2 requests in the last 30 days, 2 distinct CNICs');
  }, 30_000);

  it('refuses a malformed CNIC before connecting', async () => {
    const run = await roll(['audit', 'query', '--cnic', '12345'], { PARCHEE_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('13-digit CNIC');
  }, 30_000);

  it('audit-prune drops the days past AUDIT_RETENTION_DAYS and keeps the rest', async () => {
    const old = auditPartitionFor(now - 45 * DAY).name;
    const run = await roll(['audit-prune'], { AUDIT_RETENTION_DAYS: '30' });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`roll: audit retention 30 days: 1 partitions dropped (${old})\n`);
    const pool = createRollPool({ url: DB, poolSize: 1 });
    try {
      const left = await listAuditPartitions(pool);
      expect(left).not.toContain(old);
      expect(left).toContain(auditPartitionFor(now - 60_000).name);
    } finally {
      await pool.end();
    }
  }, 30_000);
});
