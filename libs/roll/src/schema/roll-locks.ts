/**
 * Advisory lock keys (two-int form: namespace, key). Imports lock (namespace, version id) for
 * their whole run, so `roll drop` can tell a live import from one that crashed.
 */
export const ROLL_LOCK_NAMESPACE = 0x524f4c4c; // 'ROLL'
export const MIGRATION_LOCK_KEY = -1;
export const ACTIVATION_LOCK_KEY = 0;

/** The partition that holds one version's voters. */
export function voterPartitionName(version: number): string {
  if (!Number.isInteger(version) || version <= 0) throw new RangeError(`bad roll version ${version}`);
  return `voter_v${version}`;
}
