/** The longest a service may take from SIGTERM to exit; past it the orchestrator would SIGKILL anyway. */
export const SHUTDOWN_DEADLINE_MS = 10_000;

export interface ShutdownDeadlineOptions {
  /** Names the service in the message written when the deadline passes. */
  service: string;
  deadlineMs?: number;
  signals?: NodeJS.Signals[];
  /** Where the message goes; stderr by default, as the logger may be the thing that hangs. */
  write?: (line: string) => void;
  exit?: (code: number) => void;
  processLike?: Pick<NodeJS.Process, 'once' | 'removeListener'>;
}

/**
 * A safety net under the graceful shutdown: on the first SIGTERM or SIGINT it arms a timer that
 * exits with code 1 if the service is still alive after the deadline. The timer is unref'd, so a
 * shutdown that finishes in time exits normally. Whatever was not committed by then is read
 * again by the next consumer, which is why a hard exit loses nothing; it only costs time.
 * Returns a function that disarms the listeners (for tests).
 */
export function armShutdownDeadline(options: ShutdownDeadlineOptions): () => void {
  const deadlineMs = options.deadlineMs ?? SHUTDOWN_DEADLINE_MS;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const proc = options.processLike ?? process;
  let timer: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (timer) return;
    timer = setTimeout(() => {
      write(`${JSON.stringify({ level: 'error', service: options.service, signal, deadlineMs, msg: 'shutdown did not finish in time; exiting' })}\n`);
      exit(1);
    }, deadlineMs);
    timer.unref();
  };
  for (const signal of signals) proc.once(signal, onSignal);
  return () => {
    for (const signal of signals) proc.removeListener(signal, onSignal);
    if (timer) clearTimeout(timer);
  };
}
