/** A record a stage could not handle (topic sms.dlq.v1). Read by people, never replayed blindly. */
export interface DeadLetterV1 {
  v: 1;
  /** Service that gave up, e.g. "lookup". */
  service: string;
  /** Stable error code, e.g. "MALFORMED_MESSAGE" or "SUBMIT_REJECTED". */
  code: string;
  reason: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  failedAt: number;
  /** The original record value, base64, so nothing is lost. */
  payload: string;
}
