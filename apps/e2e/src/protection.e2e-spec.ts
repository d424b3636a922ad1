import { E2E_ROLL_DIR } from './support/e2e-paths';
import { loadExpectedRoll } from './support/expected-roll';
import { metricValue } from './support/service-metrics';
import { repliesTo } from './support/sim-control';
import { E2E_DISTINCT_WINDOW_SECONDS, PORTS, sendMo } from '@parchee/suite';

const ENUMERATION_EN = 'This number has asked about too many different CNICs';
const USAGE_EN = 'Send your 13-digit CNIC';

// Numbers of this spec's own (923339 9xxxxx): limits are per number, and other specs must not spend them.
describe('protecting the roll from abuse', () => {
  const roll = loadExpectedRoll(E2E_ROLL_DIR);

  it('blocks an enumeration burst of sequential CNICs with a polite reply and no roll data after the threshold', async () => {
    const msisdn = '923339900101';
    const before = await metricValue(PORTS.lookup, 'parchee_requests_refused_total', { operator: 'jazz', reason: 'enumeration' });
    const texts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const reply = await sendMo('jazz', msisdn, `E ${3520299990001 + i}`);
      expect(reply.status).toBe(200);
      texts.push(reply.body.mt!.text);
    }
    expect(texts.slice(0, 3).map((t) => t.includes(ENUMERATION_EN))).toEqual([false, false, false]);
    expect(texts[3]).toContain(ENUMERATION_EN);

    // A registered voter's CNIC after the block: refused before the roll is even read.
    const voter = roll.voters[777];
    const after = await sendMo('jazz', msisdn, `E ${voter.cnic}`);
    expect(after.body.mt!.text).toContain(ENUMERATION_EN);
    for (const field of [voter.blockCode, voter.stationEn, voter.na]) if (field) expect(after.body.mt!.text).not.toContain(field);
    expect(await metricValue(PORTS.lookup, 'parchee_requests_refused_total', { operator: 'jazz', reason: 'enumeration' })).toBe(before + 2);

    // Another number asking for the same voter is answered: the block is the number's, not the CNIC's.
    const other = await sendMo('jazz', '923339900102', `E ${voter.cnic}`);
    expect(other.body.mt!.text).toContain(voter.blockCode);
  });

  it('blocks a slow scan: each CNIC asked after the distinct-CNIC window forgot the one before', async () => {
    // In production three CNICs a day from one number never trip the distinct limit; the suite's
    // window is 2 s, so waiting it out between steps is that scan, compressed. The wait is the
    // scenario (the scan's slowness), not synchronisation: each step's reply is awaited.
    const msisdn = '923339900120';
    const scansBefore = await metricValue(PORTS.lookup, 'parchee_enumeration_alerts_total', { operator: 'ufone', kind: 'scan' });
    const distinctBefore = await metricValue(PORTS.lookup, 'parchee_enumeration_alerts_total', { operator: 'ufone', kind: 'distinct' });
    const texts: string[] = [];
    for (let i = 0; i < 4; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, E2E_DISTINCT_WINDOW_SECONDS * 1000 + 300));
      // A patterned walk (stride 37), not +1: close is close, whatever the stride.
      const reply = await sendMo('ufone', msisdn, `E ${3520299991001 + i * 37}`);
      expect(reply.status).toBe(200);
      texts.push(reply.body.mt!.text);
    }
    expect(texts.map((t) => t.includes(ENUMERATION_EN))).toEqual([false, false, false, true]);
    expect(await metricValue(PORTS.lookup, 'parchee_enumeration_alerts_total', { operator: 'ufone', kind: 'scan' })).toBe(scansBefore + 1);
    // The distinct limit never saw more than one CNIC at a time: the scan test caught it alone.
    expect(await metricValue(PORTS.lookup, 'parchee_enumeration_alerts_total', { operator: 'ufone', kind: 'distinct' })).toBe(distinctBefore);
  });

  it.each([
    ['a foreign number', '447700900123'],
    ['a 15-digit number, the longest the operator can send', '923001234567890'],
  ])('acks an MO from %s without answering it, and counts it', async (_name, msisdn) => {
    const before = await metricValue(PORTS.ingress, 'parchee_requests_refused_total', { operator: 'zong', reason: 'not_pakistani' });
    const reply = await sendMo('zong', msisdn, 'E 3520212345671', 2000);
    // 504: the simulator waited for a reply that never came; the MO itself was acknowledged.
    expect(reply.status).toBe(504);
    expect(reply.body.mo?.commandStatus).toBe(0);
    expect(await metricValue(PORTS.ingress, 'parchee_requests_refused_total', { operator: 'zong', reason: 'not_pakistani' })).toBe(before + 1);
    expect(await repliesTo(msisdn)).toBe(0);
  });

  it('answers an SQL-injection text as the plain lookup it contains, and the roll keeps answering', async () => {
    const voter = roll.voters[801];
    const injected = await sendMo('ufone', '923339900103', `E ${voter.cnic}'; DROP TABLE voter;--`);
    expect(injected.status).toBe(200);
    expect(injected.body.mt!.text).toContain(voter.blockCode);
    const next = roll.voters[802];
    expect((await sendMo('ufone', '923339900104', `E ${next.cnic}`)).body.mt!.text).toContain(next.blockCode);
  });

  it.each([['%s%s%n'], ["E %s%s%n%x%p' OR '1'='1"]])('answers the format-string text %p with the usage reply, echoing nothing', async (text) => {
    const reply = await sendMo('telenor', '923339900105', text);
    expect(reply.status).toBe(200);
    expect(reply.body.mt!.text).not.toMatch(/%[snxp]/);
    if (text.startsWith('E ')) expect(reply.body.mt!.text).toContain(USAGE_EN);
    else expect(reply.body.mt!.text).toContain('3520212345671');
  });
});
