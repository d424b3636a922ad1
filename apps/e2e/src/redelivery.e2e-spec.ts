import { PORTS, sendMo } from './suite/suite-launcher';
import { E2E_ROLL_DIR } from './support/e2e-paths';
import { loadExpectedRoll } from './support/expected-roll';

/** The value of one counter series, 0 when it does not exist yet. */
async function counter(port: number, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (wanted.every((w) => labelText.split(',').includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

async function repliesTo(msisdn: string): Promise<number> {
  return ((await (await fetch(`http://127.0.0.1:${PORTS.sim}/mt?msisdn=${msisdn}`)).json()) as { count: number }).count;
}

// Numbers of this spec's own (923449 9xxxxx).
describe('an SMSC re-delivering an MO already stored', () => {
  const roll = loadExpectedRoll(E2E_ROLL_DIR);

  it('acknowledges the re-delivery without a second reply, and counts it as a duplicate', async () => {
    const msisdn = '923449900201';
    const voter = roll.voters[901];
    const text = `E ${voter.cnic}`;
    const duplicatesBefore = await counter(PORTS.ingress, 'parchee_mo_received_total', { operator: 'ufone', outcome: 'duplicate' });

    const first = await sendMo('ufone', msisdn, text);
    expect(first.status).toBe(200);
    expect(first.body.mt!.text).toContain(voter.blockCode);

    // The very same MO again, as an SMSC whose deliver_sm_resp was lost sends it: acknowledged,
    // and (504) the simulator waited for a reply in vain.
    const again = await sendMo('ufone', msisdn, text, 2000);
    expect(again.body.mo?.commandStatus).toBe(0);
    expect(again.status).toBe(504);
    expect(await counter(PORTS.ingress, 'parchee_mo_received_total', { operator: 'ufone', outcome: 'duplicate' })).toBe(duplicatesBefore + 1);

    // A different text from the same number follows the same partitions: had the re-delivery
    // produced a reply, it would have reached the simulator before this one's.
    const followUp = await sendMo('ufone', msisdn, 'HELP');
    expect(followUp.status).toBe(200);
    expect(await repliesTo(msisdn)).toBe(2);
  });
});
