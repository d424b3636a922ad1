import type { BindType } from '@parchee/smpp';

/** What an operator's faults did, as GET /stats shows them (merged into the operator's counters). */
export interface FaultCounters {
  /** Bind requests received, by bind type, whatever became of them. */
  bindAttempts: Record<BindType, number>;
  /** Bind requests refused: wrong system_id or password, or the plan's bindRefusal, transceiverOnly or maxBinds. */
  bindsRefused: number;
  /** The same refusals by the command_status name of the bind_resp. */
  bindRefusals: Record<string, number>;
  /** submit_sm answered ESME_RTHROTTLED because the TPS cap, the per-second window or the bind's own window was exceeded. */
  submitsThrottled: number;
  /**
   * Gauge: the most submit_sm received within any 1 000 ms since the fault plan was last set, every
   * one counted whatever its answer (what a strict per-second SMSC sees of the ESME's pacing).
   */
  maxSubmitsPerSecond: number;
  /** Gauge: the same on any one bind alone (what an SMSC policing each bind's rate sees). */
  maxSubmitsPerSecondPerBind: number;
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
    bindAttempts: { receiver: 0, transmitter: 0, transceiver: 0 },
    bindsRefused: 0,
    bindRefusals: {},
    submitsThrottled: 0,
    maxSubmitsPerSecond: 0,
    maxSubmitsPerSecondPerBind: 0,
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
  return {
    ...c,
    bindAttempts: { ...c.bindAttempts },
    bindRefusals: { ...c.bindRefusals },
    submitsRefused: { ...c.submitsRefused },
    submitRespQuirks: { ...c.submitRespQuirks },
    receiptsSent: { ...c.receiptsSent },
  };
}
