import { randomUUID } from 'node:crypto';
import { MetricsRegistry } from '@parchee/observability';
import type { RedisClient } from '@parchee/redis';
import { keyHolders, testRedis, testRedisUrl, unreachableRedis, type TestRedisOptions } from '@parchee/redis/testing';
import { OperatorThrottle } from './operator-throttle';
import { paceKey } from './redis-pacer';

/** The machine's Redis, or the local Redis Cluster in the cluster run (PARCHEE_TEST_REDIS_URL). */
const REDIS = testRedisUrl();

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
    await admin.del(paceKey(operator));
  });

  async function ready(redis: RedisClient): Promise<RedisClient> {
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    return redis;
  }

  /** Takes `n` slots, alternating between the throttles; each release's time, in order of asking. */
  async function takeAll(replicas: OperatorThrottle[], n: number): Promise<number[]> {
    const at: number[] = new Array(n);
    await Promise.all(Array.from({ length: n }, (_, i) => replicas[i % replicas.length].take(operator).then(() => (at[i] = Date.now()))));
    return at;
  }

  it('paces two replicas together at tps=50, one slot every 20 ms, with no burst at the start of a second', async () => {
    const a = throttle(await ready(connect()), { [operator]: 50 });
    const b = throttle(await ready(connect()), { [operator]: 50 });
    const start = Date.now();
    const at = await takeAll([a, b], 150);
    // Slots are dated from the first ask, 20 ms apart, shared by both: a release is never before its slot.
    expect(at.filter((t) => t < start + 100).length).toBeLessThanOrEqual(5);
    expect(at.filter((t) => t < start + 1000).length).toBeLessThanOrEqual(50);
    expect(Math.max(...at) - start).toBeGreaterThanOrEqual(149 * 20 - 5);
  });

  it('slows every replica down when one is told ESME_RTHROTTLED', async () => {
    const a = throttle(await ready(connect()), { [operator]: 50 }, { throttledPauseMs: 600 });
    const b = throttle(await ready(connect()), { [operator]: 50 }, { throttledPauseMs: 600 });
    await a.take(operator);
    const refusedAt = Date.now();
    await a.throttled(operator);
    const at = await takeAll([b], 3);
    expect(at[0] - refusedAt).toBeGreaterThanOrEqual(600 - 5);
    // Half of 50 TPS after the pause: 40 ms apart.
    expect(at[2] - at[0]).toBeGreaterThanOrEqual(2 * 40 - 5);
  });

  it('loads the script again when Redis lost its script cache (NOSCRIPT)', async () => {
    const t = throttle(await ready(connect()), { [operator]: 5 });
    await t.take(operator);
    await Promise.all(keyHolders(await ready(admin)).map((server) => server.script('FLUSH')));
    const start = Date.now();
    await t.take(operator);
    // The second slot of 5 TPS, 200 ms after the first: the line survived the flush.
    expect(Date.now() - start).toBeGreaterThanOrEqual(150);
  });

  it('keeps pacing with the local share while Redis is unreachable, and counts each fallback', async () => {
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
    const start = Date.now();
    const at = await takeAll([t], 10);
    // This replica's share, 25 TPS: 40 ms apart.
    expect(Math.max(...at) - start).toBeGreaterThanOrEqual(9 * 40 - 5);
    expect((await fallbacks.get()).values.find((v) => v.labels.operator === operator)?.value).toBeGreaterThan(0);
  });

  it('falls back when Redis is too slow to answer within the command timeout', async () => {
    const redis = await ready(connect(REDIS, { commandTimeout: 100 }));
    let fallbacks = 0;
    const t = throttle(redis, { [operator]: 50 }, { onFallback: () => fallbacks++ });
    // The connection is busy with a blocking pop for 2 s: the script waits behind it and times out.
    // The operator's hash tag puts the popped key beside the pace key: one connection on a cluster too.
    redis.blpop(`parchee:test:nothing:{${operator}}`, 2).catch(() => undefined);
    await t.take(operator);
    expect(fallbacks).toBe(1);
  });
});
