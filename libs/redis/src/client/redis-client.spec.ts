import { EventEmitter } from 'node:events';
import { MetricsRegistry } from '@parchee/observability';
import {
  REDIS_CLIENT_DEFAULTS,
  createRedisClient,
  redisClientOptions,
  redisClusterOptions,
  refreshSlotsWhenMoved,
  superviseRedisClient,
  type SupervisedClient,
} from './redis-client';

class FakeClient extends EventEmitter implements SupervisedClient {
  status = 'connecting';
  quits = 0;
  disconnects = 0;
  quitFails = false;
  async quit(): Promise<string> {
    this.quits++;
    if (this.quitFails) throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
    this.status = 'end';
    return 'OK';
  }
  disconnect(): void {
    this.disconnects++;
    this.status = 'end';
  }
}

class FakeLogger {
  lines: Array<{ level: 'info' | 'warn'; obj: Record<string, unknown>; msg?: string }> = [];
  info(obj: object, msg?: string): void {
    this.lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg });
  }
  warn(obj: object, msg?: string): void {
    this.lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg });
  }
}

async function errorCounts(metrics: MetricsRegistry): Promise<Record<string, number>> {
  const metric = metrics.registry.getSingleMetric('parchee_redis_errors_total');
  const values = metric ? (await metric.get()).values : [];
  return Object.fromEntries(values.map((v) => [String(v.labels.use), v.value]));
}

function setup(options: { uses?: Parameters<typeof superviseRedisClient>[1]['uses']; errorIntervalMs?: number } = {}) {
  const client = new FakeClient();
  const logger = new FakeLogger();
  const metrics = new MetricsRegistry('test');
  let clock = 1_000_000;
  const handle = superviseRedisClient(
    client,
    { name: 'egress', uses: options.uses ?? ['sent_ledger', 'dlr_map'], errorIntervalMs: options.errorIntervalMs },
    { logger, metrics, now: () => clock },
  );
  return { client, logger, metrics, handle, advance: (ms: number) => (clock += ms) };
}

describe('redisClientOptions', () => {
  it("is the one fail-fast policy: the use's command timeout, no offline queue, no retry of a command, a capped reconnect backoff", () => {
    const options = redisClientOptions({ commandTimeoutMs: 200 });
    expect(options).toMatchObject({
      commandTimeout: 200,
      connectTimeout: REDIS_CLIENT_DEFAULTS.connectTimeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      autoResubscribe: false,
      disconnectTimeout: 200,
    });
    expect([1, 5, 50].map((attempt) => options.retryStrategy?.(attempt))).toEqual([100, 500, 2000]);
    expect(redisClientOptions({ commandTimeoutMs: 10_000, connectTimeoutMs: 300 })).toMatchObject({ commandTimeout: 10_000, connectTimeout: 300 });
  });
});

describe('redisClusterOptions', () => {
  const address = { mode: 'cluster' as const, nodes: [{ host: '10.0.0.1', port: 6379 }], tls: false };

  it('is the same fail-fast policy for a cluster: no offline queue, the capped backoff, each node with the command timeout and no retries', () => {
    const options = redisClusterOptions({ commandTimeoutMs: 200 }, address);
    expect(options).toMatchObject({ enableOfflineQueue: false, enableAutoPipelining: true, scaleReads: 'master', slotsRefreshTimeout: 1000 });
    // A command whose node went away, or whose cluster is down, is not sent again: it fails, as on one server.
    expect(options).toMatchObject({ retryDelayOnFailover: 0, retryDelayOnClusterDown: 0 });
    // A failover is seen within a second even when no command alone is answered MOVED.
    expect(options.slotsRefreshInterval).toBe(1000);
    expect([1, 5, 50].map((attempt) => options.clusterRetryStrategy?.(attempt))).toEqual([100, 500, 2000]);
    expect(options.redisOptions).toMatchObject({
      commandTimeout: 200,
      connectTimeout: 1000,
      maxRetriesPerRequest: 0,
      autoResubscribe: false,
      disconnectTimeout: 200,
    });
    // The cluster owns these for its nodes; ioredis's types refuse them in redisOptions.
    expect(options.redisOptions).not.toHaveProperty('enableOfflineQueue');
    expect(options.redisOptions).not.toHaveProperty('retryStrategy');
  });

  it('gives every node the credentials and TLS of the address', () => {
    expect(redisClusterOptions({ commandTimeoutMs: 200 }, { ...address, username: 'parchee', password: 's3cret', tls: true }).redisOptions).toMatchObject({
      username: 'parchee',
      password: 's3cret',
      tls: {},
    });
    expect(redisClusterOptions({ commandTimeoutMs: 200 }, address).redisOptions).not.toHaveProperty('password');
  });
});

describe('refreshSlotsWhenMoved', () => {
  /** A cluster's two methods the hook uses; each command sent is rejected with the reply given. */
  function fakeCluster() {
    const cluster = {
      refreshes: 0,
      refreshSlotsCache: () => void cluster.refreshes++,
      sendCommand: (command: { promise: Promise<unknown> }) => command.promise,
    };
    return cluster;
  }
  const rejected = (message: string) => {
    const promise = Promise.reject(new Error(message));
    promise.catch(() => undefined);
    return { promise };
  };

  it('reads the slot map again as soon as any command, pipelined or not, is answered MOVED or ASK', async () => {
    const cluster = fakeCluster();
    refreshSlotsWhenMoved(cluster as never);
    for (const reply of ['MOVED 3852 127.0.0.1:7105', 'ASK 3852 127.0.0.1:7105', 'Connection is closed.', 'CROSSSLOT Keys in request']) {
      await cluster.sendCommand(rejected(reply) as never).catch(() => undefined);
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(cluster.refreshes).toBe(2);
  });
});

describe('createRedisClient', () => {
  it('refuses an address of neither form before connecting', () => {
    expect(() => createRedisClient({ url: '127.0.0.1:6379', name: 'unit', commandTimeoutMs: 100 })).toThrow(/PARCHEE_REDIS_URL: must be redis:\/\//);
  });
});

describe('superviseRedisClient', () => {
  it("starts each use's error series at 0, and counts every failed command of a use", async () => {
    const { handle, metrics } = setup();
    expect(await errorCounts(metrics)).toEqual({ sent_ledger: 0, dlr_map: 0 });
    handle.commandFailed('sent_ledger');
    handle.commandFailed('sent_ledger');
    handle.commandFailed('dlr_map');
    expect(await errorCounts(metrics)).toEqual({ sent_ledger: 2, dlr_map: 1 });
  });

  it('declares the metric once: two clients in one process share the counter', async () => {
    const metrics = new MetricsRegistry('test');
    const a = superviseRedisClient(new FakeClient(), { name: 'request-guard', uses: ['request_guard', 'reply_cap'] }, { metrics });
    const b = superviseRedisClient(new FakeClient(), { name: 'roll-cache', uses: ['roll_cache'] }, { metrics });
    a.commandFailed('reply_cap');
    b.commandFailed('roll_cache');
    expect(await errorCounts(metrics)).toEqual({ request_guard: 0, reply_cap: 1, roll_cache: 1 });
  });

  it('handles every connection error, logging and counting one per interval with how many there were', async () => {
    const { client, logger, metrics, advance } = setup();
    // Unhandled, an 'error' event would throw out of emit.
    expect(() => client.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'))).not.toThrow();
    for (let i = 0; i < 20; i++) {
      advance(400);
      client.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    }
    // 8 s after the first line: still one line, one count per use.
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({ level: 'warn', obj: { redis: 'egress', err: 'connect ECONNREFUSED 127.0.0.1:6379', errors: 1 } });
    expect(await errorCounts(metrics)).toEqual({ sent_ledger: 1, dlr_map: 1 });

    advance(2000);
    client.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    expect(logger.lines).toHaveLength(2);
    expect(logger.lines[1].obj).toMatchObject({ errors: 21 });
    expect(await errorCounts(metrics)).toEqual({ sent_ledger: 2, dlr_map: 2 });
  });

  it("says when the client is ready again, with the outage's total, and reports a new outage at once", () => {
    const { client, logger, advance } = setup();
    client.emit('ready');
    expect(logger.lines).toHaveLength(0);
    for (let i = 0; i < 3; i++) client.emit('error', new Error('read ECONNRESET'));
    client.emit('ready');
    expect(logger.lines.map((l) => [l.level, l.obj.errors])).toEqual([
      ['warn', 1],
      ['info', 3],
    ]);
    advance(10_000);
    client.emit('error', new Error('read ECONNRESET'));
    expect(logger.lines).toHaveLength(3);
    expect(logger.lines[2].obj).toMatchObject({ errors: 1 });
  });

  it("counts a cluster node's connection errors with the others, naming the node", async () => {
    const { client, logger, metrics } = setup();
    client.emit('node error', new Error('connect ECONNREFUSED 127.0.0.1:7102'), '127.0.0.1:7102');
    client.emit('node error', new Error('connect ECONNREFUSED 127.0.0.1:7102'), '127.0.0.1:7102');
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({ level: 'warn', obj: { redis: 'egress', node: '127.0.0.1:7102', errors: 1 } });
    expect(await errorCounts(metrics)).toEqual({ sent_ledger: 1, dlr_map: 1 });
    client.emit('ready');
    expect(logger.lines[1]).toMatchObject({ level: 'info', obj: { errors: 2 } });
  });

  it("names an error without a message by its code (Node's AggregateError of a dual-stack connect)", () => {
    const { client, logger } = setup();
    const err = Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' });
    client.emit('error', err);
    expect(logger.lines[0].obj.err).toBe('ECONNREFUSED');
  });

  it('counts and logs nothing without a logger or metrics, but still handles the errors', () => {
    const client = new FakeClient();
    const handle = superviseRedisClient(client, { name: 'roll-warm' });
    expect(() => client.emit('error', new Error('boom'))).not.toThrow();
    expect(() => handle.commandFailed('roll_cache')).not.toThrow();
  });

  it('reports errors not yet logged when closed, then QUITs', async () => {
    const { client, handle, logger } = setup();
    client.emit('error', new Error('first'));
    client.emit('error', new Error('second'));
    await handle.close();
    expect(logger.lines.map((l) => l.obj.errors)).toEqual([1, 1]);
    expect([client.quits, client.disconnects]).toEqual([1, 0]);
    await handle.close();
    expect(client.quits).toBe(1);
  });

  it('disconnects a client that cannot send QUIT', async () => {
    const { client, handle } = setup();
    client.quitFails = true;
    await handle.close();
    expect([client.quits, client.disconnects]).toEqual([1, 1]);
  });

  it('tells readiness', async () => {
    const { client, handle } = setup();
    expect(handle.isReady()).toBe(false);
    const ready = handle.ready(1000);
    client.status = 'ready';
    client.emit('ready');
    await expect(ready).resolves.toBe(true);
    expect(handle.isReady()).toBe(true);
  });
});
