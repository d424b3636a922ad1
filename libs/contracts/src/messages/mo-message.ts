import type { ReplyLanguage } from './mt-message';

/** Why a text is not a lookup; each reason gets its own helpful reply. */
export type InvalidReason = 'empty' | 'no_number' | 'wrong_length' | 'bad_region' | 'several_numbers';

/**
 * A CNIC past ingress: never the number, only keyed hashes of it.
 *
 * `hashes` holds HMAC-SHA-256(pepper, CNIC) under every pepper ingress holds, by pepper id (one
 * normally, two while the pepper is being rotated), so the lookup can use the one its active roll
 * version was keyed with. `near` is what the scan detector needs instead of the number: keyed
 * hashes of the two cells, in grids of width 2 × CNIC_NEIGHBOURHOOD offset by half a cell, that
 * hold the CNIC. Two CNICs at most CNIC_NEIGHBOURHOOD apart always share a cell in one grid.
 */
export interface CnicPseudonym {
  /** Pepper id -> base64url HMAC of the CNIC. */
  hashes: Record<string, string>;
  /** [grid A cell, grid B cell], base64url keyed hashes. */
  near: [string, string];
}

/** Two CNICs this close (as 13-digit numbers) always share a neighbourhood cell. */
export const CNIC_NEIGHBOURHOOD = 1000;

/** What the citizen's text asks for, understood at the edge. The text itself is not carried. */
export type MoRequest =
  | { kind: 'lookup'; lang: ReplyLanguage; cnic: CnicPseudonym }
  | { kind: 'help'; lang: ReplyLanguage }
  | { kind: 'invalid'; reason: InvalidReason; lang: ReplyLanguage };

/**
 * A mobile-originated SMS as ingress accepted it (topic sms.mo.v2). Version 2 replaced v1's
 * `text` with the parsed `request`: the text carried the CNIC in clear into Kafka.
 */
export interface MoMessageV2 {
  v: 2;
  /** Unique id assigned by ingress; every reply id derives from it. */
  id: string;
  /** Operator link id from the operator configuration, e.g. "jazz". */
  operator: string;
  /** Sender in international form without '+', e.g. 923001234567. Needed to address the reply. */
  msisdn: string;
  /** The short code the citizen wrote to, e.g. "8300". */
  shortCode: string;
  request: MoRequest;
  /** Characters in the decoded text (concatenated parts joined), kept for diagnosis. */
  textLength: number;
  /** data_coding of the deliver_sm it came in, kept for diagnosis. */
  dataCoding: number;
  /** Epoch milliseconds when ingress received the (last part of the) deliver_sm. */
  receivedAt: number;
}
