import { randomUUID } from 'node:crypto';
import { MetricsRegistry } from '@parchee/observability';
import type { RedisClient } from '@parchee/redis';
import { testRedis, unreachableRedis, type TestRedisOptions } from '@parchee/redis/testing';
import { OperatorThrottle } from './operator-throttle';
import { rateWindowKeys } from './redis-rate-window';

const REDIS = process.env.PARCHEE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('OperatorThrottle against Redis', () => {
  const clients: RedisClient[] = [];
  const throttles: OperatorThrottle[] = [];
  const connect = (url = REDIS, options: TestRedisOptions = {}) => {
    const redis = testRedis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, ...options });
    redis.on('error', () => undefined);
    clients.push(redis);
    return redis;
  };
  const throttle = (redis: RedisClient, tps: Record<string, number>, extra: Partial<ConstructorParameters<typeof OperatorThrottle>[1]> = {}) => {
    const t = OperatorThrottle.withRedis(redis, { tps, ...extra });
    throttles.push(t);
    return t;
  };
  // A fresh operator id per test: runs never share a window.
  let operator: string;
  beforeEach(() => (operator = `it-${randomUUID().slice(0, 8)}`));

  let admin: RedisClient;
  beforeAll(() => {
    admin = testRedis(REDIS, { maxRetriesPerRequest: 1 });
  });
  afterAll(() => admin.disconnect());

  afterEach(async () => {
    for (const t of throttles.splice(0)) t.close();
    for (const c of clients.splice(0)) c.disconnect();
    await admin.del(...rateWindowKeys(operator));
  });

  async function ready(redis: RedisClient): Promise<RedisClient> {
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    return redis;
  }

  it('two replicas at tps=50 grant exactly 50 of 200 immediate asks between them', async () => {
    const a = throttle(await ready(connect()), { [operator]: 50 });
    const b = throttle(await ready(connect()), { [operator]: 50 });
    const waits = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).acquire(operator)));
    expect(waits.filter((w) => w === 0)).toHaveLength(50);
    expect(waits.filter((w) => w > 0).every((w) => w <= 1000)).toBe(true);
  });

  it('paces takes from two replicas to at most 50 in any first and second window', async () => {
    const a = throttle(await ready(connect()), { [operator]: 50 });
    const b = throttle(await ready(connect()), { [operator]: 50 });
    const start = Date.now();
    const doneAt: number[] = [];
    await Promise.all(Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? a : b).take(operator).then(() => doneAt.push(Date.now()))));
    // A take resolves after its grant, and every grant is after `start`: these bounds are the window's promise.
    expect(doneAt.filter((t) => t < start + 1000)).toHaveLength(50);
    expect(doneAt.filter((t) => t < start + 2000).length).toBeLessThanOrEqual(100);
    expect(doneAt).toHaveLength(150);
  });

  it('loads the script again when Redis lost its script cache (NOSCRIPT)', async () => {
    const t = throttle(await ready(connect()), { [operator]: 5 });
    expect(await t.acquire(operator, 5)).toBe(0);
    await admin.script('FLUSH');
    expect(await t.acquire(operator)).toBeGreaterThan(0);
  });

  it('keeps granting from the local share while Redis is unreachable, and counts each fallback', async () => {
    const metrics = new MetricsRegistry('egress-test');
    const fallbacks = metrics.counter('parchee_throttle_fallback_total', 'throttle reservations served locally', ['operator']);
    const dead = unreachableRedis({ maxRetriesPerRequest: 1 });
    clients.push(dead);
    const t = throttle(
      dead,
      { [operator]: 50 },
      {
        replicasHint: 2,
        onFallback: (op) => fallbacks.inc({ operator: op }),
      },
    );
    const waits = await Promise.all(Array.from({ length: 60 }, () => t.acquire(operator)));
    expect(waits.filter((w) => w === 0)).toHaveLength(25);
    expect((await fallbacks.get()).values.find((v) => v.labels.operator === operator)?.value).toBe(60);
  });

  it('falls back when Redis is too slow to answer within the command timeout', async () => {
    const redis = await ready(connect(REDIS, { commandTimeout: 100 }));
    let fallbacks = 0;
    const t = throttle(redis, { [operator]: 50 }, { onFallback: () => fallbacks++ });
    // The connection is busy with a blocking pop for 2 s: the script waits behind it and times out.
    redis.blpop(`parchee:test:nothing:${operator}`, 2).catch(() => undefined);
    expect(await t.acquire(operator)).toBe(0);
    expect(fallbacks).toBe(1);
  });
});
