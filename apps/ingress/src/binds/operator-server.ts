import { randomUUID } from 'node:crypto';
import { isServerLink, OperatorBindGuard, type BindRefusalReason, type OperatorLink, type ServerOperatorLink } from '@parchee/config';
import { silentLogger, type Logger, type MetricsRegistry } from '@parchee/observability';
import { CommandId, CommandStatus, SmscServer, type BindDecision, type BindRequest, type DeliverSm, type SubmitSm, type SubmitSmResult } from '@parchee/smpp';

export interface OperatorServersOptions {
  /** All links; only server-mode ones get a server. */
  links: OperatorLink[];
  /** The same path a deliver_sm takes (MoAcceptor.accept): resolves with the status to answer. */
  onMo(operator: string, pdu: DeliverSm): Promise<number>;
  logger?: Logger;
  metrics?: MetricsRegistry;
  /** Connections that do not bind within this long are dropped. Default 30 000 ms. */
  bindTimeoutMs?: number;
}

/** The SMPP status a refused bind is answered with, by reason. */
export const BIND_REFUSAL_STATUS: Readonly<Record<BindRefusalReason, number>> = {
  ip_not_allowed: CommandStatus.ESME_RBINDFAIL,
  unknown_system_id: CommandStatus.ESME_RINVSYSID,
  wrong_password: CommandStatus.ESME_RINVPASWD,
};

/** esm_class bits that mean the same in submit_sm and deliver_sm (UDHI, reply path); the mode and type bits do not. */
const ESM_CLASS_GSM_FEATURES = 0xc0;

/**
 * An operator's submit_sm to our short code, seen as the deliver_sm its SMSC would have sent us in
 * client mode, so one acceptor serves both directions. Message mode and type bits are dropped:
 * in submit_sm they ask for store-and-forward or acknowledgements, in deliver_sm they would read
 * as a delivery receipt.
 */
export function submitSmAsMo(pdu: SubmitSm): DeliverSm {
  return {
    ...pdu,
    command: 'deliver_sm',
    commandId: CommandId.DELIVER_SM,
    esmClass: pdu.esmClass & ESM_CLASS_GSM_FEATURES,
    scheduleDeliveryTime: '',
    validityPeriod: '',
    registeredDelivery: 0,
    replaceIfPresentFlag: 0,
  };
}

/** Authenticates one bind to a server-mode link, logging and counting refusals (never the password). */
export function operatorBindAuthenticator(
  link: Pick<ServerOperatorLink, 'id' | 'systemId' | 'password' | 'allowedIps'>,
  direction: 'ingress' | 'egress',
  logger: Logger,
  onRefused: (operator: string, reason: BindRefusalReason) => void,
): (bind: BindRequest) => BindDecision {
  const guard = new OperatorBindGuard(link);
  return (bind) => {
    const verdict = guard.check(bind);
    if (verdict.ok) return { ok: true };
    onRefused(link.id, verdict.reason);
    logger.warn({ operator: link.id, direction, systemId: bind.systemId, bindType: bind.bindType, remoteAddress: bind.remoteAddress, reason: verdict.reason }, 'operator bind refused');
    return { ok: false, status: BIND_REFUSAL_STATUS[verdict.reason] };
  };
}

/**
 * The SMPP servers ingress hosts for server-mode links, one per link on `listen.ingressPort`: the
 * operator's ESME binds (transmitter or transceiver) and submits each MO as a submit_sm, which is
 * answered with a message id only once the MO is in Kafka.
 */
export class OperatorServers {
  private readonly servers = new Map<string, SmscServer>();
  private readonly logger: Logger;

  constructor(private readonly options: OperatorServersOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  get size(): number {
    return this.options.links.filter(isServerLink).length;
  }

  /** Starts listening on every server-mode link; resolves with the port each listens on. */
  async start(): Promise<Map<string, number>> {
    const refused = this.options.metrics?.counter('parchee_smpp_bind_refused_total', 'Binds to our SMPP servers refused, by operator and reason', ['operator', 'reason']);
    const sessions = this.options.metrics?.gauge('parchee_smpp_server_sessions', 'Operator binds to our SMPP servers, by operator and direction', ['operator', 'direction']);
    const ports = new Map<string, number>();
    for (const link of this.options.links.filter(isServerLink)) {
      const server = new SmscServer({
        host: link.listen.host,
        port: link.listen.ingressPort,
        tls: link.tlsCert && link.tlsKey ? { cert: link.tlsCert, key: link.tlsKey } : false,
        systemId: 'parchee',
        bindTimeoutMs: this.options.bindTimeoutMs,
        authenticate: operatorBindAuthenticator(link, 'ingress', this.logger, (operator, reason) => refused?.inc({ operator, reason })),
        sessionOptions: {
          window: link.window,
          responseTimeoutMs: link.responseTimeoutMs,
          enquireLinkIntervalMs: link.enquireLinkIntervalMs,
          name: `${link.id}/ingress-server`,
        },
        logger: this.logger,
      });
      server.on('error', (err) => this.logger.error({ operator: link.id, err: err.message }, 'ingress SMPP server error'));
      server.on('session', (session) => {
        session.setSubmitSmHandler((pdu) => this.acceptSubmitSm(link.id, pdu));
        sessions?.set({ operator: link.id, direction: 'ingress' }, server.sessions.size);
        session.once('close', () => sessions?.set({ operator: link.id, direction: 'ingress' }, server.sessions.size));
      });
      this.servers.set(link.id, server);
      const { port } = await server.listen();
      ports.set(link.id, port);
      this.logger.info({ operator: link.id, port, tls: Boolean(link.tlsCert) }, 'listening for the operator’s MO binds');
    }
    return ports;
  }

  /** Operators with at least one bound session. */
  boundOperators(): Set<string> {
    return new Set([...this.servers].filter(([, server]) => server.sessions.size > 0).map(([operator]) => operator));
  }

  /** Unbinds every operator session (bounded) and stops listening. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.servers.values()].map((server) => server.close()));
    this.servers.clear();
  }

  private async acceptSubmitSm(operator: string, pdu: SubmitSm): Promise<SubmitSmResult> {
    const status = await this.options.onMo(operator, submitSmAsMo(pdu));
    // The id names the MO to the operator; any one unique id will do, the MO carries its own.
    return status === CommandStatus.ESME_ROK ? { status, messageId: randomUUID() } : { status };
  }
}
