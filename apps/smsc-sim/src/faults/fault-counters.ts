/** What an operator's faults did, as GET /stats shows them (merged into the operator's counters). */
export interface FaultCounters {
  /** submit_sm answered ESME_RTHROTTLED because the TPS cap or the per-second window was exceeded. */
  submitsThrottled: number;
  /**
   * Gauge: the most submit_sm received within any 1 000 ms since the fault plan was last set, every
   * one counted whatever its answer (what a strict per-second SMSC sees of the ESME's pacing).
   */
  maxSubmitsPerSecond: number;
  /** Accepted submit_sm answered with an odd submit_sm_resp (fault plan quirks), by form. */
  submitRespQuirks: Record<string, number>;
  /** submit_sm answered with a scripted error, by command_status name. */
  submitsRefused: Record<string, number>;
  /** submit_sm deliberately never answered. */
  submitsUnanswered: number;
  /** submit_sm_resp held back by submitDelay. */
  submitsDelayed: number;
  /** Times every bind of the operator was dropped (scripted or POST /operators/:id/disconnect). */
  disconnects: number;
  /** Malformed PDUs written to ESME sessions. */
  garbageSent: number;
  /** Delivery receipts acknowledged by the ESME, by stat (DELIVRD, UNDELIV, EXPIRED, REJECTD, SKIPPED; intermediates ACKED, ACCEPTD, BUFFRED, ENROUTE). */
  receiptsSent: Record<string, number>;
  /** Delivery receipts the ESME refused or did not answer. */
  receiptsFailed: number;
  /** Delivery receipts dropped because no receiver or transceiver bind was up. */
  receiptsNoBind: number;
  /** Delivery receipts waiting for their delay. */
  receiptsPending: number;
}

export function emptyFaultCounters(): FaultCounters {
  return {
    submitsThrottled: 0,
    maxSubmitsPerSecond: 0,
    submitRespQuirks: {},
    submitsRefused: {},
    submitsUnanswered: 0,
    submitsDelayed: 0,
    disconnects: 0,
    garbageSent: 0,
    receiptsSent: {},
    receiptsFailed: 0,
    receiptsNoBind: 0,
    receiptsPending: 0,
  };
}

export function copyFaultCounters(c: FaultCounters): FaultCounters {
  return { ...c, submitsRefused: { ...c.submitsRefused }, submitRespQuirks: { ...c.submitRespQuirks }, receiptsSent: { ...c.receiptsSent } };
}
