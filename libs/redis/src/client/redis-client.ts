import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import { parseRedisAddress, type RedisAddress } from '@parchee/config';
import type { Logger, MetricsRegistry } from '@parchee/observability';
import { redisErrorCounter, type RedisUse } from '../metrics/redis-errors';
import { whenReady, type ReadyObservable } from './when-ready';

/**
 * The client every Redis user in Parchee holds: one Redis server or a Redis Cluster, as the URL
 * says (`createRedisClient`). Both have the same command API; what differs is that on a cluster a
 * command, a script or a pipeline may only touch keys of one slot (one node for a pipeline): the
 * multi-key paths go through `readMany`, `commandBatch` and `slotChunks` (../slots), which split
 * by slot on a cluster and change nothing on one server. ioredis is imported nowhere else.
 */
export type RedisClient = Redis | Cluster;

/** Whether `redis` is a cluster client; false for a single server and for the stand-ins of unit specs. */
export function isCluster(redis: unknown): redis is Cluster {
  return (redis as { isCluster?: unknown } | null)?.isCluster === true;
}

export interface RedisClientOptions {
  /**
   * redis://[user:password@]host:port[/db] (rediss:// for TLS): one server. redis-cluster://[user:password@]host:port[,host:port…]
   * (rediss-cluster:// for TLS): a Redis Cluster, found from those nodes. See parseRedisAddress (@parchee/config).
   */
  url: string;
  /** Names the client in its log lines (`mo-dedupe`, `roll-cache`, `request-guard`, `egress`); never the URL, which may hold a password. */
  name: string;
  /**
   * The uses this client serves, whose failed commands its callers count with `commandFailed`.
   * Their series of parchee_redis_errors_total start at 0, and while the client cannot connect
   * it counts once per `errorIntervalMs` under each. None for tools, which have no metrics.
   */
  uses?: readonly RedisUse[];
  /** A command that gets no reply within this time fails: each use's budget for a Redis that hangs. */
  commandTimeoutMs: number;
  /** TCP (and TLS) connect timeout, ms. Default 1000. */
  connectTimeoutMs?: number;
  /** At most one log line and one count of connection errors per this many ms. Default 10,000. */
  errorIntervalMs?: number;
}

export interface RedisClientDeps {
  /** Where connection errors are reported; without one they are only counted. */
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** The process's registry, for parchee_redis_errors_total; without one nothing is counted. */
  metrics?: MetricsRegistry;
  /** Clock, for tests. */
  now?: () => number;
}

/** One client and its policy, shaped like the other factories' handles (`{ x, ready, close }`). */
export interface RedisClientHandle<C = RedisClient> {
  readonly client: C;
  /**
   * Resolves true once the client can answer, false after `timeoutMs` (see whenReady). Without
   * an offline queue every command fails until then: a service whose first requests depend on
   * Redis waits here, bounded, and fails open after.
   */
  ready(timeoutMs: number): Promise<boolean>;
  /** Connected and ready now: for health checks. */
  isReady(): boolean;
  /**
   * A command of `use` failed or timed out: counts parchee_redis_errors_total{use}, each time.
   * What failing open means, and whether to log it, is the caller's: it knows what it let through.
   */
  commandFailed(use: RedisUse): void;
  /** QUIT, so replies already on their way arrive (bounded by the command timeout); a client that cannot send it is disconnected. */
  close(): Promise<void>;
}

export const REDIS_CLIENT_DEFAULTS = {
  connectTimeoutMs: 1000,
  errorIntervalMs: 10_000,
} as const;

/**
 * The one failure policy of every Parchee Redis client: fail fast. ioredis by default queues
 * commands while disconnected and retries each one 20 times; on a hot path that would stall
 * batches behind a dead Redis. Here a command either gets an answer within its use's
 * `commandTimeoutMs` or fails at once (no offline queue, no retry after a reconnect), and the
 * caller fails open. Reconnection keeps running in the background with a capped backoff.
 */
export function redisClientOptions(options: Pick<RedisClientOptions, 'commandTimeoutMs' | 'connectTimeoutMs'>): RedisOptions {
  return {
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: options.connectTimeoutMs ?? REDIS_CLIENT_DEFAULTS.connectTimeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    autoResubscribe: false,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    // How long disconnect() waits for a graceful close; the 2 s default outlives a dead socket for nothing.
    disconnectTimeout: 200,
    // Commands issued in the same tick (a batch's claims, a part's message-id write beside its
    // neighbours') go out in one write and are read by Redis in one go: each command's own write
    // and Redis's own read were most of Redis's CPU per MO (docs/benchmarks.md, "Suite").
    enableAutoPipelining: true,
  };
}

/**
 * The same policy for a Redis Cluster client. The cluster has its own offline queue and reconnect
 * loop (both set as above); each node's connection takes the single-server options (the use's
 * command timeout, no retries). ioredis follows MOVED and ASK (a slot that moved), but a command
 * whose node went away or whose cluster says CLUSTERDOWN fails at once, as on one server. Reads go
 * to masters only: a replica may not yet have a write (a claim, a ledger entry) that another
 * replica made a moment ago.
 */
export function redisClusterOptions(
  options: Pick<RedisClientOptions, 'commandTimeoutMs' | 'connectTimeoutMs'>,
  address: Extract<RedisAddress, { mode: 'cluster' }>,
): ClusterOptions {
  // The node options minus what the cluster decides itself (queueing, reconnection, pipelining).
  const { enableOfflineQueue, retryStrategy, enableAutoPipelining, ...node } = redisClientOptions(options);
  return {
    redisOptions: {
      ...node,
      ...(address.username === undefined ? {} : { username: address.username }),
      ...(address.password === undefined ? {} : { password: address.password }),
      ...(address.tls ? { tls: {} } : {}),
    },
    enableOfflineQueue,
    clusterRetryStrategy: (attempt) => retryStrategy?.(attempt) ?? 2000,
    enableAutoPipelining,
    enableReadyCheck: true,
    scaleReads: 'master',
    // No retry of a command whose node went away or whose cluster is down: ioredis would send it
    // again every 100 ms (up to 16 times), and each retry of an auto-pipeline starts the command's
    // timeout again, so a command waited as long as a failover (2.5 s measured) instead of its
    // use's timeout. It fails, and its caller fails open, as on one server.
    retryDelayOnFailover: 0,
    retryDelayOnClusterDown: 0,
    retryDelayOnTryAgain: 100,
    // The slot map is asked for again every second (ioredis asks on its own only when a command
    // alone is MOVED: see refreshSlotsWhenMoved) and from another node after the connect timeout.
    slotsRefreshInterval: CLUSTER_SLOTS_REFRESH_MS,
    slotsRefreshTimeout: node.connectTimeout,
  };
}

/** How often a cluster client reads the slot map again: the longest a failover can stay unseen. */
const CLUSTER_SLOTS_REFRESH_MS = 1000;

/**
 * A connected (connecting) client with the fail-fast policy; errors logged and counted, never
 * unhandled. A single-server client or a cluster client, as `options.url` says.
 */
export function createRedisClient(options: RedisClientOptions, deps: RedisClientDeps = {}): RedisClientHandle {
  const address = parseRedisAddress(options.url);
  if (address.mode === 'single') return superviseRedisClient(new Redis(options.url, redisClientOptions(options)), options, deps);
  const clusterOptions = redisClusterOptions(options, address);
  // Until a cluster client has its first slot map, ioredis's auto-pipelining holds each command
  // until the connection attempt ends (up to the connect timeout plus the backoff, seconds) instead
  // of failing it: it is turned on once the client is first ready, and the policy holds throughout.
  const cluster = new Cluster(address.nodes, { ...clusterOptions, enableAutoPipelining: false });
  cluster.once('ready', () => {
    cluster.options.enableAutoPipelining = clusterOptions.enableAutoPipelining;
  });
  refreshSlotsWhenMoved(cluster);
  return superviseRedisClient(cluster, options, deps);
}

/**
 * After a failover, the slots of the old master are answered MOVED. ioredis follows a MOVED (and
 * reads the slot map again) for a command sent alone, but for a pipeline, auto-pipelines included,
 * only when every command in it got the same answer: an auto-pipeline of keys of several slots
 * fails command by command, the map stays stale, and every batch after it fails the same way until
 * the periodic refresh. Here any command answered MOVED or ASK makes the client read the map at
 * once (ioredis runs one refresh at a time and folds the calls made meanwhile into it).
 */
export function refreshSlotsWhenMoved(cluster: Pick<Cluster, 'sendCommand' | 'refreshSlotsCache'>): void {
  const send = cluster.sendCommand.bind(cluster);
  cluster.sendCommand = (command, stream, node) => {
    const sent = send(command, stream, node);
    command.promise.catch((err: unknown) => {
      if (/^(MOVED|ASK) /.test(String((err as Error | undefined)?.message))) cluster.refreshSlotsCache();
    });
    return sent;
  };
}

/**
 * For tools and scripts, which cannot work without Redis: the handle once its client is ready,
 * or an error (the client closed) after `readyTimeoutMs`.
 */
export async function openRedisClient(options: RedisClientOptions, deps: RedisClientDeps = {}, readyTimeoutMs = 5000): Promise<RedisClientHandle> {
  const handle = createRedisClient(options, deps);
  if (await handle.ready(readyTimeoutMs)) return handle;
  await handle.close();
  throw new Error(`Redis (${options.name}) not ready within ${readyTimeoutMs} ms`);
}

/** The part of a client the policy watches; a fake stands in for it in unit specs. */
export interface SupervisedClient extends ReadyObservable {
  on(event: 'error', listener: (err: Error) => void): unknown;
  /** A cluster client's error of one node's connection; a single-server client never emits it. */
  on(event: 'node error', listener: (err: Error, node: string) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/**
 * The error half of the policy. An `'error'` event is a connection error (commands reject
 * their own promises). Unhandled, ioredis prints each one; a dead Redis emits one per reconnect
 * attempt, so one line (with how many since the last) every `errorIntervalMs` is enough, and the
 * line that says the client is ready again gives the outage's total.
 */
export function superviseRedisClient<C extends SupervisedClient>(
  client: C,
  options: Pick<RedisClientOptions, 'name' | 'uses' | 'errorIntervalMs'>,
  deps: RedisClientDeps = {},
): RedisClientHandle<C> {
  const { logger } = deps;
  const now = deps.now ?? Date.now;
  const uses = options.uses ?? [];
  const interval = options.errorIntervalMs ?? REDIS_CLIENT_DEFAULTS.errorIntervalMs;
  const errors = deps.metrics ? redisErrorCounter(deps.metrics) : undefined;
  for (const use of uses) errors?.inc({ use }, 0);

  let reportedAt = -Infinity;
  /** Connection errors since the last line. */
  let unreported = 0;
  /** Connection errors since the client was last ready. */
  let sinceReady = 0;
  const connectionError = (err: Error, node?: string) => {
    unreported++;
    sinceReady++;
    const at = now();
    if (at - reportedAt < interval) return;
    reportedAt = at;
    logger?.warn(
      { redis: options.name, ...(node === undefined ? {} : { node }), err: describe(err), errors: unreported },
      node === undefined
        ? 'Redis connection error; commands fail until it reconnects'
        : 'Redis Cluster node connection error; commands for its slots fail until it is back or failed over',
    );
    unreported = 0;
    for (const use of uses) errors?.inc({ use });
  };
  client.on('error', (err: Error) => connectionError(err));
  // A cluster emits a node's connection errors as 'node error' (with the node's host:port), its own as 'error'.
  client.on('node error', (err: Error, node: string) => connectionError(err, node));
  client.on('ready', () => {
    if (sinceReady > 0) logger?.info({ redis: options.name, errors: sinceReady }, 'Redis connection ready again');
    sinceReady = 0;
    unreported = 0;
  });

  return {
    client,
    ready: (timeoutMs) => whenReady(client, timeoutMs),
    isReady: () => client.status === 'ready',
    commandFailed: (use) => errors?.inc({ use }),
    close: async () => {
      if (unreported > 0) logger?.warn({ redis: options.name, errors: unreported }, 'Redis connection errors since the last report');
      unreported = 0;
      if (client.status === 'end') return;
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

/** A connection error's message; Node's AggregateError (one per address tried) has none of its own. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.message || (err as NodeJS.ErrnoException).code || err.name;
}
