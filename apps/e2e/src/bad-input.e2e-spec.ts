import { E2E_ROLL_DIR } from './support/e2e-paths';
import { loadExpectedRoll } from './support/expected-roll';
import { OPERATORS, PORTS, sendMo, type MoReply } from '@parchee/suite';

const EXAMPLE_CNIC = '3520212345671';
/** The help reply names the English keyword; no other reply does. */
const HELP_MARK = `E ${EXAMPLE_CNIC}`;
const INVALID = {
  empty: 'آپ کا پیغام خالی تھا۔',
  noNumber: 'پیغام میں شناختی کارڈ نمبر نہیں ملا۔',
  severalNumbers: 'ایک پیغام میں صرف ایک شناختی کارڈ نمبر بھیجیں۔',
};

type Expectation = { kind: 'found'; blockCode: string } | { kind: 'invalid'; phrase: string } | { kind: 'help' };

async function recentMtCount(msisdn: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${PORTS.sim}/mt?msisdn=${msisdn}`);
  return ((await res.json()) as { count: number }).count;
}

function expectSensible(reply: MoReply, expected: Expectation): void {
  expect(reply.status).toBe(200);
  expect(reply.body.mo?.commandStatus).toBe(0);
  const text = reply.body.mt!.text;
  if (expected.kind === 'found') {
    expect(text).toContain(expected.blockCode);
  } else if (expected.kind === 'invalid') {
    expect(text).toContain(expected.phrase);
    expect(text).not.toContain(HELP_MARK);
  } else {
    expect(text).toContain(HELP_MARK);
  }
}

describe('odd MO texts through the whole suite', () => {
  const roll = loadExpectedRoll(E2E_ROLL_DIR);
  const voter = (i: number) => roll.voters[i];
  const filler = 'میں اپنے ووٹ کی تفصیل جاننا چاہتا ہوں اور پولنگ اسٹیشن کا پتہ بھی ';
  const longUrdu = (cnic: string) => {
    const half = filler.repeat(Math.ceil(500 / filler.length)).slice(0, 493);
    return `${half} ${cnic} ${half.slice(0, 492)}`;
  };

  const cases: { name: string; text: string; expected: Expectation }[] = [
    { name: 'empty text', text: '', expected: { kind: 'invalid', phrase: INVALID.empty } },
    { name: 'only spaces', text: '     ', expected: { kind: 'invalid', phrase: INVALID.empty } },
    { name: '1,000-character Urdu text around a CNIC', text: longUrdu(voter(401).cnic), expected: { kind: 'found', blockCode: voter(401).blockCode } },
    {
      name: 'mixed Latin and Urdu script',
      text: `Mera شناختی کارڈ number ${voter(402).cnic} hai, شکریہ`,
      expected: { kind: 'found', blockCode: voter(402).blockCode },
    },
    { name: 'emoji around a CNIC', text: `🗳️ ${voter(403).cnic} 🙏🏽`, expected: { kind: 'found', blockCode: voter(403).blockCode } },
    { name: 'emoji only', text: '🙂🙂🇵🇰', expected: { kind: 'invalid', phrase: INVALID.noNumber } },
    {
      name: 'RTL and embedding marks inside a CNIC',
      text: `\u202B\u200F${voter(404).cnic.slice(0, 5)}\u200F${voter(404).cnic.slice(5)}\u202C`,
      expected: { kind: 'found', blockCode: voter(404).blockCode },
    },
    { name: 'a NUL character before a CNIC', text: `\u0000${voter(405).cnic}`, expected: { kind: 'found', blockCode: voter(405).blockCode } },
    { name: 'a lone NUL character', text: '\u0000', expected: { kind: 'invalid', phrase: INVALID.noNumber } },
    { name: '13 digits with letters inside', text: '35202a12345b671', expected: { kind: 'invalid', phrase: INVALID.severalNumbers } },
    { name: 'help keyword in mixed case with punctuation', text: '  hElP! ', expected: { kind: 'help' } },
  ];

  it('answers every odd text with exactly one sensible reply', async () => {
    expect(longUrdu(voter(401).cnic)).toHaveLength(1000);
    const outcomes = await Promise.allSettled(
      cases.map(async (c, i) => {
        const msisdn = `9234077700${String(i).padStart(2, '0')}`;
        const operator = OPERATORS[i % OPERATORS.length];
        const reply = await sendMo(operator, msisdn, c.text);
        try {
          expectSensible(reply, c.expected);
        } catch (err) {
          throw new Error(`${c.name}: ${(err as Error).message}`);
        }
        // A follow-up from the same number travels the same partitions behind the first reply, so
        // a duplicate of that reply would reach the simulator before the follow-up's own reply.
        const followUp = await sendMo(operator, msisdn, 'HELP');
        try {
          expectSensible(followUp, { kind: 'help' });
          expect(await recentMtCount(msisdn)).toBe(2);
        } catch (err) {
          throw new Error(`${c.name}, follow-up: ${(err as Error).message}`);
        }
      }),
    );
    // Every case runs to the end, so one odd text failing does not hide another.
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as Error).message] : []));
    expect(failures).toEqual([]);
  }, 25_000);

  it('leaves every service alive afterwards', async () => {
    for (const port of [PORTS.ingress, PORTS.lookup, PORTS.egress]) {
      const res = await fetch(`http://127.0.0.1:${port}/health/live`);
      expect(res.status).toBe(200);
    }
    expect((await fetch(`http://127.0.0.1:${PORTS.sim}/health`)).status).toBe(200);
  });
});
