/**
 * What the request guard costs per lookup, in lookup's CPU and in Redis's, warm: batches of 500
 * lookups from 20,000 distinct numbers, each number asking its own CNIC again on every pass (as
 * the lookup benchmark's warm passes do), with limits nobody reaches (BENCH_PROTECTION_ENV).
 *
 *   flock /tmp/parchee-e2e.lock node -r @swc-node/register libs/protection/src/bench/guard-bench.ts
 *
 * Uses Redis database 7 (BENCH_REDIS_URL) and empties it at the end. Redis's CPU is the whole
 * server's (INFO cpu), so run it with nothing else using that Redis: hence the lock.
 * BENCH_PASS_HASH=0 leaves the MSISDN hash to the guard instead of passing it in.
 */
import { KeyedHasher } from '@parchee/privacy';
import { openRedisClient, type RedisClient } from '@parchee/redis';
import { GuardSecrets } from '../guard/guard-secrets';
import { RedisRequestGuard } from '../guard/redis-request-guard';
import type { GuardedLookup } from '../guard/request-guard';

const NUMBERS = 20_000;
const BATCH = 500;
const PASSES = Number(process.env['BENCH_PASSES'] ?? 5);
const URL = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379/7';
const PASS_HASH = process.env['BENCH_PASS_HASH'] !== '0';

async function redisCpuMs(redis: RedisClient): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}

async function main(): Promise<void> {
  const pepper = 'bench-pepper-0123456789abcdef0123';
  const hasher = new KeyedHasher(pepper);
  // Parchee's client policy, as lookup runs it; a long command timeout for FLUSHDB of a full database.
  const handle = await openRedisClient({ url: URL, name: 'guard-bench', commandTimeoutMs: 60_000 });
  const redis = handle.client;
  await redis.flushdb();
  const guard = new RedisRequestGuard(redis, hasher, new GuardSecrets(pepper), {
    limits: { perHour: 1_000_000, perDay: 10_000_000, maxDistinctCnics: 1_000_000, scanStrikes: 1000 },
  });
  const requests: GuardedLookup[] = Array.from({ length: NUMBERS }, (_, i) => {
    const msisdn = `92300${String(1_000_000 + i).padStart(7, '0')}`;
    const cnic = String(3520200000001 + i * 7919);
    const [a, b] = hasher.cnicNeighbourhood(cnic, 1000);
    const lookup: GuardedLookup = {
      msisdn,
      operator: ['jazz', 'zong', 'telenor', 'ufone', 'scom'][i % 5],
      cnicHash: hasher.cnic(cnic),
      near: [KeyedHasher.text(a), KeyedHasher.text(b)],
    };
    return PASS_HASH ? { ...lookup, msisdnHash: hasher.msisdn(msisdn) } : lookup;
  });
  const pass = async () => {
    for (let from = 0; from < NUMBERS; from += BATCH) {
      const { verdicts, stored } = await guard.decide(requests.slice(from, from + BATCH));
      // Each batch's write-back done before the next batch, as the pipeline's commit waits for it.
      await stored;
      if (verdicts.some((v) => v !== 'allow')) throw new Error('a bench lookup was refused');
    }
  };
  await pass(); // cold: every number's first lookup, and JIT warm-up
  await pass();
  const redisBefore = await redisCpuMs(redis);
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let p = 0; p < PASSES; p++) await pass();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const redisMs = (await redisCpuMs(redis)) - redisBefore;
  const n = PASSES * NUMBERS;
  const memory = await redis.info('memory');
  const keys = await redis.dbsize();
  process.stdout.write(
    JSON.stringify({
      lookups: n,
      lookupCpuUsPerLookup: +((cpu.user + cpu.system) / n).toFixed(2),
      redisCpuUsPerLookup: +((redisMs * 1000) / n).toFixed(2),
      wallUsPerLookup: +((wallMs * 1000) / n).toFixed(2),
      redisKeys: keys,
      redisUsedMemory: /used_memory_human:(\S+)/.exec(memory)?.[1],
      msisdnHashPassed: PASS_HASH,
    }) + '\n',
  );
  await redis.flushdb();
  await handle.close();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
