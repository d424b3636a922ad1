/**
 * Import benchmark: generate N voters, import them, print the rates and the on-disk sizes, then
 * time batched PostgreSQL lookups. Run it alone on the machine; numbers from a busy box mislead.
 *
 *   node -r @swc-node/register libs/roll/src/bench/import-bench.ts
 *   ROLL_BENCH_VOTERS=10000000 node -r @swc-node/register libs/roll/src/bench/import-bench.ts
 *
 * Env: ROLL_BENCH_VOTERS (default 1000000), ROLL_BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/parchee_roll_bench, dropped and re-created), ROLL_BENCH_DIR
 * (default a temp dir, removed afterwards), ROLL_BENCH_GZIP=1 to generate .csv.gz.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyedHasher } from '@parchee/privacy';
import { createRollPool, dropDatabaseIfExists } from '../connection/postgres-pool';
import { generateRoll } from '../generator/generate-roll';
import { importRoll } from '../import/import-roll';
import { RollRepository } from '../lookup/roll-repository';
import { runRollMigrations } from '../schema/roll-data-source';
import { SeededRandom } from '../generator/seeded-random';

const say = (line: string) => process.stdout.write(`${line}\n`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const voters = Number(process.env.ROLL_BENCH_VOTERS ?? 1_000_000);
  const url = process.env.ROLL_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parchee_roll_bench';
  const ownDir = !process.env.ROLL_BENCH_DIR;
  const dir = process.env.ROLL_BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'parchee-roll-bench-'));
  const pepper = 'benchmark-pepper-not-a-secret-0123456789';

  try {
    say(`roll bench: ${voters.toLocaleString('en')} voters, database ${new URL(url).pathname.slice(1)}`);
    await dropDatabaseIfExists(url);
    await runRollMigrations({ url }, { createDatabase: true });

    let t = performance.now();
    const gen = await generateRoll({ voters, seed: 'bench', outDir: dir, gzip: process.env.ROLL_BENCH_GZIP === '1' });
    let s = (performance.now() - t) / 1000;
    say(`generate: ${s.toFixed(2)} s, ${Math.round(voters / s).toLocaleString('en')} voters/s, ${mb(gen.bytes)} written, ${gen.areas} blocks`);

    const cpu0 = process.cpuUsage();
    t = performance.now();
    const result = await importRoll({ postgres: { url }, dir, pepper, label: 'bench' });
    s = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpu0);
    say(
      `import: ${s.toFixed(2)} s, ${result.votersPerSecond.toLocaleString('en')} voters/s overall; ` +
        `load (parse, validate, hash, COPY) ${result.seconds.load.toFixed(2)} s = ${result.loadVotersPerSecond.toLocaleString('en')} voters/s; ` +
        `primary key ${result.seconds.index.toFixed(2)} s; importer CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`,
    );

    const pool = createRollPool({ url, poolSize: 4 });
    try {
      const sizes = await pool.query<{ name: string; total: string; heap: string; indexes: string }>(
        `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS total, pg_relation_size(c.oid) AS heap, pg_indexes_size(c.oid) AS indexes
           FROM pg_class c WHERE c.relname IN ($1, 'electoral_area', 'polling_station') ORDER BY 1`,
        [`voter_v${result.version}`],
      );
      for (const r of sizes.rows) {
        say(`size ${r.name}: total ${mb(Number(r.total))} (heap ${mb(Number(r.heap))}, indexes ${mb(Number(r.indexes))})`);
      }
      const perVoter = Number(sizes.rows.find((r) => r.name.startsWith('voter_v'))?.total ?? 0) / result.voters;
      say(`per voter: ${perVoter.toFixed(0)} bytes on disk (heap + primary key)`);

      // Batched lookups of known CNICs, 100 per query, 4 at a time: the lookup service's pattern.
      const sample = readFileSync(join(dir, 'voters.csv'), 'utf8')
        .split('\n', 200_001)
        .slice(1)
        .filter(Boolean)
        .map((l) => l.slice(0, 13));
      if (sample.length > 0 && !gen.files.voters.endsWith('.gz')) {
        const hasher = new KeyedHasher(pepper);
        const rng = new SeededRandom(1);
        const repo = new RollRepository(pool);
        const batches = 400;
        const batch = () => Array.from({ length: 100 }, () => hasher.cnic(sample[rng.int(sample.length)]));
        const work = Array.from({ length: batches }, batch);
        t = performance.now();
        let found = 0;
        for (let i = 0; i < work.length; i += 4) {
          const maps = await Promise.all(work.slice(i, i + 4).map((b) => repo.findVoters(result.version, b)));
          found += maps.reduce((n, m) => n + m.size, 0);
        }
        s = (performance.now() - t) / 1000;
        say(
          `lookup: ${batches} batches of 100 from PostgreSQL in ${s.toFixed(2)} s = ${Math.round((batches * 100) / s).toLocaleString('en')} keys/s (${found} found)`,
        );
      }
    } finally {
      await pool.end();
    }
  } finally {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`roll bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
