import { CommandStatus, RegisteredDelivery } from '@parchee/smpp';
import { SubmitFaultPolicy, type SubmitDecision } from './submit-fault-policy';

function decisions(policy: SubmitFaultPolicy, n: number): SubmitDecision[] {
  return Array.from({ length: n }, () => policy.decideSubmit());
}

const kinds = (ds: SubmitDecision[]): string[] => ds.map((d) => d.kind);

describe('SubmitFaultPolicy', () => {
  it('accepts every submit_sm at once with an empty plan', () => {
    const policy = new SubmitFaultPolicy({});
    expect(policy.isEmpty).toBe(true);
    expect(decisions(policy, 3)).toEqual([
      { kind: 'accepted', delayMs: 0 },
      { kind: 'accepted', delayMs: 0 },
      { kind: 'accepted', delayMs: 0 },
    ]);
    expect(policy.decideReceipt(RegisteredDelivery.SUCCESS_OR_FAILURE)).toBeUndefined();
  });

  it('refuses every Nth submit_sm with the status given by name or number', () => {
    const policy = new SubmitFaultPolicy({
      submitErrors: [
        { status: 'ESME_RTHROTTLED', every: 2 },
        { status: 0x0b, every: 3 },
      ],
    });
    const ds = decisions(policy, 6);
    expect(ds.map((d) => (d.kind === 'refused' ? d.status : d.kind))).toEqual([
      'accepted',
      CommandStatus.ESME_RTHROTTLED,
      CommandStatus.ESME_RINVDSTADR,
      CommandStatus.ESME_RTHROTTLED,
      'accepted',
      // 6th: both rules hit, the first listed wins.
      CommandStatus.ESME_RTHROTTLED,
    ]);
  });

  it('refuses the same submit_sm for the same seed with a fraction', () => {
    const plan = { seed: 5, submitErrors: [{ status: 'ESME_RMSGQFUL', fraction: 0.4 }] };
    const a = kinds(decisions(new SubmitFaultPolicy(plan), 50));
    expect(kinds(decisions(new SubmitFaultPolicy(plan), 50))).toEqual(a);
    expect(a.filter((k) => k === 'refused').length).toBeGreaterThan(5);
    expect(a.filter((k) => k === 'accepted').length).toBeGreaterThan(5);
  });

  it('throttles beyond the TPS cap with ESME_RTHROTTLED, using the injected clock', () => {
    const clock = { t: 0, now: () => clock.t };
    const policy = new SubmitFaultPolicy({ tpsCap: 2 }, clock);
    expect(decisions(policy, 3)).toEqual([
      { kind: 'accepted', delayMs: 0 },
      { kind: 'accepted', delayMs: 0 },
      { kind: 'throttled', status: CommandStatus.ESME_RTHROTTLED, delayMs: 0 },
    ]);
    clock.t += 500;
    expect(kinds(decisions(policy, 2))).toEqual(['accepted', 'throttled']);
  });

  it('delays, leaves unanswered and disconnects the selected submit_sm, disconnect first', () => {
    const policy = new SubmitFaultPolicy({ submitDelay: { ms: 250, every: 2 }, submitNoResponse: { every: 3 }, disconnect: { every: 6 } });
    expect(decisions(policy, 6)).toEqual([
      { kind: 'accepted', delayMs: 0 },
      { kind: 'accepted', delayMs: 250 },
      { kind: 'no-response' },
      { kind: 'accepted', delayMs: 250 },
      { kind: 'accepted', delayMs: 0 },
      { kind: 'disconnect' },
    ]);
  });

  it('counts every submit_sm in every rule, whatever the other rules decided', () => {
    // The 2nd submit_sm is refused; the no-response rule still counts it, so it hits the 4th.
    const policy = new SubmitFaultPolicy({ submitErrors: [{ status: 'ESME_RX_T_APPN', every: 2 }], submitNoResponse: { every: 3 } });
    expect(kinds(decisions(policy, 4))).toEqual(['accepted', 'refused', 'no-response', 'refused']);
  });

  it('mixes receipt outcomes every Nth, DELIVRD otherwise, and honours "failure only"', () => {
    const policy = new SubmitFaultPolicy({
      deliveryReceipts: {
        outcomes: [
          { stat: 'UNDELIV', every: 2 },
          { stat: 'EXPIRED', every: 3 },
        ],
      },
    });
    const stats = Array.from({ length: 6 }, () => policy.decideReceipt(RegisteredDelivery.SUCCESS_OR_FAILURE)?.stat);
    expect(stats).toEqual(['DELIVRD', 'UNDELIV', 'EXPIRED', 'UNDELIV', 'DELIVRD', 'UNDELIV']);

    const failureOnly = new SubmitFaultPolicy({ deliveryReceipts: { outcomes: [{ stat: 'REJECTD', every: 2 }] } });
    expect(failureOnly.decideReceipt(RegisteredDelivery.FAILURE_ONLY)).toBeUndefined();
    expect(failureOnly.decideReceipt(RegisteredDelivery.FAILURE_ONLY)?.stat).toBe('REJECTD');
    expect(failureOnly.decideReceipt(RegisteredDelivery.NONE)).toBeUndefined();
  });

  it('times receipts: immediate by default, a number of ms, or late', () => {
    const rd = RegisteredDelivery.SUCCESS_OR_FAILURE;
    expect(new SubmitFaultPolicy({ deliveryReceipts: {} }).decideReceipt(rd)).toEqual({ stat: 'DELIVRD', delayMs: 0, idForm: 'hex', form: 'standard' });
    expect(new SubmitFaultPolicy({ deliveryReceipts: { delay: 1500, idForm: 'decimal', form: 'esm0-tlv' } }).decideReceipt(rd)).toEqual({
      stat: 'DELIVRD',
      delayMs: 1500,
      idForm: 'decimal',
      form: 'esm0-tlv',
    });
    expect(new SubmitFaultPolicy({ deliveryReceipts: { delay: 'late' } }).decideReceipt(rd)?.delayMs).toBe(120_000);
    expect(new SubmitFaultPolicy({ deliveryReceipts: { delay: 'late', lateMs: 9_000 } }).decideReceipt(rd)?.delayMs).toBe(9_000);
  });

  it('keeps MOs queued only while the plan has moRedelivery, with its defaults filled in', () => {
    expect(new SubmitFaultPolicy({}).moRedelivery).toBeUndefined();
    expect(new SubmitFaultPolicy({ moRedelivery: {} }).moRedelivery).toEqual({ maxWaitMs: 30_000, retryDelayMs: 100 });
    expect(new SubmitFaultPolicy({ moRedelivery: { maxWaitMs: 500, retryDelayMs: 0 } }).moRedelivery).toEqual({ maxWaitMs: 500, retryDelayMs: 0 });
    expect(new SubmitFaultPolicy({ moRedelivery: {} }).isEmpty).toBe(false);
  });
});
