import { Topics, decodeMt, encodeMessage } from '@parchee/contracts';
import type { ConsumedBatch } from '@parchee/messaging';
import { KeyedHasher } from '@parchee/privacy';
import { moFromText } from '@parchee/requests/testing';
import type { AuditRow } from '@parchee/roll';
import { LookupPipeline, type VoterDirectory } from './lookup-pipeline';
import type { RequestGuard } from '@parchee/protection';
import type { VoterDetails } from '@parchee/replies';

const hasher = new KeyedHasher('unit-test-pepper-0123456789abcdef');
const voter: VoterDetails = {
  blockCode: '111222333',
  serialNo: 5,
  familyNo: 2,
  areaUr: 'گلبرگ',
  areaEn: 'Gulberg',
  districtUr: 'لاہور',
  districtEn: 'Lahore',
  tehsilUr: 'لاہور شہر',
  tehsilEn: 'Lahore City',
  na: 'NA-120',
  pa: 'PP-150',
  stationNo: 9,
  stationUr: 'سکول',
  stationEn: 'School',
};
const FOUND = '3520212345671';

const directory: VoterDirectory = {
  lookup: async (hashes) => ({ version: 7, results: new Map(hashes.map((h) => [KeyedHasher.text(h), h.equals(hasher.cnic(FOUND)) ? voter : null])) }),
};

function mo(id: string, text: string, msisdn = '923001234567'): Buffer {
  return encodeMessage(moFromText(text, hasher, { id, operator: 'zong', msisdn }));
}

function batchOf(values: Buffer[]): ConsumedBatch {
  return {
    topic: Topics.MO,
    partition: 0,
    records: values.map((value, i) => ({ topic: Topics.MO, partition: 0, offset: String(i), key: null, value, timestamp: 0 })),
    heartbeat: async () => undefined,
    isRunning: () => true,
  };
}

describe('LookupPipeline audit trail', () => {
  it('hands one row per MO to the audit in a single write, with hashes only and the roll version that answered', async () => {
    const writes: AuditRow[][] = [];
    const guard: RequestGuard = {
      decide: async (reqs) => ({ verdicts: reqs.map((r) => (r.msisdn === '923009999999' ? 'rate_limited' : 'allow')), stored: Promise.resolve() }),
    };
    const pipeline = new LookupPipeline(directory, hasher.id, { guard, audit: { hasher, write: async (rows) => void writes.push(rows) } });
    const { beforeCommit } = await pipeline.process(
      batchOf([mo('a', FOUND), mo('b', '3520212345673'), mo('c', 'HELP'), mo('d', 'hello'), mo('e', FOUND, '923009999999')]),
    );
    await beforeCommit;

    expect(writes).toHaveLength(1);
    const rows = writes[0];
    expect(rows.map((r) => [r.moId, r.outcome, r.refusal, r.rollVersion])).toEqual([
      ['a', 'found', null, 7],
      ['b', 'not_found', null, 7],
      ['c', 'help', null, null],
      ['d', 'invalid', null, null],
      ['e', 'refused', 'rate_limited', null],
    ]);
    expect(rows[0].cnicHash?.equals(hasher.cnic(FOUND))).toBe(true);
    expect(rows[2].cnicHash).toBeNull();
    expect(rows[0].msisdnHash.equals(hasher.msisdn('923001234567'))).toBe(true);
    expect(rows[4].msisdnHash.equals(hasher.msisdn('923009999999'))).toBe(true);
    expect(rows.every((r) => r.operator === 'zong' && r.at instanceof Date)).toBe(true);
    // Lookup answers MOs: every row it writes is an SMS's, whatever the request.
    expect(rows.map((r) => r.channel)).toEqual(['sms', 'sms', 'sms', 'sms', 'sms']);
    // Nothing in a row carries the clear CNIC or number.
    const dump = JSON.stringify(rows.map((r) => ({ ...r, msisdnHash: r.msisdnHash.toString('hex'), cnicHash: r.cnicHash?.toString('hex') })));
    expect(dump).not.toContain(FOUND);
    expect(dump).not.toContain('923001234567');
  });

  it('hashes each sender once and hands that hash to both the guard and the audit row', async () => {
    let hashed = 0;
    const counting = { msisdn: (m: string) => (hashed++, hasher.msisdn(m)) };
    const seen: Array<Buffer | undefined> = [];
    const guard: RequestGuard = { decide: async (reqs) => ({ verdicts: reqs.map((r) => (seen.push(r.msisdnHash), 'allow')), stored: Promise.resolve() }) };
    const writes: AuditRow[][] = [];
    const pipeline = new LookupPipeline(directory, hasher.id, { guard, audit: { hasher: counting, write: async (rows) => void writes.push(rows) } });
    const { beforeCommit } = await pipeline.process(batchOf([mo('a', FOUND), mo('b', '3520212345673', '923007654321'), mo('c', 'HELP')]));
    await beforeCommit;

    // Two lookups seen by the guard, three audit rows: three hashes, not five.
    expect(hashed).toBe(3);
    expect(seen.map((h) => h?.toString('hex'))).toEqual([hasher.msisdn('923001234567').toString('hex'), hasher.msisdn('923007654321').toString('hex')]);
    expect(writes[0].map((r) => r.msisdnHash.toString('hex'))).toEqual([
      hasher.msisdn('923001234567').toString('hex'),
      hasher.msisdn('923007654321').toString('hex'),
      hasher.msisdn('923001234567').toString('hex'),
    ]);
  });

  it('hands back the replies before the audit rows and the guard’s memory are written, with both in beforeCommit', async () => {
    let auditDone: () => void = () => undefined;
    let guardDone: () => void = () => undefined;
    const audited = new Promise<void>((r) => (auditDone = r));
    const remembered = new Promise<void>((r) => (guardDone = r));
    const guard: RequestGuard = { decide: async (reqs) => ({ verdicts: reqs.map(() => 'allow'), stored: remembered }) };
    const pipeline = new LookupPipeline(directory, hasher.id, { guard, audit: { hasher, write: () => audited } });
    const { records, beforeCommit } = await pipeline.process(batchOf([mo('a', FOUND), mo('b', 'HELP')]));
    expect(records.map((r) => decodeMt(r.value).kind)).toEqual(['found', 'help']);

    let settled = false;
    void beforeCommit?.then(() => (settled = true));
    auditDone();
    await audited;
    await new Promise<void>((r) => setImmediate(r));
    expect(settled).toBe(false);
    guardDone();
    await beforeCommit;
    expect(settled).toBe(true);
  });

  it('still returns every reply when the audit write fails, and reports the failure', async () => {
    const failures: number[] = [];
    const pipeline = new LookupPipeline(directory, hasher.id, {
      audit: { hasher, write: async () => Promise.reject(new Error('database down')), onError: (_err, rows) => failures.push(rows) },
    });
    const { records: out, beforeCommit } = await pipeline.process(batchOf([mo('a', FOUND), mo('b', 'HELP')]));
    expect(out.map((r) => decodeMt(r.value).kind)).toEqual(['found', 'help']);
    // The failed write is settled, not thrown, before the batch may commit.
    await beforeCommit;
    expect(failures).toEqual([2]);
  });
});
