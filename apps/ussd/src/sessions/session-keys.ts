import { hkdfSync } from 'node:crypto';
import { HmacSha256, KeyedHasher } from '@parchee/privacy';
import type { UssdTransport } from './ussd-session';

/** The label of the key that names sessions and fingerprints steps (HKDF from the pepper): its own, never the pepper's other uses'. */
export const SESSION_KEY_LABEL = 'parchee-ussd-session-key-v1';

/**
 * Names for a dialog's session and its steps that hold nothing of what they stand for: keyed
 * hashes (HMAC-SHA-256 under a key derived from the pepper). A transport's session id can be the
 * citizen's number itself (some SMSCs key USSD dialogs by it), and a step's input can be a CNIC.
 */
export class SessionKeys {
  private readonly mac: HmacSha256;

  constructor(pepper: string | Buffer) {
    const ikm = typeof pepper === 'string' ? Buffer.from(pepper, 'utf8') : pepper;
    if (ikm.length < 16) throw new Error('pepper must be at least 16 bytes');
    this.mac = new HmacSha256(Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), SESSION_KEY_LABEL, 32)));
  }

  /**
   * The session's name: one per operator, transport, transport session id and number. The number
   * is part of it so that a session id guessed, reused or mixed up by a network can only ever
   * continue a dialog of the same number. The parts go in as a JSON array, so no two splits of
   * the same characters give one name.
   */
  session(operator: string, transport: UssdTransport, sessionId: string, msisdn: string): string {
    return KeyedHasher.text(this.mac.digest('session:', JSON.stringify([operator, transport, sessionId, msisdn])));
  }

  /**
   * A step's fingerprint within its session: the transport's id of the step (a sequence number,
   * the inputs so far), what it carries (begin, input, abort, timeout) and the input. The same
   * network step sent twice has the same fingerprint; the next step, another. 128 bits.
   */
  step(session: string, stepId: string, kind: string, text: string): string {
    return this.mac
      .digest('step:', session, '\n', JSON.stringify([stepId, kind, text]))
      .subarray(0, 16)
      .toString('base64url');
  }
}
