import type { Logger } from '@parchee/observability';
import { createRedisClient, type RedisClientHandle } from '../client/redis-client';
import { SlotLeases, budgetOf } from './slot-leases';

export interface BindBudgetSettings {
  /** 0: no budget, every replica opens every bind. */
  leaseMs: number;
  replicasHint: number;
  owner: string;
}

/** What a service's binds need: a budget per link and kind, how often to renew, and the fallback share. */
export interface OpenBindBudget {
  redis: RedisClientHandle;
  budget: { of(name: string, size: number): ReturnType<typeof budgetOf>; renewMs: number; replicasHint: number };
}

/**
 * The bind budgets of a service on a Redis client of their own, waited for (bounded) before the
 * binds start, so replicas starting together split the binds rather than all opening every one.
 * Renewed every third of the lease. Null when the budget is off.
 */
export async function openBindBudget(
  settings: BindBudgetSettings,
  redis: { url: string; commandTimeoutMs: number },
  readyTimeoutMs: number,
  logger: Pick<Logger, 'info' | 'warn'>,
): Promise<OpenBindBudget | null> {
  if (settings.leaseMs === 0) return null;
  const handle = createRedisClient({ url: redis.url, name: 'bind-budget', commandTimeoutMs: redis.commandTimeoutMs }, { logger });
  if (!(await handle.ready(readyTimeoutMs))) {
    logger.warn(
      { waitedMs: readyTimeoutMs, share: `1/${settings.replicasHint}` },
      'Redis not reachable at start; opening this replica’s share of each link’s binds until the budget answers',
    );
  }
  const leases = new SlotLeases(handle.client, { owner: settings.owner, leaseMs: settings.leaseMs });
  return {
    redis: handle,
    budget: { of: (name, size) => budgetOf(leases, name, size), renewMs: Math.max(100, Math.floor(settings.leaseMs / 3)), replicasHint: settings.replicasHint },
  };
}
