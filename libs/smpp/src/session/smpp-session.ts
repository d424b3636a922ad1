import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { commandIdOf, commandName, describeCommandId, isResponseCommandId, responseCommandIdFor } from '../codec/command-id';
import { CommandStatus, commandStatusName } from '../codec/command-status';
import type {
  AnsweredRequestCommand,
  AnsweredRequestPdu,
  EncodablePdu,
  OutgoingPdu,
  Pdu,
  PduBody,
  PduCommand,
  PduOf,
  RequestPdu,
  ResponseFor,
  ResponsePdu,
} from '../codec/pdu';
import { bodySpecs, emptyFieldValue } from '../codec/pdu-body';
import { decodePdu, encodePdu, PDU_HEADER_LENGTH } from '../codec/pdu-codec';
import { PduFramer } from '../codec/pdu-framer';
import { SmppCommandError } from '../errors/smpp-command-error';
import { SmppDecodeError } from '../errors/smpp-decode-error';
import { SmppError } from '../errors/smpp-error';
import { SendPacer } from './send-pacer';
import { resolveSessionOptions, SmppSessionOptions } from './smpp-session-options';

/** A net.Socket, a tls.TLSSocket, or any duplex byte stream (tests use an in-memory pair). */
export type SmppSocket = Duplex;

/** A request as handed to `SmppSession.request`, keyed by its command so the response type follows. */
export type OutgoingRequest<C extends AnsweredRequestCommand = AnsweredRequestCommand> = {
  [K in AnsweredRequestCommand]: OutgoingPdu<PduOf<K>>;
}[C];

/** The fields of the response to a request, all optional (missing ones take their empty value). */
export type ResponseBody<P extends AnsweredRequestPdu> = Partial<PduBody<ResponseFor<P['command']>>>;

export type SessionState = 'open' | 'unbinding' | 'closing' | 'closed';

export interface SmppSessionEvents {
  /** A request from the peer that the session does not answer itself (everything but enquire_link and unbind). */
  request: [pdu: RequestPdu];
  /** The connection is gone; every pending request has been rejected. Emitted once. */
  close: [reason: string];
  /** A socket error. Only emitted when someone listens, so an unobserved session cannot crash the process. */
  error: [error: Error];
  /**
   * A PDU from the peer could not be decoded. A request we know was answered with its own response
   * and an error status, a response failed the request it answers, anything else got generic_nack.
   */
  'decode-error': [error: SmppDecodeError];
}

interface PendingRequest {
  command: PduCommand;
  expectedResponseId: number;
  countsAgainstWindow: boolean;
  timer: NodeJS.Timeout;
  resolve(pdu: ResponsePdu): void;
  reject(error: Error): void;
}

interface QueuedRequest {
  pdu: OutgoingPdu;
  /** The PDU as written by hand (requestRaw); `pdu` then only names its command. */
  raw?: Buffer;
  resolve(pdu: ResponsePdu): void;
  reject(error: Error): void;
}

interface SendOptions {
  /** Control PDUs (enquire_link, unbind) must get through even when the window is full. */
  bypassWindow: boolean;
  timeoutMs: number;
}

const MAX_SEQUENCE_NUMBER = 0x7fffffff;

/** The requests `maxSubmitPerSecond` paces: those that submit a message. */
const PACED_COMMANDS: ReadonlySet<string> = new Set(['submit_sm', 'data_sm']);

/**
 * The status a request whose body cannot be read is answered with. A deliver_sm or data_sm brings
 * a message to its receiver: ESME_RX_P_APPN, the receiver's permanent error, tells the sender not
 * to deliver the same octets again, since they would fail the same way (a temporary error would
 * have them redelivered without end). Any other request (submit_sm to an SMSC, a bind...) gets the
 * decoder's status, which names what is wrong: ESME_RINVMSGLEN for a short_message past the end,
 * ESME_RINVCMDLEN for fields missing, ESME_RINVSRCADR for an address too long.
 */
function unreadableRequestStatus(command: string, decoderStatus: number): number {
  return command === 'deliver_sm' || command === 'data_sm' ? CommandStatus.ESME_RX_P_APPN : decoderStatus;
}

/**
 * One SMPP connection, either side. It owns what every SMPP peer needs regardless of role:
 * sequence numbers, the send window with its FIFO queue, response timeouts, the enquire_link
 * keepalive, answering the peer's enquire_link and unbind, answering undecodable PDUs,
 * socket back-pressure and write coalescing. Binding and message handling belong to the client
 * and server built on top.
 *
 * No request is ever forgotten: each one settles exactly once, with its response, a command
 * status error, a timeout, or CONNECTION_LOST when the connection goes away.
 */
export class SmppSession extends EventEmitter<SmppSessionEvents> {
  readonly options: SmppSessionOptions;
  /** Resolves with the close reason once the connection is gone. */
  readonly closed: Promise<string>;

  private readonly socket: SmppSocket;
  private readonly framer: PduFramer;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly queue: QueuedRequest[] = [];
  private windowInUse = 0;
  /** Spaces submit_sm and data_sm when `maxSubmitPerSecond` is set. */
  private readonly pacer?: SendPacer;
  /** Wakes the queue when the pacer next allows a send. */
  private pacingTimer?: NodeJS.Timeout;
  /** Sequence numbers of the peer's requests handed to a listener and not yet answered. */
  private readonly peerInFlight = new Set<number>();
  private nextSequenceNumber = 1;
  private currentState: SessionState = 'open';
  private closeReason?: string;
  private resolveClosed!: (reason: string) => void;

  private outbox: Buffer[] = [];
  private flushScheduled = false;
  private waitingForDrain = false;
  /** Reading stopped because answers could not be written (see onData). */
  private readingPaused = false;
  private endAfterFlush = false;
  private endTimer?: NodeJS.Timeout;

  private keepaliveTimer?: NodeJS.Timeout;
  private keepaliveInFlight = false;
  private readonly inFlightDrainWaiters: Array<() => void> = [];

  constructor(socket: SmppSocket, options: Partial<SmppSessionOptions> = {}) {
    super();
    this.options = resolveSessionOptions(options);
    this.socket = socket;
    this.framer = new PduFramer({ maxPduLength: this.options.maxPduLength });
    if (this.options.maxSubmitPerSecond !== undefined) this.pacer = new SendPacer(this.options.maxSubmitPerSecond);
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });

    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    // The peer half-closed: SMPP has no use for a half-open connection, so finish our side too.
    socket.on('end', () => {
      this.closeReason ??= 'peer closed the connection';
      socket.end();
    });
    socket.on('error', (error: Error) => {
      this.closeReason ??= `socket error: ${error.message}`;
      this.options.logger.warn({ session: this.options.name, err: error.message }, 'SMPP socket error');
      if (this.listenerCount('error') > 0) this.emit('error', error);
    });
    socket.on('close', () => this.finish(this.closeReason ?? 'socket closed'));

    if (socket.destroyed) {
      queueMicrotask(() => this.finish('socket already closed'));
    } else if (this.options.enquireLinkIntervalMs > 0) {
      this.keepaliveTimer = setTimeout(() => this.onIdle(), this.options.enquireLinkIntervalMs);
    }
  }

  get state(): SessionState {
    return this.currentState;
  }

  /** True until unbind or close starts: requests are accepted. */
  get isOpen(): boolean {
    return this.currentState === 'open';
  }

  /** Requests sent and awaiting a response, control PDUs included. */
  get inFlightCount(): number {
    return this.pending.size;
  }

  /** Requests waiting for a window slot. */
  get queuedCount(): number {
    return this.queue.length;
  }

  get remoteAddress(): string {
    return (this.socket as Duplex & { remoteAddress?: string }).remoteAddress ?? 'unknown';
  }

  /**
   * Sends a request and resolves with its response. Waits for a window slot first when the window
   * is full, and a submit_sm or data_sm for its turn under `maxSubmitPerSecond`. Rejects with
   * SmppCommandError when the peer answers with a non-zero command_status or generic_nack,
   * 'RESPONSE_TIMEOUT' when no answer comes in time, 'CONNECTION_LOST' when the connection ends
   * first, and 'INVALID_PDU' (at once) when the PDU cannot be encoded.
   */
  request<C extends AnsweredRequestCommand>(pdu: OutgoingRequest<C> & { command: C }): Promise<ResponseFor<C>> {
    const outgoing = pdu as OutgoingPdu;
    return new Promise<ResponsePdu>((resolve, reject) => {
      if (this.currentState !== 'open') {
        reject(this.connectionLost(pdu.command));
        return;
      }
      if (this.windowInUse < this.options.window && this.queue.length === 0 && this.paceAllows(outgoing)) {
        this.transmit(outgoing, { bypassWindow: false, timeoutMs: this.options.responseTimeoutMs }, resolve, reject);
        return;
      }
      if (this.queue.length >= this.options.maxQueued) {
        reject(new SmppError('QUEUE_FULL', `${pdu.command}: ${this.queue.length} requests already wait for the window`, { retriable: true }));
        return;
      }
      this.queue.push({ pdu: outgoing, resolve, reject });
    }) as Promise<ResponseFor<C>>;
  }

  /**
   * Test hook for simulators: sends `bytes`, a whole `command` request written by hand, through the
   * window, queue and response timeout exactly as request() does, so a peer can be fed what the
   * encoder refuses to write (octets after the last field, say) and still be heard answering. The
   * session writes its own sequence number over octets 12-15; the rest goes as given. Never use it
   * for real traffic.
   */
  requestRaw<C extends AnsweredRequestCommand>(command: C, bytes: Buffer): Promise<ResponseFor<C>> {
    return new Promise<ResponsePdu>((resolve, reject) => {
      if (bytes.length < PDU_HEADER_LENGTH) {
        reject(new SmppError('INVALID_PDU', `${command}: ${bytes.length} octets is shorter than a PDU header`));
        return;
      }
      const outgoing = { command } as OutgoingPdu;
      if (this.currentState !== 'open') {
        reject(this.connectionLost(command));
        return;
      }
      if (this.windowInUse < this.options.window && this.queue.length === 0) {
        this.transmit(outgoing, { bypassWindow: false, timeoutMs: this.options.responseTimeoutMs }, resolve, reject, bytes);
        return;
      }
      if (this.queue.length >= this.options.maxQueued) {
        reject(new SmppError('QUEUE_FULL', `${command}: ${this.queue.length} requests already wait for the window`, { retriable: true }));
        return;
      }
      this.queue.push({ pdu: outgoing, raw: bytes, resolve, reject });
    }) as Promise<ResponseFor<C>>;
  }

  /**
   * Sends a PDU that has no response (outbind, alert_notification, or a response built by hand).
   * Returns the sequence number used.
   */
  send(pdu: OutgoingPdu | Pdu): number {
    const sequenceNumber = 'sequenceNumber' in pdu ? pdu.sequenceNumber : this.allocateSequenceNumber();
    this.write({ ...pdu, sequenceNumber } as EncodablePdu);
    return sequenceNumber;
  }

  /**
   * Answers a request from the peer with its *_resp, echoing the sequence number. Fields not given
   * in `body` take their empty value; with a non-zero status the body is left out altogether, as
   * the spec prescribes. Silently does nothing once the connection is closed: the peer will time
   * out and resend.
   */
  respond<P extends AnsweredRequestPdu>(request: P, commandStatus: number, body?: ResponseBody<P>): void {
    const responseName = commandName(responseCommandIdFor(commandIdOf(request.command)));
    if (responseName === undefined) {
      throw new SmppError('INVALID_PDU', `${request.command} has no response PDU`);
    }
    this.peerInFlight.delete(request.sequenceNumber);
    const defaults: Record<string, unknown> = {};
    for (const field of bodySpecs[responseName].fields) defaults[field.name] = emptyFieldValue(field);
    if (bodySpecs[responseName].tlvs) defaults['tlvs'] = [];
    this.write({
      ...defaults,
      ...body,
      command: responseName,
      commandStatus,
      sequenceNumber: request.sequenceNumber,
    } as unknown as EncodablePdu);
  }

  /**
   * Test hook for simulators: answers the peer's request with `bytes`, a whole response written by
   * hand (a body the encoder would not write), with the request's sequence number written over
   * octets 12-15. Like respond(), it ends the request's turn in the peer's window. Never use it for
   * real traffic.
   */
  respondRaw(request: Pick<RequestPdu, 'sequenceNumber'>, bytes: Buffer): void {
    if (bytes.length < PDU_HEADER_LENGTH) throw new SmppError('INVALID_PDU', `${bytes.length} octets is shorter than a PDU header`);
    this.peerInFlight.delete(request.sequenceNumber);
    this.writeRaw(withSequenceNumber(bytes, request.sequenceNumber));
  }

  /**
   * Test hook for simulators: queues `bytes` exactly as given, after the PDUs already queued, with no
   * encoding or validation, so a peer can be fed malformed PDUs. Never use it for real traffic.
   * Does nothing once the connection is closed.
   */
  writeRaw(bytes: Buffer): void {
    if (this.currentState === 'closed' || this.socket.writableEnded || this.socket.destroyed) return;
    this.outbox.push(Buffer.from(bytes));
    this.scheduleFlush();
  }

  /** Answers something that could not be decoded (or has no proper response) with generic_nack. */
  sendGenericNack(commandStatus: number, sequenceNumber = 0): void {
    this.write({ command: 'generic_nack', commandStatus, sequenceNumber });
  }

  /**
   * Graceful shutdown: stops taking requests, rejects queued ones, lets in-flight ones finish (each
   * is bounded by its response timeout), sends unbind and waits for unbind_resp (bounded by
   * `unbindTimeoutMs`), then ends the connection. Resolves once the connection is closed.
   */
  async unbind(): Promise<void> {
    if (this.currentState !== 'open') {
      await this.closed;
      return;
    }
    this.currentState = 'unbinding';
    this.rejectQueued();
    await this.inFlightDrained();
    if (this.currentState === 'unbinding') {
      try {
        await new Promise<ResponsePdu>((resolve, reject) =>
          this.transmit({ command: 'unbind' }, { bypassWindow: true, timeoutMs: this.options.unbindTimeoutMs }, resolve, reject),
        );
      } catch (error) {
        this.options.logger.warn({ session: this.options.name, err: (error as Error).message }, 'unbind not acknowledged; closing anyway');
      }
      this.end('unbound');
    }
    await this.closed;
  }

  /**
   * Ends the connection after flushing what is already queued for writing, and destroys it if the
   * peer has not closed its side within `unbindTimeoutMs`.
   */
  end(reason: string): void {
    if (this.currentState === 'closed' || this.currentState === 'closing') return;
    this.closeReason ??= reason;
    this.currentState = 'closing';
    this.rejectQueued();
    this.stopKeepalive();
    this.endAfterFlush = true;
    this.scheduleFlush();
    this.endTimer = setTimeout(() => this.socket.destroy(), this.options.unbindTimeoutMs);
  }

  /** Drops the connection at once. Every pending request is rejected with CONNECTION_LOST. */
  close(reason = 'closed locally'): void {
    if (this.currentState === 'closed') return;
    this.closeReason ??= reason;
    this.socket.destroy();
    this.finish(this.closeReason);
  }

  // -------------------------------------------------------------------------------------------
  // Sending

  private allocateSequenceNumber(): number {
    // Wraps at 2^31-1 as the spec allows; skips numbers still awaiting a response.
    for (;;) {
      const sequenceNumber = this.nextSequenceNumber;
      this.nextSequenceNumber = sequenceNumber >= MAX_SEQUENCE_NUMBER ? 1 : sequenceNumber + 1;
      if (!this.pending.has(sequenceNumber)) return sequenceNumber;
    }
  }

  private transmit(pdu: OutgoingPdu, options: SendOptions, resolve: (pdu: ResponsePdu) => void, reject: (error: Error) => void, raw?: Buffer): void {
    const sequenceNumber = this.allocateSequenceNumber();
    const commandId = commandIdOf(pdu.command);
    try {
      if (raw) this.writeRaw(withSequenceNumber(raw, sequenceNumber));
      else this.write({ ...pdu, sequenceNumber } as EncodablePdu);
    } catch (error) {
      reject(error as Error);
      this.pumpQueue();
      return;
    }
    const timer = setTimeout(() => {
      this.settle(sequenceNumber);
      this.options.logger.warn(
        { session: this.options.name, command: pdu.command, seq: sequenceNumber, timeoutMs: options.timeoutMs },
        'SMPP response timed out',
      );
      reject(new SmppError('RESPONSE_TIMEOUT', `${pdu.command} seq ${sequenceNumber}: no response within ${options.timeoutMs} ms`, { retriable: true }));
    }, options.timeoutMs);
    this.pending.set(sequenceNumber, {
      command: pdu.command,
      expectedResponseId: responseCommandIdFor(commandId),
      countsAgainstWindow: !options.bypassWindow,
      timer,
      resolve,
      reject,
    });
    if (!options.bypassWindow) this.windowInUse++;
  }

  /** Removes a pending request and frees its window slot; the caller resolves or rejects it. */
  private settle(sequenceNumber: number): PendingRequest | undefined {
    const request = this.pending.get(sequenceNumber);
    if (request === undefined) return undefined;
    this.pending.delete(sequenceNumber);
    clearTimeout(request.timer);
    if (request.countsAgainstWindow) this.windowInUse--;
    this.pumpQueue();
    if (this.pending.size === 0) this.inFlightDrainWaiters.splice(0).forEach((wake) => wake());
    return request;
  }

  private pumpQueue(): void {
    while (this.currentState === 'open' && this.windowInUse < this.options.window && this.queue.length > 0) {
      // The head waits for its turn and, to keep the order, so does everything behind it.
      if (!this.paceAllows(this.queue[0].pdu)) return;
      const next = this.queue.shift() as QueuedRequest;
      this.transmit(next.pdu, { bypassWindow: false, timeoutMs: this.options.responseTimeoutMs }, next.resolve, next.reject, next.raw);
    }
  }

  /**
   * True when `pdu` may be sent now as far as the pacer goes, taking its slot; otherwise arms a
   * timer to pump the queue when the pacer allows the next send.
   */
  private paceAllows(pdu: OutgoingPdu): boolean {
    if (this.pacer === undefined || !PACED_COMMANDS.has(pdu.command)) return true;
    if (this.pacer.tryTake()) return true;
    if (this.pacingTimer === undefined) {
      // Timers tick in whole milliseconds: round up, never send early.
      this.pacingTimer = setTimeout(
        () => {
          this.pacingTimer = undefined;
          this.pumpQueue();
        },
        Math.max(1, Math.ceil(this.pacer.waitMs())),
      );
    }
    return false;
  }

  private inFlightDrained(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.inFlightDrainWaiters.push(resolve));
  }

  private rejectQueued(): void {
    for (const queued of this.queue.splice(0)) queued.reject(this.connectionLost(queued.pdu.command));
  }

  private connectionLost(command: string): SmppError {
    const reason = this.closeReason ?? (this.currentState === 'open' ? 'connection lost' : 'session is shutting down');
    return new SmppError('CONNECTION_LOST', `${command}: ${reason} before a response`, { retriable: true });
  }

  /** Encodes at once (so a bad PDU fails its caller) and coalesces the bytes into one write per tick. */
  private write(pdu: EncodablePdu): void {
    const bytes = encodePdu(pdu);
    if (this.currentState === 'closed' || this.socket.writableEnded || this.socket.destroyed) return;
    // While the socket drains, queued bytes may wait a while: keep a copy of their own rather than a
    // view that pins the encoder's pooled buffer (kilobytes behind a 16-octet generic_nack).
    this.outbox.push(this.waitingForDrain ? Buffer.from(bytes) : bytes);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.waitingForDrain) return;
    this.flushScheduled = true;
    process.nextTick(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.waitingForDrain || this.currentState === 'closed' || this.socket.destroyed || this.socket.writableEnded) return;
    if (this.outbox.length > 0) {
      const chunk = this.outbox.length === 1 ? this.outbox[0] : Buffer.concat(this.outbox);
      this.outbox = [];
      if (!this.socket.write(chunk)) {
        // The bytes are buffered by the socket; hold further writes until it has drained.
        this.waitingForDrain = true;
        return;
      }
    }
    if (this.endAfterFlush) this.socket.end();
  }

  private onDrain(): void {
    if (!this.waitingForDrain) return;
    this.waitingForDrain = false;
    this.flush();
    if (this.readingPaused && !this.waitingForDrain) {
      this.readingPaused = false;
      this.socket.resume();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Receiving

  private onData(chunk: Buffer): void {
    if (this.waitingForDrain && !this.readingPaused) {
      // More arrives while what we owe the peer still cannot be written. Every PDU read is answered,
      // so a peer that sends without reading would grow the outbox without bound: stop reading
      // until the socket drains (TCP then pushes back on the peer). This chunk's answers at most
      // wait here. A write that merely went over the high-water mark drains within a tick, before
      // the next chunk, so a peer that reads never sees a pause.
      this.readingPaused = true;
      this.socket.pause();
    }
    let frames: Buffer[];
    try {
      frames = this.framer.push(chunk);
    } catch (error) {
      if (!(error instanceof SmppDecodeError)) throw error;
      this.reportDecodeError(error);
      if (this.currentState !== 'closed' && this.currentState !== 'closing') {
        this.sendGenericNack(error.commandStatus, error.sequenceNumber ?? 0);
        this.end(`unrecoverable framing error: ${error.message}`);
      }
      return;
    }
    for (const frame of frames) {
      if (this.currentState === 'closed') return;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    this.keepaliveTimer?.refresh();
    let pdu: Pdu;
    try {
      pdu = decodePdu(frame, { maxPduLength: this.options.maxPduLength });
    } catch (error) {
      if (!(error instanceof SmppDecodeError)) throw error;
      this.onUndecodable(error);
      return;
    }
    if (isResponseCommandId(pdu.commandId)) {
      this.onResponse(pdu as ResponsePdu);
    } else {
      this.onRequest(pdu as RequestPdu);
    }
  }

  private onUndecodable(error: SmppDecodeError): void {
    this.reportDecodeError(error);
    const { commandId, sequenceNumber } = error;
    const command = commandId === undefined ? undefined : commandName(commandId);
    if (command !== undefined && sequenceNumber !== undefined && isResponseCommandId(commandId as number)) {
      // A garbled response: fail the request it answers rather than let it time out. Responses are
      // never answered, so no generic_nack.
      const request = this.settle(sequenceNumber);
      request?.reject(error);
      return;
    }
    if (command !== undefined && sequenceNumber !== undefined && command !== 'outbind' && command !== 'alert_notification') {
      // The header is sound and names a request we know; only its body cannot be read. generic_nack
      // is for a header that cannot be taken (SMPP 3.4, 4.3: a bad command_length, an unknown
      // command_id), so the request gets its own response with an error status, which the peer
      // settles its request with. The session reads on.
      this.respond({ command, sequenceNumber } as AnsweredRequestPdu, unreadableRequestStatus(command, error.commandStatus));
      return;
    }
    // No command we know, or one without a response: generic_nack is all there is.
    this.sendGenericNack(error.commandStatus, sequenceNumber ?? 0);
  }

  private reportDecodeError(error: SmppDecodeError): void {
    this.options.logger.warn(
      { session: this.options.name, seq: error.sequenceNumber, status: commandStatusName(error.commandStatus), err: error.message },
      'undecodable SMPP PDU',
    );
    if (this.listenerCount('decode-error') > 0) this.emit('decode-error', error);
  }

  private onResponse(pdu: ResponsePdu): void {
    const request = this.settle(pdu.sequenceNumber);
    if (request === undefined) {
      this.options.logger.warn(
        { session: this.options.name, command: pdu.command, seq: pdu.sequenceNumber, status: commandStatusName(pdu.commandStatus) },
        'SMPP response matches no pending request (late after a timeout?)',
      );
      return;
    }
    if (pdu.command === 'generic_nack') {
      request.reject(new SmppCommandError(request.command, pdu.commandStatus));
    } else if (pdu.commandId !== request.expectedResponseId) {
      request.reject(new SmppError('UNEXPECTED_RESPONSE', `${request.command} seq ${pdu.sequenceNumber} answered with ${describeCommandId(pdu.commandId)}`));
    } else if (pdu.commandStatus !== CommandStatus.ESME_ROK) {
      request.reject(new SmppCommandError(request.command, pdu.commandStatus));
    } else {
      request.resolve(pdu);
    }
  }

  private onRequest(pdu: RequestPdu): void {
    switch (pdu.command) {
      case 'enquire_link':
        this.respond(pdu, CommandStatus.ESME_ROK);
        return;
      case 'unbind':
        this.options.logger.info({ session: this.options.name }, 'peer unbound');
        this.respond(pdu, CommandStatus.ESME_ROK);
        this.end('peer unbound');
        return;
    }
    if (this.listenerCount('request') === 0) {
      this.answerUnhandled(pdu, CommandStatus.ESME_RSYSERR);
      return;
    }
    const answered = pdu.command !== 'outbind' && pdu.command !== 'alert_notification';
    if (answered) {
      if (this.peerInFlight.size >= this.options.maxPeerInFlight) {
        // The peer ignores its window: slow it down with the command's own response, not more work.
        this.respond(pdu, CommandStatus.ESME_RTHROTTLED);
        return;
      }
      this.peerInFlight.add(pdu.sequenceNumber);
    }
    try {
      this.emit('request', pdu);
    } catch (error) {
      this.options.logger.error({ session: this.options.name, command: pdu.command, err: (error as Error).message }, 'request listener threw');
      this.answerUnhandled(pdu, CommandStatus.ESME_RSYSERR);
    }
  }

  private answerUnhandled(pdu: RequestPdu, commandStatus: number): void {
    if (pdu.command === 'outbind' || pdu.command === 'alert_notification') return;
    this.respond(pdu, commandStatus);
  }

  // -------------------------------------------------------------------------------------------
  // Keepalive and teardown

  private onIdle(): void {
    if (this.currentState !== 'open' && this.currentState !== 'unbinding') return;
    this.keepaliveTimer?.refresh();
    if (this.keepaliveInFlight) return;
    this.keepaliveInFlight = true;
    const timeoutMs = this.options.enquireLinkTimeoutMs ?? this.options.responseTimeoutMs;
    new Promise<ResponsePdu>((resolve, reject) => this.transmit({ command: 'enquire_link' }, { bypassWindow: true, timeoutMs }, resolve, reject)).then(
      () => {
        this.keepaliveInFlight = false;
      },
      (error: SmppError) => {
        this.keepaliveInFlight = false;
        if (error.code === 'RESPONSE_TIMEOUT') {
          this.options.logger.warn({ session: this.options.name, timeoutMs }, 'no enquire_link_resp: peer presumed dead');
          this.close(`no enquire_link_resp within ${timeoutMs} ms; peer presumed dead`);
        }
      },
    );
  }

  private stopKeepalive(): void {
    if (this.keepaliveTimer) clearTimeout(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
  }

  private finish(reason: string): void {
    if (this.currentState === 'closed') return;
    this.closeReason ??= reason;
    this.currentState = 'closed';
    this.stopKeepalive();
    if (this.endTimer) clearTimeout(this.endTimer);
    if (this.pacingTimer) clearTimeout(this.pacingTimer);
    this.pacingTimer = undefined;
    this.outbox = [];
    const inFlight = [...this.pending.entries()];
    this.pending.clear();
    this.windowInUse = 0;
    this.peerInFlight.clear();
    for (const [, request] of inFlight) {
      clearTimeout(request.timer);
      request.reject(new SmppError('CONNECTION_LOST', `${request.command}: ${reason} before a response`, { retriable: true }));
    }
    this.rejectQueued();
    this.inFlightDrainWaiters.splice(0).forEach((wake) => wake());
    this.options.logger.info({ session: this.options.name, reason, rejected: inFlight.length }, 'SMPP connection closed');
    this.resolveClosed(reason);
    this.emit('close', reason);
  }
}

/** A copy of a hand-written PDU with `sequenceNumber` in its header. */
function withSequenceNumber(bytes: Buffer, sequenceNumber: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt32BE(sequenceNumber, 12);
  return copy;
}
