import type { MetricsRegistry } from '@parchee/observability';
import { CommandStatus } from '../codec/command-status';
import { silentSmppLogger, type SmppLogger } from '../session/smpp-logger';
import type { ServerSession } from './server-session';
import { SmscServer, type BindDecision, type BindRequest } from './smsc-server';

/**
 * Why a bind to a server-mode operator link was refused: the reasons OperatorBindGuard (libs/config)
 * gives, as plain strings because libs/smpp may not depend on libs/config. The compiler still ties
 * the two together: a guard that can answer a reason missing here does not fit OperatorBindCheck.
 */
export type OperatorBindRefusalReason = 'ip_not_allowed' | 'unknown_system_id' | 'wrong_password';

export type OperatorBindVerdict = { ok: true } | { ok: false; reason: OperatorBindRefusalReason };

/** Decides who may bind to one link; OperatorBindGuard in libs/config is one. */
export interface OperatorBindCheck {
  check(attempt: { systemId: string; password: string; remoteAddress: string }): OperatorBindVerdict;
}

/** The SMPP status a refused bind is answered with, by reason. */
export const BIND_REFUSAL_STATUS: Readonly<Record<OperatorBindRefusalReason, number>> = {
  ip_not_allowed: CommandStatus.ESME_RBINDFAIL,
  unknown_system_id: CommandStatus.ESME_RINVSYSID,
  wrong_password: CommandStatus.ESME_RINVPASWD,
};

/** ingress takes the operator's MOs (submit_sm), egress delivers our MTs to it (deliver_sm). */
export type OperatorServerDirection = 'ingress' | 'egress';

/** What the server needs of a server-mode link; ServerOperatorLink in libs/config is one. */
export interface OperatorServerLink {
  id: string;
  listen: { ingressPort: number; egressPort: number; host?: string };
  tlsCert?: string;
  tlsKey?: string;
  window: number;
  responseTimeoutMs: number;
  enquireLinkIntervalMs: number;
}

export interface OperatorServerOptions {
  link: OperatorServerLink;
  /** Picks the port (`listen.ingressPort` or `listen.egressPort`) and names logs, sessions and metrics. */
  direction: OperatorServerDirection;
  guard: OperatorBindCheck;
  /** Sets the handlers of a session the operator has just bound, before it can send anything. */
  onSession(session: ServerSession): void;
  logger?: SmppLogger;
  metrics?: MetricsRegistry;
  /** Connections that do not bind within this long are dropped. Default 30 000 ms. */
  bindTimeoutMs?: number;
}

export interface OperatorBindAuthenticatorOptions {
  operator: string;
  direction: OperatorServerDirection;
  guard: OperatorBindCheck;
  logger: SmppLogger;
  onRefused(reason: OperatorBindRefusalReason): void;
}

/** Decides one bind to a server-mode link, logging and counting refusals (never the password). */
export function operatorBindAuthenticator(options: OperatorBindAuthenticatorOptions): (bind: BindRequest) => BindDecision {
  const { operator, direction, guard, logger, onRefused } = options;
  return (bind) => {
    const verdict = guard.check(bind);
    if (verdict.ok) return { ok: true };
    onRefused(verdict.reason);
    logger.warn(
      { operator, direction, systemId: bind.systemId, bindType: bind.bindType, remoteAddress: bind.remoteAddress, reason: verdict.reason },
      'operator bind refused',
    );
    return { ok: false, status: BIND_REFUSAL_STATUS[verdict.reason] };
  };
}

/**
 * The SMPP server one service hosts for one server-mode operator link: it listens on the link's
 * port for this direction (over TLS when the link has a certificate and key), lets in only the binds
 * the guard accepts, and keeps `parchee_smpp_bind_refused_total` and `parchee_smpp_server_sessions`.
 * What a bound session may do is the caller's, through `onSession`.
 */
export class OperatorServer {
  readonly operator: string;
  private readonly server: SmscServer;
  private readonly logger: SmppLogger;

  constructor(private readonly options: OperatorServerOptions) {
    const { link, direction, metrics } = options;
    this.operator = link.id;
    this.logger = options.logger ?? silentSmppLogger;
    const refused = metrics?.counter('parchee_smpp_bind_refused_total', 'Binds to our SMPP servers refused, by operator and reason', ['operator', 'reason']);
    const sessions = metrics?.gauge('parchee_smpp_server_sessions', 'Operator binds to our SMPP servers, by operator and direction', ['operator', 'direction']);
    const server = new SmscServer({
      host: link.listen.host,
      port: direction === 'ingress' ? link.listen.ingressPort : link.listen.egressPort,
      tls: link.tlsCert && link.tlsKey ? { cert: link.tlsCert, key: link.tlsKey } : false,
      systemId: 'parchee',
      bindTimeoutMs: options.bindTimeoutMs,
      authenticate: operatorBindAuthenticator({
        operator: link.id,
        direction,
        guard: options.guard,
        logger: this.logger,
        onRefused: (reason) => refused?.inc({ operator: link.id, reason }),
      }),
      sessionOptions: {
        window: link.window,
        responseTimeoutMs: link.responseTimeoutMs,
        enquireLinkIntervalMs: link.enquireLinkIntervalMs,
        name: `${link.id}/${direction}-server`,
      },
      logger: this.logger,
    });
    server.on('error', (err) => this.logger.error({ operator: link.id, err: err.message }, `${direction} SMPP server error`));
    server.on('session', (session) => {
      options.onSession(session);
      sessions?.set({ operator: link.id, direction }, server.sessions.size);
      session.once('close', () => sessions?.set({ operator: link.id, direction }, server.sessions.size));
    });
    this.server = server;
  }

  /** The operator's bound sessions; connections that have not bound yet are not listed. */
  get sessions(): ReadonlySet<ServerSession> {
    return this.server.sessions;
  }

  /** Starts listening; resolves with the port (useful when the link says 0). */
  async listen(): Promise<number> {
    const { port } = await this.server.listen();
    const binds = this.options.direction === 'ingress' ? 'MO' : 'MT';
    this.logger.info({ operator: this.operator, port, tls: Boolean(this.options.link.tlsCert) }, `listening for the operator’s ${binds} binds`);
    return port;
  }

  /** Unbinds every operator session (bounded) and stops listening. */
  close(): Promise<void> {
    return this.server.close();
  }
}
