import type { DlrMessageV1 } from '@parchee/contracts';
import { RedisKeys, redisScript, runScript, type RedisClient } from '@parchee/redis';
import { INTERMEDIATE_DELIVERY_STATES } from '@parchee/smpp';

/** Where the delivery status of each MT is kept. */
export interface MtStatusStore {
  record(part: { mtId: string; part: number; parts: number }, dlr: DlrMessageV1): Promise<void>;
}

const PREFIX = RedisKeys.MT_STATUS;

export function mtStatusKey(mtId: string): string {
  return `${PREFIX}${mtId}`;
}

/*
 * One hash per MT: `part:<n>` = "<final 1|0>:<state>" for each part reported, and the summary
 * `state`, `final`, `delivered` (parts delivered), `parts`, `at` (receipt time), `errorCode`.
 * Parts of one MT can be correlated concurrently (their receipts land on different partitions),
 * so the summary is computed in one script. A late intermediate receipt (ENROUTE, ACCEPTED,
 * BUFFERED) never overwrites a final one. The MT is DELIVERED when every part is; a part that
 * ended otherwise decides its state; until then it is ENROUTE.
 */
const RECORD_SCRIPT = `
local key = KEYS[1]
local field = 'part:' .. ARGV[1]
local previous = redis.call('HGET', key, field)
if previous and string.sub(previous, 1, 1) == '1' and ARGV[4] == '0' then return 0 end
redis.call('HSET', key, field, ARGV[4] .. ':' .. ARGV[3], 'parts', ARGV[2], 'at', ARGV[5])
if ARGV[7] ~= '' then redis.call('HSET', key, 'errorCode', ARGV[7]) end
local parts = tonumber(ARGV[2])
local delivered = 0
local failed = false
for i = 1, parts do
  local v = redis.call('HGET', key, 'part:' .. i)
  if v then
    local state = string.sub(v, 3)
    if state == 'DELIVERED' then
      delivered = delivered + 1
    elseif string.sub(v, 1, 1) == '1' and not failed then
      failed = state
    end
  end
end
local overall = 'ENROUTE'
local final = '0'
if failed then
  overall = failed
  final = '1'
elseif delivered == parts then
  overall = 'DELIVERED'
  final = '1'
end
redis.call('HSET', key, 'state', overall, 'final', final, 'delivered', delivered)
redis.call('EXPIRE', key, ARGV[6])
return 1
`;

/** Sent by its SHA-1: Redis neither receives nor hashes the text again for every receipt. */
const RECORD = redisScript(RECORD_SCRIPT);

export class RedisMtStatusStore implements MtStatusStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly ttlSeconds: number,
  ) {}

  async record(part: { mtId: string; part: number; parts: number }, dlr: DlrMessageV1): Promise<void> {
    // An intermediate state is never final, whatever the receipt says: an ingress older than this
    // rule published ACCEPTED as final, and one arriving after the DELIVERED would overwrite it.
    const final = dlr.final && !INTERMEDIATE_DELIVERY_STATES.has(dlr.state);
    await runScript(
      this.redis,
      RECORD,
      [mtStatusKey(part.mtId)],
      [String(part.part), String(part.parts), dlr.state, final ? '1' : '0', String(dlr.receivedAt), String(this.ttlSeconds), dlr.errorCode ?? ''],
    );
  }
}
