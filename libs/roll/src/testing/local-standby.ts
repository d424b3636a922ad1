import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { testDatabaseUrl } from './roll-fixture';

const ROOT = join(__dirname, '../../../..');
const STANDBY_SCRIPT = join(ROOT, 'deploy/local/pg-standby.sh');

/** The machine's hot standby of the test PostgreSQL, for int-specs of the read replicas. */
export interface LocalStandby {
  /** `database` on the standby. */
  databaseUrl(database: string): string;
  /** Resolves once the standby has replayed all the primary had written when it was called. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Resolves once replay is paused: nothing the primary commits from now on shows on the standby. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** What the standby itself says (a query on its `database`). */
  query<R extends object>(database: string, sql: string, values?: unknown[]): Promise<R[]>;
}

async function withClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The standby at PARCHEE_TEST_STANDBY_BASE_URL when it is set (then it is someone else's to run),
 * otherwise the one `deploy/local/pg-standby.sh up` makes or finds running on 127.0.0.1:5433:
 * idempotent, well under a second when it already streams, a few seconds from nothing.
 */
export async function startLocalStandby(): Promise<LocalStandby> {
  const given = process.env.PARCHEE_TEST_STANDBY_BASE_URL;
  if (!given) {
    await new Promise<void>((resolve, reject) =>
      execFile('bash', [STANDBY_SCRIPT, 'up'], { cwd: ROOT, timeout: 180_000 }, (err, _stdout, stderr) =>
        err ? reject(new Error(`deploy/local/pg-standby.sh up failed: ${stderr.trim() || err.message}`)) : resolve(),
      ),
    );
  }
  const base = new URL(given ?? 'postgres://postgres@127.0.0.1:5433/postgres');
  const databaseUrl = (database: string) => {
    const u = new URL(base);
    u.pathname = `/${database}`;
    return u.toString();
  };
  const onStandby = <T>(work: (c: Client) => Promise<T>) => withClient(databaseUrl('postgres'), work);
  const poll = async (what: string, done: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`the standby did not ${what} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return {
    databaseUrl,
    async caughtUp(timeoutMs = 30_000) {
      const lsn = await withClient(
        testDatabaseUrl('postgres'),
        async (c) => (await c.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn,
      );
      await poll(
        `replay up to ${lsn}`,
        () =>
          onStandby(
            async (c) =>
              (await c.query<{ done: boolean }>('SELECT coalesce(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), $1::pg_lsn) >= 0, false) AS done', [lsn])).rows[0]
                .done,
          ),
        timeoutMs,
      );
    },
    async pauseReplay() {
      await onStandby((c) => c.query('SELECT pg_wal_replay_pause()'));
      // 'pause requested' already holds back the next record: recovery checks before applying each one.
      await poll(
        'pause replay',
        () =>
          onStandby(async (c) =>
            ['paused', 'pause requested'].includes((await c.query<{ s: string }>('SELECT pg_get_wal_replay_pause_state() AS s')).rows[0].s),
          ),
        10_000,
      );
    },
    async resumeReplay() {
      await onStandby((c) => c.query('SELECT pg_wal_replay_resume()'));
    },
    query: <R extends object>(database: string, sql: string, values: unknown[] = []) =>
      withClient(databaseUrl(database), async (c) => (await c.query<R>(sql, values)).rows),
  };
}
