import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvLine } from './expected-roll';

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Writes a copy of the roll in `from` whose only difference is that every area name (English and
 * Urdu) ends in `suffix`: the same voters, blocks and stations, so a reply tells which version
 * answered it by its area name alone.
 */
export function writeRenamedRoll(from: string, to: string, suffix: string): void {
  mkdirSync(to, { recursive: true });
  for (const file of ['voters.csv', 'stations.csv']) copyFileSync(join(from, file), join(to, file));
  const [header, ...rows] = readFileSync(join(from, 'areas.csv'), 'utf8').split(/\r?\n/).filter(Boolean);
  const names = parseCsvLine(header);
  const renamed = ['area_name_en', 'area_name_ur'].map((n) => names.indexOf(n));
  if (renamed.includes(-1)) throw new Error(`areas.csv has no area name columns: ${header}`);
  const out = rows.map((row) => {
    const fields = parseCsvLine(row);
    for (const i of renamed) fields[i] = `${fields[i]}${suffix}`;
    return fields.map(csvField).join(',');
  });
  writeFileSync(join(to, 'areas.csv'), [header, ...out].join('\n') + '\n');
}
