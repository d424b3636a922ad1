import { Command, InvalidArgumentError } from 'commander';
import { SingleBar } from 'cli-progress';
import {
  RollVersionAdmin,
  WARM_DEFAULTS,
  generateRoll,
  importRoll,
  runRollMigrations,
  warmRollCache,
  type ImportProgress,
  type RollVersionInfo,
  type WarmProgress,
} from '@parchee/roll';
import { connectionConfig, importPepper } from '../cli-config';
import { registerAuditCommands } from '../audit/audit-commands';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function withAdmin<T>(work: (admin: RollVersionAdmin) => Promise<T>): Promise<T> {
  const admin = await RollVersionAdmin.open(connectionConfig().postgres);
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

function describe(v: RollVersionInfo): string {
  const when = (v.activatedAt ?? v.readyAt ?? v.createdAt).toISOString();
  // The pepper id (never the pepper) shows which versions a rotation has re-keyed.
  const pepper = `pepper ${(v.pepperId ?? 'unrecorded').padEnd(16)}`;
  return `${String(v.id).padStart(4)}  ${v.status.padEnd(9)}  ${String(v.voters).padStart(11)} voters  ${String(v.rejected).padStart(7)} rejected  ${pepper}  ${when}  ${v.label}`;
}

export function buildProgram(): Command {
  const program = new Command('roll').description('Manage electoral roll versions: schema, synthetic rolls, import, activation.').showHelpAfterError();

  program
    .command('migrate')
    .description('create the database if missing and apply the roll schema migrations')
    .action(async () => {
      const report = await runRollMigrations(connectionConfig().postgres, { createDatabase: true });
      out(`roll: schema up to date${report.databaseCreated ? ' (database created)' : ''}`);
    });

  program
    .command('generate')
    .description('write a deterministic synthetic roll (areas.csv, stations.csv, voters.csv)')
    .requiredOption('--voters <n>', 'number of voters', positiveInt)
    .option('--seed <seed>', 'seed: the same seed gives the same files', '1')
    .requiredOption('--out <dir>', 'output folder')
    .option('--gzip', 'write .csv.gz files')
    .action(async (opts: { voters: number; seed: string; out: string; gzip?: boolean }) => {
      const started = Date.now();
      const result = await generateRoll({ voters: opts.voters, seed: opts.seed, outDir: opts.out, gzip: opts.gzip });
      const seconds = (Date.now() - started) / 1000;
      out(
        `roll: generated ${result.voters} voters, ${result.areas} blocks, ${result.stations} polling stations in ${opts.out} (${Math.round(result.voters / Math.max(seconds, 0.001))} voters/s)`,
      );
    });

  program
    .command('import')
    .description('import areas, stations and voters CSV files (plain or .gz) as a new roll version')
    .requiredOption('--dir <dir>', 'folder holding areas.csv, stations.csv and voters.csv')
    .option('--label <label>', 'a name for this version, e.g. the ECP release')
    .option('--reject-file <file>', 'where bad rows go, with line number and reason')
    .option('--activate', 'activate the version once imported')
    .option('--next-pepper', 'key the version with PARCHEE_PEPPER_NEXT: the re-keyed roll of a pepper rotation (docs/operations.md)')
    .action(async (opts: { dir: string; label?: string; rejectFile?: string; activate?: boolean; nextPepper?: boolean }) => {
      // Both read before anything starts, so a missing pepper is a one-line error, not a broken progress bar.
      const config = connectionConfig();
      const secret = importPepper(opts.nextPepper === true);
      const bar = new SingleBar({
        format: 'roll import {phase} |{bar}| {percentage}% | {voters} voters | {rate} voters/s | ETA {eta_formatted}',
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 50,
      });
      const started = Date.now();
      bar.start(100, 0, { phase: 'areas', voters: 0, rate: 0 });
      let result;
      try {
        result = await importRoll({
          postgres: config.postgres,
          dir: opts.dir,
          pepper: secret,
          label: opts.label,
          rejectFile: opts.rejectFile,
          onProgress: (p: ImportProgress) => {
            const rate = Math.round(p.voters / Math.max((Date.now() - started) / 1000, 0.001));
            // Areas and stations are small; the bar tracks the voters file, then stays full while the key is built.
            const percent =
              p.phase === 'voters' && p.totalBytes > 0
                ? Math.min(99, Math.floor((100 * p.bytesRead) / p.totalBytes))
                : p.phase === 'areas' || p.phase === 'stations'
                  ? 0
                  : 100;
            bar.update(percent, { phase: p.phase.padEnd(13), voters: p.voters, rate });
          },
        });
      } finally {
        bar.stop();
      }
      out(
        `roll: version ${result.version} (${result.label}) ready: ${result.voters} voters, ${result.areas} blocks, ${result.stations} stations, ` +
          `${result.rejected} rejected${result.rejectFile ? ` (see ${result.rejectFile})` : ''}`,
      );
      out(
        `roll: ${result.votersPerSecond} voters/s overall (${result.seconds.total.toFixed(1)} s); load ${result.loadVotersPerSecond} voters/s, ` +
          `primary key ${result.seconds.index.toFixed(1)} s`,
      );
      if (opts.activate) {
        const active = await withAdmin((admin) => admin.activate(result.version));
        out(`roll: version ${active.id} is active`);
      }
    });

  program
    .command('activate')
    .description('make a ready version the one citizens are answered from (atomic)')
    .argument('<version>', 'version id', positiveInt)
    .action(async (version: number) => {
      const active = await withAdmin((admin) => admin.activate(version));
      out(`roll: version ${active.id} is active (${active.voters} voters)`);
    });

  program
    .command('list')
    .description('list roll versions')
    .action(async () => {
      const versions = await withAdmin((admin) => admin.list());
      if (versions.length === 0) out('roll: no versions; import one with "roll import --dir <dir>"');
      for (const v of versions) out(describe(v));
    });

  program
    .command('warm')
    .description('preload the lookup cache (Redis) with the active or given version, whole or one district')
    .option('--district <name>', 'only voters of this district (English name, any case)')
    .option('--version <version>', 'version id (default: the active version)', positiveInt)
    .option('--batch-size <n>', 'rows per cursor fetch and per Redis pipeline', positiveInt, WARM_DEFAULTS.batchSize)
    .action(async (opts: { district?: string; version?: number; batchSize: number }) => {
      const config = connectionConfig();
      const bar = new SingleBar({
        format: 'roll warm |{bar}| {percentage}% | {value}/{total} voters | {rate} keys/s | ETA {eta_formatted}',
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 20,
        // A warm is often run from a scheduled job: without a terminal, a line every 5 s still shows it moving.
        noTTYOutput: true,
        notTTYSchedule: 5000,
      });
      const started = Date.now();
      let barStarted = false;
      let result;
      try {
        result = await warmRollCache({
          postgres: config.postgres,
          // The warmer's own command timeout, not the lookup reader's 250 ms: see WarmRollCacheOptions.
          redis: { url: config.redis.url },
          version: opts.version,
          district: opts.district,
          batchSize: opts.batchSize,
          onProgress: (p: WarmProgress) => {
            const rate = Math.round(p.written / Math.max((Date.now() - started) / 1000, 0.001));
            if (!barStarted) {
              bar.start(p.total, 0, { rate: 0 });
              barStarted = true;
            }
            bar.update(p.written, { rate });
          },
        });
      } finally {
        if (barStarted) bar.stop();
      }
      const { before, after, delta } = result.redisMemory;
      out(
        `roll: warmed ${result.keys} keys for version ${result.version} (${result.cacheNamespace})${result.district ? `, district ${result.district}` : ''} ` +
          `in ${result.seconds.toFixed(1)} s (${result.keysPerSecond} keys/s)`,
      );
      out(`roll: Redis memory ${delta >= 0 ? '+' : '-'}${megabytes(Math.abs(delta))} (${megabytes(before)} -> ${megabytes(after)})`);
    });

  program
    .command('drop')
    .description('delete a roll version (never the active one)')
    .argument('<version>', 'version id', positiveInt)
    .action(async (version: number) => {
      await withAdmin((admin) => admin.drop(version));
      out(`roll: version ${version} dropped`);
    });

  registerAuditCommands(program, out);
  return program;
}
