import { redisScript, runScript, type RedisClient } from '@parchee/redis';
import { nextRevision, revisionOf, type SessionCells } from './session-cells';

/**
 * SET KEYS[1] to `ARGV[2]:ARGV[3]` PX ARGV[4] if its revision (the digits before the first ':',
 * 0 when absent, -1 when it has none) is ARGV[1]; 1 when written, 0 when not. One key: the
 * compare-and-set holds on a Redis Cluster as on one server, and needs no WATCH (which a client
 * shared by concurrent steps could not keep to one step's commands).
 */
const COMPARE_AND_SET = redisScript(`
local current = redis.call('GET', KEYS[1])
local revision = 0
if current then revision = tonumber(string.match(current, '^(%d+):')) or -1 end
if revision ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2] .. ':' .. ARGV[3], 'PX', ARGV[4])
return 1
`);

/** The USSD sessions in Redis, on the client libs/redis gives the service. */
export class RedisSessionCells implements SessionCells {
  constructor(private readonly redis: Pick<RedisClient, 'get' | 'set' | 'evalsha' | 'eval'>) {}

  async read(key: string): Promise<{ revision: number; value: string | null }> {
    return revisionOf(await this.redis.get(key));
  }

  async compareAndSet(key: string, revision: number, value: string, ttlMs: number): Promise<boolean> {
    const written = await runScript(this.redis, COMPARE_AND_SET, [key], [revision, nextRevision(revision), value, Math.max(1, Math.round(ttlMs))]);
    return Number(written) === 1;
  }

  get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(key, value, 'PX', Math.max(1, Math.round(ttlMs)));
  }
}
