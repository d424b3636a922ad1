import { RollLogger, silentLogger } from '../connection/roll-connection-options';
import { RollPepperMismatchError } from '../errors/roll-pepper-mismatch-error';
import { CachedVoter, RollCache } from './roll-cache';
import { RollRepository } from './roll-repository';
import { VoterRecord } from './voter-record';
import { RollVersionRef } from './roll-version-ref';
import type { ReplicaFallbackReason } from './roll-read-router';

/** Counters for the integrator's metrics. Every method is optional; a throwing observer is ignored. */
export interface RollReaderObserver {
  /** Voters answered from Redis. */
  onCacheHits?(n: number): void;
  /** Distinct hashes that went to PostgreSQL (cache miss, cache error or cache bypassed). */
  onCacheMisses?(n: number): void;
  /** Unknown CNICs answered from a negative cache entry. */
  onNegativeHits?(n: number): void;
  /** A Redis read or write failed or timed out; the batch was still answered. Once per `cacheBypassMs` window at most. */
  onCacheError?(err: Error): void;
  /**
   * With read replicas (createRollReader): a batch's PostgreSQL read went to the primary because
   * no replica could answer it (RollReadRouter).
   */
  onPrimaryFallback?(reason: ReplicaFallbackReason): void;
}

export interface RollReaderOptions {
  /** How often the active version is re-read from PostgreSQL. Bounds how long `roll activate` takes to reach every reader. Default 2000 ms. */
  versionRefreshMs?: number;
  /** After a Redis error, skip Redis for this long so a sick cache costs one timeout, not one per batch. Default 1000 ms. */
  cacheBypassMs?: number;
  observer?: RollReaderObserver;
  logger?: RollLogger;
  /** Clock, for tests. */
  now?: () => number;
}

export const ROLL_READER_DEFAULTS = {
  versionRefreshMs: 2000,
  cacheBypassMs: 1000,
} as const;

export interface RollLookupResult {
  /** The active version the batch was answered from; null when no version is active (then every result is null). */
  version: number | null;
  /** base64url hash -> voter, or null when the CNIC is not in the roll. One entry per distinct input hash, in input order. */
  results: Map<string, VoterRecord | null>;
}

/**
 * The roll as a lookup service sees it: a batch of keyed CNIC hashes in, one answer per hash out.
 * One MGET for the batch, one SQL query for the misses, one pipeline to write them back. Redis
 * trouble only slows a batch down; PostgreSQL trouble throws a retriable RollError.
 */
export class RollReader {
  private readonly refreshMs: number;
  private readonly bypassMs: number;
  private readonly observer: RollReaderObserver;
  private readonly logger: RollLogger;
  private readonly now: () => number;

  private versionKnown = false;
  private activeVersion: RollVersionRef | null = null;
  private versionFetchedAt = 0;
  private refreshing: Promise<RollVersionRef | null> | null = null;
  private cacheBypassUntil = 0;

  constructor(
    private readonly repo: Pick<RollRepository, 'activeVersion' | 'findVoters'>,
    private readonly cache: Pick<RollCache, 'getMany' | 'setMany'>,
    options: RollReaderOptions = {},
  ) {
    this.refreshMs = options.versionRefreshMs ?? ROLL_READER_DEFAULTS.versionRefreshMs;
    this.bypassMs = options.cacheBypassMs ?? ROLL_READER_DEFAULTS.cacheBypassMs;
    this.observer = options.observer ?? {};
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  /**
   * `pepperId`: which pepper made `hashes` (KeyedHasher.id). When the active version records
   * another, nothing is read and RollPepperMismatchError names the right one.
   */
  async lookup(hashes: Buffer[], options: { pepperId?: string } = {}): Promise<RollLookupResult> {
    const results = new Map<string, VoterRecord | null>();
    const byText = new Map<string, Buffer>();
    for (const h of hashes) {
      const text = h.toString('base64url');
      if (!byText.has(text)) {
        byText.set(text, h);
        results.set(text, null);
      }
    }
    const active = await this.currentVersion();
    const version = active?.id ?? null;
    if (active?.pepperId && options.pepperId !== undefined && active.pepperId !== options.pepperId) {
      throw new RollPepperMismatchError(options.pepperId, active.pepperId, active.id);
    }
    if (active === null || byText.size === 0) return { version, results };

    const texts = [...byText.keys()];
    let cached: CachedVoter[] | null = null;
    if (this.now() >= this.cacheBypassUntil) {
      try {
        cached = await this.cache.getMany(active, texts);
      } catch (err) {
        this.cacheFailed(err);
      }
    }

    const misses: string[] = [];
    let hits = 0;
    let negatives = 0;
    for (let i = 0; i < texts.length; i++) {
      const entry = cached ? cached[i] : undefined;
      if (entry === undefined) misses.push(texts[i]);
      else if (entry === null) negatives++;
      else {
        hits++;
        results.set(texts[i], entry);
      }
    }
    if (hits) this.notify('onCacheHits', hits);
    if (negatives) this.notify('onNegativeHits', negatives);
    if (misses.length === 0) return { version, results };
    this.notify('onCacheMisses', misses.length);

    const found = await this.repo.findVoters(
      active.id,
      misses.map((t) => byText.get(t) as Buffer),
    );
    const writeBack: Array<[string, VoterRecord | null]> = [];
    for (const text of misses) {
      const record = found.get(text) ?? null;
      results.set(text, record);
      writeBack.push([text, record]);
    }
    if (cached !== null && this.now() >= this.cacheBypassUntil) {
      try {
        await this.cache.setMany(active, writeBack);
      } catch (err) {
        this.cacheFailed(err);
      }
    }
    return { version, results };
  }

  /**
   * The active version, re-read at most every `versionRefreshMs`. If the re-read fails after we
   * have known a version, we keep answering from it (cache hits still work with PostgreSQL down)
   * and try again one interval later.
   */
  async currentVersion(): Promise<RollVersionRef | null> {
    if (this.versionKnown && this.now() - this.versionFetchedAt < this.refreshMs) return this.activeVersion;
    if (!this.refreshing) {
      this.refreshing = this.refreshVersion().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async refreshVersion(): Promise<RollVersionRef | null> {
    try {
      const version = await this.repo.activeVersion();
      if (this.versionKnown && (version?.id !== this.activeVersion?.id || version?.cacheId !== this.activeVersion?.cacheId)) {
        this.logger.info({ from: this.activeVersion?.id ?? null, to: version?.id ?? null }, 'active roll version changed');
      }
      this.activeVersion = version;
      this.versionKnown = true;
      this.versionFetchedAt = this.now();
      return version;
    } catch (err) {
      if (!this.versionKnown) throw err;
      this.versionFetchedAt = this.now();
      this.logger.warn(
        { err: (err as Error).message, version: this.activeVersion?.id ?? null },
        'could not refresh the active roll version; keeping the last one',
      );
      return this.activeVersion;
    }
  }

  /**
   * Batches already waiting on Redis when it went quiet all time out together; the first opens
   * the bypass window and is reported, the others fall inside it and are not: one error per
   * window, however many batches were in flight.
   */
  private cacheFailed(err: unknown): void {
    const now = this.now();
    if (now < this.cacheBypassUntil) return;
    this.cacheBypassUntil = now + this.bypassMs;
    const error = err instanceof Error ? err : new Error(String(err));
    this.notify('onCacheError', error);
  }

  private notify<K extends keyof RollReaderObserver>(event: K, arg: Parameters<NonNullable<RollReaderObserver[K]>>[0]): void {
    const fn = this.observer[event] as ((a: typeof arg) => void) | undefined;
    if (!fn) return;
    try {
      fn.call(this.observer, arg);
    } catch {
      // Metrics must never break a lookup.
    }
  }
}
