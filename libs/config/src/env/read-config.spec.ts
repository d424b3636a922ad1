import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { readConfig } from './read-config';
import { kafkaConfig, pepperConfig, postgresConfig, redisConfig, serviceConfig } from '../fragments/infrastructure';

describe('readConfig', () => {
  it('fills documented defaults when nothing is set', () => {
    const config = readConfig({ kafka: kafkaConfig, redis: redisConfig, service: serviceConfig(9101) }, {});
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', commandTimeoutMs: 250 });
    expect(config.service.port).toBe(9101);
  });

  it('takes a Redis Cluster address, and refuses a Redis address of neither form at boot', () => {
    const cluster = 'redis-cluster://10.0.0.1:6379,10.0.0.2:6379';
    expect(readConfig({ redis: redisConfig }, { PARCHEE_REDIS_URL: cluster }).redis.url).toBe(cluster);
    expect(() => readConfig({ redis: redisConfig }, { PARCHEE_REDIS_URL: 'redis-cluster://10.0.0.1' })).toThrow(
      /PARCHEE_REDIS_URL: "10.0.0.1" is not host:port/,
    );
    expect(() => readConfig({ redis: redisConfig }, { PARCHEE_REDIS_URL: 'localhost:6379' })).toThrow(/PARCHEE_REDIS_URL: must be redis:\/\//);
  });

  it('splits a broker list and trims it', () => {
    const config = readConfig({ kafka: kafkaConfig }, { KAFKA_BROKERS: 'a:9092, b:9093' });
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9093']);
  });

  it('defaults the consumer and transaction timings so a crashed replica’s work moves on within seconds', () => {
    expect(readConfig({ kafka: kafkaConfig }, {}).kafka).toMatchObject({
      sessionTimeoutMs: 3000,
      heartbeatIntervalMs: 500,
      rebalanceTimeoutMs: 60_000,
      transactionTimeoutMs: 4000,
      commitTimeoutMs: 10_000,
    });
    expect(readConfig({ kafka: kafkaConfig }, { KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '2000' }).kafka).toMatchObject({
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 2000,
    });
  });

  it('refuses a session below 1 s, a heartbeat over a third of the session, and a rebalance timeout shorter than the session', () => {
    expect(() => readConfig({ kafka: kafkaConfig }, { KAFKA_SESSION_TIMEOUT_MS: '900' })).toThrow(/KAFKA_SESSION_TIMEOUT_MS/);
    expect(() => readConfig({ kafka: kafkaConfig }, { KAFKA_SESSION_TIMEOUT_MS: '3000', KAFKA_HEARTBEAT_INTERVAL_MS: '1001' })).toThrow(
      /KAFKA_HEARTBEAT_INTERVAL_MS: must be at most a third of KAFKA_SESSION_TIMEOUT_MS/,
    );
    expect(readConfig({ kafka: kafkaConfig }, { KAFKA_SESSION_TIMEOUT_MS: '3000', KAFKA_HEARTBEAT_INTERVAL_MS: '1000' }).kafka.heartbeatIntervalMs).toBe(1000);
    expect(() => readConfig({ kafka: kafkaConfig }, { KAFKA_SESSION_TIMEOUT_MS: '30000', KAFKA_REBALANCE_TIMEOUT_MS: '20000' })).toThrow(
      /KAFKA_REBALANCE_TIMEOUT_MS: must be at least KAFKA_SESSION_TIMEOUT_MS/,
    );
    expect(() => readConfig({ kafka: kafkaConfig }, { KAFKA_TRANSACTION_TIMEOUT_MS: '500' })).toThrow(/KAFKA_TRANSACTION_TIMEOUT_MS/);
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      readConfig({ kafka: kafkaConfig, redis: redisConfig, pepper: pepperConfig }, { KAFKA_BROKERS: 'nohostport', PARCHEE_REDIS_COMMAND_TIMEOUT_MS: 'fast' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('KAFKA_BROKERS');
    expect(message).toContain('PARCHEE_REDIS_COMMAND_TIMEOUT_MS');
    expect(message).toContain('PARCHEE_PEPPER');
  });

  it('refuses a pepper shorter than 16 bytes', () => {
    expect(() => readConfig({ pepper: pepperConfig }, { PARCHEE_PEPPER: 'short' })).toThrow(/at least 16 bytes/);
  });

  describe('pepper rotation', () => {
    const pepper = 'the-current-pepper-of-32-bytes!!';
    const next = 'the-next-pepper-of-32-bytes-long';

    it('has no next pepper outside a rotation', () => {
      expect(readConfig({ pepper: pepperConfig }, { PARCHEE_PEPPER: pepper }).pepper).toEqual({ pepper });
    });

    it('reads the next pepper from the environment or a file', () => {
      expect(readConfig({ pepper: pepperConfig }, { PARCHEE_PEPPER: pepper, PARCHEE_PEPPER_NEXT: next }).pepper).toEqual({ pepper, next });
      const dir = mkdtempSync(join(tmpdir(), 'pepper-'));
      writeFileSync(join(dir, 'next'), `${next}\n`);
      expect(readConfig({ pepper: pepperConfig }, { PARCHEE_PEPPER: pepper, PARCHEE_PEPPER_NEXT_FILE: join(dir, 'next') }).pepper).toEqual({ pepper, next });
    });

    it('refuses a next pepper equal to the current one, or too short, or unreadable', () => {
      expect(() => readConfig({ pepper: pepperConfig }, { PARCHEE_PEPPER: pepper, PARCHEE_PEPPER_NEXT: pepper })).toThrow(/must differ/);
      expect(() => readConfig({ pepper: pepperConfig }, { PARCHEE_PEPPER: pepper, PARCHEE_PEPPER_NEXT: 'short' })).toThrow(
        /PARCHEE_PEPPER_NEXT.*at least 16 bytes/s,
      );
      expect(() => readConfig({ pepper: pepperConfig }, { PARCHEE_PEPPER: pepper, PARCHEE_PEPPER_NEXT_FILE: '/nonexistent/next' })).toThrow(
        /cannot read \/nonexistent\/next/,
      );
    });
  });

  describe('PostgreSQL read replicas', () => {
    const primary = 'postgres://parchee:s3cret@db-rw:5432/parchee?sslmode=require';
    const postgres = (env: Record<string, string>) => readConfig({ postgres: postgresConfig }, { PARCHEE_DATABASE_URL: primary, ...env }).postgres;

    it('has none by default: every read from the primary', () => {
      expect(readConfig({ postgres: postgresConfig }, {}).postgres).toEqual({
        url: 'postgres://postgres@127.0.0.1:5432/parchee',
        poolSize: 10,
        readReplicas: [],
      });
    });

    it('gives a host:port entry the primary URL’s user, password, database and parameters', () => {
      expect(postgres({ PARCHEE_DATABASE_READ_REPLICAS: 'db-ro-1:5432, 10.0.0.7:6432' }).readReplicas).toEqual([
        'postgres://parchee:s3cret@db-ro-1:5432/parchee?sslmode=require',
        'postgres://parchee:s3cret@10.0.0.7:6432/parchee?sslmode=require',
      ]);
    });

    it('takes a URL entry as it is, from the environment or from a file', () => {
      const replica = 'postgresql://reader:other@db-ro:5433/parchee';
      expect(postgres({ PARCHEE_DATABASE_READ_REPLICAS: replica }).readReplicas).toEqual([replica]);
      const dir = mkdtempSync(join(tmpdir(), 'replicas-'));
      writeFileSync(join(dir, 'replicas'), `${replica},db-ro-2:5432\n`);
      expect(postgres({ PARCHEE_DATABASE_READ_REPLICAS_FILE: join(dir, 'replicas') }).readReplicas).toEqual([
        replica,
        'postgres://parchee:s3cret@db-ro-2:5432/parchee?sslmode=require',
      ]);
    });

    it('refuses an entry that is neither host:port nor a URL, a port out of range and a repeated server, naming the entry, never its text', () => {
      let message = '';
      try {
        postgres({ PARCHEE_DATABASE_READ_REPLICAS: 'db-ro-1, db-ro-2:70000, postgres://u:hidden@db-ro-3:5432/parchee, db-ro-3:5432' });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/PARCHEE_DATABASE_READ_REPLICAS: entry 1: must be host:port/);
      expect(message).toMatch(/entry 2: must be host:port/);
      expect(message).toMatch(/entry 4: names the same server and database as an earlier entry/);
      expect(message).not.toMatch(/entry 3/);
      expect(message).not.toContain('hidden');
      expect(message).not.toContain('s3cret');
    });

    it('refuses an unreadable replica list file', () => {
      expect(() => postgres({ PARCHEE_DATABASE_READ_REPLICAS_FILE: '/nonexistent/replicas' })).toThrow(/PARCHEE_DATABASE_READ_REPLICAS_FILE: cannot read/);
    });
  });
});
