import { RedisKeys, redisScript, runScript, type RedisClient } from '@parchee/redis';

/**
 * Where a multipart MT's concatenation reference comes from. A handset joins parts by sender and
 * reference: two long replies on their way to one number at once must not share one, or it
 * merges them into garbage.
 */
export interface ConcatReferences {
  /**
   * A reference for the parts of `mtId` to `destination`: `preferred` when no other MT to that
   * destination holds it, else the next free one. Never rejects: when the answer cannot be had,
   * `preferred`.
   */
  reserve(request: ReferenceRequest): Promise<number>;
}

export interface ReferenceRequest {
  /** The destination as a keyed hash (the MT's Kafka key), or null when the MT came without one. */
  destination: string | null;
  mtId: string;
  /** Where the search starts: the MT's own value (preferredReference), or the one its first parts went with. */
  preferred: number;
  /** 256 for an 8-bit reference, 65536 for a 16-bit one. */
  modulo: number;
}

/**
 * The reference an MT would take if nothing else were on its way to the same number: a hash of
 * its id (FNV-1a), so every replica, and the same replica after a restart, starts from the same
 * value, and two MTs rarely start from the same one.
 */
export function preferredReference(mtId: string, modulo: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < mtId.length; i++) {
    hash ^= mtId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % modulo;
}

/**
 * KEYS[1] the destination's hash: field = reference, value = `<held until, epoch ms>:<MT id>`
 * ARGV    MT id, preferred reference, modulo, hold ms
 * returns the reference: the one this MT already holds, else the first free one from the
 * preferred onwards (the preferred itself if all are held). Lapsed entries are removed on the
 * way; the key lives as long as its newest entry. Redis's own clock dates the entries, so
 * replicas whose clocks disagree still agree on what has lapsed.
 */
const RESERVE_SCRIPT = redisScript(`
local key, id = KEYS[1], ARGV[1]
local preferred, modulo, hold = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local held = redis.call('HGETALL', key)
local taken = {}
local mine = nil
for i = 1, #held, 2 do
  local value = held[i + 1]
  local colon = string.find(value, ':', 1, true)
  local ref = tonumber(held[i])
  if ref == nil or colon == nil or (tonumber(string.sub(value, 1, colon - 1)) or 0) <= now then
    redis.call('HDEL', key, held[i])
  elseif string.sub(value, colon + 1) == id then
    mine = ref
  else
    taken[ref] = true
  end
end
local ref = mine
if ref == nil then
  for i = 0, modulo - 1 do
    local candidate = (preferred + i) % modulo
    if not taken[candidate] then
      ref = candidate
      break
    end
  end
end
if ref == nil then return preferred end
redis.call('HSET', key, ref, (now + hold) .. ':' .. id)
redis.call('PEXPIRE', key, hold)
return ref
`);

export function concatReferenceKey(destination: string): string {
  return `${RedisKeys.MT_CONCAT}${destination}`;
}

export interface RedisConcatReferencesOptions {
  /**
   * How long a reference stays held after it was taken, ms: long enough for the MT's parts to go
   * out (retries included) and for the handset to give up waiting for a part that never came.
   */
  holdMs: number;
  /** The script failed or timed out: the MT goes with its preferred reference. */
  onError?: (err: Error) => void;
}

/**
 * One hash per destination, `parchee:mt:concat:<keyed hash of the MSISDN>`: the references held
 * by the multipart MTs recently sent to that number, each with the MT id (derived from a random
 * MO id) and when it lapses. No number and no text in it. One script call per multipart MT.
 */
export class RedisConcatReferences implements ConcatReferences {
  constructor(
    private readonly redis: Pick<RedisClient, 'evalsha' | 'eval'>,
    private readonly options: RedisConcatReferencesOptions,
  ) {}

  async reserve(request: ReferenceRequest): Promise<number> {
    // Without a destination hash there is nothing to scope the reference by: the MT's own value.
    if (request.destination === null || request.destination === '') return request.preferred;
    try {
      const ref = await runScript(
        this.redis,
        RESERVE_SCRIPT,
        [concatReferenceKey(request.destination)],
        [request.mtId, request.preferred, request.modulo, this.options.holdMs],
      );
      const n = Number(ref);
      return Number.isInteger(n) && n >= 0 && n < request.modulo ? n : request.preferred;
    } catch (err) {
      this.options.onError?.(err as Error);
      return request.preferred;
    }
  }
}
