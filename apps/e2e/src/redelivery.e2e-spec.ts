import { E2E_ROLL_DIR } from './support/e2e-paths';
import { eventually } from './support/eventually';
import { loadExpectedRoll } from './support/expected-roll';
import { metricValue } from './support/service-metrics';
import { repliesTo, sim, type LoadReport } from './support/sim-control';
import { OPERATORS, PORTS, sendMo, startService, stopService } from '@parchee/suite';

/** MOs re-sent by the SMSCs at once when a restarted ingress binds. */
const RESENT = 200;

async function waitingForBind(): Promise<number> {
  const stats = await sim<{ operators: Record<string, { mosWaitingForBind: number }> }>('GET', '/stats');
  return Object.values(stats.operators).reduce((sum, op) => sum + op.mosWaitingForBind, 0);
}

async function ingressOutcome(outcome: string): Promise<number> {
  let sum = 0;
  for (const operator of OPERATORS) sum += await metricValue(PORTS.ingress, 'parchee_mo_received_total', { operator, outcome });
  return sum;
}

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

describe('SMSCs re-sending what a stopped ingress left, the moment it binds again', () => {
  const roll = loadExpectedRoll(E2E_ROLL_DIR);
  const plan = {
    count: RESENT,
    concurrency: RESENT,
    operators: [...OPERATORS],
    texts: [0, 1, 2, 3].map((i) => roll.voters[920 + i].cnic),
    msisdnStart: 449_920_000,
  };

  afterAll(async () => {
    for (const op of OPERATORS) await sim('DELETE', `/operators/${op}/faults`);
  });

  it('recognises every re-send as a re-delivery, even the first on each new bind: no citizen answered twice', async () => {
    const first = await sim<LoadReport>('POST', '/load', { ...plan, concurrency: 50, timeoutMs: 20_000 });
    expect(first.replied).toBe(RESENT);

    // As a real SMSC: an MO stays queued while no receiving bind is up, and goes out when one is.
    for (const op of OPERATORS) await sim('PUT', `/operators/${op}/faults`, { moRedelivery: { maxWaitMs: 60_000 } });
    await stopService('ingress', 'SIGTERM');
    const resent = sim<LoadReport>('POST', '/load', { ...plan, timeoutMs: 30_000 });
    await eventually('every re-send queued at the SMSCs', async () => ((await waitingForBind()) === RESENT ? true : undefined));
    await startService('ingress');
    const again = await resent;

    expect(again.acked).toBe(RESENT);
    expect(again.replied).toBe(0);
    // A new process: its counters hold only the re-sends.
    expect(await ingressOutcome('duplicate')).toBe(RESENT);
    expect(await ingressOutcome('accepted')).toBe(0);
    expect(await ingressOutcome('redelivered')).toBe(0);
  });
});
