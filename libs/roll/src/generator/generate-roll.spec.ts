import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CsvRecordParser, CsvRecord } from '../csv/csv-record-parser';
import { generateRoll } from './generate-roll';
import { PROVINCES } from './pakistan-geography';
import { SeededRandom } from './seeded-random';

function rows(path: string): string[][] {
  const raw = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const out: CsvRecord[] = [];
  const p = new CsvRecordParser();
  p.push(text, out);
  p.end(out);
  return out.slice(1).map((r) => r.fields);
}

describe('generateRoll', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'roll-gen-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('writes the same bytes for the same seed and different bytes for another seed', async () => {
    const [a, b, c] = [fresh(), fresh(), fresh()];
    await generateRoll({ voters: 3000, seed: 7, outDir: a });
    await generateRoll({ voters: 3000, seed: 7, outDir: b });
    await generateRoll({ voters: 3000, seed: 8, outDir: c });
    for (const f of ['areas.csv', 'stations.csv', 'voters.csv']) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f)))).toBe(true);
      expect(readFileSync(join(a, f)).equals(readFileSync(join(c, f)))).toBe(false);
    }
  });

  it('produces a roll that satisfies every import rule', async () => {
    const dir = fresh();
    const result = await generateRoll({ voters: 5000, seed: 'rules', outDir: dir });
    const areas = rows(join(dir, 'areas.csv'));
    const stations = rows(join(dir, 'stations.csv'));
    const voters = rows(join(dir, 'voters.csv'));
    expect(result).toMatchObject({ voters: 5000, areas: areas.length, stations: stations.length });
    expect(voters).toHaveLength(5000);

    const regionOf = new Map<string, number>(PROVINCES.map((p) => [p.code === 'FATA' ? 'KP' : p.code, p.region]));
    const areaByBlock = new Map(areas.map((a) => [a[0], a]));
    expect(areaByBlock.size).toBe(areas.length);
    for (const a of areas) {
      expect(a[0]).toMatch(/^\d{9}$/);
      expect(regionOf.has(a[1])).toBe(true);
      expect(a[3]).toMatch(/[\u0600-\u06ff]/);
      if (a[8]) expect(a[8]).toMatch(/^NA-\d+$/);
    }
    const stationKeys = new Set(stations.map((s) => `${s[0]}:${s[1]}`));
    expect(stationKeys.size).toBe(stations.length);

    const seen = new Set<string>();
    const lastSerial = new Map<string, number>();
    const familySizes = new Map<string, number>();
    for (const [cnic, block, serial, family, gender] of voters) {
      expect(cnic).toMatch(/^[1-7]\d{12}$/);
      expect(seen.has(cnic)).toBe(false);
      seen.add(cnic);
      expect(Number(cnic[12]) % 2 === 1 ? 'M' : 'F').toBe(gender);
      const province = areaByBlock.get(block)?.[1] as string;
      const region = Number(cnic[0]);
      // Blocks in KP hold both KP (1) and former-FATA (2) CNICs.
      expect(province === 'KP' ? [1, 2] : [regionOf.get(province)]).toContain(region);
      expect(stationKeys.has(`${block}:${gender}`)).toBe(true);
      expect(Number(serial)).toBe((lastSerial.get(block) ?? 0) + 1);
      lastSerial.set(block, Number(serial));
      familySizes.set(`${block}:${family}`, (familySizes.get(`${block}:${family}`) ?? 0) + 1);
    }
    expect(Math.max(...familySizes.values())).toBeLessThanOrEqual(8);
    expect(Math.min(...familySizes.values())).toBeGreaterThanOrEqual(1);
    expect(new Set(voters.map((v) => v[0][0])).size).toBeGreaterThan(2);
  });

  it('weights provinces roughly by population', async () => {
    const dir = fresh();
    await generateRoll({ voters: 60_000, seed: 3, outDir: dir });
    const voters = rows(join(dir, 'voters.csv'));
    const punjab = voters.filter((v) => v[0][0] === '3').length / voters.length;
    const sindh = voters.filter((v) => v[0][0] === '4').length / voters.length;
    expect(punjab).toBeGreaterThan(0.4);
    expect(punjab).toBeLessThan(0.66);
    expect(sindh).toBeGreaterThan(0.12);
    expect(sindh).toBeLessThan(0.34);
  });

  it('writes gzip files with the same content when asked', async () => {
    const [plain, zipped] = [fresh(), fresh()];
    await generateRoll({ voters: 1000, seed: 5, outDir: plain });
    const r = await generateRoll({ voters: 1000, seed: 5, outDir: zipped, gzip: true });
    expect(r.files.voters.endsWith('voters.csv.gz')).toBe(true);
    expect(gunzipSync(readFileSync(r.files.voters)).equals(readFileSync(join(plain, 'voters.csv')))).toBe(true);
  });
});

describe('SeededRandom', () => {
  it('repeats its sequence for a seed, treating 42 and "42" alike', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom('42');
    const c = new SeededRandom(43);
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
  });
});
