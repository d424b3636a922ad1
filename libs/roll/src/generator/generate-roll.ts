import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { csvLine } from '../csv/csv-source';
import { RollError } from '../errors/roll-error';
import { LineSink } from './line-sink';
import { AREA_KINDS, LOCALITIES, PROVINCES, Province, SCHOOL_LEVELS } from './pakistan-geography';
import { cumulativeWeights, SeededRandom } from './seeded-random';

export interface GenerateRollOptions {
  voters: number;
  seed: number | string;
  outDir: string;
  /** Write areas.csv.gz, stations.csv.gz, voters.csv.gz instead. Default false. */
  gzip?: boolean;
  /** Called every ~100,000 voters and once at the end. */
  onProgress?: (progress: { voters: number; total: number }) => void;
}

export interface GenerateRollResult {
  voters: number;
  areas: number;
  stations: number;
  files: { areas: string; stations: string; voters: string };
  bytes: number;
}

interface TehsilPlan {
  province: Province;
  districtEn: string;
  districtUr: string;
  tehsilEn: string;
  tehsilUr: string;
  /** 3 digits, the start of every block code in this tehsil. */
  code: string;
  /** First 5 CNIC digits for people registered here. */
  cnicPrefix: string;
  naFirst: number;
  naSpan: number;
  paFirst: number;
  paSpan: number;
  blocks: number;
  stations: number;
  issued: [male: number, female: number];
  cnicOffset: [male: number, female: number];
}

export const AREAS_HEADER = ['block_code', 'province', 'district_en', 'district_ur', 'tehsil_en', 'tehsil_ur', 'area_name_en', 'area_name_ur', 'na', 'pa'];
export const STATIONS_HEADER = ['block_code', 'gender', 'station_no', 'name_en', 'name_ur'];
export const VOTERS_HEADER = ['cnic', 'block_code', 'serial_no', 'family_no', 'gender'];

const SEQ_SPACE = 10_000_000;
// Odd and not a multiple of 5, so k -> k * SEQ_MULT mod 10^7 is a bijection: CNICs are unique
// without remembering any of them.
const SEQ_MULT = 7_654_321;
const ODD = [1, 3, 5, 7, 9];
const EVEN = [0, 2, 4, 6, 8];
const FAMILY_SIZE_CUMULATIVE = cumulativeWeights([8, 14, 18, 18, 16, 12, 8, 6]);
const MALE_SHARE = 0.51;

function planTehsils(rng: SeededRandom): { plans: TehsilPlan[]; cumulative: number[] } {
  const plans: TehsilPlan[] = [];
  const weights: number[] = [];
  // FATA shares KP's seats since the 2018 merger, so they are numbered together.
  const seatGroups = new Map<string, TehsilPlan[]>();
  for (const province of PROVINCES) {
    const districtTotal = province.districts.reduce((s, d) => s + d.weight, 0);
    for (const district of province.districts) {
      district.tehsils.forEach((tehsil, i) => {
        const plan: TehsilPlan = {
          province,
          districtEn: district.en,
          districtUr: district.ur,
          tehsilEn: tehsil.en,
          tehsilUr: tehsil.ur,
          code: String(101 + plans.length),
          cnicPrefix: `${district.cnicCode}${i + 1}`,
          naFirst: 0,
          naSpan: 0,
          paFirst: 0,
          paSpan: 0,
          blocks: 0,
          stations: 0,
          issued: [0, 0],
          cnicOffset: [rng.int(SEQ_SPACE), rng.int(SEQ_SPACE)],
        };
        plans.push(plan);
        weights.push((province.weight * district.weight) / districtTotal / district.tehsils.length);
        const group = province.code === 'FATA' ? 'KP' : province.code;
        seatGroups.set(group, [...(seatGroups.get(group) ?? []), plan]);
      });
    }
  }
  for (const group of seatGroups.values()) {
    group.forEach((plan, i) => {
      const { na, pa } = plan.province;
      if (na) [plan.naFirst, plan.naSpan] = share(na, i, group.length);
      if (pa) [plan.paFirst, plan.paSpan] = share(pa.range, i, group.length);
    });
  }
  return { plans, cumulative: cumulativeWeights(weights) };
}

/** Seats [first, last] split evenly over `n` tehsils: the i-th tehsil's first seat and how many it has. */
function share([first, last]: [number, number], i: number, n: number): [number, number] {
  const range = last - first + 1;
  const from = first + Math.floor((i * range) / n);
  const to = first + Math.floor(((i + 1) * range) / n);
  return [from, Math.max(1, to - from)];
}

function issueCnic(plan: TehsilPlan, female: 0 | 1): string {
  const k = plan.issued[female]++;
  const round = Math.floor(k / SEQ_SPACE);
  if (round >= 5) {
    throw new RollError('ROLL_GENERATE_FAILED', `more than ${5 * SEQ_SPACE} voters of one gender in tehsil ${plan.tehsilEn}`);
  }
  const seq = ((k % SEQ_SPACE) * SEQ_MULT + plan.cnicOffset[female]) % SEQ_SPACE;
  const last = (female ? EVEN : ODD)[(round + seq) % 5];
  return `${plan.cnicPrefix}${String(seq).padStart(7, '0')}${last}`;
}

/** Ranges of the numbers inside generated names; `longestGeographyValues` reads them too. */
export const WARD_RANGE: [number, number] = [1, 40];
export const SCHOOL_NO_RANGE: [number, number] = [1, 6];
/** Index in AREA_KINDS of the municipal ward, whose name carries a number. */
export const WARD_KIND = 2;

export interface BilingualName {
  en: string;
  ur: string;
}

export function formatAreaName(kind: number, place: BilingualName, ward: number): BilingualName {
  if (kind === WARD_KIND) return { en: `Ward No. ${ward}, ${place.en}`, ur: `وارڈ نمبر ${ward}، ${place.ur}` };
  return { en: `${AREA_KINDS[kind].en} ${place.en}`, ur: `${AREA_KINDS[kind].ur} ${place.ur}` };
}

export function formatStationName(female: boolean, level: BilingualName, no: number, area: BilingualName): BilingualName {
  const who = female ? { en: 'Girls', ur: 'گرلز' } : { en: 'Boys', ur: 'بوائز' };
  return {
    en: `Govt. ${who.en} ${level.en} School No. ${no}, ${area.en}`,
    ur: `گورنمنٹ ${who.ur} ${level.ur} سکول نمبر ${no}، ${area.ur}`,
  };
}

function areaName(rng: SeededRandom): BilingualName {
  const kind = rng.int(AREA_KINDS.length);
  const place = rng.pick(LOCALITIES);
  // Only a ward draws its number: the draw order is part of what makes a seed reproducible.
  const ward = kind === WARD_KIND ? rng.between(...WARD_RANGE) : 0;
  return formatAreaName(kind, place, ward);
}

function stationName(rng: SeededRandom, female: boolean, area: BilingualName): BilingualName {
  const level = rng.pick(SCHOOL_LEVELS);
  const no = rng.between(...SCHOOL_NO_RANGE);
  return formatStationName(female, level, no, area);
}

/**
 * Writes a synthetic roll in the import format (see libs/roll/README.md): areas.csv,
 * stations.csv and voters.csv with clear CNICs, as ECP's source files would have them.
 * Deterministic by seed, streaming, and memory-flat at any size.
 */
export async function generateRoll(options: GenerateRollOptions): Promise<GenerateRollResult> {
  const total = options.voters;
  if (!Number.isSafeInteger(total) || total < 1) throw new RollError('ROLL_GENERATE_FAILED', 'voters must be a positive integer');
  await fs.mkdir(options.outDir, { recursive: true });
  const ext = options.gzip ? '.csv.gz' : '.csv';
  const files = {
    areas: join(options.outDir, `areas${ext}`),
    stations: join(options.outDir, `stations${ext}`),
    voters: join(options.outDir, `voters${ext}`),
  };
  const rng = new SeededRandom(options.seed);
  const { plans, cumulative } = planTehsils(rng);
  const areas = new LineSink(files.areas, !!options.gzip);
  const stations = new LineSink(files.stations, !!options.gzip);
  const voters = new LineSink(files.voters, !!options.gzip);
  let areaCount = 0;
  let stationCount = 0;
  let written = 0;
  let nextProgress = 100_000;
  try {
    areas.add(csvLine(AREAS_HEADER));
    stations.add(csvLine(STATIONS_HEADER));
    voters.add(csvLine(VOTERS_HEADER));

    while (written < total) {
      const plan = plans[rng.weightedIndex(cumulative)];
      const seq = ++plan.blocks;
      const block = `${plan.code}${String(seq).padStart(6, '0')}`;
      const area = areaName(rng);
      const na = plan.province.na ? `NA-${plan.naFirst + (seq % plan.naSpan)}` : '';
      const pa = plan.province.pa ? `${plan.province.pa.prefix}-${plan.paFirst + (seq % plan.paSpan)}` : '';
      const provinceCode = plan.province.code === 'FATA' ? 'KP' : plan.province.code;
      areas.add(csvLine([block, provinceCode, plan.districtEn, plan.districtUr, plan.tehsilEn, plan.tehsilUr, area.en, area.ur, na, pa]));
      areaCount++;
      for (const gender of ['M', 'F'] as const) {
        const name = stationName(rng, gender === 'F', area);
        stations.add(csvLine([block, gender, ++plan.stations, name.en, name.ur]));
        stationCount++;
      }

      const inBlock = Math.min(rng.between(200, 1200), total - written);
      let serial = 0;
      let family = 0;
      while (serial < inBlock) {
        family++;
        const size = Math.min(rng.weightedIndex(FAMILY_SIZE_CUMULATIVE) + 1, inBlock - serial);
        let lines = '';
        for (let m = 0; m < size; m++) {
          const female = rng.next() >= MALE_SHARE;
          serial++;
          lines += `${issueCnic(plan, female ? 1 : 0)},${block},${serial},${family},${female ? 'F' : 'M'}\n`;
        }
        voters.add(lines);
      }
      written += inBlock;
      if (voters.full) await voters.flush();
      if (areas.full) await areas.flush();
      if (stations.full) await stations.flush();
      if (written >= nextProgress) {
        options.onProgress?.({ voters: written, total });
        nextProgress += 100_000;
      }
    }
    await Promise.all([areas.close(), stations.close(), voters.close()]);
  } catch (err) {
    if (err instanceof RollError) throw err;
    throw new RollError('ROLL_GENERATE_FAILED', `generating the roll: ${(err as Error).message}`, false, { cause: err });
  }
  options.onProgress?.({ voters: written, total });
  return { voters: written, areas: areaCount, stations: stationCount, files, bytes: areas.bytes + stations.bytes + voters.bytes };
}
