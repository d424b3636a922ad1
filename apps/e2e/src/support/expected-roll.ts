import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One voter as the test expects the reply to show them, read straight from the imported CSVs. */
export interface ExpectedVoter {
  cnic: string;
  gender: 'M' | 'F';
  blockCode: string;
  serialNo: string;
  familyNo: string;
  areaUr: string;
  areaEn: string;
  districtUr: string;
  districtEn: string;
  tehsilUr: string;
  tehsilEn: string;
  na: string;
  pa: string;
  stationNo: string;
  stationUr: string;
  stationEn: string;
}

/** RFC 4180 fields: quoted fields may hold commas and doubled quotes. */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

function readCsv(file: string): Array<Record<string, string>> {
  const [header, ...rows] = readFileSync(file, 'utf8').split(/\r?\n/).filter(Boolean);
  const names = parseCsvLine(header);
  return rows.map((row) => {
    const values = parseCsvLine(row);
    return Object.fromEntries(names.map((n, i) => [n, values[i]]));
  });
}

export function loadExpectedRoll(dir: string): { voters: ExpectedVoter[]; cnics: Set<string> } {
  const areas = new Map(readCsv(join(dir, 'areas.csv')).map((a) => [a['block_code'], a]));
  const stations = new Map(readCsv(join(dir, 'stations.csv')).map((s) => [`${s['block_code']}:${s['gender']}`, s]));
  const voters = readCsv(join(dir, 'voters.csv')).map((v) => {
    const area = areas.get(v['block_code'])!;
    const station = stations.get(`${v['block_code']}:${v['gender']}`)!;
    return {
      cnic: v['cnic'],
      gender: v['gender'] as 'M' | 'F',
      blockCode: v['block_code'],
      serialNo: v['serial_no'],
      familyNo: v['family_no'],
      areaUr: area['area_name_ur'],
      areaEn: area['area_name_en'],
      districtUr: area['district_ur'],
      districtEn: area['district_en'],
      tehsilUr: area['tehsil_ur'],
      tehsilEn: area['tehsil_en'],
      na: area['na'],
      pa: area['pa'],
      stationNo: station['station_no'],
      stationUr: station['name_ur'],
      stationEn: station['name_en'],
    };
  });
  return { voters, cnics: new Set(voters.map((v) => v.cnic)) };
}
