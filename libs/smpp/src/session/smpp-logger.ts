/**
 * The logging surface the SMPP layer writes to; a pino logger satisfies it. The SMPP layer never
 * logs addresses or message text, only command names, sequence numbers, statuses and system ids.
 */
export interface SmppLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Drops everything: the default when no logger is given. */
export const silentSmppLogger: SmppLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
