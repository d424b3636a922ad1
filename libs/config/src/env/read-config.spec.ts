import { ConfigError } from './config-error';
import { readConfig } from './read-config';
import { kafkaConfig, pepperConfig, redisConfig, serviceConfig } from '../fragments/infrastructure';

describe('readConfig', () => {
  it('fills documented defaults when nothing is set', () => {
    const config = readConfig({ kafka: kafkaConfig, redis: redisConfig, service: serviceConfig(9101) }, {});
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', commandTimeoutMs: 250 });
    expect(config.service.port).toBe(9101);
  });

  it('splits a broker list and trims it', () => {
    const config = readConfig({ kafka: kafkaConfig }, { KAFKA_BROKERS: 'a:9092, b:9093' });
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9093']);
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
});
