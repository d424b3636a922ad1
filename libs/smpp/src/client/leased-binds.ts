import { silentSmppLogger, type SmppLogger } from '../session/smpp-logger';
import type { EsmeClient } from './esme-client';
import { startOperatorBinds, type OperatorBindsOptions } from './operator-binds';

/** The shared budget of one link's binds: which slots this process holds (SlotLeases in libs/redis is one). */
export interface BindBudget {
  /** Renews this process's share and says which slot numbers (0-based) it holds now. */
  balance(): Promise<number[]>;
  /** Gives back slots this process no longer uses (their binds closed), for another to take. */
  release(slots: readonly number[]): Promise<void>;
  /** Gives every slot back at once (graceful shutdown). */
  leave(): Promise<void>;
}

/** A bind this process holds; stopping it unbinds. */
export interface HeldBind {
  stop(): Promise<void>;
}

export interface LeasedBindsOptions {
  /** The link's binds of this kind, all replicas together. */
  size: number;
  budget: BindBudget;
  /** How often the share is renewed and rebalanced, ms: well under the budget's lease. */
  renewMs: number;
  /**
   * Binds to open while the budget cannot be asked at start (Redis unreachable): this replica's
   * share by configuration. Once the budget answers, slots it gives to others are closed here.
   */
  fallbackCount: number;
  /** Opens the bind of slot `slot`. */
  open(slot: number): HeldBind;
  /** Called after each round with the slots held, for a gauge. */
  onHeld?(slots: number[]): void;
  logger?: SmppLogger;
  /** Names the link in log lines. */
  name: string;
}

/**
 * The binds of one link that this replica may hold, when the operator's bind count is a budget for
 * all replicas together: each round (every renewMs) asks the budget for this replica's slots, opens
 * the binds of slots it gained and closes those of slots it lost. A budget that fails keeps the
 * binds as they are (a Redis outage never unbinds anyone); one that fails at the very start opens
 * the configured fallback share, so the service binds without Redis.
 */
export class LeasedBinds {
  private readonly open = new Map<number, HeldBind>();
  private readonly logger: SmppLogger;
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private answered = false;
  private stopped = false;
  private failing = false;

  constructor(private readonly options: LeasedBindsOptions) {
    this.logger = options.logger ?? silentSmppLogger;
  }

  /** The first round, then one every renewMs. */
  async start(): Promise<void> {
    await this.runRound();
    if (!this.stopped) this.timer = setInterval(() => void this.runRound(), this.options.renewMs);
  }

  /** Slot numbers whose binds are open here. */
  held(): number[] {
    return [...this.open.keys()].sort((a, b) => a - b);
  }

  /** Closes every bind and gives the slots back. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round;
    const binds = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(binds.map((b) => b.stop()));
    await this.options.budget
      .leave()
      .catch((err: Error) =>
        this.logger.warn({ link: this.options.name, err: err.message }, 'could not give the bind slots back; they free themselves when their lease ends'),
      );
  }

  private runRound(): Promise<void> {
    // One round at a time: a slow Redis must not stack them.
    if (this.round) return this.round;
    this.round = this.balance().finally(() => (this.round = undefined));
    return this.round;
  }

  private async balance(): Promise<void> {
    let slots: number[];
    try {
      slots = (await this.options.budget.balance()).filter((s) => s >= 0 && s < this.options.size);
      this.answered = true;
      if (this.failing) this.logger.info({ link: this.options.name, slots }, 'bind budget answers again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.logger.warn({ link: this.options.name, err: (err as Error).message }, 'bind budget unavailable; keeping the binds as they are');
      this.failing = true;
      if (this.answered || this.open.size > 0) return;
      slots = Array.from({ length: Math.min(this.options.size, Math.max(1, this.options.fallbackCount)) }, (_, i) => i);
    }
    if (this.stopped) return;
    const wanted = new Set(slots);
    const closing: Array<[number, HeldBind]> = [];
    for (const [slot, bind] of this.open) {
      if (wanted.has(slot)) continue;
      this.open.delete(slot);
      closing.push([slot, bind]);
    }
    for (const slot of slots) if (!this.open.has(slot)) this.open.set(slot, this.options.open(slot));
    this.options.onHeld?.(this.held());
    if (closing.length === 0 || !this.answered) return;
    this.logger.info({ link: this.options.name, closed: closing.length, slots }, 'bind slots moved to another replica');
    // Given back only once unbound: another replica never opens a slot this one still uses.
    await Promise.allSettled(closing.map(([, bind]) => bind.stop()));
    await this.options.budget.release(closing.map(([slot]) => slot)).catch(() => undefined);
  }
}

/** One link's binds of one type, as many as its budget gives this replica (all without a budget). */
export interface HeldOperatorBinds {
  /** The clients open now: they change as slots move between replicas. */
  clients(): EsmeClient[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * startOperatorBinds under a shared budget: `budget` decides which of the link's `count` binds this
 * replica opens (LeasedBinds). Without a budget every bind is opened, as before.
 */
export function holdOperatorBinds(options: OperatorBindsOptions & { budget?: BindBudget; renewMs?: number; fallbackCount?: number }): HeldOperatorBinds {
  const { budget, renewMs, fallbackCount, ...binds } = options;
  const open = new Map<number, EsmeClient>();
  if (!budget) {
    let clients: EsmeClient[] = [];
    return {
      clients: () => clients,
      start: async () => void (clients = startOperatorBinds(binds)),
      stop: async () => void (await Promise.allSettled(clients.map((c) => c.stop()))),
    };
  }
  const leased = new LeasedBinds({
    name: `${binds.link.id}/${binds.bindType}`,
    size: binds.count,
    budget,
    renewMs: renewMs ?? 3000,
    fallbackCount: fallbackCount ?? binds.count,
    logger: binds.logger,
    open: (slot) => {
      const [client] = startOperatorBinds({ ...binds, slots: [slot] });
      open.set(slot, client);
      return {
        stop: async () => {
          open.delete(slot);
          await client.stop();
        },
      };
    },
  });
  return { clients: () => [...open.values()], start: () => leased.start(), stop: () => leased.stop() };
}
