import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { MetricsRegistry } from '@parchee/observability';
import { countWrites, deleteMatching, keyHolders, testingOnCluster, testRedisUrl } from '../testing';
import { createRedisClient, openRedisClient, type RedisClientHandle } from './redis-client';

/**
 * Database 9: the machine's Redis (database 0) is shared with other work. Keys under a prefix of
 * this run's own. The same specs run against the local Redis Cluster (jest.int-cluster.config.js).
 */
const URL = testRedisUrl(9);
const PREFIX = `parchee:test:redis-client:${randomBytes(4).toString('hex')}:`;
/** A Redis of the same kind (one server or a cluster) on a port where nothing listens. */
const deadUrl = (port: number) => (testingOnCluster() ? `redis-cluster://127.0.0.1:${port}` : `redis://127.0.0.1:${port}`);

function recordingLogger() {
  const lines: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
  const log = (obj: object, msg?: string) => void lines.push({ obj: obj as Record<string, unknown>, msg });
  return { lines, logger: { info: log, warn: log } };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('createRedisClient against real Redis', () => {
  const handles: RedisClientHandle[] = [];
  afterAll(async () => {
    const admin = createRedisClient({ url: URL, name: 'cleanup', commandTimeoutMs: 5000 });
    if (await admin.ready(5000)) await deleteMatching(admin.client, `${PREFIX}*`);
    await admin.close();
    await Promise.all(handles.map((h) => h.close()));
  });

  it('answers once ready, and closes with QUIT', async () => {
    const handle = createRedisClient({ url: URL, name: 'int', commandTimeoutMs: 1000 });
    expect(await handle.ready(5000)).toBe(true);
    expect(handle.isReady()).toBe(true);
    await handle.client.set(`${PREFIX}a`, '1', 'EX', 60);
    expect(await handle.client.get(`${PREFIX}a`)).toBe('1');
    await handle.close();
    // QUIT resolves with its reply; the server closes the connection right after.
    if (handle.client.status !== 'end') await new Promise((resolve) => handle.client.once('end', resolve));
    expect(handle.isReady()).toBe(false);
    expect(await handle.ready(10)).toBe(false);
  });

  it('sends the commands issued in one tick in one write (per master of a cluster), each still getting its own answer', async () => {
    const handle = createRedisClient({ url: URL, name: 'int', commandTimeoutMs: 1000 });
    handles.push(handle);
    expect(await handle.ready(5000)).toBe(true);
    // Every server connected first: a cluster connects to a master at its first command.
    const servers = keyHolders(handle.client);
    await Promise.all(servers.map((server) => server.ping()));
    const writes = countWrites(handle.client);
    const keys = Array.from({ length: 100 }, (_, i) => `${PREFIX}pipe:${i}`);
    await Promise.all(keys.map((key, i) => handle.client.set(key, String(i), 'EX', 60)));
    const values = await Promise.all(keys.map((key) => handle.client.get(key)));
    writes.stop();
    expect(values).toEqual(keys.map((_, i) => String(i)));
    // One write per tick's worth of commands (two ticks here) and server, not one per command (200).
    expect(writes.count()).toBeGreaterThanOrEqual(2);
    expect(writes.count()).toBeLessThanOrEqual(4 * servers.length);
  });

  it('fails a command at once while Redis cannot be reached, and reports the connection errors once per interval', async () => {
    const { lines, logger } = recordingLogger();
    const metrics = new MetricsRegistry('redis-int');
    const handle = createRedisClient(
      { url: deadUrl(await closedPort()), name: 'dead', uses: ['sent_ledger'], commandTimeoutMs: 1000, connectTimeoutMs: 200 },
      { logger, metrics },
    );
    handles.push(handle);
    expect(await handle.ready(700)).toBe(false);
    const started = Date.now();
    await expect(handle.client.get(`${PREFIX}b`)).rejects.toThrow(/enableOfflineQueue/);
    expect(Date.now() - started).toBeLessThan(100);
    // Several reconnect attempts in 700 ms (100, 200, 300 ms apart), one line and one count.
    expect(lines).toHaveLength(1);
    expect(lines[0].obj).toMatchObject({ redis: 'dead', errors: 1 });
    // A cluster client reports its node's connection as closed, not why.
    expect(String(lines[0].obj.err)).toMatch(testingOnCluster() ? /Connection is closed/ : /ECONNREFUSED/);
    expect((await metrics.render()).body).toMatch(/parchee_redis_errors_total\{use="sent_ledger"[^}]*\} 1\n/);
    await handle.close();
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.at(-1)?.obj.errors).toBeGreaterThanOrEqual(1);
  });

  it('fails a command that gets no reply within its command timeout', async () => {
    const handle = createRedisClient({ url: URL, name: 'int', commandTimeoutMs: 150 });
    handles.push(handle);
    expect(await handle.ready(5000)).toBe(true);
    // The connection is busy with a blocking pop for 1 s: the GET waits behind it and times out.
    // Both keys in one hash tag, so a cluster sends them on the same node's connection.
    handle.client.blpop(`${PREFIX}{timeout}:nothing`, 1).catch(() => undefined);
    const started = Date.now();
    await expect(handle.client.get(`${PREFIX}{timeout}:c`)).rejects.toThrow(/timed out/i);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('opens a ready client for a tool, or says why not', async () => {
    const handle = await openRedisClient({ url: URL, name: 'tool', commandTimeoutMs: 5000 });
    handles.push(handle);
    expect(await handle.client.ping()).toBe('PONG');
    await expect(openRedisClient({ url: deadUrl(await closedPort()), name: 'tool', commandTimeoutMs: 5000, connectTimeoutMs: 100 }, {}, 300)).rejects.toThrow(
      'Redis (tool) not ready within 300 ms',
    );
  });
});
