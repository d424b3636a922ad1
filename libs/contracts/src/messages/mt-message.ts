/** What the reply says, for metrics, audit and tests; the text is what the citizen reads. */
export type ReplyKind = 'found' | 'not_found' | 'invalid' | 'help' | 'busy' | 'refused';

export type ReplyLanguage = 'ur' | 'en';

/** A mobile-terminated reply to one MO (topic sms.mt.v1). */
export interface MtMessageV1 {
  v: 1;
  /** Derived from the MO id, so a replayed MO yields the same MT id and egress can refuse it. */
  id: string;
  moId: string;
  operator: string;
  /** Destination MSISDN: the one place past ingress where it must stay in clear. */
  msisdn: string;
  /** Source address of the reply: the short code. */
  shortCode: string;
  text: string;
  lang: ReplyLanguage;
  kind: ReplyKind;
  moReceivedAt: number;
  createdAt: number;
  /** Epoch ms after which sending is pointless; egress dead-letters it instead. */
  expiresAt: number;
}
