import { E2E_ROLL_DIR } from './support/e2e-paths';
import { loadExpectedRoll, type ExpectedVoter } from './support/expected-roll';
import { OPERATORS, sendMo } from '@parchee/suite';

const URDU_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const toUrduDigits = (s: string) => s.replace(/\d/g, (d) => URDU_DIGITS[Number(d)]);

function expectUrduFields(text: string, v: ExpectedVoter): void {
  for (const field of [v.blockCode, v.serialNo, v.familyNo, v.areaUr, v.tehsilUr, v.districtUr, v.na, v.pa, v.stationNo, v.stationUr]) {
    if (field) expect(text).toContain(field);
  }
}

describe('a citizen SMS through the whole suite', () => {
  const roll = loadExpectedRoll(E2E_ROLL_DIR);

  function unknownCnic(): string {
    for (let n = 3520200000001; ; n += 2) if (!roll.cnics.has(String(n))) return String(n);
  }

  it('answers a registered voter on every operator at once with every roll field, in Urdu over several UCS-2 parts', async () => {
    const voters = OPERATORS.map((_, i) => roll.voters[i * 97]);
    const replies = await Promise.all(OPERATORS.map((op, i) => sendMo(op, `9230012300${String(i).padStart(2, '0')}`, voters[i].cnic)));
    replies.forEach((reply, i) => {
      expect(reply.status).toBe(200);
      expect(reply.body.mo?.commandStatus).toBe(0);
      expectUrduFields(reply.body.mt!.text, voters[i]);
      expect(reply.body.mt!.dataCoding).toBe(8);
      expect(reply.body.mt!.parts).toBeGreaterThanOrEqual(2);
      expect(reply.body.mt!.sourceAddr).toBe('8300');
      expect(reply.body.mt!.destinationAddr).toBe(`9230012300${String(i).padStart(2, '0')}`);
    });
  });

  it('answers in English when the citizen asks with "E"', async () => {
    const v = roll.voters[11];
    const reply = await sendMo('zong', '923111111111', `E ${v.cnic}`);
    expect(reply.status).toBe(200);
    for (const field of [v.blockCode, v.serialNo, v.familyNo, v.areaEn, v.districtEn, v.na, v.pa, v.stationNo, v.stationEn]) {
      if (field) expect(reply.body.mt!.text).toContain(field);
    }
  });

  it('understands a CNIC typed in Urdu digits with dashes', async () => {
    const v = roll.voters[23];
    const dashed = `${v.cnic.slice(0, 5)}-${v.cnic.slice(5, 12)}-${v.cnic.slice(12)}`;
    const reply = await sendMo('telenor', '923222222222', toUrduDigits(dashed));
    expect(reply.status).toBe(200);
    expectUrduFields(reply.body.mt!.text, v);
  });

  it('reassembles a long MO that arrives in several parts and answers it once', async () => {
    const v = roll.voters[31];
    const text = `السلام علیکم، میں اپنے ووٹ کی تفصیل جاننا چاہتا ہوں۔ میرا شناختی کارڈ نمبر ${v.cnic} ہے۔ براہ کرم پولنگ اسٹیشن بتا دیں، شکریہ۔`;
    expect(text.length).toBeGreaterThan(70);
    const reply = await sendMo('jazz', '923666666666', text);
    expect(reply.status).toBe(200);
    expectUrduFields(reply.body.mt!.text, v);
    const recent = (await fetch('http://127.0.0.1:8300/mt?msisdn=923666666666').then((r) => r.json())) as { count: number };
    expect(recent.count).toBe(1);
  });

  it('tells a citizen whose CNIC is not on the roll what to do next', async () => {
    const reply = await sendMo('ufone', '923333333333', unknownCnic());
    expect(reply.status).toBe(200);
    expect(reply.body.mt!.text).toContain('051-111-327-111');
    expect(reply.body.mt!.text).not.toContain('سلسلہ نمبر');
  });

  it('shows the expected format when the text is not a CNIC', async () => {
    const reply = await sendMo('sco', '923444444444', 'what is my polling station?');
    expect(reply.status).toBe(200);
    expect(reply.body.mt!.text).toContain('3520212345671');
    expect(reply.body.mt!.text).toContain('13');
  });

  it('refuses to look up a number with an impossible region digit', async () => {
    const reply = await sendMo('jazz', '923555555555', '9' + roll.voters[0].cnic.slice(1));
    expect(reply.status).toBe(200);
    expect(reply.body.mt!.text).not.toContain(roll.voters[0].blockCode);
    expect(reply.body.mt!.text).toContain('3520212345671');
  });
});
