import { eventually } from './support/eventually';
import { metricValue } from './support/service-metrics';
import { repliesTo, sim } from './support/sim-control';
import { PORTS, sendMo } from '@parchee/suite';

interface OperatorStats {
  receiptsSent: Record<string, number>;
}

async function receiptsAcked(operator: string): Promise<number> {
  const stats = await sim<{ operators: Record<string, OperatorStats> }>('GET', '/stats');
  return Object.values(stats.operators[operator].receiptsSent).reduce((a, b) => a + b, 0);
}

// Numbers of this spec's own (923449 8xxxxx). The e2e suite runs production's loop-breaker limits.
describe('no SMS loop with a machine at the other end', () => {
  afterEach(async () => {
    await sim('DELETE', '/operators/sco/faults');
  });

  it.each<[string, string]>([
    ['intermediate', '923449800001'],
    ['sme-ack', '923449800002'],
    ['esm0-text', '923449800003'],
    ['esm0-tlv', '923449800004'],
  ])('takes a %s receipt for what it is and never answers it', async (form, msisdn) => {
    await sim('PUT', '/operators/sco/faults', { deliveryReceipts: { form } });
    const receiptsBefore = await metricValue(PORTS.ingress, 'parchee_mo_received_total', { operator: 'sco', outcome: 'receipt' });
    const acked = await receiptsAcked('sco');

    // Not a CNIC: the reply is the "not understood" text, the one a loop would bounce forever.
    const first = await sendMo('sco', msisdn, 'hello');
    expect(first.status).toBe(200);
    // One receipt per part of the reply reached ingress (the simulator counts one once ingress acknowledged it).
    const parts = first.body.mt?.parts ?? 0;
    expect(parts).toBeGreaterThan(0);
    await eventually(`the ${form} receipts acknowledged`, async () => ((await receiptsAcked('sco')) >= acked + parts ? true : undefined));
    expect(await metricValue(PORTS.ingress, 'parchee_mo_received_total', { operator: 'sco', outcome: 'receipt' })).toBe(receiptsBefore + parts);

    // Had the receipt been taken for an MO, its reply would travel the same partitions ahead of
    // this follow-up's and reach the simulator first.
    await sim('DELETE', '/operators/sco/faults');
    const followUp = await sendMo('sco', msisdn, 'HELP');
    expect(followUp.status).toBe(200);
    expect(await repliesTo(msisdn)).toBe(2);
  });

  it('answers an auto-responder’s first five texts in the hour, then stops replying', async () => {
    const msisdn = '923449800010';
    const mutedBefore = await metricValue(PORTS.lookup, 'parchee_requests_refused_total', { operator: 'zong', reason: 'muted' });
    for (let i = 1; i <= 5; i++) {
      const reply = await sendMo('zong', msisdn, `Auto-reply ${i}: I am driving`);
      expect(reply.status).toBe(200);
    }
    // The sixth and seventh are acknowledged and withheld: no reply comes.
    for (const i of [6, 7]) {
      const withheld = await sendMo('zong', msisdn, `Auto-reply ${i}: I am driving`, 2000);
      expect(withheld.body.mo?.commandStatus).toBe(0);
      expect(withheld.status).toBe(504);
    }
    await eventually('both withheld replies counted', async () => {
      const muted = await metricValue(PORTS.lookup, 'parchee_requests_refused_total', { operator: 'zong', reason: 'muted' });
      return muted >= mutedBefore + 2 ? muted : undefined;
    });
    // A lookup is never muted; its reply travels behind any the withheld texts could have had.
    const lookup = await sendMo('zong', msisdn, '3520212345671');
    expect(lookup.status).toBe(200);
    expect(await repliesTo(msisdn)).toBe(6);
  });
});
