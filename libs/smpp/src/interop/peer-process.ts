import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

/** One JSON line a peer printed; `event` says what happened, the rest are its fields. */
export interface PeerEvent {
  event: string;
  [field: string]: unknown;
}

const DEFAULT_WAIT_MS = 10_000;

/**
 * An SMPP peer built on a stack that is not ours (a Net::SMPP script, a Java program), run as a
 * child process and read as a stream of JSON events. Waits are bounded and fail with the peer's
 * stderr, so a peer that never answers fails the test quickly and legibly instead of hanging it.
 */
export class PeerProcess {
  readonly events: PeerEvent[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private stdoutRest = '';
  private stderr = '';
  private exitCode: number | null | undefined;
  private readonly exited: Promise<number | null>;
  private readonly waiters = new Set<() => void>();

  /** `name` labels the peer in failure messages. */
  constructor(
    command: string,
    args: string[],
    private readonly name: string,
  ) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    // A failed spawn (no perl, no java) surfaces as an exit with the spawn error in stderr.
    this.child.on('error', (error) => {
      this.stderr += `spawn failed: ${error.message}\n`;
      this.onExit(null);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code) => {
        this.onExit(code);
        resolve(code);
      });
    });
  }

  /** The first event (already seen or still to come) named `event` that also matches `where`. */
  waitFor(event: string, where: (found: PeerEvent) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<PeerEvent> {
    return this.waitForMatch((candidate) => candidate.event === event && where(candidate), `'${event}'`, timeoutMs);
  }

  /** The first `count` events named `event` that match `where`, once that many have come. */
  async waitForCount(event: string, where: (found: PeerEvent) => boolean, count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<PeerEvent[]> {
    const matching = (): PeerEvent[] => this.events.filter((candidate) => candidate.event === event && where(candidate));
    await this.waitForMatch(() => matching().length >= count, `${count} '${event}'`, timeoutMs);
    return matching().slice(0, count);
  }

  /** The first event (already seen or still to come) that `matches`; `what` names it in the error. */
  waitForMatch(matches: (found: PeerEvent) => boolean, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<PeerEvent> {
    const find = (): PeerEvent | undefined => this.events.find(matches);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = find();
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (this.exitCode !== undefined) {
          done();
          reject(new Error(`${this.describe()} exited (${String(this.exitCode)}) before printing ${what}\n${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(`${this.describe()} printed no ${what} within ${timeoutMs} ms\nlast events: ${JSON.stringify(this.events.slice(-40))}\n${this.stderr}`),
        );
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** What the peer wrote to stderr so far (Net::SMPP warns there about PDUs it finds odd, Java libraries log there). */
  get stderrText(): string {
    return this.stderr;
  }

  /** Sends one JSON command line to the peer's stdin. */
  send(command: Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  /** Resolves with the exit code once the peer has ended on its own (bounded). */
  async exitCodeWithin(timeoutMs = DEFAULT_WAIT_MS): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.describe()} did not exit within ${timeoutMs} ms\n${this.stderr}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the peer if it still runs and waits until it is gone. */
  async kill(): Promise<void> {
    if (this.exitCode === undefined) this.child.kill('SIGKILL');
    await this.exited;
  }

  private onStdout(chunk: string): void {
    const lines = (this.stdoutRest + chunk).split('\n');
    this.stdoutRest = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        this.events.push(JSON.parse(line) as PeerEvent);
      } catch {
        this.stderr += `unparsable stdout line: ${line}\n`;
      }
    }
    this.notify();
  }

  private onExit(code: number | null): void {
    if (this.exitCode !== undefined) return;
    this.exitCode = code;
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private describe(): string {
    return this.name;
  }
}
