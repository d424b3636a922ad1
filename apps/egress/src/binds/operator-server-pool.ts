import { randomUUID } from 'node:crypto';
import { isServerLink, OperatorBindGuard, type BindRefusalReason, type OperatorLink, type ServerOperatorLink } from '@parchee/config';
import { silentLogger, type Logger, type MetricsRegistry } from '@parchee/observability';
import { CommandStatus, SmscServer, type BindDecision, type BindRequest, type SegmentationMode, type ServerSession } from '@parchee/smpp';
import type { Transmitter, TransmitterDirectory } from '../delivery/mt-sender';

export interface OperatorServerPoolOptions {
  /** All links; only server-mode ones get a server. */
  links: OperatorLink[];
  logger?: Logger;
  metrics?: MetricsRegistry;
  /** Connections that do not bind within this long are dropped. Default 30 000 ms. */
  bindTimeoutMs?: number;
}

/** The SMPP status a refused bind is answered with, by reason. */
const BIND_REFUSAL_STATUS: Readonly<Record<BindRefusalReason, number>> = {
  ip_not_allowed: CommandStatus.ESME_RBINDFAIL,
  unknown_system_id: CommandStatus.ESME_RINVSYSID,
  wrong_password: CommandStatus.ESME_RINVPASWD,
};

/** esm_class bits that mean the same in submit_sm and deliver_sm (UDHI, reply path); the mode and type bits do not. */
const ESM_CLASS_GSM_FEATURES = 0xc0;

type SubmitFields = Parameters<Transmitter['submitSm']>[0];

/**
 * One operator session that can take our MTs, seen as a Transmitter: each submit becomes a
 * deliver_sm. deliver_sm_resp carries no message id in SMPP 3.4 (the field is "unused"), so when
 * the operator leaves it empty we name the part ourselves; ids are for our ledger and logs only.
 */
class DeliveringSession implements Transmitter {
  constructor(private readonly session: ServerSession) {}

  get isBound(): boolean {
    return this.session.isOpen;
  }

  async submitSm(fields: SubmitFields): Promise<{ messageId: string }> {
    const resp = await this.session.deliverSm({
      sourceAddr: fields.sourceAddr,
      sourceAddrTon: fields.sourceAddrTon,
      sourceAddrNpi: fields.sourceAddrNpi,
      destinationAddr: fields.destinationAddr,
      destAddrTon: fields.destAddrTon,
      destAddrNpi: fields.destAddrNpi,
      // A delivery-receipt type bit here would make the operator read our reply as a receipt.
      esmClass: fields.esmClass & ESM_CLASS_GSM_FEATURES,
      dataCoding: fields.dataCoding,
      registeredDelivery: 0,
      shortMessage: fields.shortMessage,
      tlvs: fields.tlvs,
    });
    return { messageId: resp.messageId || `parchee-${randomUUID()}` };
  }
}

interface ServedLink {
  link: ServerOperatorLink;
  server: SmscServer;
  next: number;
}

/**
 * The SMPP servers egress hosts for server-mode links, one per link on `listen.egressPort`: the
 * operator binds a receiver (or transceiver) and our MTs reach it as deliver_sm, spread
 * round-robin over its bound sessions. A TransmitterDirectory for those links.
 */
export class OperatorServerPool implements TransmitterDirectory {
  private readonly served = new Map<string, ServedLink>();
  private readonly logger: Logger;

  constructor(options: OperatorServerPoolOptions) {
    this.logger = options.logger ?? silentLogger;
    const refused = options.metrics?.counter('parchee_smpp_bind_refused_total', 'Binds to our SMPP servers refused, by operator and reason', ['operator', 'reason']);
    const sessions = options.metrics?.gauge('parchee_smpp_server_sessions', 'Operator binds to our SMPP servers, by operator and direction', ['operator', 'direction']);
    for (const link of options.links.filter(isServerLink)) {
      const server = new SmscServer({
        host: link.listen.host,
        port: link.listen.egressPort,
        tls: link.tlsCert && link.tlsKey ? { cert: link.tlsCert, key: link.tlsKey } : false,
        systemId: 'parchee',
        bindTimeoutMs: options.bindTimeoutMs,
        authenticate: this.authenticator(link, (operator, reason) => refused?.inc({ operator, reason })),
        sessionOptions: {
          window: link.window,
          responseTimeoutMs: link.responseTimeoutMs,
          enquireLinkIntervalMs: link.enquireLinkIntervalMs,
          name: `${link.id}/egress-server`,
        },
        logger: this.logger,
      });
      server.on('error', (err) => this.logger.error({ operator: link.id, err: err.message }, 'egress SMPP server error'));
      server.on('session', (session) => {
        // MOs go to the ingress port; this port only delivers our MTs.
        session.setSubmitSmHandler(async () => ({ status: CommandStatus.ESME_RINVBNDSTS }));
        sessions?.set({ operator: link.id, direction: 'egress' }, server.sessions.size);
        session.once('close', () => sessions?.set({ operator: link.id, direction: 'egress' }, server.sessions.size));
      });
      this.served.set(link.id, { link, server, next: 0 });
    }
  }

  /** Starts listening on every server-mode link; resolves with the port each listens on. */
  async start(): Promise<Map<string, number>> {
    const ports = new Map<string, number>();
    for (const [operator, { link, server }] of this.served) {
      const { port } = await server.listen();
      ports.set(operator, port);
      this.logger.info({ operator, port, tls: Boolean(link.tlsCert) }, 'listening for the operator’s MT binds');
    }
    return ports;
  }

  knows(operator: string): boolean {
    return this.served.has(operator);
  }

  segmentation(operator: string): SegmentationMode {
    return this.served.get(operator)?.link.segmentation ?? 'udh8';
  }

  pick(operator: string): Transmitter | null {
    const entry = this.served.get(operator);
    if (!entry) return null;
    const receivers = [...entry.server.sessions].filter((s) => s.isOpen && s.bindType !== 'transmitter');
    if (receivers.length === 0) return null;
    const session = receivers[entry.next % receivers.length];
    entry.next = (entry.next + 1) % receivers.length;
    return new DeliveringSession(session);
  }

  /** Unbinds every operator session (bounded) and stops listening. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.served.values()].map(({ server }) => server.close()));
  }

  private authenticator(link: ServerOperatorLink, onRefused: (operator: string, reason: BindRefusalReason) => void): (bind: BindRequest) => BindDecision {
    const guard = new OperatorBindGuard(link);
    return (bind) => {
      const verdict = guard.check(bind);
      if (verdict.ok) return { ok: true };
      onRefused(link.id, verdict.reason);
      this.logger.warn({ operator: link.id, direction: 'egress', systemId: bind.systemId, bindType: bind.bindType, remoteAddress: bind.remoteAddress, reason: verdict.reason }, 'operator bind refused');
      return { ok: false, status: BIND_REFUSAL_STATUS[verdict.reason] };
    };
  }
}
