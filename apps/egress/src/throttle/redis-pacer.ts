import { createHash } from 'node:crypto';
import { RedisKeys, type RedisClient } from '@parchee/redis';
import { HORIZON_MS, MIN_RATE_FACTOR, type PaceSettings, type Reservation, type SubmitPacer } from './submit-pacer';

/**
 * The pacer as one atomic script, so every egress replica draws its slots from the same line.
 * Redis's own clock (TIME) dates them: replicas' clocks may disagree, the server's is one, and the
 * caller gets offsets from now, not dates. The arithmetic is submit-pacer.ts's reserveSlots and
 * slowDownState, line for line.
 *
 * KEYS[1] a hash: tat (next free slot), factor (after the last slow-down), paused (until, ms)
 * ARGV    mode ('reserve' | 'slow'), limit, pause ms, recovery per second, want, horizon ms, min factor
 * returns for 'reserve' {granted, firstInMs, intervalMs, waitMs} as strings (Lua numbers would be
 * truncated to integers on the way out); for 'slow' 1
 */
export const PACE_SCRIPT = `
local mode = ARGV[1]
local limit = tonumber(ARGV[2])
local pause = tonumber(ARGV[3])
local recovery = tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local s = redis.call('HMGET', KEYS[1], 'tat', 'factor', 'paused')
local tat = tonumber(s[1]) or 0
local factor = tonumber(s[2]) or 1
local paused = tonumber(s[3]) or 0
local current = factor
if factor < 1 and now > paused then current = math.min(1, factor + recovery * (now - paused) / 1000) end
if mode == 'slow' then
  if now >= paused then
    redis.call('HSET', KEYS[1], 'factor', string.format('%.6f', math.max(tonumber(ARGV[7]), current / 2)), 'paused', string.format('%.3f', now + pause))
    redis.call('PEXPIRE', KEYS[1], 120000)
  end
  return 1
end
local want = tonumber(ARGV[5])
local horizon = tonumber(ARGV[6])
local interval = 1000 / (limit * current)
local start = math.max(tat, now, paused)
local reach = now + horizon - start
local granted = 0
if reach >= 0 then granted = math.min(want, math.floor(reach / interval) + 1) end
if granted > 0 then
  tat = start + granted * interval
  redis.call('HSET', KEYS[1], 'tat', string.format('%.3f', tat))
  redis.call('PEXPIRE', KEYS[1], 120000)
end
local wait = 0
if granted < want then
  local batch = math.min(want - granted, math.max(1, math.floor(horizon / interval / 2)))
  wait = math.max(1, math.ceil(math.max(tat, now, paused) + (batch - 1) * interval - horizon - now))
end
return {tostring(granted), string.format('%.3f', start - now), string.format('%.6f', interval), tostring(wait)}
`;

const SCRIPT_SHA = createHash('sha1').update(PACE_SCRIPT).digest('hex');

/** One key per operator link, holding its id only. The braces are a Redis Cluster hash tag. */
export function paceKey(key: string): string {
  return `${RedisKeys.TPS}{${key}}:pace`;
}

/** The part of the Redis client this needs, so a unit test can stand in for it. */
export type ScriptRunner = Pick<RedisClient, 'evalsha' | 'eval'>;

export class RedisPacer implements SubmitPacer {
  constructor(private readonly redis: ScriptRunner) {}

  async reserve(key: string, settings: PaceSettings, want: number): Promise<Reservation> {
    const [granted, firstInMs, intervalMs, waitMs] = (await this.run('reserve', key, settings, want)) as [string, string, string, string];
    return { granted: Number(granted), firstInMs: Math.max(0, Number(firstInMs)), intervalMs: Number(intervalMs), waitMs: Number(waitMs) };
  }

  async slowDown(key: string, settings: PaceSettings): Promise<void> {
    await this.run('slow', key, settings, 0);
  }

  private async run(mode: 'reserve' | 'slow', key: string, settings: PaceSettings, want: number): Promise<unknown> {
    const args = [paceKey(key), mode, settings.limit, settings.pauseMs, settings.recoveryPerSecond, want, HORIZON_MS, MIN_RATE_FACTOR];
    try {
      return await this.redis.evalsha(SCRIPT_SHA, 1, ...args);
    } catch (err) {
      // The script cache is empty after a Redis restart or SCRIPT FLUSH: send the body once, which caches it again.
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
      return this.redis.eval(PACE_SCRIPT, 1, ...args);
    }
  }
}
