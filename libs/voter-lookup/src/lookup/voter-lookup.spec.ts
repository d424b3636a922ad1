import { CodedError } from '@parchee/errors';
import { KeyedHasher } from '@parchee/privacy';
import type { GuardedLookup, GuardVerdict, SingleLookupGuard } from '@parchee/protection';
import type { VoterDetails } from '@parchee/replies';
import { moRequestFromText } from '@parchee/requests';
import { RollPepperMismatchError, type AuditRow } from '@parchee/roll';
import { VoterLookup, type VoterDirectory, type VoterLookupRequest } from './voter-lookup';

const current = new KeyedHasher('unit-test-pepper-0123456789abcdef');
const next = new KeyedHasher('unit-test-pepper-next-0123456789ab');
const CNIC = '3520212345671';
const MSISDN = '923001234567';

const VOTER: VoterDetails = {
  blockCode: '123456789',
  serialNo: 412,
  familyNo: 87,
  areaUr: 'گلبرگ',
  areaEn: 'Gulberg',
  districtUr: 'لاہور',
  districtEn: 'Lahore',
  tehsilUr: 'لاہور شہر',
  tehsilEn: 'Lahore City',
  na: 'NA-120',
  pa: 'PP-150',
  stationNo: 37,
  stationUr: 'گورنمنٹ بوائز پرائمری سکول نمبر 2',
  stationEn: 'Govt. Boys Primary School No. 2',
};

/** The CNIC as ingress (and the USSD service) pseudonymise it, under the given peppers. */
function request(cnic = CNIC, peppers: KeyedHasher[] = [current], over: Partial<VoterLookupRequest> = {}): VoterLookupRequest {
  const parsed = moRequestFromText(cnic, peppers);
  if (parsed.kind !== 'lookup') throw new Error('not a lookup');
  return { requestId: 'd1.3', operator: 'jazz', msisdn: MSISDN, channel: 'ussd', cnic: parsed.cnic, ...over };
}

/** A roll of one voter under one pepper: what each call asked, and what it answered. */
class FakeRoll implements VoterDirectory {
  readonly calls: Array<{ hashes: string[]; pepperId?: string }> = [];
  version: number | null = 7;
  pepperId = current.id;
  failures: unknown[] = [];

  constructor(private readonly voters: Map<string, VoterDetails> = new Map([[KeyedHasher.text(current.cnic(CNIC)), VOTER]])) {}

  async lookup(hashes: Buffer[], options: { pepperId?: string } = {}) {
    this.calls.push({ hashes: hashes.map((h) => KeyedHasher.text(h)), pepperId: options.pepperId });
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    if (options.pepperId !== undefined && options.pepperId !== this.pepperId)
      throw new RollPepperMismatchError(options.pepperId, this.pepperId, this.version ?? 0);
    const results = new Map<string, VoterDetails | null>();
    for (const h of hashes) results.set(KeyedHasher.text(h), this.version === null ? null : (this.voters.get(KeyedHasher.text(h)) ?? null));
    return { version: this.version, results };
  }
}

class FakeGuard implements SingleLookupGuard {
  readonly asked: GuardedLookup[] = [];
  constructor(private readonly verdict: GuardVerdict = 'allow') {}
  async decideAlone(lookup: GuardedLookup): Promise<GuardVerdict> {
    this.asked.push(lookup);
    return this.verdict;
  }
}

function setup(options: { guard?: FakeGuard; roll?: FakeRoll; failAudit?: boolean; rollRetryDeadlineMs?: number } = {}) {
  const roll = options.roll ?? new FakeRoll();
  const rows: AuditRow[] = [];
  const refused: string[] = [];
  const auditErrors: unknown[] = [];
  const lookup = new VoterLookup(roll, current, {
    guard: options.guard,
    audit: {
      write: async (r) => {
        if (options.failAudit) throw new CodedError('ROLL_DATABASE_UNAVAILABLE', 'connection refused', { retriable: true });
        rows.push(...r);
      },
    },
    rollRetryDeadlineMs: options.rollRetryDeadlineMs ?? 100,
    onRefused: (reason, operator) => refused.push(`${operator}:${reason}`),
    onAuditError: (err) => auditErrors.push(err),
    now: () => Date.UTC(2026, 11, 1, 9, 0, 0),
  });
  return { lookup, roll, rows, refused, auditErrors };
}

describe('VoterLookup', () => {
  it('answers a voter on the roll, read with the current pepper’s hash, and audits it with its channel and hashes only', async () => {
    const guard = new FakeGuard();
    const { lookup, roll, rows } = setup({ guard });
    const result = await lookup.lookup(request());
    await result.audited;
    expect(result.outcome).toEqual({ kind: 'found', voter: VOTER });
    expect(result.rollVersion).toBe(7);
    expect(roll.calls).toEqual([{ hashes: [KeyedHasher.text(current.cnic(CNIC))], pepperId: current.id }]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ moId: 'd1.3', operator: 'jazz', channel: 'ussd', outcome: 'found', refusal: null, rollVersion: 7 });
    expect(rows[0].at.toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect(rows[0].msisdnHash.equals(current.msisdn(MSISDN))).toBe(true);
    expect(rows[0].cnicHash?.equals(current.cnic(CNIC))).toBe(true);
    const dump = JSON.stringify({ ...rows[0], msisdnHash: rows[0].msisdnHash.toString('hex'), cnicHash: rows[0].cnicHash?.toString('hex') });
    expect(dump).not.toContain(CNIC);
    expect(dump).not.toContain(MSISDN);
  });

  it('hands the guard the number with its hash, the operator, the CNIC’s current hash and its neighbourhood marks', async () => {
    const guard = new FakeGuard();
    const { lookup } = setup({ guard });
    const req = request(CNIC, [current, next]);
    await lookup.lookup(req);
    expect(guard.asked).toHaveLength(1);
    const asked = guard.asked[0];
    expect(asked).toMatchObject({ msisdn: MSISDN, operator: 'jazz', near: req.cnic.near });
    expect(asked.msisdnHash?.equals(current.msisdn(MSISDN))).toBe(true);
    expect(asked.cnicHash.equals(current.cnic(CNIC))).toBe(true);
  });

  it('answers not on the roll from the active version, and audits it as not_found', async () => {
    const { lookup, rows } = setup({ guard: new FakeGuard() });
    const result = await lookup.lookup(request('6110112345672'));
    await result.audited;
    expect(result.outcome).toEqual({ kind: 'not_found' });
    expect(rows[0]).toMatchObject({ outcome: 'not_found', rollVersion: 7 });
  });

  it.each(['rate_limited', 'enumeration'] as const)('refuses (%s) without reading the roll, counts it, and audits it as refused', async (verdict) => {
    const { lookup, roll, rows, refused } = setup({ guard: new FakeGuard(verdict) });
    const result = await lookup.lookup(request());
    await result.audited;
    expect(result).toMatchObject({ outcome: { kind: verdict }, rollVersion: null });
    expect(roll.calls).toEqual([]);
    expect(refused).toEqual([`jazz:${verdict}`]);
    expect(rows[0]).toMatchObject({ outcome: 'refused', refusal: verdict, rollVersion: null, channel: 'ussd' });
    expect(rows[0].cnicHash?.equals(current.cnic(CNIC))).toBe(true);
  });

  it('looks up without a guard when protection is off', async () => {
    const { lookup } = setup();
    expect((await lookup.lookup(request())).outcome.kind).toBe('found');
  });

  it('answers busy, never "not registered", while no roll version is active, after retrying to its deadline', async () => {
    const roll = new FakeRoll();
    roll.version = null;
    const { lookup, rows } = setup({ roll, rollRetryDeadlineMs: 80 });
    const result = await lookup.lookup(request());
    await result.audited;
    expect(result).toMatchObject({ outcome: { kind: 'busy' }, rollVersion: null });
    expect(roll.calls.length).toBeGreaterThan(1);
    expect(rows[0]).toMatchObject({ outcome: 'busy', rollVersion: null });
  });

  it('retries a roll that fails for a moment, and answers busy at once for a failure that says it never will succeed', async () => {
    const roll = new FakeRoll();
    roll.failures = [new CodedError('ROLL_DATABASE_UNAVAILABLE', 'connection reset', { retriable: true })];
    const { lookup } = setup({ roll, rollRetryDeadlineMs: 1000 });
    expect((await lookup.lookup(request())).outcome.kind).toBe('found');
    expect(roll.calls).toHaveLength(2);

    roll.failures = [new CodedError('ROLL_QUERY_INVALID', 'syntax error', { retriable: false })];
    expect((await lookup.lookup(request())).outcome.kind).toBe('busy');
    expect(roll.calls).toHaveLength(3);
  });

  it('reads again at once with the other pepper’s hash when the active version was keyed with it, and keeps to it', async () => {
    const roll = new FakeRoll(new Map([[KeyedHasher.text(next.cnic(CNIC)), VOTER]]));
    roll.pepperId = next.id;
    const { lookup, rows } = setup({ roll });
    const result = await lookup.lookup(request(CNIC, [current, next]));
    await result.audited;
    expect(result.outcome.kind).toBe('found');
    expect(roll.calls.map((c) => c.pepperId)).toEqual([current.id, next.id]);
    // The audit row carries the hash the roll answered to.
    expect(rows[0].cnicHash?.equals(next.cnic(CNIC))).toBe(true);
    await lookup.lookup(request(CNIC, [current, next]));
    expect(roll.calls.map((c) => c.pepperId)).toEqual([current.id, next.id, next.id]);
    // A request with no hash under that pepper cannot be looked up: busy, not "not registered".
    expect((await lookup.lookup(request(CNIC, [current]))).outcome.kind).toBe('busy');
  });

  it('keeps the answer when the audit write fails, and reports the failure', async () => {
    const { lookup, auditErrors } = setup({ failAudit: true });
    const result = await lookup.lookup(request());
    await expect(result.audited).resolves.toBeUndefined();
    expect(result.outcome.kind).toBe('found');
    expect(auditErrors).toEqual([expect.objectContaining({ code: 'ROLL_DATABASE_UNAVAILABLE' })]);
  });
});
