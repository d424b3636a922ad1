import { ConfigError } from '../env/config-error';
import { parseRedisAddress } from './redis-address';

describe('parseRedisAddress', () => {
  it('reads redis:// and rediss:// as one server, the URL kept as it is for ioredis', () => {
    expect(parseRedisAddress('redis://127.0.0.1:6379/9')).toEqual({ mode: 'single', url: 'redis://127.0.0.1:6379/9' });
    expect(parseRedisAddress('rediss://:secret@redis.example:6380')).toEqual({ mode: 'single', url: 'rediss://:secret@redis.example:6380' });
  });

  it('reads redis-cluster:// as a cluster of the nodes it lists', () => {
    expect(parseRedisAddress('redis-cluster://127.0.0.1:7101,127.0.0.1:7102, 10.0.0.3:6379/')).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '127.0.0.1', port: 7101 },
        { host: '127.0.0.1', port: 7102 },
        { host: '10.0.0.3', port: 6379 },
      ],
      username: undefined,
      password: undefined,
      tls: false,
    });
  });

  it('takes a user and a percent-encoded password before the first node, and TLS from rediss-cluster://', () => {
    expect(parseRedisAddress('rediss-cluster://parchee:p%40ss%3Aword@redis-0.redis:6379,[::1]:7000')).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'redis-0.redis', port: 6379 },
        { host: '::1', port: 7000 },
      ],
      username: 'parchee',
      password: 'p@ss:word',
      tls: true,
    });
    expect(parseRedisAddress('redis-cluster://:secret@parchee-redis-leader:6379')).toMatchObject({ username: undefined, password: 'secret' });
  });

  it('refuses what is neither form, naming the variable and the forms', () => {
    const problem = (text: string): string => {
      try {
        parseRedisAddress(text);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems[0];
      }
      throw new Error(`accepted ${text}`);
    };
    expect(problem('127.0.0.1:6379')).toMatch(/^PARCHEE_REDIS_URL: must be redis:\/\/host:port\[\/db\].*redis-cluster:\/\//);
    expect(problem('http://127.0.0.1:6379')).toMatch(/must be redis:\/\//);
    expect(problem('redis-cluster://127.0.0.1:7101/0')).toMatch(/a cluster has no databases/);
    expect(problem('redis-cluster://127.0.0.1:7101,127.0.0.1')).toMatch(/"127.0.0.1" is not host:port/);
    expect(problem('redis-cluster://127.0.0.1:70000')).toMatch(/is not host:port/);
    expect(problem('redis-cluster://')).toMatch(/"" is not host:port/);
  });
});
