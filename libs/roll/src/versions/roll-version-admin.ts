import { DataSource, QueryRunner } from 'typeorm';
import { PostgresConnectionOptions, RollLogger, silentLogger } from '../connection/roll-connection-options';
import { RollError } from '../errors/roll-error';
import { RollVersionEntity } from '../schema/entities/roll-version.entity';
import { createRollDataSource } from '../schema/roll-data-source';
import { ACTIVATION_LOCK_KEY, ROLL_LOCK_NAMESPACE, voterPartitionName } from '../schema/roll-locks';
import { RollVersionInfo } from './roll-version-info';

function toInfo(e: RollVersionEntity): RollVersionInfo {
  return {
    id: e.id,
    label: e.label,
    status: e.status,
    voters: e.voters,
    areas: e.areas,
    stations: e.stations,
    rejected: e.rejected,
    source: e.source,
    error: e.error,
    cacheId: e.cacheId,
    pepperId: e.pepperId,
    createdAt: e.createdAt,
    readyAt: e.readyAt,
    activatedAt: e.activatedAt,
  };
}

/**
 * Lists, activates and drops roll versions. Activation is one transaction that retires the old
 * active version and activates the new one; readers pick it up on their next version refresh,
 * and since cache keys carry the version no cache flush is needed.
 */
export class RollVersionAdmin {
  private constructor(
    private readonly dataSource: DataSource,
    private readonly logger: RollLogger,
  ) {}

  static async open(options: PostgresConnectionOptions, logger: RollLogger = silentLogger): Promise<RollVersionAdmin> {
    const dataSource = createRollDataSource(options);
    try {
      await dataSource.initialize();
    } catch (err) {
      throw RollError.fromPostgres(err, 'connecting to PostgreSQL');
    }
    return new RollVersionAdmin(dataSource, logger);
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  async list(): Promise<RollVersionInfo[]> {
    try {
      const rows = await this.dataSource.getRepository(RollVersionEntity).find({ order: { id: 'ASC' } });
      return rows.map(toInfo);
    } catch (err) {
      throw RollError.fromPostgres(err, 'listing roll versions');
    }
  }

  async get(id: number): Promise<RollVersionInfo | null> {
    try {
      const row = await this.dataSource.getRepository(RollVersionEntity).findOneBy({ id });
      return row ? toInfo(row) : null;
    } catch (err) {
      throw RollError.fromPostgres(err, `reading roll version ${id}`);
    }
  }

  /** Makes `id` the one active version. A retired version may be re-activated (rollback). */
  async activate(id: number): Promise<RollVersionInfo> {
    const result = await this.inTransaction(`activating roll version ${id}`, async (q) => {
      await q.query('SELECT pg_advisory_xact_lock($1, $2)', [ROLL_LOCK_NAMESPACE, ACTIVATION_LOCK_KEY]);
      const repo = q.manager.getRepository(RollVersionEntity);
      const target = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!target) throw new RollError('ROLL_VERSION_NOT_FOUND', `roll version ${id} does not exist`);
      if (target.status === 'active') return target;
      if (target.status !== 'ready' && target.status !== 'retired') {
        throw new RollError('ROLL_VERSION_NOT_ACTIVATABLE', `roll version ${id} is ${target.status}; only ready or retired versions can be activated`);
      }
      await q.query(`UPDATE roll_version SET status = 'retired' WHERE status = 'active'`);
      await q.query(`UPDATE roll_version SET status = 'active', activated_at = now() WHERE id = $1`, [id]);
      return repo.findOneByOrFail({ id });
    });
    this.logger.info({ version: id }, 'roll version activated');
    return toInfo(result);
  }

  /**
   * Drops a version that is not active: its partition is detached CONCURRENTLY (lookups on the
   * active version never wait for an exclusive lock) and dropped, then its areas and stations go
   * with the version row. A drop interrupted half way can simply be run again.
   */
  async drop(id: number): Promise<void> {
    await this.inTransaction(`dropping roll version ${id}`, async (q) => {
      await q.query('SELECT pg_advisory_xact_lock($1, $2)', [ROLL_LOCK_NAMESPACE, ACTIVATION_LOCK_KEY]);
      const repo = q.manager.getRepository(RollVersionEntity);
      const target = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!target) throw new RollError('ROLL_VERSION_NOT_FOUND', `roll version ${id} does not exist`);
      if (target.status === 'active') {
        throw new RollError('ROLL_VERSION_ACTIVE', `roll version ${id} is active; activate another version before dropping it`);
      }
      if (target.status === 'importing') {
        const [{ free }] = (await q.query('SELECT pg_try_advisory_xact_lock($1, $2) AS free', [ROLL_LOCK_NAMESPACE, id])) as Array<{ free: boolean }>;
        if (!free) throw new RollError('ROLL_VERSION_BUSY', `roll version ${id} is still being imported`, true);
      }
      await q.query(`UPDATE roll_version SET status = 'dropping' WHERE id = $1`, [id]);
    });

    const partition = voterPartitionName(id);
    try {
      const rows = (await this.dataSource.query(`SELECT i.inhdetachpending AS pending FROM pg_inherits i WHERE i.inhrelid = to_regclass($1)`, [
        partition,
      ])) as Array<{ pending: boolean }>;
      if (rows.length) {
        const how = rows[0].pending ? 'FINALIZE' : 'CONCURRENTLY';
        await this.dataSource.query(`ALTER TABLE voter DETACH PARTITION ${partition} ${how}`);
      }
      await this.dataSource.query(`DROP TABLE IF EXISTS ${partition}`);
      await this.dataSource.query('DELETE FROM roll_version WHERE id = $1', [id]);
    } catch (err) {
      throw RollError.fromPostgres(err, `dropping roll version ${id}`);
    }
    this.logger.info({ version: id }, 'roll version dropped');
  }

  private async inTransaction<T>(doing: string, work: (q: QueryRunner) => Promise<T>): Promise<T> {
    const q = this.dataSource.createQueryRunner();
    try {
      await q.connect();
      await q.startTransaction();
      const value = await work(q);
      await q.commitTransaction();
      return value;
    } catch (err) {
      if (q.isTransactionActive) await q.rollbackTransaction().catch(() => undefined);
      throw RollError.fromPostgres(err, doing);
    } finally {
      await q.release();
    }
  }
}
