import { KeyedHasher } from '@parchee/privacy';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabaseIfExists } from '@parchee/roll';
import { testRedis } from '@parchee/redis/testing';
import { testDatabaseUrl } from '@parchee/roll/testing';
import { rollCliRunner } from './testing/roll-cli-process';

const DB = testDatabaseUrl('parchee_roll_it_cli');
const PEPPER = 'cli-integration-pepper-0123456789';

const roll = rollCliRunner({ databaseUrl: DB, pepper: PEPPER });

describe('roll CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parchee-roll-cli-'));

  beforeAll(async () => {
    await dropDatabaseIfExists(DB);
  });

  afterAll(async () => {
    await dropDatabaseIfExists(DB);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the database, generates a roll, imports and activates it', async () => {
    const migrate = await roll(['migrate']);
    expect(migrate).toMatchObject({ code: 0, stdout: 'roll: schema up to date (database created)\n' });

    const generate = await roll(['generate', '--voters', '1500', '--seed', 'cli', '--out', dir]);
    expect(generate.code).toBe(0);
    expect(generate.stdout).toMatch(/^roll: generated 1500 voters, \d+ blocks, \d+ polling stations in /);

    const imported = await roll(['import', '--dir', dir, '--label', 'cli-test', '--activate']);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/roll: version 1 \(cli-test\) ready: 1500 voters, \d+ blocks, \d+ stations, 0 rejected/);
    expect(imported.stdout).toMatch(/voters\/s overall/);
    expect(imported.stdout).toContain('roll: version 1 is active');

    const list = await roll(['list']);
    expect(list.stdout).toMatch(new RegExp(`^\\s+1\\s+active\\s+1500 voters\\s+0 rejected\\s+pepper ${new KeyedHasher(PEPPER).id}\\s+\\S+\\s+cli-test$`, 'm'));
  }, 60_000);

  it('warms the cache for the active version, whole or one district, and reports keys, rate and Redis memory', async () => {
    const whole = await roll(['warm', '--batch-size', '400']);
    expect(whole.code).toBe(0);
    const summary =
      /^roll: warmed 1500 keys for version 1 \((v1-[0-9a-f]{12})\) in \d+\.\d s \(\d+ keys\/s\)\nroll: Redis memory [+-]\d+\.\d MB \(\d+\.\d MB -> \d+\.\d MB\)\n$/.exec(
        whole.stdout,
      );
    expect(summary).not.toBeNull();
    expect(whole.stderr).toContain('1500/1500 voters');

    const [header, ...areas] = readFileSync(join(dir, 'areas.csv'), 'utf8').trim().split('\n');
    const column = header.split(',').indexOf('district_en');
    const districts = new Set(areas.map((line) => line.split(',')[column]));
    expect(districts.size).toBeGreaterThan(1);
    const name = [...districts][0];
    const district = await roll(['warm', '--district', name.toLowerCase()]);
    expect(district.code).toBe(0);
    const warmed = new RegExp(`^roll: warmed (\\d+) keys for version 1 \\(v1-[0-9a-f]{12}\\), district ${name} in `).exec(district.stdout);
    expect(Number(warmed?.[1])).toBeGreaterThan(0);
    expect(Number(warmed?.[1])).toBeLessThan(1500);

    const nowhere = await roll(['warm', '--district', 'Atlantis']);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toBe('roll: ROLL_DISTRICT_NOT_FOUND: roll version 1 has no district "Atlantis"\n');

    // The CLI writes under the lookup service's own prefix; this version's namespace is ours alone.
    const redis = testRedis(process.env.PARCHEE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const keys = await redis.keys(`parchee:roll:${summary?.[1]}:*`);
      expect(keys).toHaveLength(1500);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  it('refuses to drop the active version with a one-line error and a non-zero exit', async () => {
    const drop = await roll(['drop', '1']);
    expect(drop.code).toBe(1);
    expect(drop.stderr).toBe('roll: ROLL_VERSION_ACTIVE: roll version 1 is active; activate another version before dropping it\n');
  }, 30_000);

  it('names the missing pepper variable before importing anything', async () => {
    const run = await roll(['import', '--dir', dir], { PARCHEE_PEPPER: undefined, PARCHEE_PEPPER_FILE: undefined });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('PARCHEE_PEPPER');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const list = await roll(['list']);
    expect(list.stdout.trim().split('\n')).toHaveLength(1);
  }, 30_000);

  it('rejects a database URL that is not postgres://, naming the variable', async () => {
    const run = await roll(['list'], { PARCHEE_DATABASE_URL: 'mysql://localhost/x' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('PARCHEE_DATABASE_URL');
  }, 30_000);
});
