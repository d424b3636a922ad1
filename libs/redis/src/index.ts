export { createRedisClient, openRedisClient, REDIS_CLIENT_DEFAULTS } from './client/redis-client';
export type { RedisClient, RedisClientDeps, RedisClientHandle, RedisClientOptions } from './client/redis-client';
export { whenReady } from './client/when-ready';
export type { ReadyObservable } from './client/when-ready';
export { GuardKeys, REDIS_KEY_ROOT, RedisKeys } from './keys/redis-keys';
export type { RedisKeyPrefix } from './keys/redis-keys';
export { REDIS_ERRORS_METRIC, REDIS_USES } from './metrics/redis-errors';
export type { RedisUse } from './metrics/redis-errors';
