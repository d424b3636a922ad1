import type { RedisClient } from '../client/redis-client';
import { RedisKeys } from '../keys/redis-keys';
import { redisScript, runScript } from '../writes/batched-sets';

/**
 * One round of an owner in a budget of numbered slots. KEYS[1] is the budget's members (a sorted
 * set of owners scored by when their membership lapses), KEYS[2..] its slots (each holding its
 * owner); ARGV the owner and the lease in ms. The owner renews its membership, keeps the slots it
 * holds up to its fair share (the budget over the live members, rounded up), and takes free slots
 * up to that share. Slots beyond its share are neither renewed nor freed here: the owner frees them
 * (RELEASE) once what used them is closed, so another never opens a slot still in use. Returns the
 * slot numbers (0-based) it holds for another lease.
 */
const BALANCE = redisScript(`
local owner = ARGV[1]
local lease = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + lease, owner)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PEXPIRE', KEYS[1], lease * 2)
local share = math.ceil((#KEYS - 1) / redis.call('ZCARD', KEYS[1]))
local held = {}
for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) == owner and #held < share then
    redis.call('PEXPIRE', KEYS[i], lease)
    held[#held + 1] = i - 2
  end
end
for i = 2, #KEYS do
  if #held >= share then break end
  if redis.call('SET', KEYS[i], owner, 'PX', lease, 'NX') then held[#held + 1] = i - 2 end
end
return held`);

/** Frees the slots named in ARGV[2..] (0-based) that the owner ARGV[1] holds. */
const RELEASE = redisScript(`
for i = 2, #ARGV do
  local key = KEYS[tonumber(ARGV[i]) + 2]
  if key and redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 1`);

/** The owner leaves: its membership and every slot it holds are freed at once. */
const LEAVE = redisScript(`
redis.call('ZREM', KEYS[1], ARGV[1])
for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
return 1`);

export interface SlotLeasesOptions {
  /** This process among all that share the budgets (host name and pid, say): never a secret. */
  owner: string;
  /** How long a slot and a membership last without renewal: how soon a dead owner's slots are free again, ms. */
  leaseMs: number;
}

/**
 * Budgets of numbered slots (an operator link's binds, say) shared by every replica through Redis,
 * each slot leased by one replica at a time and the budget split fairly among the live replicas.
 * Keys carry the budget's name only: `parchee:lease:{<budget>}:members` and
 * `parchee:lease:{<budget>}:<slot>`, in one hash tag so a Redis Cluster keeps a budget on one node.
 * A replica that stops renewing loses its slots and its membership after leaseMs.
 */
export class SlotLeases {
  constructor(
    private readonly redis: Pick<RedisClient, 'evalsha' | 'eval'>,
    private readonly options: SlotLeasesOptions,
  ) {}

  /** Renews this owner's share of `budget` (`size` slots) and says which slots it holds now. */
  async balance(budget: string, size: number): Promise<number[]> {
    const held = (await runScript(this.redis, BALANCE, budgetKeys(budget, size), [this.options.owner, this.options.leaseMs])) as number[];
    return held.map(Number).sort((a, b) => a - b);
  }

  /** Frees `slots` of `budget` that this owner holds, once nothing uses them any more. */
  async release(budget: string, size: number, slots: readonly number[]): Promise<void> {
    if (slots.length === 0) return;
    await runScript(this.redis, RELEASE, budgetKeys(budget, size), [this.options.owner, ...slots]);
  }

  /** Frees this owner's membership and slots of `budget`, so the others need not wait out the lease. */
  async leave(budget: string, size: number): Promise<void> {
    await runScript(this.redis, LEAVE, budgetKeys(budget, size), [this.options.owner]);
  }
}

/** The members key, then one key per slot. */
export function budgetKeys(budget: string, size: number): string[] {
  const root = `${RedisKeys.LEASE}{${budget}}:`;
  return [`${root}members`, ...Array.from({ length: size }, (_, slot) => `${root}${slot}`)];
}

/** One budget of SlotLeases as the shape libs/smpp's LeasedBinds asks for (BindBudget). */
export function budgetOf(
  leases: SlotLeases,
  budget: string,
  size: number,
): { balance(): Promise<number[]>; release(slots: readonly number[]): Promise<void>; leave(): Promise<void> } {
  return { balance: () => leases.balance(budget, size), release: (slots) => leases.release(budget, size, slots), leave: () => leases.leave(budget, size) };
}
