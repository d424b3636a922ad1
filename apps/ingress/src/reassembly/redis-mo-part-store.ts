import { SealingKey } from '@parchee/privacy';
import { RedisKeys, redisScript, runScript, type RedisClient } from '@parchee/redis';
import type { ConcatScheme } from '@parchee/smpp';
import type { DroppedMo, MoPart, MoPartOutcome, MoPartStore } from './mo-part-store';

/** The label of the parts' sealing key (HKDF from the pepper): its own key, never the pepper's other uses'. */
export const MO_PARTS_SEALING_LABEL = 'parchee-mo-parts-v1';

/**
 * Records one part. An operator's pending messages are a sorted set (KEYS[1]) of members
 * `<sender>:<scheme>:<ref>` scored by first-part time; each message is a hash (KEYS[2]) of
 * `m` = `<total>:<data_coding>:<first part at>` and `<seq>` = the sealed part.
 *
 * ARGV    member, seq, total, data_coding, sealed part, key lifetime ms, most pending, prefix of the operator's message keys
 * returns {status, drop reason, drop member, drop meta, drop received, meta, part 1, …, part n}:
 *         status 'buffered', 'duplicate' or 'complete' (then the meta and every part, in order);
 *         the drop fields are '' unless this part made another message go.
 *
 * A reference reused with another total ends the old message ('total_changed'); a new message
 * beyond the cap ends the oldest ('pending_cap'), whose key is built here from the prefix: it is
 * in the same slot (the `{<operator>}` hash tag). A complete message leaves the sorted set, so it
 * is neither swept nor counted, but its hash stays until the caller releases it once the MO is
 * published: the re-delivery of a part refused meanwhile (the publish failed) completes it again.
 * Redis's own clock dates first parts, so replicas whose clocks disagree sweep alike.
 */
const ADD_SCRIPT = redisScript(`
local index, entry = KEYS[1], KEYS[2]
local member, seq, total = ARGV[1], ARGV[2], tonumber(ARGV[3])
local ttl, cap = tonumber(ARGV[6]), tonumber(ARGV[7])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local drop = {'', '', '', 0}
local meta = redis.call('HGET', entry, 'm')
if meta and tonumber(string.match(meta, '^(%d+):')) ~= total then
  drop = {'total_changed', member, meta, redis.call('HLEN', entry) - 1}
  redis.call('DEL', entry)
  redis.call('ZREM', index, member)
  meta = false
end
if not meta then
  if redis.call('ZCARD', index) >= cap then
    local oldest = redis.call('ZPOPMIN', index)
    local key = ARGV[8] .. oldest[1]
    local count = redis.call('HLEN', key)
    drop = {'pending_cap', oldest[1], redis.call('HGET', key, 'm') or '', math.max(0, count - 1)}
    redis.call('DEL', key)
  end
  meta = total .. ':' .. ARGV[4] .. ':' .. now
  redis.call('HSET', entry, 'm', meta)
  redis.call('PEXPIRE', entry, ttl)
  redis.call('ZADD', index, now, member)
  redis.call('PEXPIRE', index, ttl)
end
local status = 'buffered'
if redis.call('HSETNX', entry, seq, ARGV[5]) == 0 then status = 'duplicate' end
local count = redis.call('HLEN', entry) - 1
local out = {status, drop[1], drop[2], drop[3], drop[4]}
if count < total then return out end
out[1] = 'complete'
redis.call('ZREM', index, member)
out[6] = meta
for i = 1, total do out[6 + i] = redis.call('HGET', entry, tostring(i)) end
return out
`);

/**
 * Gives up an operator's messages whose first part is older than the timeout.
 * KEYS[1] the operator's sorted set; ARGV timeout ms, prefix of its message keys, most per call
 * returns {member, meta, received, …} for each message given up
 */
const SWEEP_SCRIPT = redisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local stale = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, member in ipairs(stale) do
  local key = ARGV[2] .. member
  local count = redis.call('HLEN', key)
  out[#out + 1] = member
  out[#out + 1] = redis.call('HGET', key, 'm') or ''
  out[#out + 1] = math.max(0, count - 1)
  redis.call('DEL', key)
  redis.call('ZREM', KEYS[1], member)
end
return out
`);

/** Most messages one sweep call gives up: one call never holds Redis long; the next sweep takes the rest. */
const SWEEP_BATCH = 500;

export interface RedisMoPartStoreOptions {
  /** The operators whose pending messages the sweep looks at: every configured link. */
  operators: readonly string[];
  /** Incomplete messages are given up this long after their first part, ms. */
  timeoutMs: number;
  /** At most this many incomplete messages per operator; a new one beyond it drops the oldest. */
  maxPendingPerOperator: number;
  /** Seals each part's user data before it leaves the process. */
  sealing: SealingKey;
  /** Default `RedisKeys.MO_PARTS`; the integration specs give each run its own. */
  keyPrefix?: string;
  onDropped?: (dropped: DroppedMo) => void;
  /** A sweep failed (Redis away): counted; the next sweep tries again. */
  onSweepError?: (err: Error) => void;
}

/**
 * The parts of concatenated MOs in Redis, shared by every ingress replica, so parts delivered on
 * different binds or to different replicas join. One script call per part. No number and no
 * text in Redis: the sender is its keyed hash, and each part's user data (which may hold a
 * CNIC) is sealed with AES-256-GCM under a key derived from the pepper, bound to its message and
 * part number. Layout: RedisKeys.MO_PARTS.
 */
export class RedisMoPartStore implements MoPartStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Pick<RedisClient, 'evalsha' | 'eval' | 'del'>,
    private readonly options: RedisMoPartStoreOptions,
  ) {
    this.prefix = options.keyPrefix ?? RedisKeys.MO_PARTS;
  }

  /** The operator's sorted set; its message keys are this, ':', and the member. */
  indexKey(operator: string): string {
    return `${this.prefix}{${operator}}`;
  }

  async add(part: MoPart): Promise<MoPartOutcome> {
    const member = `${part.sender}:${part.scheme}:${part.ref}`;
    const entry = `${this.indexKey(part.operator)}:${member}`;
    const sealed = this.options.sealing.seal(part.payload, sealContext(entry, part.seq)).toString('base64');
    const reply = (await runScript(
      this.redis,
      ADD_SCRIPT,
      [this.indexKey(part.operator), entry],
      [
        member,
        part.seq,
        part.total,
        part.dataCoding,
        sealed,
        2 * this.options.timeoutMs,
        this.options.maxPendingPerOperator,
        `${this.indexKey(part.operator)}:`,
      ],
    )) as Array<string | number>;
    const [status, dropReason, dropMember, dropMeta, dropReceived] = reply;
    if (dropReason === 'total_changed' || dropReason === 'pending_cap') {
      this.report(part.operator, String(dropMember), String(dropMeta), Number(dropReceived), dropReason);
    }
    if (status !== 'complete') return { status: status === 'duplicate' ? 'duplicate' : 'buffered' };

    const meta = parseMeta(String(reply[5]));
    const release = () => this.release(entry);
    let bytes: Buffer;
    try {
      bytes = Buffer.concat(reply.slice(6).map((value, i) => this.options.sealing.open(Buffer.from(String(value), 'base64'), sealContext(entry, i + 1))));
    } catch {
      // Not sealed under this key (another pepper) or altered: it can never be read, so it goes.
      await release();
      this.options.onDropped?.({ operator: part.operator, scheme: part.scheme, total: part.total, received: part.total, reason: 'unreadable' });
      return { status: 'dropped' };
    }
    return { status: 'complete', dataCoding: meta.dataCoding, bytes, release };
  }

  async sweep(): Promise<number> {
    let dropped = 0;
    for (const operator of this.options.operators) {
      try {
        const reply = (await runScript(
          this.redis,
          SWEEP_SCRIPT,
          [this.indexKey(operator)],
          [this.options.timeoutMs, `${this.indexKey(operator)}:`, SWEEP_BATCH],
        )) as Array<string | number>;
        for (let i = 0; i + 2 < reply.length; i += 3) {
          this.report(operator, String(reply[i]), String(reply[i + 1]), Number(reply[i + 2]), 'timeout');
          dropped++;
        }
      } catch (err) {
        this.options.onSweepError?.(err as Error);
      }
    }
    return dropped;
  }

  private async release(entry: string): Promise<void> {
    try {
      await this.redis.del(entry);
    } catch {
      // Left to expire: a part re-delivered meanwhile completes the message again, and the
      // re-delivery check recognises the MO.
    }
  }

  private report(operator: string, member: string, meta: string, received: number, reason: DroppedMo['reason']): void {
    // The member is `<sender hash>:<scheme>:<ref>`: only the scheme is reported.
    const scheme = member.split(':')[1] as ConcatScheme;
    this.options.onDropped?.({ operator, scheme, total: parseMeta(meta).total, received, reason });
  }
}

/** Binds a sealed part to its message and number: a part copied elsewhere does not open. */
function sealContext(entry: string, seq: number): string {
  return `${entry}#${seq}`;
}

function parseMeta(meta: string): { total: number; dataCoding: number } {
  const [total, dataCoding] = meta.split(':').map(Number);
  return { total: total || 0, dataCoding: dataCoding || 0 };
}
