import { formatAreaName, formatStationName, BilingualName, SCHOOL_NO_RANGE, WARD_RANGE } from './generate-roll';
import { AREA_KINDS, LOCALITIES, PROVINCES, SCHOOL_LEVELS } from './pakistan-geography';

/**
 * The longest value of each place-name field the generator can write, each language on its own
 * (the longest Urdu name need not belong to the longest English one), and the longest seat codes.
 * For tests that must prove a reply fits its SMS parts with the worst real data, not a typical row.
 */
export interface LongestGeographyValues {
  districtEn: string;
  districtUr: string;
  tehsilEn: string;
  tehsilUr: string;
  areaEn: string;
  areaUr: string;
  stationEn: string;
  stationUr: string;
  /** The longest National Assembly seat code, e.g. `NA-266`. */
  na: string;
  /** The longest provincial or GB assembly seat code, e.g. `PP-297`. */
  pa: string;
}

function longest(values: Iterable<string>): string {
  let best = '';
  for (const v of values) if (v.length > best.length) best = v;
  return best;
}

/** Longest seat code; among equally long ones the highest number, which is the real worst case. */
function longestSeat(codes: string[]): string {
  const num = (c: string) => Number(c.slice(c.indexOf('-') + 1));
  return codes.reduce((best, c) => (c.length > best.length || (c.length === best.length && num(c) > num(best)) ? c : best), '');
}

function longestNames(names: BilingualName[]): BilingualName {
  return { en: longest(names.map((n) => n.en)), ur: longest(names.map((n) => n.ur)) };
}

export function longestGeographyValues(): LongestGeographyValues {
  const districts = PROVINCES.flatMap((p) => p.districts);
  const district = longestNames(districts);
  const tehsil = longestNames(districts.flatMap((d) => d.tehsils));
  // Every area the generator can name, its ward number at its widest.
  const areas = AREA_KINDS.flatMap((_kind, k) => LOCALITIES.map((place) => formatAreaName(k, place, WARD_RANGE[1])));
  const area = longestNames(areas);
  // The area is part of the station's name, so the longest station carries the longest area.
  const stations = [false, true].flatMap((female) => SCHOOL_LEVELS.map((level) => formatStationName(female, level, SCHOOL_NO_RANGE[1], area)));
  const station = longestNames(stations);
  const na = longestSeat(PROVINCES.flatMap((p) => (p.na ? [`NA-${p.na[1]}`] : [])));
  const pa = longestSeat(PROVINCES.flatMap((p) => (p.pa ? [`${p.pa.prefix}-${p.pa.range[1]}`] : [])));
  return {
    districtEn: district.en,
    districtUr: district.ur,
    tehsilEn: tehsil.en,
    tehsilUr: tehsil.ur,
    areaEn: area.en,
    areaUr: area.ur,
    stationEn: station.en,
    stationUr: station.ur,
    na,
    pa,
  };
}
