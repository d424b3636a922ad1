import { join } from 'node:path';
import { E2E_ROLL_DIR, E2E_STATE, e2eDatabaseUrl } from './support/e2e-paths';
import { eventually } from './support/eventually';
import { loadExpectedRoll, type ExpectedVoter } from './support/expected-roll';
import { writeRenamedRoll } from './support/renamed-roll';
import type { LoadReport } from './support/sim-control';
import { OPERATORS, PORTS, ensureSecrets, rollCli, sendMo, suiteEnv } from '@parchee/suite';

const SIM = `http://127.0.0.1:${PORTS.sim}`;
const SUFFIX = ' v2';
// Long enough (~9 s here) that the switch, which takes a CLI start and up to one 2 s version
// refresh, lands well inside it.
const LOAD = { count: 1500, concurrency: 20, msisdnStart: 700_000_000, voters: 300 };

interface Mt {
  destinationAddr: string;
  text: string;
}

const env = () => suiteEnv(ensureSecrets(E2E_STATE), e2eDatabaseUrl());

async function activeVersion(): Promise<number> {
  const listing = await rollCli(['list'], env());
  const line = listing.split('\n').find((l) => /^\s*\d+\s+active\b/.test(l));
  if (!line) throw new Error(`no active version in:\n${listing}`);
  return Number(line.trim().split(/\s+/)[0]);
}

async function mtsTo(msisdns: Set<string>, limit = 10_000): Promise<Mt[]> {
  const res = (await fetch(`${SIM}/mt?limit=${limit}`).then((r) => r.json())) as { mts: Mt[] };
  return res.mts.filter((mt) => msisdns.has(mt.destinationAddr));
}

/** Which roll version an English "found" reply was answered from, or why it is neither. */
function versionShown(text: string, v: ExpectedVoter): 'v1' | 'v2' | string {
  for (const field of [v.blockCode, v.serialNo, v.familyNo, v.tehsilEn, v.districtEn, v.na, v.pa, v.stationNo, v.stationEn]) {
    if (field && !text.includes(field)) return `missing ${field}: ${text}`;
  }
  if (text.includes(`${v.areaEn}${SUFFIX}`)) return 'v2';
  // A v1 reply leaves the area out when the station is named after it (the template says it once).
  if (!text.includes(SUFFIX) && (text.includes(v.areaEn) || v.stationEn.includes(v.areaEn))) return 'v1';
  return `neither version: ${text}`;
}

describe('activating a new roll version while citizens are asking', () => {
  const roll = loadExpectedRoll(E2E_ROLL_DIR);
  // A slice of the roll no other spec asks about, looked up in English so area names are plain ASCII.
  const voters = roll.voters.slice(1000, 1000 + LOAD.voters);
  let v1 = 0;
  let v2 = 0;
  let probes = 0;

  /**
   * Activates a version and returns once lookup answers from it. The reader re-reads the active
   * version at most every 2 s, and only when it has a lookup to do: so ask, until the answer shows it.
   */
  async function activate(version: number, label: 'v1' | 'v2'): Promise<void> {
    await rollCli(['activate', String(version)], env());
    await eventually(
      `lookup to answer from roll version ${version}`,
      async () => {
        const v = voters[probes % voters.length];
        const reply = await sendMo(OPERATORS[probes % OPERATORS.length], `923702${String(probes++).padStart(6, '0')}`, `E ${v.cnic}`);
        return reply.body.mt && versionShown(reply.body.mt.text, v) === label ? true : undefined;
      },
      15_000,
      200,
    );
  }

  beforeAll(async () => {
    for (const v of roll.voters) expect(`${v.areaEn} ${v.stationEn}`).not.toContain(SUFFIX);
    v1 = await activeVersion();
    const dir = join(E2E_STATE, 'roll-v2');
    writeRenamedRoll(E2E_ROLL_DIR, dir, SUFFIX);
    const imported = await rollCli(['import', '--dir', dir, '--label', 'e2e-renamed'], env());
    v2 = Number(/version (\d+) \(/.exec(imported)?.[1]);
    expect(v2).toBeGreaterThan(v1);
  });

  afterAll(async () => {
    // Specs run in any order and the others expect the original area names: put v1 back.
    if (v1 && (await activeVersion()) !== v1) await activate(v1, 'v1');
    if (v2) await rollCli(['drop', String(v2)], env());
  });

  it('answers every MO exactly once, each from one whole version, and only from the new one after the switch', async () => {
    const msisdns = Array.from({ length: LOAD.count }, (_, i) => `923${String(LOAD.msisdnStart + i).padStart(9, '0')}`);
    const wanted = new Set(msisdns);
    let loadFinished = false;
    const load = fetch(`${SIM}/load`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        count: LOAD.count,
        concurrency: LOAD.concurrency,
        operators: [...OPERATORS],
        texts: voters.map((v) => `E ${v.cnic}`),
        msisdnStart: LOAD.msisdnStart,
        timeoutMs: 30_000,
      }),
    })
      .then(async (res) => {
        if (!res.ok) throw new Error(`POST /load: ${res.status} ${await res.text()}`);
        return (await res.json()) as LoadReport;
      })
      .finally(() => {
        loadFinished = true;
      });

    // Switch once the first hundred answers are out: the stream is flowing, and most of it is still to come.
    await eventually('the load to be under way', async () => ((await mtsTo(wanted, 1000)).length >= 100 ? true : undefined), 30_000, 50);
    await activate(v2, 'v2');
    expect(loadFinished).toBe(false);

    const report = await load;
    expect(report).toMatchObject({ sent: LOAD.count, acked: LOAD.count, replied: LOAD.count, timedOut: 0, refused: {}, failed: {} });

    const mts = await mtsTo(wanted);
    const perMsisdn = new Map<string, Mt[]>();
    for (const mt of mts) perMsisdn.set(mt.destinationAddr, [...(perMsisdn.get(mt.destinationAddr) ?? []), mt]);
    expect(msisdns.filter((m) => perMsisdn.get(m)?.length !== 1)).toEqual([]);

    // MO i carried text i mod n, the runner's documented order.
    const shown = msisdns.map((m, i) => versionShown(perMsisdn.get(m)![0].text, voters[i % voters.length]));
    expect(shown.filter((s) => s !== 'v1' && s !== 'v2')).toEqual([]);
    expect(shown).toContain('v1');
    expect(shown).toContain('v2');

    // Lookup has answered from v2: from here on every answer comes from v2.
    const after = await Promise.all(OPERATORS.map((op, i) => sendMo(op, `92370100000${i}`, `E ${voters[i * 7].cnic}`)));
    expect(after.map((r, i) => versionShown(r.body.mt?.text ?? `status ${r.status}`, voters[i * 7]))).toEqual(OPERATORS.map(() => 'v2'));
  });
});
