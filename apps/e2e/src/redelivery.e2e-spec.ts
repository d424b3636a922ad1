import { PORTS, sendMo } from './suite/suite-launcher';
import { E2E_ROLL_DIR } from './support/e2e-paths';
import { loadExpectedRoll } from './support/expected-roll';
import { metricValue } from './support/service-metrics';
import { repliesTo } from './support/sim-control';

// Numbers of this spec's own (923449 9xxxxx).
describe('an SMSC re-delivering an MO already stored', () => {
  const roll = loadExpectedRoll(E2E_ROLL_DIR);

  it('acknowledges the re-delivery without a second reply, and counts it as a duplicate', async () => {
    const msisdn = '923449900201';
    const voter = roll.voters[901];
    const text = `E ${voter.cnic}`;
    const duplicatesBefore = await metricValue(PORTS.ingress, 'parchee_mo_received_total', { operator: 'ufone', outcome: 'duplicate' });

    const first = await sendMo('ufone', msisdn, text);
    expect(first.status).toBe(200);
    expect(first.body.mt!.text).toContain(voter.blockCode);

    // The very same MO again, as an SMSC whose deliver_sm_resp was lost sends it: acknowledged,
    // and (504) the simulator waited for a reply in vain.
    const again = await sendMo('ufone', msisdn, text, 2000);
    expect(again.body.mo?.commandStatus).toBe(0);
    expect(again.status).toBe(504);
    expect(await metricValue(PORTS.ingress, 'parchee_mo_received_total', { operator: 'ufone', outcome: 'duplicate' })).toBe(duplicatesBefore + 1);

    // A different text from the same number follows the same partitions: had the re-delivery
    // produced a reply, it would have reached the simulator before this one's.
    const followUp = await sendMo('ufone', msisdn, 'HELP');
    expect(followUp.status).toBe(200);
    expect(await repliesTo(msisdn)).toBe(2);
  });
});
