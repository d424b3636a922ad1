/** What an operator's faults did, as GET /stats shows them (merged into the operator's counters). */
export interface FaultCounters {
  /** submit_sm answered ESME_RTHROTTLED because the TPS cap was exceeded. */
  submitsThrottled: number;
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
  /** Delivery receipts acknowledged by the ESME, by stat (DELIVRD, UNDELIV, EXPIRED, REJECTD). */
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
  return { ...c, submitsRefused: { ...c.submitsRefused }, receiptsSent: { ...c.receiptsSent } };
}
