import { E2E_ROLL_DIR } from './support/e2e-paths';
import { loadExpectedRoll } from './support/expected-roll';
import { eventually } from './support/eventually';
import { loadThroughFault, mtMessages, writeFaultResults, type LoadCount } from './support/fault-load';
import { sim } from './support/sim-control';
import { OPERATORS, PORTS, sendMo } from '@parchee/suite';

async function repliesTo(msisdn: string): Promise<number> {
  return ((await sim('GET', `/mt?msisdn=${msisdn}`)) as { count: number }).count;
}

async function bindsOf(operator: string): Promise<{ receiver: number; transmitter: number }> {
  const stats = (await sim('GET', '/stats')) as { operators: Record<string, { binds: { receiver: number; transmitter: number } }> };
  return stats.operators[operator].binds;
}

/** Every operator has both its binds up again. */
async function allBound(): Promise<true | undefined> {
  const binds = await Promise.all(OPERATORS.map((op) => bindsOf(op)));
  return binds.every((b) => b.receiver >= 1 && b.transmitter >= 1) ? true : undefined;
}

describe('the suite against a misbehaving operator SMSC', () => {
  const roll = loadExpectedRoll(E2E_ROLL_DIR);
  const cnic = (i: number) => roll.voters[100 + i].cnic;

  afterEach(async () => {
    for (const op of OPERATORS) await sim('DELETE', `/operators/${op}/faults`);
  });

  it('retries submits the operator throttles and still answers every citizen exactly once', async () => {
    await sim('PUT', '/operators/jazz/faults', { submitErrors: [{ status: 'ESME_RTHROTTLED', every: 2 }] });
    const msisdns = Array.from({ length: 6 }, (_, i) => `92300777000${i}`);
    const replies = await Promise.all(msisdns.map((m, i) => sendMo('jazz', m, cnic(i), 30_000)));
    expect(replies.map((r) => r.status)).toEqual(msisdns.map(() => 200));
    const stats = (await sim('GET', '/stats')) as { operators: { jazz: { submitsRefused: Record<string, number> } } };
    expect(stats.operators.jazz.submitsRefused['ESME_RTHROTTLED']).toBeGreaterThan(0);
    for (const m of msisdns) expect(await repliesTo(m)).toBe(1);
  });

  it('re-binds after the operator drops every bind and answers the next SMS', async () => {
    await sim('POST', '/operators/zong/disconnect');
    await eventually('zong binds back up', async () => {
      const binds = await bindsOf('zong');
      return binds.receiver >= 1 && binds.transmitter >= 1 ? binds : undefined;
    });
    const reply = await sendMo('zong', '923007770010', cnic(10));
    expect(reply.status).toBe(200);
    expect(reply.body.mt!.text).toContain(roll.voters[110].blockCode);
  });

  it('answers malformed PDUs and keeps the session serving citizens', async () => {
    const injected = (await sim('POST', '/operators/telenor/inject-garbage', { kinds: ['bad-length', 'unknown-command', 'truncated-body'] })) as {
      sessions: number;
    };
    expect(injected.sessions).toBeGreaterThan(0);
    const reply = await sendMo('telenor', '923007770020', cnic(20));
    expect(reply.status).toBe(200);
    expect(reply.body.mt!.text).toContain(roll.voters[120].blockCode);
    expect(await repliesTo('923007770020')).toBe(1);
  });

  it('correlates the delivery receipt of a reply even when the SMSC writes the id in decimal', async () => {
    await sim('PUT', '/operators/ufone/faults', { deliveryReceipts: { idForm: 'decimal' } });
    const reply = await sendMo('ufone', '923007770030', cnic(30));
    expect(reply.status).toBe(200);
    const delivered = await eventually('a DELIVERED receipt counted by egress', async () => {
      const metrics = await fetch(`http://127.0.0.1:${PORTS.egress}/metrics`).then((r) => r.text());
      const line = metrics.split('\n').find((l) => l.startsWith('parchee_dlr_total{') && l.includes('operator="ufone"') && l.includes('DELIVERED'));
      return line ? Number(line.split(' ').pop()) : undefined;
    });
    expect(delivered).toBeGreaterThanOrEqual(1);
    const metrics = await fetch(`http://127.0.0.1:${PORTS.egress}/metrics`).then((r) => r.text());
    const unmatched = metrics.split('\n').find((l) => l.startsWith('parchee_dlr_unmatched_total{') && l.includes('operator="ufone"'));
    expect(unmatched ? Number(unmatched.split(' ').pop()) : 0).toBe(0);
  });

  describe('under a steady load, with counts', () => {
    const results: Array<LoadCount & { smsc?: { throttled: number; delayed: number } }> = [];
    const texts = [...roll.voters.slice(2400, 2450).map((v) => v.cnic), 'help'];

    afterAll(() => writeFaultResults('operator-fault-results.json', results));

    it('every operator drops all its binds twice: every acknowledged MO answered exactly once', async () => {
      // 25 s of load: it must outlast both drops and rebinds. A link's reconnect backoff starts
      // over only after a bind stayed up 30 s, so the second drop (and the earlier zong test's)
      // waits 2-5 s to rebind; a 10 s load could end before traffic crossed the second new binds.
      const plan = { count: 750, concurrency: 40, ratePerSec: 30, texts, timeoutMs: 30_000, msisdnStart: 823_000_000 };
      const { count } = await loadThroughFault('operators drop their binds (twice)', plan, 40, async () => {
        for (let drop = 0; drop < 2; drop++) {
          for (const op of OPERATORS) await sim('POST', `/operators/${op}/disconnect`);
          await eventually('every operator bound again', allBound, 20_000, 20);
          // Some traffic over the new binds before the next drop.
          const at = await mtMessages();
          await eventually('replies over the new binds', async () => ((await mtMessages()) - at >= 30 ? true : undefined), 20_000, 20);
        }
      });
      results.push(count);
      expect(count.acked).toBeGreaterThan(0);
      expect(count.lost).toBe(0);
      expect(count.replied).toBe(count.acked);
      expect(count.duplicated).toBe(0);
    }, 120_000);

    it('every operator throttles and answers slowly: every acknowledged MO answered exactly once', async () => {
      const smscCounts = async () => {
        const stats = await sim<{ operators: Record<string, { submitsThrottled: number; submitsRefused: Record<string, number>; submitsDelayed: number }> }>(
          'GET',
          '/stats',
        );
        const all = Object.values(stats.operators);
        return {
          throttled: all.reduce((n, o) => n + o.submitsThrottled + (o.submitsRefused['ESME_RTHROTTLED'] ?? 0), 0),
          delayed: all.reduce((n, o) => n + o.submitsDelayed, 0),
        };
      };
      const before = await smscCounts();
      const plan = { count: 100, concurrency: 60, ratePerSec: 20, texts, timeoutMs: 45_000, msisdnStart: 824_000_000 };
      const { count } = await loadThroughFault('operators throttle and answer slowly', plan, 20, async () => {
        // 20 MO/s over five operators is 4 a second each. The cap of 8 throttles the bursts of
        // a batch, every eighth submit is throttled whatever the rate, and every fifth answer
        // takes a second.
        const faults = { tpsCap: 8, submitErrors: [{ status: 'ESME_RTHROTTLED', every: 8 }], submitDelay: { ms: 1000, every: 5 } };
        for (const op of OPERATORS) await sim('PUT', `/operators/${op}/faults`, faults);
      });
      const after = await smscCounts();
      const smsc = { throttled: after.throttled - before.throttled, delayed: after.delayed - before.delayed };
      results.push({ ...count, smsc });
      expect(smsc.throttled).toBeGreaterThan(0);
      expect(smsc.delayed).toBeGreaterThan(0);
      expect(count.acked).toBe(plan.count);
      expect(count.lost).toBe(0);
      expect(count.replied).toBe(count.acked);
      expect(count.duplicated).toBe(0);
    }, 120_000);
  });
});
