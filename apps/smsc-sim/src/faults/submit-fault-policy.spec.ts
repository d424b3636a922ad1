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
    expect(new SubmitFaultPolicy({ deliveryReceipts: {} }).decideReceipt(rd)).toEqual({
      stat: 'DELIVRD',
      intermediates: [],
      delayMs: 0,
      idForm: 'hex',
      form: 'standard',
    });
    expect(new SubmitFaultPolicy({ deliveryReceipts: { delay: 1500, idForm: 'decimal', form: 'esm0-tlv' } }).decideReceipt(rd)).toEqual({
      stat: 'DELIVRD',
      intermediates: [],
      delayMs: 1500,
      idForm: 'decimal',
      form: 'esm0-tlv',
    });
    expect(new SubmitFaultPolicy({ deliveryReceipts: { delay: 'late' } }).decideReceipt(rd)?.delayMs).toBe(120_000);
    expect(new SubmitFaultPolicy({ deliveryReceipts: { delay: 'late', lateMs: 9_000 } }).decideReceipt(rd)?.delayMs).toBe(9_000);
  });

  it('throttles beyond a strict per-second window, over any 1 000 ms by default or per calendar second', () => {
    const clock = { t: 10_900, now: () => clock.t };
    const sliding = new SubmitFaultPolicy({ tpsWindow: { cap: 2 } }, clock);
    expect(kinds(decisions(sliding, 3))).toEqual(['accepted', 'accepted', 'throttled']);
    clock.t = 11_100;
    expect(kinds(decisions(sliding, 1))).toEqual(['throttled']);
    const calendar = new SubmitFaultPolicy({ tpsWindow: { cap: 2, mode: 'calendar' } }, { now: () => clock.t });
    clock.t = 11_950;
    expect(kinds(decisions(calendar, 3))).toEqual(['accepted', 'accepted', 'throttled']);
    clock.t = 12_000;
    expect(kinds(decisions(calendar, 1))).toEqual(['accepted']);
  });

  it('measures the most submit_sm within any second, throttled ones included, from the plan on', () => {
    const clock = { t: 0, now: () => clock.t };
    const policy = new SubmitFaultPolicy({ tpsWindow: { cap: 2 } }, clock);
    expect(policy.maxSubmitsPerSecond).toBe(0);
    decisions(policy, 3);
    clock.t = 2_000;
    decisions(policy, 1);
    expect(policy.maxSubmitsPerSecond).toBe(3);
  });

  it('answers the selected accepted submit_sm with an odd submit_sm_resp, the first rule that hits winning', () => {
    const policy = new SubmitFaultPolicy({
      submitErrors: [{ status: 'ESME_RMSGQFUL', every: 4 }],
      quirks: {
        submitResponses: [
          { form: 'no-body', every: 2 },
          { form: 'tlvs-after-id', every: 3 },
        ],
      },
    });
    expect(decisions(policy, 6)).toEqual([
      { kind: 'accepted', delayMs: 0 },
      { kind: 'accepted', delayMs: 0, respForm: 'no-body' },
      { kind: 'accepted', delayMs: 0, respForm: 'tlvs-after-id' },
      // A refused submit_sm is answered as refused, with no body; the form is for accepted ones.
      { kind: 'refused', status: CommandStatus.ESME_RMSGQFUL, delayMs: 0 },
      { kind: 'accepted', delayMs: 0 },
      { kind: 'accepted', delayMs: 0, respForm: 'no-body' },
    ]);
  });

  it('selects the quirks of each MO by its own count of MOs, none by default', () => {
    expect(new SubmitFaultPolicy({}).decideMo()).toEqual({});
    const policy = new SubmitFaultPolicy({
      quirks: {
        moSourceNational: { every: 2 },
        moDestinations: [{ form: 'plus-international', every: 3 }, { form: 'national' }],
        moTrailingOctets: { count: 3, value: 0x20, every: 2 },
        moUssd: [{ marker: 'ussd-service-op', every: 4 }],
      },
    });
    // Submits do not move the MO counts.
    decisions(policy, 5);
    const mos = Array.from({ length: 4 }, () => policy.decideMo());
    expect(mos).toEqual([
      { destinationForm: 'national' },
      { sourceNational: true, destinationForm: 'national', trailingOctets: Buffer.from('   ') },
      { destinationForm: 'plus-international' },
      { sourceNational: true, destinationForm: 'national', trailingOctets: Buffer.from('   '), ussd: 'ussd-service-op' },
    ]);
    expect(new SubmitFaultPolicy({ quirks: { moTrailingOctets: {} } }).decideMo()).toEqual({ trailingOctets: Buffer.from([0]) });
  });

  it('sends the intermediate receipts before a final one, and SKIPPED as a final outcome', () => {
    const policy = new SubmitFaultPolicy({ deliveryReceipts: { intermediates: ['ACKED', 'BUFFRED'], outcomes: [{ stat: 'SKIPPED', every: 2 }] } });
    const rd = RegisteredDelivery.SUCCESS_OR_FAILURE;
    expect([policy.decideReceipt(rd), policy.decideReceipt(rd)].map((d) => [d?.intermediates, d?.stat])).toEqual([
      [['ACKED', 'BUFFRED'], 'DELIVRD'],
      [['ACKED', 'BUFFRED'], 'SKIPPED'],
    ]);
    // "Failure only" gets no DELIVRD receipt, so none of its intermediates either.
    expect(policy.decideReceipt(RegisteredDelivery.FAILURE_ONLY)).toBeUndefined();
  });

  it('draws the older rules exactly as before when quirks are added to a seeded plan', () => {
    const plan = { seed: 9, submitErrors: [{ status: 'ESME_RMSGQFUL', fraction: 0.3 }], submitNoResponse: { fraction: 0.2 } };
    const before = kinds(decisions(new SubmitFaultPolicy(plan), 100));
    const withQuirks = { ...plan, tpsWindow: { cap: 1_000 }, quirks: { submitResponses: [{ form: 'no-body' as const, fraction: 0.5 }] } };
    expect(kinds(decisions(new SubmitFaultPolicy(withQuirks), 100))).toEqual(before);
  });

  it('throttles each bind on its own beyond bindTpsWindow, while another bind still has room', () => {
    const clock = { t: 5_000, now: () => clock.t };
    const policy = new SubmitFaultPolicy({ bindTpsWindow: { cap: 2 } }, clock);
    const [a, b] = [{}, {}];
    expect([policy.decideSubmit(a), policy.decideSubmit(a), policy.decideSubmit(a)].map((d) => d.kind)).toEqual(['accepted', 'accepted', 'throttled']);
    expect([policy.decideSubmit(b), policy.decideSubmit(b)].map((d) => d.kind)).toEqual(['accepted', 'accepted']);
    clock.t = 6_001;
    expect(policy.decideSubmit(a).kind).toBe('accepted');
    // Calendar seconds too, per bind.
    const calendar = new SubmitFaultPolicy({ bindTpsWindow: { cap: 1, mode: 'calendar' } }, clock);
    clock.t = 7_999;
    expect([calendar.decideSubmit(a), calendar.decideSubmit(b), calendar.decideSubmit(a)].map((d) => d.kind)).toEqual(['accepted', 'accepted', 'throttled']);
    clock.t = 8_000;
    expect(calendar.decideSubmit(a).kind).toBe('accepted');
  });

  it('measures the most submit_sm one bind received within any second, apart from the whole operator’s', () => {
    const clock = { t: 0, now: () => clock.t };
    const policy = new SubmitFaultPolicy({}, clock);
    const [a, b] = [{}, {}];
    for (let i = 0; i < 3; i++) policy.decideSubmit(a);
    for (let i = 0; i < 2; i++) policy.decideSubmit(b);
    clock.t = 1_500;
    policy.decideSubmit(b);
    expect(policy.maxSubmitsPerSecondPerBind).toBe(3);
    expect(policy.maxSubmitsPerSecond).toBe(5);
    // A submit_sm not said to come from a bind counts for the operator only.
    expect(new SubmitFaultPolicy({}, clock).maxSubmitsPerSecondPerBind).toBe(0);
  });

  it('lets every bind with the right credentials in by default', () => {
    const none = { receiver: 0, transmitter: 0, transceiver: 0 };
    const policy = new SubmitFaultPolicy({});
    expect(['receiver', 'transmitter', 'transceiver'].map((t) => policy.decideBind(t as 'receiver', none))).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(policy.receiptsToSubmitter).toBe(false);
  });

  it('refuses every bind under bindRefusal, ESME_RINVPASWD by default or the status given', () => {
    const none = { receiver: 0, transmitter: 0, transceiver: 0 };
    expect(new SubmitFaultPolicy({ bindRefusal: {} }).decideBind('transceiver', none)).toEqual({
      ok: false,
      status: CommandStatus.ESME_RINVPASWD,
      reason: 'bind-refusal',
    });
    expect(new SubmitFaultPolicy({ bindRefusal: { status: 'ESME_RINVSYSID' } }).decideBind('receiver', none)).toMatchObject({
      status: CommandStatus.ESME_RINVSYSID,
    });
  });

  it('lets only transceivers in under transceiverOnly (ESME_RBINDFAIL by default), and sends receipts to the submitting bind', () => {
    const none = { receiver: 0, transmitter: 0, transceiver: 0 };
    const policy = new SubmitFaultPolicy({ transceiverOnly: {} });
    expect(policy.decideBind('receiver', none)).toEqual({ ok: false, status: CommandStatus.ESME_RBINDFAIL, reason: 'transceiver-only' });
    expect(policy.decideBind('transmitter', none)).toMatchObject({ ok: false, status: CommandStatus.ESME_RBINDFAIL });
    expect(policy.decideBind('transceiver', none)).toEqual({ ok: true });
    expect(policy.receiptsToSubmitter).toBe(true);
    expect(new SubmitFaultPolicy({ transceiverOnly: { status: 'ESME_RINVBNDSTS' } }).decideBind('receiver', none)).toMatchObject({
      status: CommandStatus.ESME_RINVBNDSTS,
    });
  });

  it('refuses a bind beyond maxBinds of its type, counting the binds up now', () => {
    const policy = new SubmitFaultPolicy({ maxBinds: { transmitter: 1 } });
    expect(policy.decideBind('transmitter', { receiver: 3, transmitter: 0, transceiver: 0 })).toEqual({ ok: true });
    expect(policy.decideBind('transmitter', { receiver: 0, transmitter: 1, transceiver: 0 })).toEqual({
      ok: false,
      status: CommandStatus.ESME_RBINDFAIL,
      reason: 'max-binds',
    });
    expect(policy.decideBind('receiver', { receiver: 5, transmitter: 1, transceiver: 0 })).toEqual({ ok: true });
    const alreadyBound = new SubmitFaultPolicy({ maxBinds: { receiver: 0, status: 'ESME_RALYBND' } });
    expect(alreadyBound.decideBind('receiver', { receiver: 0, transmitter: 0, transceiver: 0 })).toMatchObject({ status: CommandStatus.ESME_RALYBND });
  });

  it('spreads the selected MOs’ parts over binds with the form given, udh8 by default, drawing the older MO rules as before', () => {
    const policy = new SubmitFaultPolicy({ quirks: { moPartsAcrossBinds: { every: 2 } } });
    expect([policy.decideMo(), policy.decideMo()]).toEqual([{}, { partsAcrossBinds: 'udh8' }]);
    expect(new SubmitFaultPolicy({ quirks: { moPartsAcrossBinds: { form: 'sar' } } }).decideMo()).toEqual({ partsAcrossBinds: 'sar' });
    const plan = { seed: 4, quirks: { moSourceNational: { fraction: 0.5 } } };
    const base = new SubmitFaultPolicy(plan);
    const before = Array.from({ length: 50 }, () => base.decideMo());
    const spread = new SubmitFaultPolicy({ ...plan, quirks: { ...plan.quirks, moPartsAcrossBinds: { fraction: 0.5 } } });
    const after = Array.from({ length: 50 }, () => spread.decideMo());
    expect(after.map((q) => q.sourceNational)).toEqual(before.map((q) => q.sourceNational));
    expect(after.some((q) => q.partsAcrossBinds) && after.some((q) => !q.partsAcrossBinds)).toBe(true);
  });

  it('keeps MOs queued only while the plan has moRedelivery, with its defaults filled in', () => {
    expect(new SubmitFaultPolicy({}).moRedelivery).toBeUndefined();
    expect(new SubmitFaultPolicy({ moRedelivery: {} }).moRedelivery).toEqual({ maxWaitMs: 30_000, retryDelayMs: 100 });
    expect(new SubmitFaultPolicy({ moRedelivery: { maxWaitMs: 500, retryDelayMs: 0 } }).moRedelivery).toEqual({ maxWaitMs: 500, retryDelayMs: 0 });
    expect(new SubmitFaultPolicy({ moRedelivery: {} }).isEmpty).toBe(false);
  });
});
