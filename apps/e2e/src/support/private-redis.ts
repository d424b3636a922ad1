import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './eventually';
import { run } from '@parchee/suite';

/**
 * The e2e suite's own Redis: a `redis-server` on a spare port, with nothing persisted, started by
 * global setup and stopped by global teardown. The fault specs stop and start it under load; the
 * machine's Redis on 6379 is shared with other work and is never touched.
 */
export const E2E_REDIS_PORT = Number(process.env['PARCHEE_E2E_REDIS_PORT'] ?? 6391);
export const E2E_REDIS_URL = `redis://127.0.0.1:${E2E_REDIS_PORT}`;

/**
 * Sends one command to the Redis on the port with Debian's `redis-cli` (installed beside
 * `redis-server`) and resolves its reply, or null when it fails or `timeoutMs` passes. Not a
 * client library: this file runs in Jest's global setup and teardown, where the @parchee/*
 * aliases (and so @parchee/redis, the only home of the Redis client) do not resolve.
 */
function redisCommand(port: number, args: string[], timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: timeoutMs }, (err, stdout) => resolve(err ? null : stdout.trim()));
  });
}

/** True when a Redis answers PING on the port. */
export async function redisAnswers(port = E2E_REDIS_PORT): Promise<boolean> {
  return (await redisCommand(port, ['PING'], 2000)) === 'PONG';
}

/**
 * Starts a fresh, empty Redis on the port and resolves once it answers. One left over by a run
 * that died before its teardown is shut down first: it would hold that run's keys.
 */
export async function startPrivateRedis(dir: string, port = E2E_REDIS_PORT): Promise<void> {
  if (await redisAnswers(port)) await stopPrivateRedis(port);
  mkdirSync(dir, { recursive: true });
  await run(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'yes',
      '--dir',
      dir,
      '--logfile',
      join(dir, 'redis.log'),
      '--pidfile',
      join(dir, 'redis.pid'),
    ],
    {},
    { quiet: true },
  );
  await eventually(`redis-server answering on ${port}`, async () => ((await redisAnswers(port)) ? true : undefined), 10_000, 50);
}

/** Stops the Redis on the port as an operator would (SHUTDOWN NOSAVE) and resolves once the port refuses connections. */
export async function stopPrivateRedis(port = E2E_REDIS_PORT): Promise<void> {
  // The server closes the connection instead of answering: no reply is the expected outcome.
  await redisCommand(port, ['SHUTDOWN', 'NOSAVE'], 2000);
  await eventually(`redis-server on ${port} gone`, async () => ((await redisAnswers(port)) ? undefined : true), 10_000, 50);
}
