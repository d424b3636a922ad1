import { createHash, randomBytes } from 'node:crypto';
import { RedisKeys, type RedisClient } from '@parchee/redis';
import { RATE_WINDOW_MS, type RateWindow, type Reservation } from './rate-window';

/**
 * The window as one atomic script, so every egress replica draws from the same tokens. Redis's
 * own clock (TIME) dates the grants: replicas' clocks may disagree, the server's is one.
 *
 * KEYS[1] grants in the window: a sorted set scored by grant time (ms), member "<ms>:<count>:<nonce>"
 * KEYS[2] the sum of their counts, so a call reads only the grants that leave the window
 * ARGV    limit, window ms, want, min, nonce
 * returns {granted, waitMs}
 */
export const RESERVE_SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local min = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cutoff = now - window
local total = tonumber(redis.call('GET', KEYS[2]) or '0')
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff)
for i = 1, #expired do
  total = total - tonumber(string.match(expired[i], '^%d+:(%d+):'))
end
if #expired > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff) end
if total < 0 or redis.call('ZCARD', KEYS[1]) == 0 then total = 0 end
local free = limit - total
local granted = 0
if free >= min then
  granted = math.min(want, free)
  local stamp = string.format('%d', now)
  redis.call('ZADD', KEYS[1], stamp, stamp .. ':' .. granted .. ':' .. ARGV[5])
  total = total + granted
end
local wait = 0
if granted < want then
  local needed = (granted == 0 and min or 1) - (limit - total)
  local entries = redis.call('ZRANGE', KEYS[1], 0, needed - 1, 'WITHSCORES')
  local sum = 0
  wait = window
  for i = 1, #entries, 2 do
    sum = sum + tonumber(string.match(entries[i], '^%d+:(%d+):'))
    if sum >= needed then
      wait = tonumber(entries[i + 1]) + window - now
      break
    end
  end
  if wait < 1 then wait = 1 end
end
if total > 0 then
  redis.call('SET', KEYS[2], total, 'PX', window * 2)
  redis.call('PEXPIRE', KEYS[1], window * 2)
end
return {granted, wait}
`;

const SCRIPT_SHA = createHash('sha1').update(RESERVE_SCRIPT).digest('hex');

/** Keys carry the operator id only. The braces are a Redis Cluster hash tag: both keys share a slot. */
export function rateWindowKeys(key: string): [string, string] {
  return [`${RedisKeys.TPS}{${key}}`, `${RedisKeys.TPS}{${key}}:granted`];
}

/** The part of the Redis client this needs, so a unit test can stand in for it. */
export type ScriptRunner = Pick<RedisClient, 'evalsha' | 'eval'>;

export class RedisRateWindow implements RateWindow {
  private readonly nonce = randomBytes(6).toString('base64url');
  private sequence = 0;

  constructor(
    private readonly redis: ScriptRunner,
    private readonly windowMs = RATE_WINDOW_MS,
  ) {}

  async reserve(key: string, limit: number, want: number, min: number): Promise<Reservation> {
    const args = [...rateWindowKeys(key), limit, this.windowMs, want, min, `${this.nonce}.${++this.sequence}`];
    let reply: unknown;
    try {
      reply = await this.redis.evalsha(SCRIPT_SHA, 2, ...args);
    } catch (err) {
      // The script cache is empty after a Redis restart or SCRIPT FLUSH: send the body once, which caches it again.
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      reply = await this.redis.eval(RESERVE_SCRIPT, 2, ...args);
    }
    const [granted, waitMs] = reply as [number, number];
    return { granted: Number(granted), waitMs: Number(waitMs) };
  }
}
