/** The part of an ioredis client (single node or cluster) that tells when it is ready. */
export interface ReadyObservable {
  readonly status: string;
  once(event: 'ready' | 'end', listener: () => void): unknown;
  off(event: 'ready' | 'end', listener: () => void): unknown;
}

/**
 * Resolves true once the client is connected and ready, false after `timeoutMs` (or at once when
 * it has given up for good). A client without an offline queue fails every command until it is
 * ready: a service whose first requests depend on Redis waits here, bounded, before it takes them.
 */
export function whenReady(redis: ReadyObservable, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  if (redis.status === 'end') return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('end', onEnd);
      resolve(ok);
    };
    const onReady = () => done(true);
    const onEnd = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.once('ready', onReady);
    redis.once('end', onEnd);
  });
}
