import type { Logger } from '@parchee/observability';
import type { DroppedMo } from './mo-part-store';

/**
 * How a concatenated MO given up is reported, whichever store held it: one warning (operator,
 * scheme, parts received of the total, reason; never the sender), and the caller's count.
 */
export function reportDroppedMo(logger: Logger, count?: (dropped: DroppedMo) => void): (dropped: DroppedMo) => void {
  return (d) => {
    logger.warn({ operator: d.operator, received: d.received, total: d.total, scheme: d.scheme, reason: d.reason }, 'concatenated MO never completed');
    count?.(d);
  };
}
