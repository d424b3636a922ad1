import { EventEmitter } from 'node:events';
import { CommandStatus, commandStatusName } from '../codec/command-status';
import type { AnsweredRequestCommand, DeliverSmResp, RequestPdu, ResponsePdu, SubmitSm } from '../codec/pdu';
import { deliverSmBody, DeliverSmFields } from '../codec/pdu-defaults';
import { SmppError } from '../errors/smpp-error';
import type { BindType } from '../codec/bind-type';
import type { SmppLogger } from '../session/smpp-logger';
import type { OutgoingRequest, SmppSession } from '../session/smpp-session';

/** The SMSC's verdict on one submit_sm: a status, and the message id to return when it is 0. */
export interface SubmitSmResult {
  status: number;
  messageId?: string;
  /**
   * Test hook (smsc-sim quirks): the whole submit_sm_resp written by hand, sent as given but for
   * its sequence number, to feed an ESME responses the encoder would not write (no body, a
   * message_id without its NUL, TLVs after it). `status` and `messageId` then only report it.
   */
  rawResponse?: Buffer;
}

/** Decides one submit_sm. Calls run concurrently; each is answered when its promise settles. */
export type SubmitSmHandler = (pdu: SubmitSm) => Promise<SubmitSmResult>;

export interface ServerSessionEvents {
  close: [reason: string];
  /** Requests other than submit_sm (query_sm, data_sm, cancel_sm...). Unobserved ones get ESME_RINVCMDID. */
  request: [pdu: RequestPdu];
}

export interface ServerSessionInfo {
  systemId: string;
  bindType: BindType;
  remoteAddress: string;
}

/** Commands an ESME sends to submit or manage messages: not allowed on a receiver bind. */
const transmitterCommands: ReadonlySet<string> = new Set(['submit_sm', 'submit_multi', 'data_sm', 'query_sm', 'cancel_sm', 'replace_sm']);

/** One bound ESME on the SMSC side. Created by SmscServer once the bind has been accepted. */
export class ServerSession extends EventEmitter<ServerSessionEvents> {
  readonly systemId: string;
  readonly bindType: BindType;
  readonly remoteAddress: string;
  private submitSmHandler?: SubmitSmHandler;

  constructor(
    private readonly smpp: SmppSession,
    info: ServerSessionInfo,
    private readonly logger: SmppLogger,
  ) {
    super();
    this.systemId = info.systemId;
    this.bindType = info.bindType;
    this.remoteAddress = info.remoteAddress;
    smpp.once('close', (reason) => this.emit('close', reason));
  }

  get isOpen(): boolean {
    return this.smpp.isOpen;
  }

  /** Resolves with the close reason once the connection is gone. */
  get closed(): Promise<string> {
    return this.smpp.closed;
  }

  /**
   * Sends a deliver_sm (a mobile-originated message or a delivery receipt) through the session's
   * window and response timeout. Rejects with 'INVALID_BIND_TYPE' on a transmitter bind.
   */
  deliverSm(fields: DeliverSmFields): Promise<DeliverSmResp> {
    if (this.bindType === 'transmitter') {
      return Promise.reject(new SmppError('INVALID_BIND_TYPE', `${this.systemId} is bound as transmitter and cannot receive deliver_sm`));
    }
    return this.smpp.request({ command: 'deliver_sm', ...deliverSmBody(fields) });
  }

  /**
   * Test hook (smsc-sim quirks): a deliver_sm written by hand (octets after its last field, say),
   * sent through the window and response timeout like deliverSm(); the session writes in its own
   * sequence number. Not for real traffic.
   */
  deliverSmRaw(bytes: Buffer): Promise<DeliverSmResp> {
    if (this.bindType === 'transmitter') {
      return Promise.reject(new SmppError('INVALID_BIND_TYPE', `${this.systemId} is bound as transmitter and cannot receive deliver_sm`));
    }
    return this.smpp.requestRaw('deliver_sm', bytes);
  }

  /** Sends any request to the ESME and resolves with its response. */
  request<T extends ResponsePdu = ResponsePdu>(pdu: OutgoingRequest): Promise<T> {
    return this.smpp.request(pdu as OutgoingRequest<AnsweredRequestCommand> & { command: AnsweredRequestCommand }) as Promise<ResponsePdu> as Promise<T>;
  }

  /** Sets who decides each submit_sm. Without one, every submit_sm is answered ESME_RSYSERR. */
  setSubmitSmHandler(handler: SubmitSmHandler): void {
    this.submitSmHandler = handler;
  }

  /**
   * Test hook (smsc-sim fault injection): writes raw octets to the ESME, in order with queued PDUs,
   * bypassing the codec, to check that the ESME answers malformed PDUs (generic_nack, or the
   * command's own response with an error status) and keeps the session. Not for real traffic.
   */
  writeRaw(bytes: Buffer): void {
    this.smpp.writeRaw(bytes);
  }

  /** Graceful: unbind, wait for unbind_resp (bounded), close. */
  unbind(): Promise<void> {
    return this.smpp.unbind();
  }

  /** Drops the connection at once. */
  close(reason = 'closed by server'): void {
    this.smpp.close(reason);
  }

  /** Called by SmscServer for every request after the bind. */
  handleRequest(pdu: RequestPdu): void {
    if (this.bindType === 'receiver' && transmitterCommands.has(pdu.command)) {
      this.smpp.respond(pdu as Extract<RequestPdu, { command: AnsweredRequestCommand }>, CommandStatus.ESME_RINVBNDSTS);
      return;
    }
    switch (pdu.command) {
      case 'submit_sm':
        this.handleSubmitSm(pdu);
        return;
      case 'bind_receiver':
      case 'bind_transmitter':
      case 'bind_transceiver':
        this.smpp.respond(pdu, CommandStatus.ESME_RALYBND);
        return;
      case 'deliver_sm':
        // deliver_sm flows from SMSC to ESME only.
        this.smpp.respond(pdu, CommandStatus.ESME_RINVCMDID);
        return;
      case 'outbind':
      case 'alert_notification':
        this.smpp.sendGenericNack(CommandStatus.ESME_RINVCMDID, pdu.sequenceNumber);
        return;
    }
    if (this.listenerCount('request') > 0) {
      this.emit('request', pdu);
    } else {
      this.smpp.respond(pdu, CommandStatus.ESME_RINVCMDID);
    }
  }

  private handleSubmitSm(pdu: SubmitSm): void {
    const handler = this.submitSmHandler;
    if (handler === undefined) {
      this.smpp.respond(pdu, CommandStatus.ESME_RSYSERR);
      return;
    }
    void (async (): Promise<void> => {
      let result: SubmitSmResult;
      try {
        result = await handler(pdu);
      } catch (error) {
        this.logger.warn(
          { systemId: this.systemId, seq: pdu.sequenceNumber, err: (error as Error).message },
          'submit_sm handler failed; answering ESME_RSYSERR',
        );
        result = { status: CommandStatus.ESME_RSYSERR };
      }
      if (result.status !== CommandStatus.ESME_ROK) {
        this.logger.debug({ systemId: this.systemId, seq: pdu.sequenceNumber, status: commandStatusName(result.status) }, 'submit_sm refused');
      }
      try {
        if (result.rawResponse) this.smpp.respondRaw(pdu, result.rawResponse);
        else this.smpp.respond(pdu, result.status, { messageId: result.messageId ?? '' });
      } catch (error) {
        // An unencodable message id from the handler must not leave the ESME waiting for an answer.
        this.logger.error({ systemId: this.systemId, err: (error as Error).message }, 'submit_sm handler result cannot be encoded');
        this.smpp.respond(pdu, CommandStatus.ESME_RSYSERR);
      }
    })();
  }
}
