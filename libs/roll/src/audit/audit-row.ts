export type AuditOutcome = 'found' | 'not_found' | 'invalid' | 'help' | 'busy' | 'refused';

/** How the request came: an SMS (lookup, from an MO) or a USSD dialog step (the USSD service). */
export type AuditChannel = 'sms' | 'ussd';

/** One citizen request as the audit trail keeps it: hashes, operator, outcome, times. Nothing in clear. */
export interface AuditRow {
  at: Date;
  /** The MO's id for an SMS; for a USSD lookup, the dialog's id and step (`<dialog id>.<step>`). */
  moId: string;
  operator: string;
  channel: AuditChannel;
  /** KeyedHasher.msisdn(msisdn). */
  msisdnHash: Buffer;
  /** KeyedHasher.cnic(cnic): null when the request held no valid CNIC (help, invalid). */
  cnicHash: Buffer | null;
  outcome: AuditOutcome;
  /** Why a lookup was refused (rate_limited, enumeration); null otherwise. */
  refusal: string | null;
  /** The roll version that answered; null when the roll was not read. */
  rollVersion: number | null;
}

export const AUDIT_DEFAULTS = {
  /** Days of partitions kept; older whole days are dropped by pruneAuditPartitions. */
  retentionDays: 90,
  /** Partitions created ahead of today, so a day boundary never waits on DDL. */
  partitionsAhead: 3,
} as const;
