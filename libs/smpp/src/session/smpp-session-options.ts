import { DEFAULT_MAX_PDU_LENGTH } from '../codec/pdu-codec';
import { SmppLogger, silentSmppLogger } from './smpp-logger';

/** Every timer and limit of one SMPP connection, with its default. */
export interface SmppSessionOptions {
  /**
   * Most requests sent and still awaiting their response (the SMPP "window"). Further requests
   * wait in a FIFO queue for a free slot. Operators usually allow 1 to 10. Default 10.
   */
  window: number;
  /**
   * Most requests allowed to wait for a window slot; beyond it `request()` rejects at once with
   * SmppError 'QUEUE_FULL' (retriable). Default Infinity (the caller throttles).
   */
  maxQueued: number;
  /**
   * Most requests from the peer being handled at once (received, not yet answered). A peer that
   * ignores its own window gets ESME_RTHROTTLED, the command's own response, for each request
   * beyond it, instead of an unbounded number of handlers at work. Default 200, above any
   * operator's window.
   */
  maxPeerInFlight: number;
  /** How long to wait for the response to a request before rejecting with 'RESPONSE_TIMEOUT'. Default 10 000 ms. */
  responseTimeoutMs: number;
  /**
   * Send enquire_link after this long without receiving any PDU. 0 disables the keepalive.
   * Default 30 000 ms.
   */
  enquireLinkIntervalMs: number;
  /**
   * How long to wait for enquire_link_resp before declaring the peer dead and dropping the
   * connection. Default: `responseTimeoutMs`.
   */
  enquireLinkTimeoutMs?: number;
  /**
   * Bound on a graceful shutdown: waiting for unbind_resp, then for the peer to close the TCP
   * connection, each at most this long before the socket is destroyed. Default 5 000 ms.
   */
  unbindTimeoutMs: number;
  /**
   * Most submit_sm and data_sm sent per second, for an SMSC that caps each bind's rate: one is sent
   * every 1/rate s at the earliest, the others wait in the FIFO queue with the requests behind
   * them (so `maxQueued` bounds them too). Other requests are not paced. Default: none.
   */
  maxSubmitPerSecond?: number;
  /** Largest command_length accepted from the peer. Default 65 536 octets. */
  maxPduLength: number;
  /** Where connection events go. Default: silent. */
  logger: SmppLogger;
  /** Identifies the connection in log lines, e.g. the operator id. Default 'smpp'. */
  name: string;
}

export const DEFAULT_SESSION_OPTIONS: Readonly<SmppSessionOptions> = Object.freeze({
  window: 10,
  maxQueued: Number.POSITIVE_INFINITY,
  maxPeerInFlight: 200,
  responseTimeoutMs: 10_000,
  enquireLinkIntervalMs: 30_000,
  unbindTimeoutMs: 5_000,
  maxPduLength: DEFAULT_MAX_PDU_LENGTH,
  logger: silentSmppLogger,
  name: 'smpp',
});

/** Fills in defaults, dropping keys given as undefined, and rejects nonsensical values early. */
export function resolveSessionOptions(options: Partial<SmppSessionOptions> = {}): SmppSessionOptions {
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const resolved: SmppSessionOptions = { ...DEFAULT_SESSION_OPTIONS, ...given };
  const positive = (key: keyof SmppSessionOptions, allowZero = false): void => {
    const value = resolved[key];
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (!allowZero && value === 0)) {
      throw new RangeError(`SMPP session option ${key} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(value)}`);
    }
  };
  positive('window');
  positive('maxQueued', true);
  positive('maxPeerInFlight');
  positive('responseTimeoutMs');
  positive('enquireLinkIntervalMs', true);
  positive('unbindTimeoutMs');
  positive('maxPduLength');
  if (resolved.enquireLinkTimeoutMs !== undefined) positive('enquireLinkTimeoutMs');
  if (resolved.maxSubmitPerSecond !== undefined) {
    positive('maxSubmitPerSecond');
    if (!Number.isFinite(resolved.maxSubmitPerSecond)) throw new RangeError('SMPP session option maxSubmitPerSecond must be finite; leave it out for no cap');
  }
  if (!Number.isInteger(resolved.window)) throw new RangeError(`SMPP session option window must be an integer, got ${resolved.window}`);
  return resolved;
}
