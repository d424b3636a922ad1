import { randomBytes } from 'node:crypto';

/**
 * Ingress remembers each MO's fingerprint for ten minutes to drop SMSC re-deliveries, and the
 * pepper (so the fingerprint) is the same in every run of a state folder: each run gets its own
 * key prefix, or the fixed test MOs of a run started within ten minutes of the last would be taken
 * for re-deliveries of that run's. Kept in the environment, so restarted services share it. The
 * window stays the production one. Pass it in `suiteEnv`'s `extra` wherever ingress is started.
 */
export function moDedupeEnv(): Record<string, string> {
  const prefix = (process.env['INGRESS_MO_DEDUPE_KEY_PREFIX'] ??= `parchee:mo-seen:suite-${randomBytes(4).toString('hex')}:`);
  return { INGRESS_MO_DEDUPE_KEY_PREFIX: prefix };
}
