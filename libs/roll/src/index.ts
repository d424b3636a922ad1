export { RollError } from './errors/roll-error';
export { RollPepperMismatchError } from './errors/roll-pepper-mismatch-error';
export type { RollErrorCode } from './errors/roll-error';

export { POSTGRES_DEFAULTS, REDIS_DEFAULTS, silentLogger } from './connection/roll-connection-options';
export type { PostgresConnectionOptions, RedisConnectionOptions, RollConnectionOptions, RollLogger } from './connection/roll-connection-options';
export { createRollPool, databaseNameOf, dropDatabaseIfExists, ensureDatabaseExists } from './connection/postgres-pool';
export { createRollRedis } from './connection/redis-client';

export { createRollDataSource, runRollMigrations, ROLL_MIGRATIONS_TABLE } from './schema/roll-data-source';
export type { RollMigrationReport, RunRollMigrationsOptions } from './schema/roll-data-source';

export { RollVersionAdmin } from './versions/roll-version-admin';
export type { RollVersionInfo, RollVersionStatus } from './versions/roll-version-info';

export type { Gender, VoterRecord } from './lookup/voter-record';
export { decodeVoterRecord, encodeVoterRecord, NEGATIVE_ENTRY } from './lookup/voter-record-codec';
export { RollRepository } from './lookup/roll-repository';
export { RollCache, ROLL_CACHE_DEFAULTS } from './lookup/roll-cache';
export { rollCacheNamespace } from './lookup/roll-version-ref';
export type { RollVersionRef } from './lookup/roll-version-ref';
export type { CachedVoter, RollCacheOptions } from './lookup/roll-cache';
export { RollReader, ROLL_READER_DEFAULTS } from './lookup/roll-reader';
export type { RollLookupResult, RollReaderObserver, RollReaderOptions } from './lookup/roll-reader';
export { createRollReader } from './lookup/roll-reader-factory';
export { RollReadRouter, ROLL_READ_ROUTER_DEFAULTS } from './lookup/roll-read-router';
export type {
  ReplicaFallbackReason,
  RollReadRouterObserver,
  RollReadRouterOptions,
  RollReplica,
  RollReplicaState,
  RollReplicaView,
} from './lookup/roll-read-router';
export type { RollReaderHandle } from './lookup/roll-reader-factory';

export { warmRollCache, WARM_DEFAULTS } from './warm/warm-roll-cache';
export type { WarmProgress, WarmRollCacheOptions, WarmRollCacheResult } from './warm/warm-roll-cache';

export { generateRoll } from './generator/generate-roll';
export type { GenerateRollOptions, GenerateRollResult } from './generator/generate-roll';
export { longestGeographyValues } from './generator/longest-geography';
export type { LongestGeographyValues } from './generator/longest-geography';

export { importRoll } from './import/import-roll';
export type { ImportPhase, ImportProgress, ImportRollOptions, ImportRollResult } from './import/import-roll';
export type { RollSourceFiles } from './import/roll-source-files';

export { AUDIT_DEFAULTS } from './audit/audit-row';
export type { AuditChannel, AuditOutcome, AuditRow } from './audit/audit-row';
export { AuditWriter, ensureAuditPartitions } from './audit/audit-writer';
export type { AuditWriterOptions } from './audit/audit-writer';
export { listAuditPartitions, pruneAuditPartitions } from './audit/audit-retention';
export type { PruneAuditOptions } from './audit/audit-retention';
export { queryAudit } from './audit/audit-query';
export type { AuditQuery, AuditRecord } from './audit/audit-query';
export { AUDIT_TABLE, auditPartitionFor, auditPartitionsAhead } from './audit/audit-partitions';
export type { AuditPartition } from './audit/audit-partitions';
