/** One lookup the guard must decide on. The clear values live only in memory, for this batch. */
export interface GuardedLookup {
  /** Normalised MSISDN, e.g. 923001234567. Hashed before it touches Redis. */
  msisdn: string;
  operator: string;
  /** The 13-digit CNIC: needed in clear only to measure the distance to the previous one. */
  cnic: string;
  /** KeyedHasher.cnic(cnic). */
  cnicHash: Buffer;
}

/** allow: answer from the roll. Anything else: a polite refusal and no roll read at all. */
export type GuardVerdict = 'allow' | 'rate_limited' | 'enumeration';

/**
 * Decides, for a whole batch at once, which lookups may read the roll. Verdicts come back in
 * request order. Requests from one MSISDN are decided in order, each seeing the ones before it.
 */
export interface RequestGuard {
  check(requests: readonly GuardedLookup[]): Promise<GuardVerdict[]>;
}
