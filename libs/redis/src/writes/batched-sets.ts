import { createHash } from 'node:crypto';
import { isCluster, type RedisClient } from '../client/redis-client';
import { slotChunks } from '../slots/slot-chunks';

/**
 * SETs every key it is given with its value and its TTL in ms, in one call: KEYS are the keys,
 * ARGV the value and the TTL of each in turn.
 */
export const SET_MANY_SCRIPT = "for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'PX', ARGV[2 * i]) end return #KEYS";

/**
 * SET NX GET for every key it is given (value and TTL in ms in ARGV, in turn): each key is claimed
 * if free, and the answer holds, per key, its previous value or nil when it was free.
 */
export const CLAIM_MANY_SCRIPT =
  "local out = {} for i = 1, #KEYS do out[i] = redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'PX', ARGV[2 * i], 'NX', 'GET') end return out";

const SET_MANY: RedisScript = redisScript(SET_MANY_SCRIPT);
const CLAIM_MANY: RedisScript = redisScript(CLAIM_MANY_SCRIPT);

/** Most keys one script call carries: its arguments stay small, and one slow call holds few writes. */
const MAX_KEYS_PER_CALL = 500;

interface KeyWrite {
  key: string;
  value: string;
  ttlMs: number;
}

interface Pending<R> extends KeyWrite {
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Gathers the items handed in while the event loop handles one round of I/O and runs them through
 * `run` in calls of at most MAX_KEYS_PER_CALL, each caller settled with its own item's result. On a
 * Redis Cluster a call holds the keys of one slot only (slotChunks): the calls of one turn still
 * leave together, one pipeline per node.
 */
class TurnBatch<R> {
  private pending: Array<Pending<R>> = [];
  private scheduled = false;

  constructor(
    private readonly redis: object,
    private readonly run: (items: readonly KeyWrite[]) => Promise<R[]>,
  ) {}

  add(key: string, value: string, ttlMs: number): Promise<R> {
    return new Promise<R>((resolve, reject) => {
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
    if (!isCluster(this.redis)) {
      for (let i = 0; i < all.length; i += MAX_KEYS_PER_CALL) void this.call(all.slice(i, i + MAX_KEYS_PER_CALL));
      return;
    }
    const keys = all.map((p) => p.key);
    for (const chunk of slotChunks(this.redis, keys, MAX_KEYS_PER_CALL)) void this.call(chunk.map((i) => all[i]));
  }

  private async call(group: Array<Pending<R>>): Promise<void> {
    try {
      const results = await this.run(group);
      group.forEach((p, i) => p.resolve(results[i]));
    } catch (err) {
      for (const p of group) p.reject(err);
    }
  }
}

/** KEYS and ARGV of a SET_MANY or CLAIM_MANY call. */
function keysAndArgs(items: readonly KeyWrite[]): [string[], Array<string | number>] {
  const keys = items.map((p) => p.key);
  const args: Array<string | number> = [];
  for (const p of items) args.push(p.value, p.ttlMs);
  return [keys, args];
}

/**
 * Writes keys with a TTL, gathering the writes asked for while the event loop handles one round of
 * I/O (a socket read's worth of submit_sm_resp or deliver_sm, a batch's MOs) into one script call.
 * Through ioredis each command costs its client about 6 µs (its Command object, promise and reply)
 * however it is pipelined, a key inside one script about 2 µs, and Redis dispatches one command
 * instead of many (docs/benchmarks.md, "Measurements behind code choices"). Each caller's promise
 * settles with the call that carried its key: the answer a command of its own would have had, at
 * most one event-loop turn later.
 */
export class BatchedSets {
  private readonly sets: TurnBatch<void>;
  private readonly claims: TurnBatch<string | null>;

  constructor(redis: Pick<RedisClient, 'evalsha' | 'eval'>) {
    this.sets = new TurnBatch<void>(redis, async (items) => {
      const [keys, args] = keysAndArgs(items);
      await runScript(redis, SET_MANY, keys, args);
      return items.map(() => undefined);
    });
    this.claims = new TurnBatch<string | null>(redis, async (items) => {
      const [keys, args] = keysAndArgs(items);
      return (await runScript(redis, CLAIM_MANY, keys, args)) as Array<string | null>;
    });
  }

  /** SET key value PX ttlMs. */
  set(key: string, value: string, ttlMs: number): Promise<void> {
    return this.sets.add(key, value, ttlMs);
  }

  /** SET key value PX ttlMs NX GET: null when the key was free and now holds `value`, else its value (left as it was). */
  claim(key: string, value: string, ttlMs: number): Promise<string | null> {
    return this.claims.add(key, value, ttlMs);
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
