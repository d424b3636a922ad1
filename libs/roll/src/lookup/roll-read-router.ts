import { RollLogger, silentLogger } from '../connection/roll-connection-options';
import { RollRepository } from './roll-repository';
import { VoterRecord } from './voter-record';
import { RollVersionRef } from './roll-version-ref';

/**
 * Why a roll read went to the primary although read replicas are configured: `unavailable`, no
 * replica answered (down, failing its checks, or the read itself failed on each that had the
 * version); `behind`, the replicas that answer have not replayed the version's import yet.
 */
export type ReplicaFallbackReason = 'unavailable' | 'behind';

/**
 * A replica's state against the active version: `serving` it (usable, holds it), `behind` (usable,
 * has not replayed it yet: its reads of that version go to the primary), `unavailable`.
 */
export type RollReplicaState = 'serving' | 'behind' | 'unavailable';

/** A replica as the router last saw it, for gauges and logs. `name` is host:port, never credentials. */
export interface RollReplicaView {
  name: string;
  /** Answered its last check and no read has failed on it since. */
  usable: boolean;
  /** Versions it holds in full, as of its last check. */
  versions: number[];
  /** Against the active version the router last read from the primary. */
  state: RollReplicaState;
}

export interface RollReadRouterObserver {
  /** One roll read (a batch's misses) went to the primary instead of a replica. */
  onPrimaryFallback?(reason: ReplicaFallbackReason): void;
}

export interface RollReadRouterOptions {
  /**
   * How often each replica is asked which versions it holds, in the background of the reads:
   * how soon a replica that caught up serves a new version, and how soon one that failed is
   * tried again. Default 2000 ms.
   */
  replicaCheckMs?: number;
  observer?: RollReadRouterObserver;
  logger?: RollLogger;
  /** Clock, for tests. */
  now?: () => number;
}

export const ROLL_READ_ROUTER_DEFAULTS = {
  replicaCheckMs: 2000,
} as const;

export interface RollReplica {
  /** host:port, for logs. */
  name: string;
  repo: Pick<RollRepository, 'findVotersIfHeld' | 'completeVersions'>;
}

interface ReplicaSlot extends RollReplica {
  usable: boolean;
  checked: boolean;
  versions: Set<number>;
  checkedAt: number;
  checking: Promise<void> | null;
}

/**
 * Roll reads spread over read replicas (hot standbys), the primary when none can answer.
 *
 * The active version is the primary's: activation happens there. A voter read for version N goes
 * to a replica whose last check showed N complete (its import replayed: rows, partition and
 * `ready` status arrive in one transaction, and a version's rows never change afterwards), and
 * the read itself asks, in the same snapshot, whether the server holds N (`findVotersIfHeld`): a
 * replica that lags is never taken at its word of "not registered" for rows it does not have yet,
 * even when one address hides several servers. Its readers get the primary's answer until it
 * catches up.
 *
 * A replica whose check or read fails is left out until a check answers again; the read that
 * failed is retried on another replica or the primary at once, so a replica going away costs no
 * reply. Checks run in the background every `replicaCheckMs` (the first awaited by the first
 * `activeVersion`, so a service starts reading from replicas straight away).
 */
export class RollReadRouter {
  private readonly replicas: ReplicaSlot[];
  private readonly checkMs: number;
  private readonly observer: RollReadRouterObserver;
  private readonly logger: RollLogger;
  private readonly now: () => number;
  private firstCheck: Promise<void> | null = null;
  private activeId: number | null = null;
  private next = 0;

  constructor(
    private readonly primary: Pick<RollRepository, 'activeVersion' | 'findVoters'>,
    replicas: RollReplica[],
    options: RollReadRouterOptions = {},
  ) {
    this.replicas = replicas.map((r) => ({ ...r, usable: false, checked: false, versions: new Set<number>(), checkedAt: 0, checking: null }));
    this.checkMs = options.replicaCheckMs ?? ROLL_READ_ROUTER_DEFAULTS.replicaCheckMs;
    this.observer = options.observer ?? {};
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  /** The primary's active version. */
  async activeVersion(): Promise<RollVersionRef | null> {
    if (this.replicas.length === 0) return this.primary.activeVersion();
    if (this.firstCheck === null) this.firstCheck = this.checkDueReplicas();
    else void this.checkDueReplicas();
    const [version] = await Promise.all([this.primary.activeVersion(), this.firstCheck]);
    this.activeId = version?.id ?? null;
    return version;
  }

  /** Voters of `version` among `hashes`, from a replica that holds the version, else from the primary. */
  async findVoters(version: number, hashes: Buffer[]): Promise<Map<string, VoterRecord>> {
    const n = this.replicas.length;
    if (n === 0) return this.primary.findVoters(version, hashes);
    void this.checkDueReplicas();
    const start = this.next;
    this.next = (this.next + 1) % n;
    let failed = false;
    for (let i = 0; i < n; i++) {
      const replica = this.replicas[(start + i) % n];
      if (!replica.usable || !replica.versions.has(version)) continue;
      let found: Map<string, VoterRecord> | null;
      try {
        found = await replica.repo.findVotersIfHeld(version, hashes);
      } catch (err) {
        this.leaveOut(replica, err);
        failed = true;
        continue;
      }
      if (found) return found;
      // Its check was answered by another server behind the same address, one that had replayed
      // further: not asked for this version again until a check says so.
      replica.versions.delete(version);
    }
    const behind = !failed && this.replicas.some((r) => r.usable);
    this.notify(behind ? 'behind' : 'unavailable');
    return this.primary.findVoters(version, hashes);
  }

  /** Each replica as last seen. */
  replicaViews(): RollReplicaView[] {
    return this.replicas.map((r) => ({
      name: r.name,
      usable: r.usable,
      versions: [...r.versions].sort((a, b) => a - b),
      state: !r.usable ? 'unavailable' : this.activeId === null || r.versions.has(this.activeId) ? 'serving' : 'behind',
    }));
  }

  /**
   * Starts the replica checks that are due; resolves when they end, never rejects. Reads start
   * them too: this is for an idle reader, whose views would otherwise stay as its last read left them.
   */
  checkReplicas(): Promise<void> {
    return this.checkDueReplicas();
  }

  /** Starts the checks that are due (at most one in flight per replica); resolves when they end. Never rejects. */
  private checkDueReplicas(): Promise<void> {
    const now = this.now();
    const started = this.replicas.filter((r) => !r.checking && (!r.checked || now - r.checkedAt >= this.checkMs)).map((r) => this.check(r, now));
    return Promise.all(started).then(() => undefined);
  }

  private check(replica: ReplicaSlot, now: number): Promise<void> {
    replica.checkedAt = now;
    replica.checking = replica.repo
      .completeVersions()
      .then(
        (versions) => {
          replica.versions = new Set(versions);
          if (!replica.usable) {
            if (replica.checked) this.logger.info({ replica: replica.name }, 'roll replica answers again; reading from it');
            replica.usable = true;
          }
        },
        (err: unknown) => this.leaveOut(replica, err),
      )
      .finally(() => {
        replica.checked = true;
        replica.checking = null;
      });
    return replica.checking;
  }

  private leaveOut(replica: ReplicaSlot, err: unknown): void {
    if (replica.usable || !replica.checked) {
      this.logger.warn(
        { replica: replica.name, err: err instanceof Error ? err.message : String(err) },
        'roll replica unusable; its reads go to the other replicas or the primary until it answers a check',
      );
    }
    replica.usable = false;
  }

  private notify(reason: ReplicaFallbackReason): void {
    try {
      this.observer.onPrimaryFallback?.(reason);
    } catch {
      // Metrics must never break a lookup.
    }
  }
}
