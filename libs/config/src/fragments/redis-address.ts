import { ConfigError } from '../env/config-error';

/** One Redis Cluster node to start from, as PARCHEE_REDIS_URL names it. */
export interface RedisNodeAddress {
  host: string;
  port: number;
}

/**
 * What PARCHEE_REDIS_URL names: one Redis server (`redis://` or `rediss://`, the URL as ioredis
 * reads it), or a Redis Cluster (`redis-cluster://` or `rediss-cluster://`) by some of its nodes,
 * from which the client learns the others and the slot map.
 */
export type RedisAddress = { mode: 'single'; url: string } | { mode: 'cluster'; nodes: RedisNodeAddress[]; username?: string; password?: string; tls: boolean };

const CLUSTER_FORM = '[user:password@]host:port[,host:port…]';

/**
 * Reads a Redis address: `redis://[user:password@]host:port[/db]` (TLS: `rediss://`) for one
 * server, or `redis-cluster://[user:password@]host:port[,host:port…]` (TLS: `rediss-cluster://`)
 * for a cluster. A cluster has no numbered databases, so its form has no `/db`. Throws a
 * ConfigError naming the form when the text is neither.
 */
export function parseRedisAddress(text: string, variable = 'PARCHEE_REDIS_URL'): RedisAddress {
  const fail = (why: string): never => {
    throw new ConfigError([`${variable}: ${why}`]);
  };
  const scheme = /^([a-z-]+):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss') {
    try {
      const url = new URL(text);
      if (url.hostname === '') fail('names no host');
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      fail('must be a redis:// URL');
    }
    return { mode: 'single', url: text };
  }
  if (scheme !== 'redis-cluster' && scheme !== 'rediss-cluster') {
    return fail(`must be redis://host:port[/db], rediss://…, or redis-cluster://${CLUSTER_FORM} (rediss-cluster:// for TLS)`);
  }
  let rest = text.slice(scheme.length + 3).replace(/\/$/, '');
  if (rest.includes('/') || rest.includes('?')) fail(`a cluster has no databases and takes no options: redis-cluster://${CLUSTER_FORM}`);
  let username: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const credentials = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = credentials.indexOf(':');
    try {
      username = decodeURIComponent(colon >= 0 ? credentials.slice(0, colon) : credentials) || undefined;
      password = colon >= 0 ? decodeURIComponent(credentials.slice(colon + 1)) || undefined : undefined;
    } catch {
      fail('holds a user or password that is not percent-encoded');
    }
  }
  const nodes = rest.split(',').map((part) => {
    // host:port, or [ipv6]:port
    const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/i.exec(part.trim());
    const port = Number(m?.[3]);
    if (!m || port < 1 || port > 65535) return fail(`"${part}" is not host:port (redis-cluster://${CLUSTER_FORM})`);
    return { host: m[1] ?? m[2], port };
  });
  return { mode: 'cluster', nodes, username, password, tls: scheme === 'rediss-cluster' };
}
