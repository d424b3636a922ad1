import { E2E_ROLL_DIR } from './support/e2e-paths';
import { loadExpectedRoll } from './support/expected-roll';
import { eventually } from './support/eventually';
import { metricSum, metricValue } from './support/service-metrics';
import { repliesTo, sim, type LoadReport } from './support/sim-control';
import { CommandStatus } from '@parchee/smpp';
import { PORTS, sendMo } from '@parchee/suite';

interface OperatorStats {
  mosAcked: number;
  mtParts: number;
  moQuirks: Record<string, number>;
  ussdMosSent: number;
  ussdMosAcked: number;
  ussdMosRefused: Record<string, number>;
  submitsThrottled: number;
  maxSubmitsPerSecond: number;
  submitRespQuirks: Record<string, number>;
  receiptsSent: Record<string, number>;
  receiptsFailed: number;
  receiptsPending: number;
}

async function simStats(operator: string): Promise<OperatorStats> {
  return (await sim<{ operators: Record<string, OperatorStats> }>('GET', '/stats')).operators[operator];
}

/** How much each counter of a record grew between two readings. */
function grown(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([k, v]) => [k, v - (before[k] ?? 0)])
      .filter(([, d]) => d !== 0),
  );
}

/** What egress counted of one operator's MTs and receipts, and every dead letter it wrote. */
async function egressCounts(operator: string) {
  const mt = (outcome: string) => metricValue(PORTS.egress, 'parchee_mt_submitted_total', { operator, outcome });
  const dlr = (state: string) => metricValue(PORTS.egress, 'parchee_dlr_total', { operator, state });
  return {
    sent: await mt('sent'),
    rejected: await mt('rejected'),
    expired: await mt('expired'),
    deadLetters: await metricSum(PORTS.egress, 'parchee_dead_letters_total', { service: 'egress' }),
    throttledBySmsc: await metricValue(PORTS.egress, 'parchee_smpp_throttled_total', { operator }),
    receipts: {
      ACCEPTED: await dlr('ACCEPTED'),
      BUFFERED: await dlr('BUFFERED'),
      ENROUTE: await dlr('ENROUTE'),
      DELIVERED: await dlr('DELIVERED'),
      SKIPPED: await dlr('SKIPPED'),
    },
    unmatched: await metricValue(PORTS.egress, 'parchee_dlr_unmatched_total', { operator }),
  };
}

/** sco's link paces our submit_sm at this rate (`tps` in config/operators.yaml). */
const SCO_TPS = 100;

// Numbers of this spec's own: 923458800xxx, and 923825xxxxxx for the load.
describe('the suite against an operator SMSC with real-world quirks', () => {
  const roll = loadExpectedRoll(E2E_ROLL_DIR);

  afterEach(async () => {
    for (const op of ['telenor', 'zong', 'sco']) await sim('DELETE', `/operators/${op}/faults`);
  });

  it('answers every MO of an operator with every harmless quirk on, reads every receipt, and dead-letters no MT', async () => {
    const op = 'telenor';
    // Receipts as text alone (esm_class 0, no TLVs), so the stat words themselves are what egress reads.
    await sim('PUT', `/operators/${op}/faults`, {
      quirks: {
        submitResponses: [{ form: 'no-body', every: 3 }, { form: 'id-without-nul', every: 2 }, { form: 'tlvs-after-id' }],
        moSourceNational: { every: 2 },
        moDestinations: [{ form: 'plus-international', every: 3 }, { form: 'international', every: 2 }, { form: 'national' }],
        moTrailingOctets: { count: 3 },
      },
      deliveryReceipts: { form: 'esm0-text', intermediates: ['ACKED', 'BUFFRED', 'ACCEPTD', 'ENROUTE'], outcomes: [{ stat: 'SKIPPED', every: 2 }] },
    });
    const simBefore = await simStats(op);
    const egressBefore = await egressCounts(op);

    // Six MOs: every pairing of the every-2nd and every-3rd rules.
    const voters = roll.voters.slice(1300, 1306);
    const msisdns = voters.map((_, i) => `92345880000${i}`);
    const replies = await Promise.all(voters.map((v, i) => sendMo(op, msisdns[i], v.cnic, 30_000)));
    expect(replies.map((r) => r.status)).toEqual(voters.map(() => 200));
    replies.forEach((r, i) => expect(r.body.mt?.text).toContain(voters[i].blockCode));
    for (const m of msisdns) expect(await repliesTo(m)).toBe(1);

    const simAfter = await simStats(op);
    expect(grown(simBefore.moQuirks, simAfter.moQuirks)).toEqual({
      'source-national': 3,
      'destination-plus-international': 2,
      'destination-international': 2,
      'destination-national': 2,
      'trailing-octets': 6,
    });
    const parts = simAfter.mtParts - simBefore.mtParts;
    const respQuirks = grown(simBefore.submitRespQuirks, simAfter.submitRespQuirks);
    expect(Object.keys(respQuirks).sort()).toEqual(['id-without-nul', 'no-body', 'tlvs-after-id']);
    expect(Object.values(respQuirks).reduce((a, b) => a + b, 0)).toBe(parts);

    // Each part's four intermediate receipts and its final one, all acknowledged by ingress.
    const receipts = await eventually('every receipt of the replies acknowledged', async () => {
      const now = await simStats(op);
      const sent = grown(simBefore.receiptsSent, now.receiptsSent);
      return (sent['DELIVRD'] ?? 0) + (sent['SKIPPED'] ?? 0) === parts && now.receiptsPending === 0 ? { now, sent } : undefined;
    });
    expect(receipts.now.receiptsFailed).toBe(simBefore.receiptsFailed);
    expect(receipts.sent).toMatchObject({ ACKED: parts, BUFFRED: parts, ACCEPTD: parts, ENROUTE: parts });

    // Egress read every one of them in its state (ACKED and ACCEPTD both as ACCEPTED); only the
    // parts whose submit_sm_resp had no message_id could not be matched.
    const read = await eventually('egress read every receipt', async () => {
      const now = await egressCounts(op);
      const got = grown(egressBefore.receipts, now.receipts);
      return Object.values(got).reduce((a, b) => a + b, 0) === parts * 5 ? { now, got } : undefined;
    });
    expect(read.got).toEqual({
      ACCEPTED: 2 * parts,
      BUFFERED: parts,
      ENROUTE: parts,
      ...(receipts.sent['DELIVRD'] ? { DELIVERED: receipts.sent['DELIVRD'] } : {}),
      ...(receipts.sent['SKIPPED'] ? { SKIPPED: receipts.sent['SKIPPED'] } : {}),
    });
    expect(read.now.unmatched - egressBefore.unmatched).toBe(5 * (respQuirks['no-body'] ?? 0));

    // No MT dead-lettered: every reply sent, none rejected or expired, no dead letter at all.
    expect(read.now.sent - egressBefore.sent).toBe(voters.length);
    expect(read.now.rejected).toBe(egressBefore.rejected);
    expect(read.now.expired).toBe(egressBefore.expired);
    expect(read.now.deadLetters).toBe(egressBefore.deadLetters);
  });

  it('refuses MOs sent as USSD steps with ESME_RX_R_APPN and never answers them by SMS', async () => {
    const op = 'zong';
    await sim('PUT', `/operators/${op}/faults`, { quirks: { moUssd: [{ marker: 'service-type', every: 2 }, { marker: 'ussd-service-op' }] } });
    const before = await simStats(op);
    const refusedBefore = await metricValue(PORTS.ingress, 'parchee_mo_received_total', { operator: op, outcome: 'ussd_refused' });
    const msisdns = ['923458800101', '923458800102'];
    for (const [i, m] of msisdns.entries()) {
      const refused = await sendMo(op, m, roll.voters[1320 + i].cnic, 10_000);
      expect(refused).toEqual({
        status: 502,
        body: { error: 'mo-refused', mo: { commandStatus: CommandStatus.ESME_RX_R_APPN, commandStatusName: 'ESME_RX_R_APPN' } },
      });
    }
    const after = await simStats(op);
    expect(grown(before.moQuirks, after.moQuirks)).toEqual({ 'ussd-ussd-service-op': 1, 'ussd-service-type': 1 });
    expect(after.ussdMosSent - before.ussdMosSent).toBe(2);
    expect(after.ussdMosAcked).toBe(before.ussdMosAcked);
    expect(grown(before.ussdMosRefused, after.ussdMosRefused)).toEqual({ ESME_RX_R_APPN: 2 });
    expect(await metricValue(PORTS.ingress, 'parchee_mo_received_total', { operator: op, outcome: 'ussd_refused' })).toBe(refusedBefore + 2);

    // Had a USSD step been answered, its reply would travel the same partitions ahead of the
    // follow-up's and reach the simulator first.
    await sim('DELETE', `/operators/${op}/faults`);
    for (const [i, m] of msisdns.entries()) {
      const followUp = await sendMo(op, m, roll.voters[1330 + i].cnic, 20_000);
      expect(followUp.status).toBe(200);
      expect(followUp.body.mt?.text).toContain(roll.voters[1330 + i].blockCode);
      expect(await repliesTo(m)).toBe(1);
    }
  });

  it("keeps under an operator's strict per-second window with even pacing, and every reply arrives", async () => {
    const op = 'sco';
    // The SMSC allows a fifth above the link's pace in any 1 000 ms: evenly dated slots still reach
    // it a few milliseconds late or early each (timers, the event loop, the network), so a window
    // exactly at the pace catches a few of them, while a second's slots granted in a burst at its
    // start show close to twice the pace in a sliding second.
    const cap = Math.round(SCO_TPS * 1.2);
    await sim('PUT', `/operators/${op}/faults`, { tpsWindow: { cap, mode: 'sliding' } });
    const before = await simStats(op);
    const egressBefore = await egressCounts(op);
    const texts = roll.voters.slice(1340, 1390).map((v) => v.cnic);
    const plan = { count: 150, ratePerSec: 150, operators: [op], texts, timeoutMs: 30_000, msisdnStart: 825_000_000 };
    const report = await sim<LoadReport>('POST', '/load', plan);
    expect(report).toMatchObject({ sent: plan.count, acked: plan.count, replied: plan.count, timedOut: 0, refused: {}, failed: {} });

    const after = await simStats(op);
    // The replies' parts (several seconds of the pace, asked for within one) waited for the pace:
    // some second saw nearly the whole pace, none more than the cap, none was throttled.
    expect(after.mtParts - before.mtParts).toBeGreaterThanOrEqual(3 * SCO_TPS);
    expect(after.maxSubmitsPerSecond).toBeGreaterThanOrEqual(0.9 * SCO_TPS);
    expect(after.maxSubmitsPerSecond).toBeLessThanOrEqual(cap);
    expect(after.submitsThrottled).toBe(before.submitsThrottled);
    const egressAfter = await egressCounts(op);
    expect(egressAfter.throttledBySmsc).toBe(egressBefore.throttledBySmsc);
    expect(egressAfter.sent - egressBefore.sent).toBe(plan.count);
    expect(egressAfter.deadLetters).toBe(egressBefore.deadLetters);
  });
});
