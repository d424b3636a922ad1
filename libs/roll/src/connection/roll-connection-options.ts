/** A pino-style logger; the library is silent unless one is passed. */
export interface RollLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: RollLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export interface PostgresConnectionOptions {
  /** postgres://user@host:port/database */
  url: string;
  /** Pool size for the lookup pool. Default 10. */
  poolSize?: number;
  /** How long to wait for a connection (new or from the pool) before failing. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** Server-side statement_timeout for lookup queries; 0 disables. Default 5000 ms. */
  statementTimeoutMs?: number;
}

export interface RedisConnectionOptions {
  /** redis://host:port[/db] */
  url: string;
  /** A command that gets no reply within this time fails and the reader falls back. Default 250 ms. */
  commandTimeoutMs?: number;
  /** TCP connect timeout. Default 1000 ms. */
  connectTimeoutMs?: number;
}

export interface RollConnectionOptions {
  /** The primary: the active version is read here, and voter reads come here when no replica can answer. */
  postgres: PostgresConnectionOptions;
  /**
   * postgres:// URLs of read replicas (hot standbys) of `postgres`, each with the primary's pool
   * size and timeouts. Voter reads go to them (see RollReadRouter). None: everything from `postgres`.
   */
  readReplicas?: string[];
  redis: RedisConnectionOptions;
}

export const POSTGRES_DEFAULTS = {
  poolSize: 10,
  connectTimeoutMs: 2000,
  statementTimeoutMs: 5000,
} as const;

export const REDIS_DEFAULTS = {
  commandTimeoutMs: 250,
  connectTimeoutMs: 1000,
} as const;
