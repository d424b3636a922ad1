/** Counters of one operator's traffic, as GET /stats shows them. */
export interface OperatorTrafficCounters {
  /** MO messages injected (a multi-part MO counts once). */
  mosSent: number;
  /** deliver_sm PDUs sent, every part counted. */
  moPartsSent: number;
  /** MO messages whose every part was answered with ESME_ROK. */
  mosAcked: number;
  /** MO messages refused, by the command_status name of the refusing deliver_sm_resp. */
  mosRefused: Record<string, number>;
  /** MO messages that got no answer (response timeout, connection lost). */
  mosFailed: number;
  /** deliver_sm sent again after no answer or a temporary error (fault plan moRedelivery); one per re-sent PDU. */
  mosRedelivered: number;
  /** MO messages that had to wait for a receiving bind (moRedelivery), each counted once. */
  mosWaitedForBind: number;
  /** Gauge: MO messages waiting for a receiving bind right now. */
  mosWaitingForBind: number;
  /** MO messages sent with a quirk of the fault plan, by quirk (one MO may count under several). */
  moQuirks: Record<string, number>;
  /** Of the MOs above, those sent as USSD steps (fault plan quirks moUssd). */
  ussdMosSent: number;
  /** USSD steps the ESME acknowledged with ESME_ROK (it should not: it cannot answer them by SMS). */
  ussdMosAcked: number;
  /** USSD steps the ESME refused, by the command_status name of its deliver_sm_resp (ESME_RX_R_APPN expected). */
  ussdMosRefused: Record<string, number>;
  /** USSD steps that got no answer. */
  ussdMosFailed: number;
  /** submit_sm PDUs received. */
  mtParts: number;
  /** Complete MT messages (concatenated parts joined). */
  mtMessages: number;
  /** Complete MTs whose text could not be decoded (binary or unsupported data_coding, bad UDH). */
  mtUndecodable: number;
  /** Concatenated MTs dropped because a part never arrived. */
  mtIncompleteExpired: number;
}

/** Per-operator counters; plain numbers, cheap enough for the load path. */
export class TrafficStats {
  private readonly byOperator = new Map<string, OperatorTrafficCounters>();

  constructor(operatorIds: Iterable<string>) {
    for (const id of operatorIds) this.byOperator.set(id, TrafficStats.empty());
  }

  private static empty(): OperatorTrafficCounters {
    return {
      mosSent: 0,
      moPartsSent: 0,
      mosAcked: 0,
      mosRefused: {},
      mosFailed: 0,
      mosRedelivered: 0,
      mosWaitedForBind: 0,
      mosWaitingForBind: 0,
      moQuirks: {},
      ussdMosSent: 0,
      ussdMosAcked: 0,
      ussdMosRefused: {},
      ussdMosFailed: 0,
      mtParts: 0,
      mtMessages: 0,
      mtUndecodable: 0,
      mtIncompleteExpired: 0,
    };
  }

  /** Counters of an operator; an unknown id (an MT on a link we do not list) gets its own row. */
  of(operatorId: string): OperatorTrafficCounters {
    let counters = this.byOperator.get(operatorId);
    if (!counters) {
      counters = TrafficStats.empty();
      this.byOperator.set(operatorId, counters);
    }
    return counters;
  }

  /** One MO refused with this status; a USSD step counts in ussdMosRefused too. */
  moRefused(operatorId: string, statusName: string, ussd = false): void {
    const counters = this.of(operatorId);
    counters.mosRefused[statusName] = (counters.mosRefused[statusName] ?? 0) + 1;
    if (ussd) counters.ussdMosRefused[statusName] = (counters.ussdMosRefused[statusName] ?? 0) + 1;
  }

  snapshot(): Record<string, OperatorTrafficCounters> {
    const out: Record<string, OperatorTrafficCounters> = {};
    for (const [id, c] of this.byOperator)
      out[id] = { ...c, mosRefused: { ...c.mosRefused }, moQuirks: { ...c.moQuirks }, ussdMosRefused: { ...c.ussdMosRefused } };
    return out;
  }
}
