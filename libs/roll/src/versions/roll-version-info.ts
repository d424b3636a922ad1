import type { RollVersionStatus } from '../schema/entities/roll-version.entity';

export type { RollVersionStatus };

/** A roll version as the rest of the system sees it (never the entity). */
export interface RollVersionInfo {
  id: number;
  label: string;
  status: RollVersionStatus;
  voters: number;
  areas: number;
  stations: number;
  rejected: number;
  source: string;
  error: string | null;
  /** Random identity set at import; cache keys carry it with the id (see `rollCacheNamespace`). */
  cacheId: string;
  /** Which pepper keyed the CNIC hashes (KeyedHasher.id); null for versions imported before it was recorded. */
  pepperId: string | null;
  createdAt: Date;
  readyAt: Date | null;
  activatedAt: Date | null;
}
