/** One lookup the guard must decide on. Only the MSISDN is in clear, in memory, for this batch. */
export interface GuardedLookup {
  /** Normalised MSISDN, e.g. 923001234567. Hashed before it touches Redis. */
  msisdn: string;
  /**
   * `KeyedHasher.msisdn(msisdn)` when the caller has it already (the pipeline does): the guard
   * uses it instead of hashing the number again. Must be made with the guard's own pepper.
   */
  msisdnHash?: Buffer;
  operator: string;
  /** The CNIC's keyed hash (under the lookup's current pepper when the MO carries it). */
  cnicHash: Buffer;
  /** The CNIC's neighbourhood marks from the MO (CnicPseudonym.near): the scan test needs no number. */
  near: [string, string];
}

/** allow: answer from the roll. Anything else: a polite refusal and no roll read at all. */
export type GuardVerdict = 'allow' | 'rate_limited' | 'enumeration';

/**
 * Decides, for a whole batch at once, which lookups may read the roll. Verdicts come back in
 * request order. Requests from one MSISDN are decided in order, each seeing the ones before it.
 */
export interface RequestGuard {
  /**
   * The decisions, returned as soon as they are known, with the write-back of the batch's memory
   * already sent: the caller overlaps it with the roll read and awaits `stored` before the batch
   * commits. A later batch, on any replica, sees this one once `stored` has settled.
   */
  decide(requests: readonly GuardedLookup[]): Promise<GuardDecision>;
}

/** Verdicts for a batch as soon as they are known, and the write-back of its memory, already sent. */
export interface GuardDecision {
  /** In request order. */
  verdicts: GuardVerdict[];
  /**
   * Settles (never rejects) once Redis has stored the batch's memory and the operator counts have
   * been checked. A failed write is logged and reported (onFailOpen(0)); the verdicts stand.
   */
  stored: Promise<void>;
}

/**
 * Decides one lookup on its own, for a caller that does not own the number's Kafka partition (the
 * USSD service, which looks citizens up in-process while lookup answers their SMSs): its write is
 * a compare-and-set, so it never overwrites a state another process stored meanwhile.
 */
export interface SingleLookupGuard {
  /** The verdict, once the number's memory of this lookup is stored (or could not be). */
  decideAlone(request: GuardedLookup): Promise<GuardVerdict>;
}
