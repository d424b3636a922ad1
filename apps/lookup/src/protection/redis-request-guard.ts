import { createHash, randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { KeyedHasher } from '@parchee/privacy';
import { silentLogger, type Logger } from '@parchee/observability';
import type { GuardAllowlist } from './guard-allowlist';
import type { GuardSecrets } from './guard-secrets';
import type { GuardedLookup, GuardVerdict, RequestGuard } from './request-guard';
import { decodeScanState, encodeScanState, nextScanState, type ScanState } from './scan-detector';

/**
 * Rate windows and distinct-CNIC counting for a whole batch in one atomic script. Redis's own
 * clock (TIME) dates the entries: replicas' clocks may disagree, the server's is one.
 *
 * Per request i, KEYS[4i-3..4i]: lookups (sorted set, scored by ms), distinct CNICs (sorted set of
 * salted members scored by last ask), the block flag, the sealed scan state.
 * Then one HyperLogLog per operator in the batch (distinct CNICs this minute).
 * ARGV: hourMs, dayMs, perHour, perDay, maxDistinct, distinctMs, blockMs, opTtlMs, nonce, n, m,
 *       then per request: member, operator member, operator index (1-based into the HLL keys).
 * Returns {verdicts (0 allow, 1 rate limited, 2 blocked before, 3 blocked now)..., scan states..., operator counts...}.
 */
export const GUARD_SCRIPT = `
local hourMs, dayMs = tonumber(ARGV[1]), tonumber(ARGV[2])
local perHour, perDay = tonumber(ARGV[3]), tonumber(ARGV[4])
local maxDistinct, distinctMs = tonumber(ARGV[5]), tonumber(ARGV[6])
local blockMs, opTtlMs = tonumber(ARGV[7]), tonumber(ARGV[8])
local nonce = ARGV[9]
local n, m = tonumber(ARGV[10]), tonumber(ARGV[11])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local verdicts, states, counts = {}, {}, {}
for i = 1, n do
  local lookups, distinct, block, scan = KEYS[4 * i - 3], KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i]
  local member, opMember, op = ARGV[9 + 3 * i], ARGV[10 + 3 * i], tonumber(ARGV[11 + 3 * i])
  local verdict = 0
  if redis.call('EXISTS', block) == 1 then
    verdict = 2
  else
    redis.call('ZREMRANGEBYSCORE', lookups, '-inf', now - dayMs)
    local day = redis.call('ZCARD', lookups)
    local hour = redis.call('ZCOUNT', lookups, '(' .. (now - hourMs), '+inf')
    if hour >= perHour or day >= perDay then
      verdict = 1
    else
      redis.call('ZADD', lookups, now, now .. ':' .. nonce .. ':' .. i)
      redis.call('PEXPIRE', lookups, dayMs)
      redis.call('ZREMRANGEBYSCORE', distinct, '-inf', now - distinctMs)
      redis.call('ZADD', distinct, now, member)
      redis.call('PEXPIRE', distinct, distinctMs)
      if redis.call('ZCARD', distinct) > maxDistinct then
        redis.call('SET', block, '1', 'PX', blockMs)
        verdict = 3
      end
    end
  end
  verdicts[i] = verdict
  states[i] = redis.call('GET', scan) or ''
  local opKey = KEYS[4 * n + op]
  redis.call('PFADD', opKey, opMember)
end
for j = 1, m do
  redis.call('PEXPIRE', KEYS[4 * n + j], opTtlMs)
  counts[j] = redis.call('PFCOUNT', KEYS[4 * n + j])
end
local out = {}
for i = 1, n do out[#out + 1] = verdicts[i] end
for i = 1, n do out[#out + 1] = states[i] end
for j = 1, m do out[#out + 1] = counts[j] end
return out
`;

const SCRIPT_SHA = createHash('sha1').update(GUARD_SCRIPT).digest('hex');
/** Requests per script call: a batch of thousands runs as several short scripts, never one long one. */
const SCRIPT_CHUNK = 200;
const VERDICTS: GuardVerdict[] = ['allow', 'rate_limited', 'enumeration', 'enumeration'];

export interface RequestLimits {
  /** Lookups one MSISDN may make in any hour. Default 5. */
  perHour: number;
  /** Lookups one MSISDN may make in any 24 hours. Default 20. */
  perDay: number;
  /** Distinct CNICs one MSISDN may ask about in `distinctWindowMs`; one more blocks it. Default 3. */
  maxDistinctCnics: number;
  /** Default 24 h. */
  distinctWindowMs: number;
  /** Close steps in a row that make a scan. Default 3. */
  scanStrikes: number;
  /** How long the previous CNIC's marks are remembered for the scan test, ms. Default 7 days: slow scans too. */
  scanMemoryMs: number;
  /** How long a number found enumerating stays blocked, ms. Default 24 h. */
  blockMs: number;
  /** Distinct CNICs per operator per minute above which an alert fires (no one is refused for it). Default 600. */
  operatorDistinctPerMinute: number;
  /** The windows perHour and perDay apply to, ms; shorter only in tests. */
  hourWindowMs: number;
  dayWindowMs: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  perHour: 5,
  perDay: 20,
  maxDistinctCnics: 3,
  distinctWindowMs: 24 * 3600_000,
  scanStrikes: 3,
  scanMemoryMs: 7 * 24 * 3600_000,
  blockMs: 24 * 3600_000,
  operatorDistinctPerMinute: 600,
  hourWindowMs: 3600_000,
  dayWindowMs: 24 * 3600_000,
};

export interface RedisRequestGuardOptions {
  limits?: Partial<RequestLimits>;
  allowlist?: GuardAllowlist;
  keyPrefix?: string;
  logger?: Logger;
  /** Redis could not answer: the batch was allowed (fail open). */
  onFailOpen?: (requests: number) => void;
  /** An operator's distinct CNICs this minute crossed the alert threshold. */
  onOperatorSpike?: (operator: string, distinctCnics: number) => void;
  /** A number was found scanning (distance test) or asking too many CNICs. */
  onBlocked?: (operator: string, cause: 'distinct' | 'scan') => void;
  now?: () => number;
}

/** The part of ioredis this needs, so a unit test can stand in for it. */
export type GuardRedis = Pick<Redis, 'evalsha' | 'eval' | 'pipeline'>;

/**
 * The lookup replicas' shared memory of who asked what. Keys carry only keyed hashes of MSISDNs
 * (`parchee:guard:<kind>:<hash>`); members are salted HMACs of CNIC hashes; the previous CNIC,
 * needed for the scan test, is remembered only as salted marks of it and of its neighbourhood
 * cells. See docs/protection.md.
 *
 * One MSISDN's MOs share a Kafka key and so a partition: one replica handles them at a time,
 * which is what makes the read-then-write of the scan state safe without a lock.
 */
export class RedisRequestGuard implements RequestGuard {
  private readonly limits: RequestLimits;
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly nonce = randomBytes(6).toString('base64url');
  private sequence = 0;

  constructor(
    private readonly redis: GuardRedis,
    private readonly hasher: KeyedHasher,
    private readonly secrets: GuardSecrets,
    private readonly options: RedisRequestGuardOptions = {},
  ) {
    this.limits = { ...DEFAULT_REQUEST_LIMITS, ...options.limits };
    this.prefix = options.keyPrefix ?? 'parchee:guard:';
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  async check(requests: readonly GuardedLookup[]): Promise<GuardVerdict[]> {
    const verdicts: GuardVerdict[] = requests.map(() => 'allow');
    const hashes = requests.map((r) => this.hasher.msisdn(r.msisdn));
    const guarded = requests.flatMap((_r, i) => (this.options.allowlist?.has(hashes[i]) ? [] : [i]));
    if (guarded.length === 0) return verdicts;

    const operators = [...new Set(guarded.map((i) => requests[i].operator))];
    const minute = Math.floor(this.now() / 60_000);
    // Operator ids come from our own configuration, never from a citizen.
    const operatorKeys = operators.map((op) => `${this.prefix}operator:${op}:${minute}`);
    const requestKeys = guarded.map((i) => {
      const h = KeyedHasher.text(hashes[i]);
      return [`${this.prefix}lookups:${h}`, `${this.prefix}cnics:${h}`, `${this.prefix}block:${h}`, `${this.prefix}scan:${h}`];
    });
    const members = guarded.map((i) => this.secrets.cnicMember(hashes[i], requests[i].cnicHash));
    const l = this.limits;
    const calls: Array<{ keys: string[]; args: Array<string | number> }> = [];
    for (let from = 0; from < guarded.length; from += SCRIPT_CHUNK) {
      const chunk = guarded.slice(from, from + SCRIPT_CHUNK);
      const chunkOperators = [...new Set(chunk.map((i) => requests[i].operator))];
      const keys = [...requestKeys.slice(from, from + chunk.length).flat(), ...chunkOperators.map((op) => operatorKeys[operators.indexOf(op)])];
      const perRequest = chunk.flatMap((i, c) => [
        members[from + c],
        this.secrets.operatorMember(requests[i].cnicHash),
        chunkOperators.indexOf(requests[i].operator) + 1,
      ]);
      const head = [l.hourWindowMs, l.dayWindowMs, l.perHour, l.perDay, l.maxDistinctCnics, l.distinctWindowMs, l.blockMs, 120_000, `${this.nonce}.${++this.sequence}`, chunk.length, chunkOperators.length];
      calls.push({ keys, args: [...head, ...perRequest] });
    }

    const codes: number[] = [];
    const storedStates: string[] = [];
    const operatorCounts = new Map<string, number>();
    try {
      const replies = await this.run(calls);
      replies.forEach((reply, c) => {
        const n = Number(calls[c].args[9]);
        const m = Number(calls[c].args[10]);
        for (let k = 0; k < n; k++) codes.push(Number(reply[k]));
        for (let k = 0; k < n; k++) storedStates.push(String(reply[n + k]));
        // HyperLogLogs are shared by the chunks: the last count an operator got is its total.
        for (let j = 0; j < m; j++) operatorCounts.set(calls[c].keys[4 * n + j], Number(reply[2 * n + j]));
      });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, requests: guarded.length }, 'request guard unavailable; allowing the batch');
      this.options.onFailOpen?.(guarded.length);
      return verdicts;
    }

    operators.forEach((op, j) => {
      const count = operatorCounts.get(operatorKeys[j]) ?? 0;
      if (count > l.operatorDistinctPerMinute) this.options.onOperatorSpike?.(op, count);
    });

    // The scan test: the script returned each number's previous scan state.
    const writes: Array<[key: string, value: string, ttlMs: number]> = [];
    const states = new Map<string, ScanState | null>();
    const blockedHere = new Set<string>();
    guarded.forEach((i, k) => {
      const verdict = VERDICTS[codes[k]] ?? 'allow';
      verdicts[i] = verdict;
      if (codes[k] === 3) this.options.onBlocked?.(requests[i].operator, 'distinct');
      const h = KeyedHasher.text(hashes[i]);
      if (verdict === 'allow' && blockedHere.has(h)) verdicts[i] = 'enumeration';
      if (verdicts[i] !== 'allow') return;
      const previous = states.has(h) ? (states.get(h) ?? null) : decodeScanState(storedStates[k] || null);
      const point = {
        member: members[k],
        near: [this.secrets.nearMember(hashes[i], 'a', requests[i].near[0]), this.secrets.nearMember(hashes[i], 'b', requests[i].near[1])] as [string, string],
      };
      const { state, scan } = nextScanState(previous, point, { strikes: l.scanStrikes });
      states.set(h, state);
      writes.push([requestKeys[k][3], encodeScanState(state), l.scanMemoryMs]);
      if (scan) {
        verdicts[i] = 'enumeration';
        blockedHere.add(h);
        writes.push([requestKeys[k][2], '1', l.blockMs]);
        this.options.onBlocked?.(requests[i].operator, 'scan');
      }
    });
    if (writes.length > 0) {
      const pipeline = this.redis.pipeline();
      for (const [key, value, ttl] of writes) pipeline.set(key, value, 'PX', ttl);
      try {
        const results = await pipeline.exec();
        const failed = results?.find(([err]) => err)?.[0];
        if (failed) throw failed;
      } catch (err) {
        // The verdicts stand; only the memory for the next request is lost.
        this.logger.warn({ err: (err as Error).message }, 'request guard could not store scan state');
        this.options.onFailOpen?.(0);
      }
    }
    return verdicts;
  }

  /** Every chunk in one pipeline: one round trip, and Redis serves other clients between chunks. */
  private async run(calls: Array<{ keys: string[]; args: Array<string | number> }>): Promise<Array<Array<number | string>>> {
    const pipeline = this.redis.pipeline();
    for (const { keys, args } of calls) pipeline.evalsha(SCRIPT_SHA, keys.length, ...keys, ...args);
    const results = (await pipeline.exec()) ?? [];
    if (results.length !== calls.length) throw new Error('request guard pipeline returned no results');
    const replies: Array<Array<number | string>> = [];
    for (let c = 0; c < calls.length; c++) {
      const [err, reply] = results[c];
      if (err && /NOSCRIPT/.test(err.message)) {
        // First use on this Redis: the script is loaded by running it once in full.
        const { keys, args } = calls[c];
        replies.push((await this.redis.eval(GUARD_SCRIPT, keys.length, ...keys, ...args)) as Array<number | string>);
      } else if (err) {
        throw err;
      } else {
        replies.push(reply as Array<number | string>);
      }
    }
    return replies;
  }
}
