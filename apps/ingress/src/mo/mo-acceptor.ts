import { randomUUID } from 'node:crypto';
import { Topics, encodeMessage, type MoMessageV2 } from '@parchee/contracts';
import type { OutgoingRecord } from '@parchee/messaging';
import { silentLogger, type Logger } from '@parchee/observability';
import { KeyedHasher, maskDigitsInText, maskMsisdn } from '@parchee/privacy';
import { moRequestFromText } from '@parchee/requests';
import { CommandStatus, decodeText, deliveryKind, userDataOf, type DeliverSm, type MessageIdFormat } from '@parchee/smpp';
import type { SeenMo, SeenMoStore } from '../dedupe/seen-mo-store';
import { MemoryMoPartStore, type MoPartOutcome, type MoPartStore } from '../reassembly/mo-part-store';
import { reportDroppedMo } from '../reassembly/dropped-mo';
import { ReceiptAcceptor, type ReceiptOutcome } from '@parchee/receipts';
import type { MoSink } from './mo-sink';
import { normaliseMsisdn } from './msisdn';
import { servedShortCode } from './short-code';
import { isPakistaniMobile } from './territorial-filter';

export interface MoPublisher {
  publish(records: OutgoingRecord[]): Promise<void>;
}

/**
 * `part_store_failed`: a part of a concatenated MO that could not be recorded (Redis away), refused
 * with ESME_RX_T_APPN so the SMSC delivers it again; `part_unreadable`: the last part of a message
 * whose other parts could not be read back (the message is given up, the part acknowledged).
 * `ussd_refused`: a USSD dialog step, refused with ESME_RX_R_APPN until the USSD channel exists
 * (an SMS answer would leave the citizen's screen hanging); `wrong_destination`: an MO for none of
 * the short codes its link serves, refused with ESME_RINVDSTADR (a routing error at the operator).
 */
export type MoOutcome =
  | 'accepted'
  | 'duplicate'
  | 'redelivered'
  | 'part_buffered'
  | 'part_store_failed'
  | 'part_unreadable'
  | 'publish_failed'
  | 'empty_source'
  | 'not_pakistani'
  | 'ussd_refused'
  | 'wrong_destination'
  | ReceiptOutcome;

export interface MoAcceptorOptions {
  /** The service's short code: what an operator without a list in `shortCodes` serves. */
  shortCode: string;
  /** The short codes each operator's link serves (its `shortCodes`), by operator id. */
  shortCodes?: ReadonlyMap<string, readonly string[]>;
  /** How each operator's receipts write message ids (its link's `submit.messageIdFormat`), by operator id; unlisted, `auto`. */
  messageIdFormats?: ReadonlyMap<string, MessageIdFormat>;
  /**
   * Where the parts of concatenated MOs wait for each other. Ingress runs RedisMoPartStore, shared
   * by its replicas. Default: this process's memory (MemoryMoPartStore), with the two settings below.
   */
  parts?: MoPartStore;
  /** The memory store's wait for the missing parts of a concatenated MO, ms. Default 60000. */
  reassemblyTimeoutMs?: number;
  /** At most this many concatenated MOs wait for parts in the memory store; beyond it the oldest is dropped. Default 100 000. */
  reassemblyMaxPending?: number;
  /** The part store could not record a part (the part was refused with ESME_RX_T_APPN), for parchee_redis_errors_total{use="mo_parts"}. */
  onPartStoreError?: () => void;
  logger?: Logger;
  onOutcome?: (operator: string, outcome: MoOutcome) => void;
  /** An MO refused at the edge (acked, never published), for parchee_requests_refused_total. */
  onRefused?: (operator: string, reason: 'not_pakistani') => void;
  /** The next pepper, only while the pepper is being rotated: CNICs are then hashed under both. */
  nextPepper?: KeyedHasher;
  /**
   * Memory of recent MOs by keyed fingerprint, to recognise SMSC re-deliveries; none, no dedupe.
   * Its failures never hold an MO back: the MO is published as if it were new (fail open).
   */
  seen?: SeenMoStore;
  /** The seen-MO store failed or timed out, for parchee_redis_errors_total{use="mo_dedupe"}. */
  onSeenStoreError?: () => void;
  now?: () => number;
}

/** At most one warning per this many ms while the seen-MO store (or the part store) is failing: an outage must not flood the log. */
const STORE_WARN_INTERVAL_MS = 10_000;

/** At most one warning per operator per this many ms about MOs for a destination it should not send us. */
const DESTINATION_WARN_INTERVAL_MS = 60_000;

/**
 * Turns a deliver_sm into an MO on Kafka and decides the deliver_sm_resp status. The status is
 * ESME_ROK only after Kafka has acknowledged the record; if Kafka cannot take it, the SMSC gets
 * a temporary error and keeps the message in its own queue to retry. Nothing is lost.
 *
 * This is the edge of the clear CNIC: the text is parsed here and the MO carries only the
 * request, with the CNIC as keyed hashes. The text goes no further than this function.
 *
 * SMSC re-deliveries (its deliver_sm_resp was lost) are recognised by a keyed fingerprint of the
 * MO's content, claimed in the seen-MO store before publishing: a fingerprint already stored is
 * answered ESME_ROK and not published again; one claimed but never acknowledged (a failed publish,
 * or a process killed before Kafka's ack reached it) is published again under the SAME MO id, so
 * if Kafka did store the first copy, lookup's reply id repeats and egress's sent-ledger sends it
 * once. The claim never drops an MO: docs/delivery-guarantees.md, "SMSC re-deliveries".
 */
export class MoAcceptor implements MoSink {
  private readonly parts: MoPartStore;
  private readonly receipts: ReceiptAcceptor;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly peppers: readonly KeyedHasher[];
  private lastStoreWarnAt = -Infinity;
  private lastPartStoreWarnAt = -Infinity;
  private readonly lastDestinationWarnAt = new Map<string, number>();

  constructor(
    private readonly publisher: MoPublisher,
    private readonly hasher: KeyedHasher,
    private readonly options: MoAcceptorOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.peppers = options.nextPepper ? [hasher, options.nextPepper] : [hasher];
    this.receipts = new ReceiptAcceptor(publisher, {
      messageIdFormats: options.messageIdFormats,
      logger: this.logger,
      onOutcome: options.onOutcome,
      now: this.now,
    });
    this.parts =
      options.parts ??
      new MemoryMoPartStore({
        timeoutMs: options.reassemblyTimeoutMs ?? 60_000,
        maxPending: options.reassemblyMaxPending ?? 100_000,
        onDropped: reportDroppedMo(this.logger),
        now: this.now,
      });
  }

  async accept(operator: string, pdu: DeliverSm): Promise<number> {
    const kind = deliveryKind(pdu);
    if (kind === 'ussd') {
      // Never published, so never answered by SMS: the citizen's USSD session waits for a USSD
      // answer. ESME_RX_R_APPN is SMPP's "the receiving application rejects this message, do not
      // re-send it", which lets the USSD gateway end the session at once; ESME_RINVSERTYP would
      // blame a service_type field that many USSD steps leave ordinary (the TLV alone marks them).
      this.options.onOutcome?.(operator, 'ussd_refused');
      return CommandStatus.ESME_RX_R_APPN;
    }
    if (kind !== 'mo') {
      // Receipts and notices come on receiver binds too, from the citizen's number: never
      // answered (an answer asks for another receipt: an SMS loop). Correlating receipts is
      // egress's job (sms.dlr.v1).
      return this.receipts.accept(operator, pdu, kind);
    }
    const shortCode = servedShortCode(pdu.destinationAddr, this.options.shortCodes?.get(operator) ?? [this.options.shortCode]);
    if (shortCode === undefined) {
      // Refused rather than acknowledged and dropped: the refusal is how the operator learns that
      // its routing sends us another service's MOs (its SMSC records a failure, where an ack
      // would record a delivery), and an ack gives the citizen nothing more, as we cannot pass
      // the MO on to the service it was meant for. A permanent status, not ESME_RX_T_APPN, which
      // asks for a re-send: a re-send would meet the same refusal. ESME_RINVDSTADR names the
      // fault for whoever reads the operator's logs.
      this.options.onOutcome?.(operator, 'wrong_destination');
      this.warnWrongDestination(operator, pdu.destinationAddr);
      return CommandStatus.ESME_RINVDSTADR;
    }
    const msisdn = normaliseMsisdn(pdu.sourceAddr, pdu.sourceAddrTon);
    if (msisdn === '') {
      this.options.onOutcome?.(operator, 'empty_source');
      return CommandStatus.ESME_RINVSRCADR;
    }
    if (!isPakistaniMobile(msisdn)) {
      // Acked, so the SMSC does not retry it; dropped, so it costs no lookup and no reply.
      this.options.onOutcome?.(operator, 'not_pakistani');
      this.options.onRefused?.(operator, 'not_pakistani');
      return CommandStatus.ESME_ROK;
    }
    const key = KeyedHasher.text(this.hasher.msisdn(msisdn));
    // The whole text and the bytes that identify the MO: the user data as delivered, or for a
    // concatenated MO the UTF-8 of the reassembled text (its joined user data when it does not
    // decode). Undecodable content (binary, unknown alphabets) is empty text: the citizen gets a
    // helpful reply.
    const data = userDataOf(pdu);
    let text: string;
    let bytes: Buffer;
    /** Forgets a concatenated MO's parts once it is published. */
    let release: (() => Promise<void>) | undefined;
    if (data.concat === undefined) {
      text = decodeText(pdu.dataCoding, data.payload).text;
      bytes = data.raw;
    } else {
      const { scheme, ref, total, seq } = data.concat;
      let part: MoPartOutcome;
      try {
        // Awaited: the part is acknowledged only once it is recorded, where every replica finds it.
        part = await this.parts.add({ operator, sender: key, scheme, ref, total, seq, dataCoding: pdu.dataCoding, payload: data.payload });
      } catch (err) {
        this.partStoreFailed(err);
        this.options.onOutcome?.(operator, 'part_store_failed');
        return CommandStatus.ESME_RX_T_APPN;
      }
      if (part.status !== 'complete') {
        // A repeated part is acknowledged too: the first copy is held.
        this.options.onOutcome?.(operator, part.status === 'dropped' ? 'part_unreadable' : 'part_buffered');
        return CommandStatus.ESME_ROK;
      }
      const decoded = decodeText(part.dataCoding, part.bytes);
      text = decoded.text;
      bytes = decoded.error === undefined ? Buffer.from(decoded.text, 'utf8') : part.bytes;
      release = part.release;
    }
    let id: string = randomUUID();
    let outcome: MoOutcome = 'accepted';
    const store = this.options.seen;
    const fingerprint = store ? KeyedHasher.text(this.hasher.moContent(operator, msisdn, pdu.dataCoding, bytes)) : undefined;
    if (store && fingerprint !== undefined) {
      const seen = await this.claim(store, fingerprint, id);
      if (seen?.kind === 'stored') {
        this.options.onOutcome?.(operator, 'duplicate');
        // Stored already: a re-delivered long MO's parts are not needed again.
        if (release) void release();
        return CommandStatus.ESME_ROK;
      }
      if (seen?.kind === 'pending') {
        id = seen.moId;
        outcome = 'redelivered';
      }
    }
    const mo: MoMessageV2 = {
      v: 2,
      id,
      operator,
      msisdn,
      // The code the citizen wrote to, so the reply comes from it.
      shortCode,
      request: moRequestFromText(text, this.peppers),
      textLength: text.length,
      dataCoding: pdu.dataCoding,
      receivedAt: this.now(),
    };
    try {
      await this.publisher.publish([{ topic: Topics.MO, key, value: encodeMessage(mo) }]);
    } catch (err) {
      this.logger.warn({ operator, msisdn: maskMsisdn(msisdn), err: (err as Error).message }, 'MO not stored; asking the SMSC to retry');
      this.options.onOutcome?.(operator, 'publish_failed');
      // A concatenated MO's parts stay: the SMSC re-delivers this part, which completes it again.
      return CommandStatus.ESME_RX_T_APPN;
    }
    if (release) void release();
    // Not awaited: the response must not wait for Redis. The command is written to the socket
    // now, before the deliver_sm_resp; if it is lost the MO stays "pending", and a re-delivery
    // is published again under the same id, which costs a lookup but never a second SMS.
    if (store && fingerprint !== undefined) store.markStored(fingerprint, id).catch((err: unknown) => this.storeFailed(err));
    this.options.onOutcome?.(operator, outcome);
    return CommandStatus.ESME_ROK;
  }

  /** The store's answer, or null when it failed: the MO is then treated as new (fail open). */
  private async claim(store: SeenMoStore, fingerprint: string, id: string): Promise<SeenMo | null> {
    try {
      return await store.claim(fingerprint, id);
    } catch (err) {
      this.storeFailed(err);
      return null;
    }
  }

  private partStoreFailed(err: unknown): void {
    this.options.onPartStoreError?.();
    const now = this.now();
    if (now - this.lastPartStoreWarnAt < STORE_WARN_INTERVAL_MS) return;
    this.lastPartStoreWarnAt = now;
    this.logger.warn({ err: (err as Error).message }, 'concatenated MO parts cannot be stored; asking the SMSC to retry them');
  }

  private storeFailed(err: unknown): void {
    this.options.onSeenStoreError?.();
    const now = this.now();
    if (now - this.lastStoreWarnAt < STORE_WARN_INTERVAL_MS) return;
    this.lastStoreWarnAt = now;
    this.logger.warn({ err: (err as Error).message }, 'seen-MO store unavailable; MOs are published without the re-delivery check');
  }

  /** The destination names what the operator's routing got wrong; masked, as it may be a subscriber's number. */
  private warnWrongDestination(operator: string, destination: string): void {
    const now = this.now();
    if (now - (this.lastDestinationWarnAt.get(operator) ?? -Infinity) < DESTINATION_WARN_INTERVAL_MS) return;
    this.lastDestinationWarnAt.set(operator, now);
    this.logger.warn({ operator, destination: maskDigitsInText(destination) }, 'MO for a destination this link does not serve; refused with ESME_RINVDSTADR');
  }

  /** Gives up the concatenated MOs whose parts stopped coming, reporting each; call periodically. Never rejects. */
  sweep(): Promise<number> {
    return this.parts.sweep();
  }
}
