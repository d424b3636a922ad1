import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvRecord, CsvRecordParser } from '../csv/csv-record-parser';
import { AREAS_HEADER, generateRoll, STATIONS_HEADER } from './generate-roll';
import { longestGeographyValues } from './longest-geography';

function records(path: string): string[][] {
  const out: CsvRecord[] = [];
  const parser = new CsvRecordParser();
  parser.push(readFileSync(path, 'utf8'), out);
  parser.end(out);
  return out.slice(1).map((r) => r.fields);
}

describe('longestGeographyValues', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roll-longest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is never shorter than any value a generated roll holds', async () => {
    await generateRoll({ voters: 60_000, seed: 'longest', outDir: dir });
    const longest = longestGeographyValues();
    const a = (name: string) => AREAS_HEADER.indexOf(name);
    const s = (name: string) => STATIONS_HEADER.indexOf(name);
    const limits: Array<[string[][], number, string]> = [];
    const areas = records(join(dir, 'areas.csv'));
    const stations = records(join(dir, 'stations.csv'));
    limits.push(
      [areas, a('district_en'), longest.districtEn],
      [areas, a('district_ur'), longest.districtUr],
      [areas, a('tehsil_en'), longest.tehsilEn],
      [areas, a('tehsil_ur'), longest.tehsilUr],
      [areas, a('area_name_en'), longest.areaEn],
      [areas, a('area_name_ur'), longest.areaUr],
      [areas, a('na'), longest.na],
      [areas, a('pa'), longest.pa],
      [stations, s('name_en'), longest.stationEn],
      [stations, s('name_ur'), longest.stationUr],
    );
    for (const [rows, column, max] of limits) {
      const widest = Math.max(...rows.map((r) => r[column].length));
      expect(widest).toBeLessThanOrEqual(max.length);
    }
  });

  it('gives the widest seat codes, each language its own longest names, and a station that names its area', () => {
    const longest = longestGeographyValues();
    expect(longest.na).toBe('NA-266');
    expect(longest.pa).toBe('PP-297');
    expect(longest.districtEn).toBe('Shaheed Benazirabad');
    expect(longest.districtUr).toBe('شہید بینظیر آباد');
    expect(longest.stationEn.endsWith(longest.areaEn)).toBe(true);
    expect(longest.stationUr.endsWith(longest.areaUr)).toBe(true);
  });
});
