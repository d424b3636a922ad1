import { nextRevision, revisionOf, type SessionCells } from '../sessions/session-cells';

/**
 * SessionCells in memory, with the compare-and-set and time to live Redis gives them, for unit
 * specs: every value it holds can be read back (`dump`), and any operation can be made to fail.
 */
export class InMemorySessionCells implements SessionCells {
  readonly values = new Map<string, { value: string; expiresAt: number }>();
  /** Reads so far: a spec waits on it to know a step has looked at its session. */
  reads = 0;
  /** Set to fail every operation as a Redis away would. */
  failing: Error | null = null;

  constructor(readonly now: () => number = Date.now) {}

  async read(key: string): Promise<{ revision: number; value: string | null }> {
    this.reads++;
    this.check();
    return revisionOf(this.live(key));
  }

  async compareAndSet(key: string, revision: number, value: string, ttlMs: number): Promise<boolean> {
    this.check();
    if (revisionOf(this.live(key)).revision !== revision) return false;
    this.values.set(key, { value: `${nextRevision(revision)}:${value}`, expiresAt: this.now() + ttlMs });
    return true;
  }

  async get(key: string): Promise<string | null> {
    this.check();
    return this.live(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.check();
    this.values.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  /** Every live key and value, one per line. */
  dump(): string {
    return [...this.values.keys()].flatMap((key) => (this.live(key) === null ? [] : [`${key} ${this.live(key)}`])).join('\n');
  }

  ttlOf(key: string): number | null {
    const entry = this.values.get(key);
    return entry ? entry.expiresAt - this.now() : null;
  }

  private live(key: string): string | null {
    const entry = this.values.get(key);
    return entry && entry.expiresAt > this.now() ? entry.value : null;
  }

  private check(): void {
    if (this.failing) throw this.failing;
  }
}
