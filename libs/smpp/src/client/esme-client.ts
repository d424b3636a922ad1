import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { bindCommandFor, BindType } from '../codec/bind-type';
import { CommandStatus, commandStatusName } from '../codec/command-status';
import { SMPP_INTERFACE_VERSION_34 } from '../codec/field-values';
import type { AlertNotification, AnsweredRequestCommand, DataSm, DeliverSm, RequestPdu, ResponsePdu, SubmitSmResp } from '../codec/pdu';
import { dataSmAsDeliverSm, submitSmBody, SubmitSmFields } from '../codec/pdu-defaults';
import { SmppCommandError } from '../errors/smpp-command-error';
import { SmppError } from '../errors/smpp-error';
import { silentSmppLogger, SmppLogger } from '../session/smpp-logger';
import { OutgoingRequest, SmppSession, type SmppSocket } from '../session/smpp-session';
import type { SmppSessionOptions } from '../session/smpp-session-options';
import { authFailureDelayMs, reconnectDelayMs, ReconnectOptions, resolveReconnectOptions } from './reconnect-backoff';

export interface EsmeClientOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  /** system_type sent in the bind; some operators require one. Default ''. */
  systemType?: string;
  bindType: BindType;
  /** addr_ton, addr_npi and address_range of the bind (which MO numbers to route to us). Default 0, 0, ''. */
  addrTon?: number;
  addrNpi?: number;
  addressRange?: string;
  /** Most submit_sm awaiting submit_sm_resp at once. Default 10. */
  window?: number;
  /** Wait for any response, the bind_resp included. Default 10 000 ms. */
  responseTimeoutMs?: number;
  /** enquire_link after this long without traffic from the SMSC; 0 disables. Default 30 000 ms. */
  enquireLinkIntervalMs?: number;
  /** TCP (and TLS) connect must complete within this. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Backoff between attempts, how long a bind must stay up to reset it, and the wait after refused credentials. */
  reconnect?: ReconnectOptions;
  /**
   * Most submit_sm and data_sm per second on this bind, for operators that cap each bind besides
   * the link's total: sent one every 1/rate s, the rest waiting in order in the session's queue
   * (bounded by `sessionOptions.maxQueued`). Default: no cap.
   */
  maxSubmitPerSecond?: number;
  /** TLS options to connect with TLS; false or absent for plain TCP. */
  tls?: tls.ConnectionOptions | false;
  logger?: SmppLogger;
  /** Names the bind in logs, e.g. the operator id. Default `${systemId}@${host}:${port}`. */
  name?: string;
  /** Any other session setting (unbindTimeoutMs, maxQueued, maxPduLength...). */
  sessionOptions?: Partial<SmppSessionOptions>;
  /**
   * Opens the connection instead of TCP (or TLS) to host:port; the stream must emit 'connect' once
   * usable. Unit tests hand in one end of an in-memory pair.
   */
  openSocket?: () => SmppSocket;
}

/**
 * Bind refusals that say the SMSC does not accept our credentials. Retrying them at the fast
 * backoff cannot help and may get the account locked. ESME_RBINDFAIL is not among them: SMSCs
 * answer it for "too many binds" too (Jasmin does), which is what a restarted service meets while
 * the SMSC still counts its predecessor's binds; that clears in seconds and takes the growing
 * backoff (1 s up to 60 s), not the credentials' 5 minutes.
 */
export const BIND_CREDENTIAL_STATUSES: ReadonlySet<number> = new Set<number>([
  CommandStatus.ESME_RINVPASWD,
  CommandStatus.ESME_RINVSYSID,
  CommandStatus.ESME_RINVSYSTYP,
]);

/**
 * Handles one incoming deliver_sm and resolves with the command_status to answer: 0 (ESME_ROK) once
 * the message is safely stored, or an error status. A rejection is answered with ESME_RX_T_APPN so
 * the SMSC redelivers later.
 *
 * A data_sm arrives here too, seen as a deliver_sm (see `dataSmAsDeliverSm`): its text is in the
 * message_payload TLV with an empty shortMessage, and `commandId` stays CommandId.DATA_SM.
 */
export type DeliverSmHandler = (pdu: DeliverSm) => Promise<number>;

export interface EsmeClientEvents {
  bound: [];
  unbound: [reason: string];
  /** Connection, bind and socket failures. Only emitted when someone listens. */
  error: [error: Error];
  /** A reconnect has been scheduled. */
  reconnecting: [info: { attempt: number; delayMs: number; reason: string }];
  /**
   * The SMSC answered the bind with an error status. `credentials` is true for the statuses in
   * BIND_CREDENTIAL_STATUSES: the next attempt then waits `reconnect.authFailureDelayMs`.
   */
  bind_refused: [info: { status: number; credentials: boolean }];
  alert_notification: [pdu: AlertNotification];
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * An ESME bind to one SMSC that stays up on its own: it connects, binds, and after any drop or
 * failed bind reconnects with exponential backoff and jitter until `stop()`. The backoff starts
 * over only once a bind has stayed up `reconnect.backoffResetAfterMs`; refused credentials wait
 * `reconnect.authFailureDelayMs` instead. Incoming deliver_sm/data_sm go to one handler and are
 * acknowledged only when its promise settles.
 */
export class EsmeClient extends EventEmitter<EsmeClientEvents> {
  private readonly options: EsmeClientOptions;
  private readonly logger: SmppLogger;
  private readonly name: string;
  private running = false;
  private bound = false;
  private attempt = 0;
  /** When the current bind came up (performance.now()), to tell a lasting bind from one dropped at once. */
  private boundAt = 0;
  /** Consecutive refusals of our credentials; 0 outside such an episode. */
  private credentialRefusals = 0;
  /** The last bind attempt was refused for its credentials: the next one waits the long delay. */
  private credentialsRefused = false;
  private session?: SmppSession;
  private connectingSocket?: SmppSocket;
  private reconnectTimer?: NodeJS.Timeout;
  private handler?: DeliverSmHandler;
  private readonly handlersInFlight = new Set<Promise<void>>();

  constructor(options: EsmeClientOptions) {
    super();
    this.options = options;
    this.logger = options.logger ?? silentSmppLogger;
    this.name = options.name ?? `${options.systemId}@${options.host}:${options.port}`;
  }

  get isBound(): boolean {
    return this.bound;
  }

  /** Requests awaiting a response plus those waiting for the window, on the current connection. */
  get pendingRequests(): number {
    return (this.session?.inFlightCount ?? 0) + (this.session?.queuedCount ?? 0);
  }

  /** Connects and binds; keeps doing so after every drop until `stop()`. Calling it twice is harmless. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.credentialRefusals = 0;
    this.credentialsRefused = false;
    this.connect();
  }

  /**
   * Stops reconnecting, lets in-flight deliver_sm handlers answer, unbinds and closes. Bounded by
   * the session's unbindTimeoutMs (and the response timeout for in-flight requests).
   */
  async stop(): Promise<void> {
    this.running = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const connecting = this.connectingSocket;
    if (connecting && !connecting.destroyed) {
      const closed = new Promise((resolve) => connecting.once('close', resolve));
      connecting.destroy();
      await closed;
    }
    const session = this.session;
    if (session === undefined) return;
    if (this.bound) {
      await this.handlersSettled(session.options.unbindTimeoutMs);
      await session.unbind();
    } else {
      session.close('client stopped');
      await session.closed;
    }
  }

  /** Sends a submit_sm with defaults for every field not given. Rejects at once with 'NOT_BOUND' when not bound. */
  submitSm(fields: SubmitSmFields): Promise<SubmitSmResp> {
    if (this.options.bindType === 'receiver') {
      return Promise.reject(new SmppError('INVALID_BIND_TYPE', `${this.name}: a receiver bind cannot submit_sm`));
    }
    return this.request<SubmitSmResp>({ command: 'submit_sm', ...submitSmBody(fields) });
  }

  /** Sends any request over the bind and resolves with its response. */
  request<T extends ResponsePdu = ResponsePdu>(pdu: OutgoingRequest): Promise<T> {
    const session = this.session;
    if (!this.bound || session === undefined) {
      return Promise.reject(new SmppError('NOT_BOUND', `${this.name}: not bound`, { retriable: true }));
    }
    return session.request(pdu as OutgoingRequest<AnsweredRequestCommand> & { command: AnsweredRequestCommand }) as Promise<ResponsePdu> as Promise<T>;
  }

  /**
   * Sets the handler for incoming deliver_sm and data_sm. Handler calls run concurrently; each PDU
   * is answered on the connection it arrived on once its handler settles. Without a handler every
   * message is answered ESME_RX_T_APPN (temporary), so the SMSC keeps it for later.
   */
  setDeliverSmHandler(handler: DeliverSmHandler): void {
    this.handler = handler;
  }

  // -------------------------------------------------------------------------------------------

  private connect(): void {
    this.reconnectTimer = undefined;
    if (!this.running) return;
    const { host, port } = this.options;
    const tlsOptions = this.options.tls;
    const openSocket = this.options.openSocket;
    const socket = openSocket ? openSocket() : tlsOptions ? tls.connect({ ...tlsOptions, host, port }) : net.connect({ host, port });
    const connectEvent = tlsOptions && !openSocket ? 'secureConnect' : 'connect';
    this.connectingSocket = socket;
    let failure: Error | undefined;
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      socket.destroy(new SmppError('CONNECT_TIMEOUT', `${this.name}: no connection within ${timeoutMs} ms`, { retriable: true }));
    }, timeoutMs);
    const onError = (error: Error): void => {
      failure = error;
    };
    const onClose = (): void => {
      clearTimeout(timer);
      this.connectingSocket = undefined;
      if (!this.running) return;
      const reason = `connect failed: ${failure?.message ?? 'connection closed'}`;
      this.logger.warn({ session: this.name, err: failure?.message }, 'SMPP connect failed');
      this.emitError(failure ?? new SmppError('CONNECTION_LOST', `${this.name}: ${reason}`, { retriable: true }));
      this.scheduleReconnect(reason);
    };
    socket.on('error', onError);
    socket.once('close', onClose);
    socket.once(connectEvent, () => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.off('close', onClose);
      this.connectingSocket = undefined;
      if (socket instanceof net.Socket) {
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 30_000);
      }
      void this.bind(socket);
    });
  }

  private async bind(socket: SmppSocket): Promise<void> {
    const { window, responseTimeoutMs, enquireLinkIntervalMs, maxSubmitPerSecond } = this.options;
    const topLevel = Object.entries({ window, responseTimeoutMs, enquireLinkIntervalMs, maxSubmitPerSecond }).filter(([, value]) => value !== undefined);
    const session = new SmppSession(socket, {
      ...this.options.sessionOptions,
      ...Object.fromEntries(topLevel),
      logger: this.logger,
      name: this.name,
    });
    this.session = session;
    session.on('request', (pdu) => this.onRequest(session, pdu));
    session.on('error', (error) => this.emitError(error));
    session.on('close', (reason) => this.onSessionClose(session, reason));
    if (!this.running) {
      session.close('client stopped');
      return;
    }

    const command = bindCommandFor(this.options.bindType);
    try {
      const response = await session.request({
        command,
        systemId: this.options.systemId,
        password: this.options.password,
        systemType: this.options.systemType ?? '',
        interfaceVersion: SMPP_INTERFACE_VERSION_34,
        addrTon: this.options.addrTon ?? 0,
        addrNpi: this.options.addrNpi ?? 0,
        addressRange: this.options.addressRange ?? '',
      });
      if (this.session !== session || !session.isOpen) return;
      this.bound = true;
      this.boundAt = performance.now();
      if (this.credentialRefusals > 0) {
        this.logger.info({ session: this.name, refusals: this.credentialRefusals }, 'SMPP bind accepted again after refused credentials');
        this.credentialRefusals = 0;
      }
      this.logger.info({ session: this.name, bindType: this.options.bindType, smsc: response.systemId }, 'SMPP bound');
      this.emit('bound');
      if (!this.running) {
        await session.unbind();
      }
    } catch (error) {
      if (!this.running) return;
      if (error instanceof SmppCommandError) {
        this.onBindRefused(error.commandStatus);
        this.emitError(new SmppCommandError(command, error.commandStatus, 'BIND_FAILED'));
      } else {
        this.logger.warn({ session: this.name, err: (error as Error).message }, 'SMPP bind failed');
        this.emitError(error as Error);
      }
      session.close('bind failed');
    }
  }

  /**
   * A refusal of our credentials is logged at error level once per episode (a run of such
   * refusals that ends with a bind), with the system_id and never the password.
   */
  private onBindRefused(status: number): void {
    const statusName = commandStatusName(status);
    const credentials = BIND_CREDENTIAL_STATUSES.has(status);
    if (!credentials) {
      this.logger.warn({ session: this.name, status: statusName }, 'SMPP bind rejected');
    } else {
      this.credentialsRefused = true;
      const retryEveryMs = resolveReconnectOptions(this.options.reconnect).authFailureDelayMs;
      const fields = { session: this.name, systemId: this.options.systemId, status: statusName, retryEveryMs };
      if (this.credentialRefusals++ === 0) {
        this.logger.error(fields, 'SMPP bind refused: the SMSC does not accept our credentials; retrying at the auth-failure delay');
      } else {
        this.logger.info({ ...fields, refusals: this.credentialRefusals }, 'SMPP bind still refused for its credentials');
      }
    }
    this.emit('bind_refused', { status, credentials });
  }

  private onSessionClose(session: SmppSession, reason: string): void {
    if (this.session !== session) return;
    this.session = undefined;
    const wasBound = this.bound;
    this.bound = false;
    if (wasBound) {
      // Only a bind that lasted restarts the backoff: one the SMSC drops at once counts as a failure.
      if (performance.now() - this.boundAt >= resolveReconnectOptions(this.options.reconnect).backoffResetAfterMs) this.attempt = 0;
      this.logger.warn({ session: this.name, reason }, 'SMPP unbound');
      this.emit('unbound', reason);
    }
    if (this.running) this.scheduleReconnect(reason);
  }

  private scheduleReconnect(reason: string): void {
    if (!this.running || this.reconnectTimer) return;
    const attempt = this.attempt++;
    const credentialsRefused = this.credentialsRefused;
    this.credentialsRefused = false;
    const delayMs = credentialsRefused ? authFailureDelayMs(this.options.reconnect) : reconnectDelayMs(attempt, this.options.reconnect);
    this.logger.info({ session: this.name, attempt, delayMs, reason }, 'SMPP reconnect scheduled');
    this.emit('reconnecting', { attempt, delayMs, reason });
    this.reconnectTimer = setTimeout(() => this.connect(), delayMs);
  }

  private onRequest(session: SmppSession, pdu: RequestPdu): void {
    switch (pdu.command) {
      case 'deliver_sm':
      case 'data_sm':
        this.handleMessage(session, pdu);
        return;
      case 'alert_notification':
        this.emit('alert_notification', pdu);
        return;
      case 'outbind':
        this.logger.warn({ session: this.name }, 'outbind received on a bound connection; ignored');
        return;
      default:
        // bind_*, submit_sm and the like are for an SMSC to receive, not an ESME.
        session.respond(pdu, CommandStatus.ESME_RINVCMDID);
    }
  }

  private handleMessage(session: SmppSession, pdu: DeliverSm | DataSm): void {
    const handler = this.handler;
    if (handler === undefined) {
      session.respond(pdu, CommandStatus.ESME_RX_T_APPN);
      return;
    }
    const task = (async (): Promise<void> => {
      let status: number;
      try {
        status = await handler(pdu.command === 'data_sm' ? dataSmAsDeliverSm(pdu) : pdu);
        if (!Number.isInteger(status) || status < 0 || status > 0xffffffff) {
          this.logger.error({ session: this.name, status }, 'deliver_sm handler returned an invalid command_status');
          status = CommandStatus.ESME_RX_T_APPN;
        }
      } catch (error) {
        this.logger.warn({ session: this.name, seq: pdu.sequenceNumber, err: (error as Error).message }, 'deliver_sm handler failed; answering ESME_RX_T_APPN');
        status = CommandStatus.ESME_RX_T_APPN;
      }
      session.respond(pdu, status);
    })();
    this.handlersInFlight.add(task);
    void task.finally(() => this.handlersInFlight.delete(task));
  }

  private async handlersSettled(timeoutMs: number): Promise<void> {
    if (this.handlersInFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.handlersInFlight]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private emitError(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}
