import { Client, Pool } from 'pg';
import { RollError } from '../errors/roll-error';
import { POSTGRES_DEFAULTS, PostgresConnectionOptions, RollLogger, silentLogger } from './roll-connection-options';

const APPLICATION_NAME = 'parchee-roll';

/**
 * The lookup pool. A bounded connection timeout matters: pg waits forever by default, which
 * would turn a dead database into hung batches instead of a quick retriable error.
 */
export function createRollPool(options: PostgresConnectionOptions, logger: RollLogger = silentLogger): Pool {
  const statementTimeout = options.statementTimeoutMs ?? POSTGRES_DEFAULTS.statementTimeoutMs;
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolSize ?? POSTGRES_DEFAULTS.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? POSTGRES_DEFAULTS.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: APPLICATION_NAME,
    ...(statementTimeout > 0 ? { statement_timeout: statementTimeout } : {}),
  });
  // An idle client losing its socket emits on the pool; unhandled, that would crash the process.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'idle PostgreSQL connection failed'));
  return pool;
}

/** One dedicated connection, for the importer and the admin tools. */
export async function connectRollClient(url: string, applicationName = APPLICATION_NAME): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: applicationName });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw RollError.fromPostgres(err, 'connecting to PostgreSQL');
  }
  client.on('error', () => undefined);
  return client;
}

/** The database name a URL points at (the path without the slash). */
export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new RollError('ROLL_CONFIG_INVALID', 'PostgreSQL URL names no database');
  return name;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Creates the database named in the URL if it is missing, by connecting to the `postgres`
 * maintenance database on the same server. Returns true when it created it.
 */
export async function ensureDatabaseExists(url: string): Promise<boolean> {
  const database = databaseNameOf(url);
  const admin = await connectRollClient(withDatabase(url, 'postgres'));
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return false;
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(database)} ENCODING 'UTF8' TEMPLATE template0`);
    } catch (err) {
      // Someone else created it between our check and our CREATE: that is the outcome we wanted.
      if ((err as { code?: string }).code === '42P04') return false;
      throw err;
    }
    return true;
  } catch (err) {
    throw RollError.fromPostgres(err, `creating database ${database}`);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** Drops a database (tests and scratch environments), terminating its other sessions first. */
export async function dropDatabaseIfExists(url: string): Promise<void> {
  const database = databaseNameOf(url);
  const admin = await connectRollClient(withDatabase(url, 'postgres'));
  try {
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)}`);
  } catch (err) {
    throw RollError.fromPostgres(err, `dropping database ${database}`);
  } finally {
    await admin.end().catch(() => undefined);
  }
}
