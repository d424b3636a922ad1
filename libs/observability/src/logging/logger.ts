import pino from 'pino';

/** The logging surface every lib accepts; pino's Logger satisfies it. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Pretty, human output for `npm start`; JSON lines otherwise (what log shippers want). */
  pretty?: boolean;
}

/**
 * Field names that may carry a citizen's number are censored wherever they appear, as a second
 * line of defence: code should log the masked or hashed form in the first place.
 */
const REDACT_PATHS = [
  'msisdn',
  '*.msisdn',
  'cnic',
  '*.cnic',
  'text',
  '*.text',
  'shortMessage',
  '*.shortMessage',
  'sourceAddr',
  '*.sourceAddr',
  'destinationAddr',
  '*.destinationAddr',
  'password',
  '*.password',
];

export function createLogger(options: LoggerOptions): Logger {
  return pino({
    name: options.service,
    level: options.level ?? 'info',
    base: { service: options.service },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    transport: options.pretty ? { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } : undefined,
  });
}

/** A logger that drops everything: the default for libs used without one, and for unit tests. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
