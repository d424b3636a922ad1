import { randomBytes } from 'node:crypto';
import { KeyedHasher } from '@parchee/privacy';
import type { RedisClient } from '@parchee/redis';
import { keysMatching, testRedis, testRedisUrl, unreachableRedis } from '@parchee/redis/testing';
import { GuardAllowlist } from '../guard/guard-allowlist';
import { RedisReplyCap, type ReplyCapOptions } from './reply-cap';

const hasher = new KeyedHasher('int-test-pepper-0123456789abcdef');
const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** 10:00 UTC tomorrow: counters expire at their window's end, so a test's clock must not be in the past. */
const TOMORROW_10H = (Math.floor(Date.now() / DAY) + 1) * DAY + 10 * HOUR;

describe('RedisReplyCap against real Redis', () => {
  /** Database 9 of the machine's Redis, or the local Redis Cluster in the cluster run (PARCHEE_TEST_REDIS_URL). */
  const REDIS_URL = testRedisUrl(9);
  const clients: RedisClient[] = [];
  let prefix: string;

  function replica(options: ReplyCapOptions = {}): RedisReplyCap {
    const redis = testRedis(REDIS_URL, { maxRetriesPerRequest: 0, commandTimeout: 1000 });
    clients.push(redis);
    return new RedisReplyCap(redis, hasher, { keyPrefix: prefix, ...options });
  }

  beforeEach(() => {
    prefix = `parchee:test:reply-cap:${randomBytes(6).toString('hex')}:`;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
  });

  it('withholds a number’s replies past the hourly cap, in order, across batches and replicas', async () => {
    const now = TOMORROW_10H + 30 * 60_000;
    const a = replica({ limits: { perHour: 3, perDay: 100 }, now: () => now });
    const b = replica({ limits: { perHour: 3, perDay: 100 }, now: () => now });
    expect(await a.mute([{ msisdn: '923001111111' }, { msisdn: '923001111111' }, { msisdn: '923002222222' }])).toEqual([false, false, false]);
    expect(await b.mute([{ msisdn: '923001111111' }, { msisdn: '923001111111' }, { msisdn: '923002222222' }])).toEqual([false, true, false]);
    expect(await a.mute([{ msisdn: '923002222222' }, { msisdn: '923002222222' }])).toEqual([false, true]);
  });

  it('counts every help and invalid request, answered or not, per clock hour and per day', async () => {
    let now = TOMORROW_10H + 59 * 60_000;
    const cap = replica({ limits: { perHour: 2, perDay: 3 }, now: () => now });
    const one = [{ msisdn: '923003333333' }];
    expect([await cap.mute(one), await cap.mute(one), await cap.mute(one)].flat()).toEqual([false, false, true]);
    now += HOUR;
    // Every request counts, answered or not: the day's three are spent.
    expect(await cap.mute(one)).toEqual([true]);
    now += DAY;
    expect([await cap.mute(one), await cap.mute(one)].flat()).toEqual([false, false]);
  });

  it('keeps no clear number in Redis and lets every counter expire at its window’s end', async () => {
    const now = Date.now();
    await replica({ now: () => now }).mute([{ msisdn: '923004444444' }]);
    const redis = clients[clients.length - 1];
    const keys = await keysMatching(redis, `${prefix}*`);
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).not.toContain('923004444444');
      expect(key).not.toContain('3004444444');
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(DAY);
    }
  });

  it('never withholds from an allowlisted number', async () => {
    const allowlist = new GuardAllowlist(['923005555555'], hasher);
    const cap = replica({ limits: { perHour: 1, perDay: 1 }, allowlist });
    const many = Array.from({ length: 5 }, () => ({ msisdn: '923005555555' }));
    expect(await cap.mute(many)).toEqual([false, false, false, false, false]);
  });

  it('sends every reply when Redis cannot answer (fail open), and reports it', async () => {
    const redis = unreachableRedis();
    let failed = 0;
    const cap = new RedisReplyCap(redis, hasher, { limits: { perHour: 1, perDay: 1 }, onFailOpen: (n) => (failed += n) });
    expect(await cap.mute([{ msisdn: '923006666666' }, { msisdn: '923006666666' }])).toEqual([false, false]);
    expect(failed).toBe(2);
    redis.disconnect();
  });
});
