import { E2E_ROLL_DIR } from './support/e2e-paths';
import { eventually } from './support/eventually';
import { loadExpectedRoll } from './support/expected-roll';
import { loadMsisdn, suiteReady, writeFaultResults } from './support/fault-load';
import { MULTI_AUTH_FAILURE_DELAY_MS, MULTI_BIND_TPS, MULTI_OPERATOR, TRX_OPERATOR } from './support/quirk-operators';
import { metricSum, metricValue } from './support/service-metrics';
import { repliesTo, sim, type LoadReport } from './support/sim-control';
import { PORTS, sendMo } from '@parchee/suite';

type BindCounts = { receiver: number; transmitter: number; transceiver: number };

interface OperatorStats {
  binds: BindCounts;
  bindAttempts: BindCounts;
  bindRefusals: Record<string, number>;
  mosRedelivered: number;
  moQuirks: Record<string, number>;
  mtParts: number;
  submitsThrottled: number;
  maxSubmitsPerSecond: number;
  maxSubmitsPerSecondPerBind: number;
  receiptsSent: Record<string, number>;
  receiptsFailed: number;
  receiptsNoBind: number;
  receiptsPending: number;
}

async function simStats(operator: string): Promise<OperatorStats> {
  return (await sim<{ operators: Record<string, OperatorStats> }>('GET', '/stats')).operators[operator];
}

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** Resolves once the operator holds exactly these binds. */
function boundAs(operator: string, binds: BindCounts, timeoutMs = 20_000): Promise<OperatorStats> {
  return eventually(
    `${operator} bound as ${JSON.stringify(binds)}`,
    async () => {
      const s = await simStats(operator);
      return JSON.stringify(s.binds) === JSON.stringify(binds) ? s : undefined;
    },
    timeoutMs,
    50,
  );
}

/** How many replies each MSISDN of a load got, for those that did not get exactly one. */
async function notAnsweredOnce(msisdnStart: number, count: number): Promise<Record<string, number>> {
  const odd: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const msisdn = loadMsisdn(msisdnStart, i);
    const n = await repliesTo(msisdn);
    if (n !== 1) odd[msisdn] = n;
  }
  return odd;
}

const ingressMo = (operator: string, outcome: string) => metricValue(PORTS.ingress, 'parchee_mo_received_total', { operator, outcome });

/** The binds the SMSC refused for their credentials, as ingress (receivers) and egress (transmitters) count them. */
async function credentialRefusals(operator: string): Promise<{ receiver: number; transmitter: number }> {
  const status = 'ESME_RINVPASWD';
  return {
    receiver: await metricValue(PORTS.ingress, 'parchee_smpp_bind_rejected_total', { operator, direction: 'receiver', status }),
    transmitter: await metricValue(PORTS.egress, 'parchee_smpp_bind_rejected_total', { operator, direction: 'transmitter', status }),
  };
}

/** `parchee_smpp_bind_auth_failing` of the link's two receivers (ingress) and two transmitters (egress). */
async function authFailing(operator: string): Promise<number[]> {
  const gauge = 'parchee_smpp_bind_auth_failing';
  return [
    await metricValue(PORTS.ingress, gauge, { operator, direction: 'receiver', bind: '0' }),
    await metricValue(PORTS.ingress, gauge, { operator, direction: 'receiver', bind: '1' }),
    await metricValue(PORTS.egress, gauge, { operator, direction: 'transmitter', bind: '0' }),
    await metricValue(PORTS.egress, gauge, { operator, direction: 'transmitter', bind: '1' }),
  ];
}

// The suite's two quirk operators (support/quirk-operators.ts), which no other spec uses.
// Numbers of this spec's own: 923468800xxx, and 82600xxxx-82700xxxx for the loads; voters 2600-2700.
describe('operator accounts that limit binds: transceivers only, a rate per bind, refused credentials, MO parts over several binds', () => {
  const roll = loadExpectedRoll(E2E_ROLL_DIR);
  /** What each case measured, for docs/fault-results.md (var/e2e/operator-binds-results.json). */
  const results: Array<Record<string, unknown>> = [];

  afterAll(async () => {
    writeFaultResults('operator-binds-results.json', results);
    // Whatever failed above, the specs after this one find both accounts as the suite started them.
    for (const op of [TRX_OPERATOR, MULTI_OPERATOR]) await sim('DELETE', `/operators/${op}/faults`);
    await boundAs(TRX_OPERATOR, { receiver: 0, transmitter: 0, transceiver: 2 });
    // A bind refused last waits authFailureDelayMs (±20 %) before it tries again, or, refused with
    // ESME_RBINDFAIL by the per-bind case's maxBinds, the reconnect backoff grown over its
    // refusals (1, 2, 4, 8, 16 s ±20 %).
    await boundAs(MULTI_OPERATOR, { receiver: 2, transmitter: 2, transceiver: 0 }, 30_000);
    await suiteReady();
  }, 60_000);

  it("binds transceivers only to a transceiver-only account, answers every MO once (those the SMSC gave egress's bind came again to ingress's), and egress reads every receipt", async () => {
    const op = TRX_OPERATOR;
    // The simulator has refused any other bind since the boot; Parchee never asked for one.
    const before = await simStats(op);
    expect(before.binds).toEqual({ receiver: 0, transmitter: 0, transceiver: 2 });
    expect(before.bindAttempts).toMatchObject({ receiver: 0, transmitter: 0 });
    expect(before.bindRefusals).toEqual({});
    const egress = async () => ({
      receipts: await metricValue(PORTS.egress, 'parchee_transceiver_deliveries_total', { operator: op, outcome: 'receipt' }),
      moRefused: await metricValue(PORTS.egress, 'parchee_transceiver_deliveries_total', { operator: op, outcome: 'mo_refused' }),
      delivered: await metricValue(PORTS.egress, 'parchee_dlr_total', { operator: op, state: 'DELIVERED' }),
      unmatched: await metricValue(PORTS.egress, 'parchee_dlr_unmatched_total', { operator: op }),
    });
    const egressBefore = await egress();
    const ingressReceiptsBefore = await ingressMo(op, 'receipt');

    const plan = {
      count: 20,
      concurrency: 20,
      operators: [op],
      texts: roll.voters.slice(2600, 2620).map((v) => v.cnic),
      timeoutMs: 30_000,
      msisdnStart: 826_000_000,
    };
    const report = await sim<LoadReport>('POST', '/load', plan);
    expect(report).toMatchObject({ sent: plan.count, acked: plan.count, replied: plan.count, timedOut: 0, refused: {}, failed: {} });
    expect(await notAnsweredOnce(plan.msisdnStart, plan.count)).toEqual({});

    // MOs take the account's two transceivers in turn: those that reached egress's were sent back
    // with ESME_RX_T_APPN and delivered again, one re-delivery for each.
    const after = await simStats(op);
    const redelivered = after.mosRedelivered - before.mosRedelivered;
    expect(redelivered).toBeGreaterThan(0);
    expect((await egress()).moRefused - egressBefore.moRefused).toBe(redelivered);

    // Every reply part's receipt went to egress's bind, which submitted it, and was read there.
    const parts = after.mtParts - before.mtParts;
    expect(parts).toBeGreaterThanOrEqual(plan.count);
    await eventually('every receipt acknowledged', async () => {
      const now = await simStats(op);
      return sum(now.receiptsSent) - sum(before.receiptsSent) === parts && now.receiptsPending === 0 ? now : undefined;
    }).then((now) => expect(now).toMatchObject({ receiptsFailed: before.receiptsFailed, receiptsNoBind: before.receiptsNoBind }));
    const read = await eventually('egress read every receipt', async () => {
      const now = await egress();
      return now.delivered - egressBefore.delivered === parts ? now : undefined;
    });
    expect(read.receipts - egressBefore.receipts).toBe(parts);
    expect(read.unmatched).toBe(egressBefore.unmatched);
    expect(await ingressMo(op, 'receipt')).toBe(ingressReceiptsBefore);
    expect((await simStats(op)).bindAttempts).toMatchObject({ receiver: 0, transmitter: 0 });
    results.push({ case: 'transceiver-only account', mos: plan.count, replied: report.replied, redelivered, replyParts: parts, receiptsReadByEgress: parts });
  }, 60_000);

  it('counts refused credentials, binds again only every authFailureDelayMs, and answers the next SMS once the SMSC takes them again', async () => {
    const op = MULTI_OPERATOR;
    const all = { receiver: 2, transmitter: 2, transceiver: 0 };
    const binds = sum(all);
    const before = await boundAs(op, all);
    const metricsBefore = await credentialRefusals(op);
    expect(await authFailing(op)).toEqual([0, 0, 0, 0]);

    // The account's password changed at the operator: every bind is refused, and the ones up are dropped.
    await sim('PUT', `/operators/${op}/faults`, { bindRefusal: { status: 'ESME_RINVPASWD' } });
    const droppedAt = Date.now();
    await sim('POST', `/operators/${op}/disconnect`);
    const refused = (s: OperatorStats) => (s.bindRefusals['ESME_RINVPASWD'] ?? 0) - (before.bindRefusals['ESME_RINVPASWD'] ?? 0);
    await eventually('every bind refused once', async () => (refused(await simStats(op)) >= binds ? true : undefined));
    await eventually('ingress and egress count the refusals', async () => {
      const now = await credentialRefusals(op);
      return now.receiver - metricsBefore.receiver >= 2 && now.transmitter - metricsBefore.transmitter >= 2 && (await authFailing(op)).every((v) => v === 1)
        ? true
        : undefined;
    });

    // Each bind came back about a second after the drop (its backoff's first step), was refused,
    // and now waits authFailureDelayMs (±20 %: 4-6 s) before each try: by 8.5 s after the drop
    // each tried at most twice. A reconnect backoff (1, 2, 4 s... ±20 %) would have tried three
    // times by then, and a client retrying at once many more.
    const watchUntil = droppedAt + 1.7 * MULTI_AUTH_FAILURE_DELAY_MS;
    const attempts = async () => sum((await simStats(op)).bindAttempts) - sum(before.bindAttempts);
    let tried = 0;
    for (;;) {
      tried = await attempts();
      expect(tried).toBeLessThanOrEqual(2 * binds);
      if (Date.now() >= watchUntil) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Put right: each bind binds at its next try, and the next SMS is answered.
    await sim('DELETE', `/operators/${op}/faults`);
    const clearedAt = Date.now();
    await boundAs(op, all, 2 * MULTI_AUTH_FAILURE_DELAY_MS);
    results.push({
      case: 'refused credentials',
      binds,
      bindAttemptsWithin: { ms: watchUntil - droppedAt, attempts: tried },
      authFailureDelayMs: MULTI_AUTH_FAILURE_DELAY_MS,
      allBoundAfterClearMs: Date.now() - clearedAt,
    });
    await eventually('ingress and egress see the binds accepted', async () => ((await authFailing(op)).every((v) => v === 0) ? true : undefined));
    const voter = roll.voters[2621];
    const msisdn = '923468800001';
    const reply = await sendMo(op, msisdn, voter.cnic, 20_000);
    expect(reply.status).toBe(200);
    expect(reply.body.mt?.text).toContain(voter.blockCode);
    expect(await repliesTo(msisdn)).toBe(1);
  }, 60_000);

  it('answers a long MO once whose parts the SMSC delivered over different receiver binds, with a UDH or SAR header', async () => {
    const op = MULTI_OPERATOR;
    const before = await boundAs(op, { receiver: 2, transmitter: 2, transceiver: 0 });
    const buffered = await ingressMo(op, 'part_buffered');
    const dashed = (cnic: string) => `${cnic.slice(0, 5)}-${cnic.slice(5, 12)}-${cnic.slice(12)}`;
    const asks = [
      {
        form: 'udh8',
        voter: roll.voters[2630],
        text: (cnic: string) =>
          `Assalam o Alaikum. Please tell me where I have to go to vote in the coming election. My CNIC is ${dashed(cnic)} and my whole family ` +
          'lives at the same address, so please also tell me whether they vote at the same polling station. We are five voters in the house. ' +
          'JazakAllah, thank you very much for this service.',
      },
      {
        form: 'udh8',
        voter: roll.voters[2631],
        text: (cnic: string) => `میرا شناختی کارڈ نمبر ${cnic} ہے۔ براہ کرم مجھے میرا پولنگ اسٹیشن اور ووٹ کی تفصیل بتائیں، شکریہ۔`,
      },
      {
        form: 'sar',
        voter: roll.voters[2632],
        text: (cnic: string) =>
          `Dear election commission, I would like to know my polling station and my electoral area for the coming election please. CNIC ${cnic}, ` +
          'I moved house last year and do not know whether my vote moved with me.',
      },
    ] as const;
    let parts = 0;
    for (const [i, ask] of asks.entries()) {
      await sim('PUT', `/operators/${op}/faults`, { quirks: { moPartsAcrossBinds: { form: ask.form } } });
      const msisdn = `92346880010${i}`;
      const reply = await sendMo(op, msisdn, ask.text(ask.voter.cnic), 20_000);
      expect(reply.status).toBe(200);
      // POST /mo tells how many deliver_sm the MO took.
      const moParts = reply.body.mo?.parts ?? 0;
      expect(moParts).toBeGreaterThanOrEqual(2);
      parts += moParts;
      expect(reply.body.mt?.text).toContain(ask.voter.blockCode);
      expect(await repliesTo(msisdn)).toBe(1);
    }
    const after = await simStats(op);
    const spread = Object.fromEntries(Object.entries(after.moQuirks).map(([k, v]) => [k, v - (before.moQuirks[k] ?? 0)]));
    expect(spread).toMatchObject({ 'parts-across-binds-udh8': 2, 'parts-across-binds-sar': 1 });
    // Every part but each MO's last waited in Redis for the others, whichever bind it came on.
    expect((await ingressMo(op, 'part_buffered')) - buffered).toBe(parts - asks.length);
    results.push({ case: 'MO parts across binds', mos: asks.length, parts, forms: asks.map((a) => a.form) });
  }, 60_000);

  it("keeps each bind under the operator's per-bind cap with bindTps when one bind carries the whole link, and answers every MO once", async () => {
    const op = MULTI_OPERATOR;
    await boundAs(op, { receiver: 2, transmitter: 2, transceiver: 0 });
    // The SMSC polices each bind over any 1 000 ms, a fifth above the contracted rate for timer
    // jitter (as operator-quirks.e2e-spec does for the link's), and now lets the account hold one
    // transmitter: after the drop one of egress's two binds again, the other is refused, and the
    // link's pace (twice one bind's) has only that bind to go through.
    const cap = Math.round(MULTI_BIND_TPS * 1.2);
    await sim('PUT', `/operators/${op}/faults`, { bindTpsWindow: { cap, mode: 'sliding' }, maxBinds: { transmitter: 1 } });
    const refusedBefore = (await simStats(op)).bindRefusals['ESME_RBINDFAIL'] ?? 0;
    await sim('POST', `/operators/${op}/disconnect`);
    await eventually('one transmitter bound again, the other refused', async () => {
      const s = await simStats(op);
      return s.binds.transmitter === 1 && s.binds.receiver === 2 && (s.bindRefusals['ESME_RBINDFAIL'] ?? 0) > refusedBefore ? true : undefined;
    });
    const before = await simStats(op);
    const egress = async () => ({
      sent: await metricValue(PORTS.egress, 'parchee_mt_submitted_total', { operator: op, outcome: 'sent' }),
      throttledBySmsc: await metricValue(PORTS.egress, 'parchee_smpp_throttled_total', { operator: op }),
      deadLetters: await metricSum(PORTS.egress, 'parchee_dead_letters_total', { service: 'egress' }),
    });
    const egressBefore = await egress();

    const plan = {
      count: 60,
      ratePerSec: 60,
      operators: [op],
      texts: roll.voters.slice(2640, 2700).map((v) => v.cnic),
      timeoutMs: 30_000,
      msisdnStart: 827_000_000,
    };
    const report = await sim<LoadReport & { durationMs: number }>('POST', '/load', plan);
    expect(report).toMatchObject({ sent: plan.count, acked: plan.count, replied: plan.count, timedOut: 0, refused: {}, failed: {} });
    expect(await notAnsweredOnce(plan.msisdnStart, plan.count)).toEqual({});

    const after = await simStats(op);
    results.push({
      case: 'per-bind cap, one transmitter bound',
      mos: plan.count,
      replyParts: after.mtParts - before.mtParts,
      bindTps: MULTI_BIND_TPS,
      smscCapPerBind: cap,
      maxSubmitsPerSecondPerBind: after.maxSubmitsPerSecondPerBind,
      throttled: after.submitsThrottled - before.submitsThrottled,
      loadMs: report.durationMs,
    });
    expect(after.binds.transmitter).toBe(1);
    // More than two seconds of one bind's rate, asked for within one: the bind went at its pace,
    // never above the SMSC's cap, and nothing was throttled.
    expect(after.mtParts - before.mtParts).toBeGreaterThanOrEqual(2 * MULTI_BIND_TPS);
    expect(after.maxSubmitsPerSecondPerBind).toBeGreaterThanOrEqual(0.8 * MULTI_BIND_TPS);
    expect(after.maxSubmitsPerSecondPerBind).toBeLessThanOrEqual(cap);
    expect(after.submitsThrottled).toBe(before.submitsThrottled);
    const egressAfter = await egress();
    expect(egressAfter.throttledBySmsc).toBe(egressBefore.throttledBySmsc);
    expect(egressAfter.sent - egressBefore.sent).toBe(plan.count);
    expect(egressAfter.deadLetters).toBe(egressBefore.deadLetters);
  }, 60_000);
});
