import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as path from 'node:path';

/** One JSON line a Perl peer script printed; `event` says what happened, the rest are its fields. */
export interface PeerEvent {
  event: string;
  [field: string]: unknown;
}

const SCRIPTS_DIR = path.join(__dirname, 'perl');
const DEFAULT_WAIT_MS = 10_000;

/**
 * A Net::SMPP script from ./perl run as a child process, read as a stream of JSON events. Waits
 * are bounded and fail with the script's stderr, so a peer that never answers fails the test
 * quickly and legibly instead of hanging it.
 */
export class PerlPeerProcess {
  readonly events: PeerEvent[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private stdoutRest = '';
  private stderr = '';
  private exitCode: number | null | undefined;
  private readonly exited: Promise<number | null>;
  private readonly waiters = new Set<() => void>();

  constructor(script: string, args: string[]) {
    this.child = spawn('perl', [path.join(SCRIPTS_DIR, script), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    // A failed spawn (no perl) surfaces as an exit with the spawn error in stderr.
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
    const find = (): PeerEvent | undefined => this.events.find((candidate) => candidate.event === event && where(candidate));
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = find();
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (this.exitCode !== undefined) {
          done();
          reject(new Error(`${this.describe()} exited (${String(this.exitCode)}) before printing '${event}'\n${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.describe()} printed no '${event}' within ${timeoutMs} ms\nevents: ${JSON.stringify(this.events)}\n${this.stderr}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** What the script wrote to stderr so far (Net::SMPP warns there about PDUs it finds odd). */
  get stderrText(): string {
    return this.stderr;
  }

  /** Sends one JSON command line to the script's stdin. */
  send(command: Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  /** Resolves with the exit code once the script has ended on its own (bounded). */
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

  /** Kills the script if it still runs and waits until it is gone. */
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
    return path.basename(String(this.child.spawnargs[1]));
  }
}
