import { createHash } from 'node:crypto';
import type { RedisClient } from '../client/redis-client';

/**
 * SETs every key it is given with its value and its TTL in ms, in one call: KEYS are the keys,
 * ARGV the value and the TTL of each in turn.
 */
export const SET_MANY_SCRIPT = "for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'PX', ARGV[2 * i]) end return #KEYS";

const SET_MANY: RedisScript = redisScript(SET_MANY_SCRIPT);

/** Most keys one script call carries: its arguments stay small, and one slow call holds few writes. */
const MAX_KEYS_PER_CALL = 500;

interface PendingSet {
  key: string;
  value: string;
  ttlMs: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Writes keys with a TTL, gathering the writes asked for while the event loop handles one round of
 * I/O (a socket read's worth of submit_sm_resp, a batch's MOs) into one script call. Through ioredis
 * each command costs its client about 6 µs (its Command object, promise and reply) however it is
 * pipelined, a key inside one script about 2 µs, and Redis dispatches one command instead of many
 * (docs/benchmarks.md, "Measurements behind code choices"). Each caller's promise settles with the
 * call that carried its key: the same answer a SET of its own would have had, at most one
 * event-loop turn later.
 */
export class BatchedSets {
  private pending: PendingSet[] = [];
  private scheduled = false;

  constructor(private readonly redis: Pick<RedisClient, 'evalsha' | 'eval'>) {}

  set(key: string, value: string, ttlMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ key, value, ttlMs: Math.max(1, Math.round(ttlMs)), resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    for (let i = 0; i < all.length; i += MAX_KEYS_PER_CALL) void this.write(all.slice(i, i + MAX_KEYS_PER_CALL));
  }

  private async write(group: PendingSet[]): Promise<void> {
    const keys = group.map((p) => p.key);
    const args: Array<string | number> = [];
    for (const p of group) args.push(p.value, p.ttlMs);
    try {
      await this.call(keys, args);
      for (const p of group) p.resolve();
    } catch (err) {
      for (const p of group) p.reject(err);
    }
  }

  private async call(keys: string[], args: Array<string | number>): Promise<void> {
    await runScript(this.redis, SET_MANY, keys, args);
  }
}

/** A Lua script and its SHA-1, computed once. */
export interface RedisScript {
  text: string;
  sha1: string;
}

export function redisScript(text: string): RedisScript {
  return { text, sha1: createHash('sha1').update(text).digest('hex') };
}

/**
 * EVALSHA, so Redis is not sent the script's text (and does not hash it) on every call; a Redis
 * that has forgotten it (restarted, SCRIPT FLUSH) answers NOSCRIPT, and the text goes once to load it.
 */
export async function runScript(
  redis: Pick<RedisClient, 'evalsha' | 'eval'>,
  script: RedisScript,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha1, keys.length, ...keys, ...args);
  } catch (err) {
    if (!String((err as Error).message).startsWith('NOSCRIPT')) throw err;
    return redis.eval(script.text, keys.length, ...keys, ...args);
  }
}
