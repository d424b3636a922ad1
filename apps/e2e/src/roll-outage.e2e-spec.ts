import { E2E_PG_PROXY_FILE, E2E_ROLL_DIR } from './support/e2e-paths';
import { loadExpectedRoll, type ExpectedVoter } from './support/expected-roll';
import { BUSY_EN, BUSY_UR } from './support/fault-load';
import { forgetCachedVoters } from './support/roll-cache-keys';
import { switchProxy } from './support/switchable-tcp-proxy';
import { sendMo } from '@parchee/suite';

function expectEnglishFields(text: string, v: ExpectedVoter): void {
  for (const field of [v.blockCode, v.serialNo, v.familyNo, v.districtEn, v.na, v.pa, v.stationNo, v.stationEn]) {
    if (field) expect(text).toContain(field);
  }
}

/**
 * Lookup reaches PostgreSQL through a proxy that global setup put in front of it; "down" resets
 * every connection, as a crashed or unreachable database server would.
 */
describe('the roll database going away while citizens keep asking', () => {
  const roll = loadExpectedRoll(E2E_ROLL_DIR);
  // Voters no other spec asks about, so only this spec decides what the cache holds for them.
  const known = roll.voters[2980];
  const [outageUr, outageEn, afterwards] = [roll.voters[2990], roll.voters[2991], roll.voters[2992]];

  beforeAll(async () => {
    await forgetCachedVoters([outageUr.cnic, outageEn.cnic, afterwards.cnic]);
    // Looked up once while the database is up, so the cache holds it through the outage.
    const reply = await sendMo('jazz', '923008880000', `E ${known.cnic}`);
    expectEnglishFields(reply.body.mt!.text, known);
  });

  afterAll(async () => {
    // Whatever happened above, the specs that run next need their database back.
    await switchProxy(E2E_PG_PROXY_FILE, 'up');
  });

  it('answers "busy, please try later" in Urdu and English once the retry deadline passes, and voters the cache knows as usual', async () => {
    const down = await switchProxy(E2E_PG_PROXY_FILE, 'down');
    expect(down).toEqual({ state: 'down', live: 0 });

    // The cached voter goes first and alone: a batch whose cache misses cannot reach the roll is
    // answered "busy" as a whole, so sharing a batch with uncached requests would hide the cache.
    const cached = await sendMo('telenor', '923008880003', `E ${known.cnic}`);
    const [ur, en] = await Promise.all([sendMo('zong', '923008880001', outageUr.cnic), sendMo('ufone', '923008880002', `E ${outageEn.cnic}`)]);
    expect(ur.status).toBe(200);
    expect(ur.body.mt!.text).toBe(BUSY_UR);
    expect(ur.body.mt!.dataCoding).toBe(8);
    expect(en.status).toBe(200);
    expect(en.body.mt!.text).toBe(BUSY_EN);
    expect(cached.status).toBe(200);
    expectEnglishFields(cached.body.mt!.text, known);
  });

  it('answers from the roll again as soon as the database is back', async () => {
    await switchProxy(E2E_PG_PROXY_FILE, 'down');
    expect((await sendMo('sco', '923008880004', `E ${afterwards.cnic}`)).body.mt!.text).toBe(BUSY_EN);

    expect((await switchProxy(E2E_PG_PROXY_FILE, 'up')).state).toBe('up');
    const reply = await sendMo('sco', '923008880005', `E ${afterwards.cnic}`);
    expect(reply.status).toBe(200);
    expect(reply.body.mt!.text).not.toBe(BUSY_EN);
    expectEnglishFields(reply.body.mt!.text, afterwards);
  });
});
