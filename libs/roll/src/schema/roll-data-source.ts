import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ensureDatabaseExists } from '../connection/postgres-pool';
import { PostgresConnectionOptions, RollLogger, silentLogger } from '../connection/roll-connection-options';
import { RollError } from '../errors/roll-error';
import { ElectoralAreaEntity } from './entities/electoral-area.entity';
import { PollingStationEntity } from './entities/polling-station.entity';
import { RollVersionEntity } from './entities/roll-version.entity';
import { VoterEntity } from './entities/voter.entity';
import { CreateRollSchema1730000000000 } from './migrations/1730000000000-create-roll-schema';
import { VoterKeyHashFirst1730000000001 } from './migrations/1730000000001-voter-key-hash-first';
import { RollVersionCacheId1730000000002 } from './migrations/1730000000002-roll-version-cache-id';
import { CreateRequestAudit1730000000003 } from './migrations/1730000000003-create-request-audit';
import { RollVersionPepperId1730000000004 } from './migrations/1730000000004-roll-version-pepper-id';
import { RequestAuditChannel1730000000005 } from './migrations/1730000000005-request-audit-channel';
import { MIGRATION_LOCK_KEY, ROLL_LOCK_NAMESPACE } from './roll-locks';

export const ROLL_ENTITIES = [RollVersionEntity, ElectoralAreaEntity, PollingStationEntity, VoterEntity];
export const ROLL_MIGRATIONS = [
  CreateRollSchema1730000000000,
  VoterKeyHashFirst1730000000001,
  RollVersionCacheId1730000000002,
  CreateRequestAudit1730000000003,
  RollVersionPepperId1730000000004,
  RequestAuditChannel1730000000005,
];
/** Our own migrations table, so other schemas sharing the database keep theirs apart. */
export const ROLL_MIGRATIONS_TABLE = 'roll_migrations';

export function createRollDataSource(options: PostgresConnectionOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    poolSize: options.poolSize ?? 2,
    applicationName: 'parchee-roll-admin',
    entities: ROLL_ENTITIES,
    migrations: ROLL_MIGRATIONS,
    migrationsTableName: ROLL_MIGRATIONS_TABLE,
    synchronize: false,
    migrationsRun: false,
    logging: false,
  });
}

export interface RunRollMigrationsOptions {
  /** Create the database named in the URL first when it does not exist. Default false. */
  createDatabase?: boolean;
  logger?: RollLogger;
}

export interface RollMigrationReport {
  databaseCreated: boolean;
  applied: string[];
}

/** Applies pending roll migrations, each in its own transaction. Safe to call on every start. */
export async function runRollMigrations(options: PostgresConnectionOptions, run: RunRollMigrationsOptions = {}): Promise<RollMigrationReport> {
  const logger = run.logger ?? silentLogger;
  const databaseCreated = run.createDatabase ? await ensureDatabaseExists(options.url) : false;
  const dataSource = createRollDataSource(options);
  try {
    await dataSource.initialize();
  } catch (err) {
    throw RollError.fromPostgres(err, 'connecting to PostgreSQL');
  }
  // Several service replicas may start at once; TypeORM does not serialise them itself.
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1, $2)', [ROLL_LOCK_NAMESPACE, MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    const names = applied.map((m) => m.name);
    if (names.length) logger.info({ migrations: names }, 'roll migrations applied');
    return { databaseCreated, applied: names };
  } catch (err) {
    throw RollError.fromPostgres(err, 'running roll migrations');
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1, $2)', [ROLL_LOCK_NAMESPACE, MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}
