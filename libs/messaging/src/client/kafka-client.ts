import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import { silentLogger, type Logger } from '@parchee/observability';

export interface KafkaClientOptions {
  brokers: string[];
  clientId?: string;
  logger?: Logger;
  /** Connection timeout per broker, ms. Default 3000. */
  connectionTimeoutMs?: number;
  /** Request timeout, ms. Default 30000. */
  requestTimeoutMs?: number;
}

/** kafkajs logs through our structured logger, at warn and above unless debugging. */
export function createKafka(options: KafkaClientOptions): Kafka {
  const logger = options.logger ?? silentLogger;
  return new Kafka({
    clientId: options.clientId ?? 'parchee',
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5000 },
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        const entry = { kafka: rest };
        if (level <= KafkaLogLevel.ERROR) logger.error(entry, message);
        else if (level === KafkaLogLevel.WARN) logger.warn(entry, message);
        else logger.debug(entry, message);
      },
  });
}
