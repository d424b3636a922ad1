import { KeyedHasher } from '@parchee/privacy';
import { silentLogger, type Logger } from '@parchee/observability';
import { GuardKeys, RedisKeys, commandBatch, slotChunks, type RedisClient } from '@parchee/redis';
import type { GuardAllowlist } from './guard-allowlist';
import type { GuardSecrets } from './guard-secrets';
import { addCnic, addLookup, countLookups, decodeGuardState, encodeGuardState, guardStateTtlMs, pruneGuardState, type GuardState } from './guard-state';
import type { GuardDecision, GuardedLookup, GuardVerdict, RequestGuard, SingleLookupGuard } from './request-guard';
import { nextScanState } from '../scan/scan-detector';

/**
 * The write-back of a batch's states: `SET key value PX ttl` for each, ARGV holding value and ttl
 * per key. Not for atomicity (nothing else writes these keys meanwhile, see the class comment) but
 * for lookup's CPU: through ioredis every command of a pipeline costs a Command object, a promise
 * and a reply, a script argument far less, for a little more of Redis's CPU (see
 * docs/benchmarks.md, "Measurements behind code choices"). Sent as EVAL, whose text Redis hashes
 * to find its compiled script (once a call): no NOSCRIPT to recover from after a Redis restart.
 */
export const WRITE_SCRIPT = "for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'PX', ARGV[2 * i]) end return #KEYS";
/**
 * The write of one number's state by `decideAlone`: SET KEYS[1] ARGV[2] PX ARGV[3] only if the key
 * still holds ARGV[1] (the value read, '' for none); 1 if written, 0 if another process wrote it
 * first. One key: safe on Redis Cluster too.
 */
export const COMPARE_AND_SET_SCRIPT =
  "if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1";
/**
 * Reads and decisions `decideAlone` tries before it gives up storing. Each attempt loses only to
 * another process's write of the same number, and each round of contenders has a winner: up to
 * this many lookups of one number at the same moment are all counted exactly. A number has one
 * USSD dialog at a time on its network; more than that at once is an attack, and the ones beyond it
 * are let through as when Redis fails (counted in onFailOpen).
 */
const CAS_ATTEMPTS = 8;
/** Keys per write script: a batch of thousands is written by several short scripts, never one long one (on a Redis Cluster, one per slot at most). */
const WRITE_CHUNK = 500;
/** How long an operator's per-minute HyperLogLog lives: its minute and the next. */
const OPERATOR_TTL_MS = 120_000;
const STORED: Promise<void> = Promise.resolve();

/** A request's outcome inside one decision. */
enum Outcome {
  Allowed,
  RateLimited,
  /** Already blocked (or blocked by an earlier request of the batch). */
  Blocked,
  BlockedDistinct,
  BlockedScan,
}

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
  /**
   * Also read each number's block flag of the previous key layout (`<prefix>block:<hash>`, one
   * more key per number in the same MGET), so that a number blocked before the upgrade stays
   * blocked until that flag expires. Default true. It costs a few µs of CPU per lookup, in lookup
   * and in Redis: once a release has run for `blockMs`, no such flag is left, and it can go.
   */
  legacyBlockFlags?: boolean;
}

/** The part of the Redis client this needs, so a unit test can stand in for it. */
export type GuardRedis = Pick<RedisClient, 'pipeline'>;

/**
 * The lookup replicas' shared memory of who asked what: one string per MSISDN,
 * `<prefix>state:<keyed hash of the MSISDN>`, holding its recent lookup times, the salted
 * members of the distinct CNICs it asked with their last-ask times, its block, and its scan
 * state (see guard-state.ts and docs/protection.md), plus one HyperLogLog per operator and minute.
 * No key or value holds a clear MSISDN or CNIC, nor anything that joins with the roll or the MO.
 *
 * A batch costs two round trips: one pipeline of `TIME` (Redis's clock dates everything: the
 * replicas' clocks may disagree, the server's is one) and one `MGET` of the batch's states; the
 * decisions, in request order in this process (a number's later requests see its earlier ones);
 * then one pipeline that writes back each state that changed (`SET … PX`, by a one-line script:
 * see WRITE_SCRIPT) and adds the batch to the operators' HyperLogLogs. Redis does no more than
 * read and write strings. On a Redis Cluster the same two round trips go to every master at once:
 * the MGET and the write script per slot (a number's keys carry no hash tag, so numbers spread
 * over the cluster), the pipelines one per node (commandBatch).
 *
 * Read, decide, write without a lock or a deciding script is safe because one MSISDN's MOs share a Kafka
 * key and so a partition: one replica, one batch at a time, handles a number. A batch re-read
 * after a crash counts again, as before (docs/protection.md).
 *
 * The USSD service looks its citizens up outside that partitioning, one at a time
 * (`decideAlone`): it reads the same state, decides the same way, and writes it back only if the
 * key still holds what it read (COMPARE_AND_SET_SCRIPT), else reads and decides again. So a USSD
 * lookup never overwrites what lookup or another USSD replica stored meanwhile. The reverse is not
 * guarded: a batch's plain write can overwrite a USSD lookup stored between that batch's read and
 * its write (a few milliseconds), which then goes uncounted (docs/protection.md).
 */
export class RedisRequestGuard implements RequestGuard, SingleLookupGuard {
  private readonly limits: RequestLimits;
  private readonly prefix: string;
  private readonly logger: Logger;

  constructor(
    private readonly redis: GuardRedis,
    private readonly hasher: KeyedHasher,
    private readonly secrets: GuardSecrets,
    private readonly options: RedisRequestGuardOptions = {},
  ) {
    this.limits = { ...DEFAULT_REQUEST_LIMITS, ...options.limits };
    this.prefix = options.keyPrefix ?? RedisKeys.GUARD;
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * The verdicts without waiting for the write-back, which the caller overlaps with its own work
   * (the roll read) and awaits through `stored` before the batch commits. The write is on the wire
   * when this resolves: a later decide() on this guard is sent after it on the same connection and
   * sees it. Another replica sees it once `stored` settles; a number's batches are on one replica
   * at a time.
   */
  async decide(requests: readonly GuardedLookup[]): Promise<GuardDecision> {
    const n = requests.length;
    const verdicts = new Array<GuardVerdict>(n).fill('allow');
    const allowlist = this.options.allowlist !== undefined && this.options.allowlist.size > 0 ? this.options.allowlist : null;
    // Per request: its MSISDN hash and its slot among the batch's distinct numbers (-1: allowlisted).
    const hashes = new Array<Buffer | undefined>(n);
    const slots = new Int32Array(n).fill(-1);
    const slotOf = new Map<string, number>();
    const keys: string[] = [];
    let guarded = 0;
    for (let i = 0; i < n; i++) {
      const request = requests[i];
      const hash = request.msisdnHash ?? this.hasher.msisdn(request.msisdn);
      if (allowlist?.has(hash)) continue;
      hashes[i] = hash;
      guarded++;
      const text = KeyedHasher.text(hash);
      let slot = slotOf.get(text);
      if (slot === undefined) {
        slot = keys.length;
        slotOf.set(text, slot);
        keys.push(text);
      }
      slots[i] = slot;
    }
    if (guarded === 0) return { verdicts, stored: STORED };

    // The state keys, then the block flags of the layout before this one (legacyBlockFlags).
    const m = keys.length;
    const legacy = this.options.legacyBlockFlags !== false;
    const readKeys = new Array<string>(legacy ? 2 * m : m);
    for (let j = 0; j < m; j++) readKeys[j] = this.prefix + GuardKeys.STATE + keys[j];
    if (legacy) for (let j = 0; j < m; j++) readKeys[m + j] = this.prefix + GuardKeys.BLOCK + keys[j];
    let now: number;
    let values: Array<string | null>;
    try {
      const pipeline = commandBatch(this.redis);
      pipeline.time();
      pipeline.mget(readKeys);
      const results = await pipeline.exec();
      if (!results || results.length !== 2) throw new Error('request guard read returned no results');
      if (results[0][0]) throw results[0][0];
      if (results[1][0]) throw results[1][0];
      const time = results[0][1] as [string, string];
      now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
      values = results[1][1] as Array<string | null>;
      if (!Number.isFinite(now) || values.length !== readKeys.length) throw new Error('request guard read returned an unexpected reply');
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, requests: guarded }, 'request guard unavailable; allowing the batch');
      this.options.onFailOpen?.(guarded);
      return { verdicts, stored: STORED };
    }

    const states = new Array<GuardState | undefined>(m);
    const changed = new Uint8Array(m);
    // Per operator: the HLL key, then the batch's members (one array, no copy for the PFADD).
    const operators = new Map<string, string[]>();
    const minute = Math.floor(now / 60_000);
    for (let i = 0; i < n; i++) {
      const slot = slots[i];
      if (slot < 0) continue;
      const request = requests[i];
      let pfadd = operators.get(request.operator);
      // Operator ids come from our own configuration, never from a citizen.
      if (pfadd === undefined) operators.set(request.operator, (pfadd = [`${this.prefix}${GuardKeys.OPERATOR}${request.operator}:${minute}`]));
      pfadd.push(this.secrets.operatorMember(request.cnicHash));

      let state = states[slot];
      if (state === undefined) {
        state = states[slot] = decodeGuardState(values[slot]);
        // Blocked under the previous layout: its flag is honoured until it expires (a day at most).
        if (legacy && values[m + slot] !== null) state.blockedUntil = Math.max(state.blockedUntil, now + 1);
      }
      const outcome = this.decideOne(state, now, hashes[i] as Buffer, request);
      if (outcome === Outcome.Allowed) {
        changed[slot] = 1;
        continue;
      }
      verdicts[i] = outcome === Outcome.RateLimited ? 'rate_limited' : 'enumeration';
      if (outcome === Outcome.BlockedDistinct || outcome === Outcome.BlockedScan) {
        changed[slot] = 1;
        this.options.onBlocked?.(request.operator, outcome === Outcome.BlockedScan ? 'scan' : 'distinct');
      }
    }

    const pipeline = commandBatch(this.redis);
    const changedAt: number[] = [];
    const changedKeys: string[] = [];
    for (let j = 0; j < m; j++) {
      if (changed[j] === 0) continue;
      changedAt.push(j);
      changedKeys.push(readKeys[j]);
    }
    const chunks = slotChunks(this.redis, changedKeys, WRITE_CHUNK);
    for (const chunk of chunks) {
      // EVAL script numkeys key… (value ttl)…
      const count = chunk.length;
      const args = new Array<string | number>(2 + 3 * count);
      args[0] = WRITE_SCRIPT;
      args[1] = count;
      for (let k = 0; k < count; k++) {
        const j = changedAt[chunk[k]];
        const state = states[j] as GuardState;
        pruneGuardState(state, now, this.limits);
        args[2 + k] = readKeys[j];
        args[2 + count + 2 * k] = encodeGuardState(state, now);
        // Never 0 for a changed state: it holds at least what was written now.
        args[3 + count + 2 * k] = Math.max(1, guardStateTtlMs(state, now, this.limits));
      }
      pipeline.call('EVAL', args);
    }
    const writes = chunks.length;
    for (const pfadd of operators.values()) {
      pipeline.call('PFADD', pfadd);
      pipeline.pexpire(pfadd[0], OPERATOR_TTL_MS);
      pipeline.pfcount(pfadd[0]);
    }
    const stored = pipeline
      .exec()
      .then(
        (results) => this.afterWrite(results, writes, operators),
        (err: Error) => this.writeFailed(err),
      )
      // `stored` never rejects: a callback that throws is logged, not left unhandled.
      .catch((err: Error) => this.logger.warn({ err: err.message }, 'request guard write-back callback failed'));
    return { verdicts, stored };
  }

  /**
   * One lookup, decided as `decide` would decide it alone in a batch, its memory stored by a
   * compare-and-set before the verdict is returned: two round trips (read; write with the
   * operator's HyperLogLog), more only when another process wrote the number's state in between.
   * Fails open like `decide`. A refused lookup writes nothing but the operator's count, as in a batch.
   */
  async decideAlone(request: GuardedLookup): Promise<GuardVerdict> {
    const hash = request.msisdnHash ?? this.hasher.msisdn(request.msisdn);
    if (this.options.allowlist !== undefined && this.options.allowlist.size > 0 && this.options.allowlist.has(hash)) return 'allow';
    const text = KeyedHasher.text(hash);
    const key = this.prefix + GuardKeys.STATE + text;
    const legacy = this.options.legacyBlockFlags !== false;
    const readKeys = legacy ? [key, this.prefix + GuardKeys.BLOCK + text] : [key];
    const member = this.secrets.operatorMember(request.cnicHash);
    let verdict: GuardVerdict = 'allow';
    let decided = false;
    try {
      for (let attempt = 1; attempt <= CAS_ATTEMPTS; attempt++) {
        // commandBatch: on a Redis Cluster the state key, the old block flag and the operator's
        // count may sit in three slots.
        const pipeline = commandBatch(this.redis);
        pipeline.time();
        pipeline.mget(readKeys);
        const results = await pipeline.exec();
        if (!results || results.length !== 2) throw new Error('request guard read returned no results');
        if (results[0][0]) throw results[0][0];
        if (results[1][0]) throw results[1][0];
        const time = results[0][1] as [string, string];
        const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
        const values = results[1][1] as Array<string | null>;
        if (!Number.isFinite(now) || values.length !== readKeys.length) throw new Error('request guard read returned an unexpected reply');

        const state = decodeGuardState(values[0]);
        if (legacy && values[1] !== null) state.blockedUntil = Math.max(state.blockedUntil, now + 1);
        const outcome = this.decideOne(state, now, hash, request);
        verdict = outcome === Outcome.Allowed ? 'allow' : outcome === Outcome.RateLimited ? 'rate_limited' : 'enumeration';
        decided = true;
        const changed = outcome === Outcome.Allowed || outcome === Outcome.BlockedDistinct || outcome === Outcome.BlockedScan;

        const write = commandBatch(this.redis);
        if (changed) {
          pruneGuardState(state, now, this.limits);
          write.call('EVAL', [
            COMPARE_AND_SET_SCRIPT,
            1,
            key,
            values[0] ?? '',
            encodeGuardState(state, now),
            Math.max(1, guardStateTtlMs(state, now, this.limits)),
          ]);
        }
        // Operator ids come from our own configuration, never from a citizen.
        const operatorKey = `${this.prefix}${GuardKeys.OPERATOR}${request.operator}:${Math.floor(now / 60_000)}`;
        write.call('PFADD', [operatorKey, member]);
        write.pexpire(operatorKey, OPERATOR_TTL_MS);
        write.pfcount(operatorKey);
        const written = await write.exec();
        if (!written || written.length !== (changed ? 4 : 3)) throw new Error('request guard write returned no results');
        const failed = written.find(([err]) => err)?.[0];
        if (failed) throw failed;
        const count = Number(written[written.length - 1][1]);
        if (count > this.limits.operatorDistinctPerMinute) this.options.onOperatorSpike?.(request.operator, count);
        if (changed && Number(written[0][1]) !== 1) continue;
        if (outcome === Outcome.BlockedDistinct || outcome === Outcome.BlockedScan) {
          this.options.onBlocked?.(request.operator, outcome === Outcome.BlockedScan ? 'scan' : 'distinct');
        }
        return verdict;
      }
      // Only a number written this often by others in the same milliseconds gets here.
      this.logger.warn({ attempts: CAS_ATTEMPTS, verdict }, 'request guard could not store a lookup: its number kept changing');
      this.options.onFailOpen?.(verdict === 'allow' ? 1 : 0);
      return verdict;
    } catch (err) {
      // As in a batch: a read that failed lets the lookup through unchecked; a write that failed
      // leaves the verdict standing and loses only the memory of it.
      if (decided) {
        this.writeFailed(err as Error);
        return verdict;
      }
      this.logger.warn({ err: (err as Error).message, requests: 1 }, 'request guard unavailable; allowing the lookup');
      this.options.onFailOpen?.(1);
      return 'allow';
    }
  }

  /** One request against its number's state, which it updates. */
  private decideOne(state: GuardState, now: number, msisdnHash: Buffer, request: GuardedLookup): Outcome {
    const l = this.limits;
    if (state.blockedUntil > now) return Outcome.Blocked;
    // Refused lookups are not recorded: a number that keeps retrying is answered again as its
    // oldest lookups age out of the windows.
    if (countLookups(state, now, l.hourWindowMs) >= l.perHour || countLookups(state, now, l.dayWindowMs) >= l.perDay) return Outcome.RateLimited;
    addLookup(state, now);
    const member = this.secrets.cnicMember(msisdnHash, request.cnicHash);
    if (addCnic(state, member, now, l.distinctWindowMs) > l.maxDistinctCnics) {
      state.blockedUntil = now + l.blockMs;
      return Outcome.BlockedDistinct;
    }
    const previous = state.scan !== null && state.scanAt > now - l.scanMemoryMs ? state.scan : null;
    const point = {
      member,
      near: [this.secrets.nearMember(msisdnHash, 'a', request.near[0]), this.secrets.nearMember(msisdnHash, 'b', request.near[1])] as [string, string],
    };
    const { state: scan, scan: scanning } = nextScanState(previous, point, { strikes: l.scanStrikes });
    state.scan = scan;
    state.scanAt = now;
    if (!scanning) return Outcome.Allowed;
    state.blockedUntil = now + l.blockMs;
    return Outcome.BlockedScan;
  }

  private afterWrite(results: Array<[Error | null, unknown]> | null, writes: number, operators: Map<string, string[]>): void {
    if (!results) return this.writeFailed(new Error('request guard write returned no results'));
    const failed = results.find(([err]) => err)?.[0];
    let j = writes;
    for (const operator of operators.keys()) {
      const [err, count] = results[j + 2] ?? [null, 0];
      j += 3;
      if (!err && Number(count) > this.limits.operatorDistinctPerMinute) this.options.onOperatorSpike?.(operator, Number(count));
    }
    if (failed) this.writeFailed(failed);
  }

  private writeFailed(err: Error): void {
    // The verdicts stand; only the memory for the next requests is lost.
    this.logger.warn({ err: err.message }, 'request guard could not store its state');
    this.options.onFailOpen?.(0);
  }
}
