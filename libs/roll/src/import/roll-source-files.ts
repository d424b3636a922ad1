import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RollError } from '../errors/roll-error';

export interface RollSourceFiles {
  areas: string;
  stations: string;
  voters: string;
}

const NAMES = ['areas', 'stations', 'voters'] as const;

/** The three files of a roll in `dir`: `<name>.csv` or `<name>.csv.gz`. */
export function rollFilesIn(dir: string): RollSourceFiles {
  const found = {} as RollSourceFiles;
  for (const name of NAMES) {
    const candidates = [join(dir, `${name}.csv`), join(dir, `${name}.csv.gz`)];
    const path = candidates.find((p) => existsSync(p));
    if (!path) throw new RollError('ROLL_IMPORT_FILE_MISSING', `${dir} has no ${name}.csv or ${name}.csv.gz`);
    found[name] = path;
  }
  return found;
}

export function checkRollFiles(files: RollSourceFiles): RollSourceFiles {
  for (const name of NAMES) {
    if (!existsSync(files[name])) throw new RollError('ROLL_IMPORT_FILE_MISSING', `${name} file ${files[name]} does not exist`);
  }
  return files;
}
