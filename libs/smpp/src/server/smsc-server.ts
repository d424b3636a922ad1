import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { BindType, bindTypeOf } from '../codec/bind-type';
import { CommandStatus, commandStatusName } from '../codec/command-status';
import { SMPP_INTERFACE_VERSION_34 } from '../codec/field-values';
import type { BindReceiver, BindTransceiver, BindTransmitter, RequestPdu } from '../codec/pdu';
import { createTlv } from '../codec/tlv';
import { TlvTag } from '../codec/tlv-tag';
import { silentSmppLogger, SmppLogger } from '../session/smpp-logger';
import { SmppSession } from '../session/smpp-session';
import type { SmppSessionOptions } from '../session/smpp-session-options';
import { ServerSession } from './server-session';

/** What the server knows about a bind attempt when it asks whether to accept it. */
export interface BindRequest {
  systemId: string;
  password: string;
  systemType: string;
  bindType: BindType;
  remoteAddress: string;
}

/** Accept (optionally naming the SMSC in bind_resp) or refuse with a status such as ESME_RINVPASWD. */
export type BindDecision = { ok: true; systemId?: string } | { ok: false; status: number };

export interface SmscServerOptions {
  /** Interface to listen on. Default: all interfaces. */
  host?: string;
  /** TCP port; 0 picks a free one (see the result of `listen()`). */
  port: number;
  /** TLS server options (key, cert...) to serve SMPP over TLS; false or absent for plain TCP. */
  tls?: tls.TlsOptions | false;
  /** Decides every bind. A throw or rejection refuses the bind with ESME_RBINDFAIL. */
  authenticate(bind: BindRequest): BindDecision | Promise<BindDecision>;
  /** Timers and limits for every connection (window, responseTimeoutMs, enquireLinkIntervalMs...). */
  sessionOptions?: Partial<SmppSessionOptions>;
  logger?: SmppLogger;
  /** system_id the server reports in bind_resp unless `authenticate` names another. Default 'SMSC'. */
  systemId?: string;
  /** A connection that has not bound within this long is dropped. Default 30 000 ms. */
  bindTimeoutMs?: number;
}

export interface BindFailure {
  systemId: string;
  remoteAddress: string;
  status: number;
}

export interface SmscServerEvents {
  /** A bind was accepted; set handlers on the session here, before any request can arrive. */
  session: [session: ServerSession];
  'bind-failed': [failure: BindFailure];
  /** Listener errors. Only emitted when someone listens. */
  error: [error: Error];
}

type BindPdu = BindReceiver | BindTransmitter | BindTransceiver;

/** Where one connection stands on its way to a bind. */
interface ConnectionState {
  remoteAddress: string;
  binding: boolean;
  bound?: ServerSession;
  bindTimer: NodeJS.Timeout;
}

const DEFAULT_BIND_TIMEOUT_MS = 30_000;

/**
 * The SMSC side of SMPP: accepts TCP or TLS connections, authenticates binds, and hands each bound
 * ESME over as a ServerSession. Requests before a bind are refused with ESME_RINVBNDSTS, a second
 * bind with ESME_RALYBND.
 */
export class SmscServer extends EventEmitter<SmscServerEvents> {
  private readonly options: SmscServerOptions;
  private readonly logger: SmppLogger;
  private readonly server: net.Server;
  private readonly connections = new Map<SmppSession, ConnectionState>();
  private readonly boundSessions = new Set<ServerSession>();
  private listening = false;

  constructor(options: SmscServerOptions) {
    super();
    this.options = options;
    this.logger = options.logger ?? silentSmppLogger;
    if (options.tls) {
      const server = tls.createServer(options.tls, (socket) => this.accept(socket));
      server.on('tlsClientError', (error) => this.logger.warn({ err: error.message }, 'TLS handshake with an SMPP client failed'));
      this.server = server;
    } else {
      this.server = net.createServer((socket) => this.accept(socket));
    }
    this.server.on('error', (error) => {
      this.logger.error({ err: error.message }, 'SMPP server error');
      if (this.listenerCount('error') > 0) this.emit('error', error);
    });
  }

  /** Bound sessions only; connections that have not bound yet are not listed. */
  get sessions(): ReadonlySet<ServerSession> {
    return this.boundSessions;
  }

  /** Starts listening; resolves with the actual port (useful with port 0). */
  listen(): Promise<{ port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        this.listening = true;
        const address = this.server.address() as net.AddressInfo;
        this.logger.info({ port: address.port, tls: Boolean(this.options.tls) }, 'SMPP server listening');
        resolve({ port: address.port });
      });
    });
  }

  /** Stops accepting connections, unbinds every bound session (bounded), drops the rest, and resolves once all are closed. */
  async close(): Promise<void> {
    const serverClosed = this.listening ? new Promise<void>((resolve) => this.server.close(() => resolve())) : Promise.resolve();
    this.listening = false;
    const connections = [...this.connections.entries()];
    await Promise.all(
      connections.map(([connection, state]) => {
        if (state.bound) return state.bound.unbind();
        connection.close('server closing');
        return connection.closed;
      }),
    );
    await serverClosed;
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const remoteAddress = socket.remoteAddress ?? 'unknown';
    const connection = new SmppSession(socket, {
      ...this.options.sessionOptions,
      logger: this.options.sessionOptions?.logger ?? this.logger,
      name: this.options.sessionOptions?.name ?? `esme@${remoteAddress}`,
    });
    connection.on('error', () => undefined);
    const state: ConnectionState = {
      remoteAddress,
      binding: false,
      bindTimer: setTimeout(() => {
        this.logger.warn({ remoteAddress }, 'SMPP client did not bind in time');
        connection.close('no bind in time');
      }, this.options.bindTimeoutMs ?? DEFAULT_BIND_TIMEOUT_MS),
    };
    this.connections.set(connection, state);

    connection.on('request', (pdu: RequestPdu) => {
      if (state.bound) {
        state.bound.handleRequest(pdu);
        return;
      }
      const bindType = bindTypeOf(pdu.command);
      if (bindType !== undefined) {
        if (state.binding) {
          connection.respond(pdu as BindPdu, CommandStatus.ESME_RALYBND);
          return;
        }
        state.binding = true;
        void this.bind(connection, state, pdu as BindPdu, bindType).finally(() => {
          state.binding = false;
        });
        return;
      }
      if (pdu.command === 'outbind' || pdu.command === 'alert_notification') {
        connection.sendGenericNack(CommandStatus.ESME_RINVBNDSTS, pdu.sequenceNumber);
      } else {
        connection.respond(pdu, CommandStatus.ESME_RINVBNDSTS);
      }
    });
    connection.once('close', () => {
      clearTimeout(state.bindTimer);
      this.connections.delete(connection);
      if (state.bound) this.boundSessions.delete(state.bound);
    });
  }

  private async bind(connection: SmppSession, state: ConnectionState, pdu: BindPdu, bindType: BindType): Promise<void> {
    const { remoteAddress } = state;
    let decision: BindDecision;
    try {
      decision = await this.options.authenticate({
        systemId: pdu.systemId,
        password: pdu.password,
        systemType: pdu.systemType,
        bindType,
        remoteAddress,
      });
    } catch (error) {
      this.logger.error({ systemId: pdu.systemId, err: (error as Error).message }, 'authenticate threw; refusing the bind');
      decision = { ok: false, status: CommandStatus.ESME_RBINDFAIL };
    }
    if (connection.state !== 'open') return;

    if (!decision.ok) {
      const status = decision.status === CommandStatus.ESME_ROK ? CommandStatus.ESME_RBINDFAIL : decision.status;
      this.logger.warn({ systemId: pdu.systemId, remoteAddress, status: commandStatusName(status) }, 'SMPP bind refused');
      connection.respond(pdu, status);
      // No second chance on the same connection: the client reconnects, which rate-limits guessing.
      connection.end('bind refused');
      this.emit('bind-failed', { systemId: pdu.systemId, remoteAddress, status });
      return;
    }

    const session = new ServerSession(connection, { systemId: pdu.systemId, bindType, remoteAddress }, this.logger);
    state.bound = session;
    clearTimeout(state.bindTimer);
    this.boundSessions.add(session);
    this.logger.info({ systemId: pdu.systemId, bindType, remoteAddress }, 'SMPP client bound');
    try {
      // Listeners attach their handlers synchronously here, before bind_resp lets the ESME send anything.
      this.emit('session', session);
    } catch (error) {
      this.logger.error({ systemId: pdu.systemId, err: (error as Error).message }, "a 'session' listener threw");
    }
    connection.respond(pdu, CommandStatus.ESME_ROK, {
      systemId: decision.systemId ?? this.options.systemId ?? 'SMSC',
      tlvs: [createTlv(TlvTag.sc_interface_version, SMPP_INTERFACE_VERSION_34)],
    });
  }
}
