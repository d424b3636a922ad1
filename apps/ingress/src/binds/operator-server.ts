import { randomUUID } from 'node:crypto';
import { isServerLink, OperatorBindGuard, type OperatorLink } from '@parchee/config';
import type { Logger, MetricsRegistry } from '@parchee/observability';
import { CommandId, CommandStatus, ESM_CLASS_GSM_FEATURES, OperatorServer, type DeliverSm, type SubmitSm, type SubmitSmResult } from '@parchee/smpp';
import type { MoSink } from '../mo/mo-sink';

export interface OperatorServersOptions {
  /** All links; only server-mode ones get a server. */
  links: OperatorLink[];
  /** Where each MO is handed, as the deliver_sm it stands for: the same sink the receiver binds hand theirs to. */
  sink: MoSink;
  logger?: Logger;
  metrics?: MetricsRegistry;
  /** Connections that do not bind within this long are dropped. Default 30 000 ms. */
  bindTimeoutMs?: number;
}

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

/**
 * The SMPP servers ingress hosts for server-mode links, one per link on `listen.ingressPort`: the
 * operator's ESME binds (transmitter or transceiver) and submits each MO as a submit_sm, which is
 * answered with a message id only once the MO is in Kafka.
 */
export class OperatorServers {
  private readonly servers = new Map<string, OperatorServer>();

  constructor(private readonly options: OperatorServersOptions) {}

  get size(): number {
    return this.options.links.filter(isServerLink).length;
  }

  /** Starts listening on every server-mode link; resolves with the port each listens on. */
  async start(): Promise<Map<string, number>> {
    const ports = new Map<string, number>();
    for (const link of this.options.links.filter(isServerLink)) {
      const server = new OperatorServer({
        link,
        direction: 'ingress',
        guard: new OperatorBindGuard(link),
        onSession: (session) => session.setSubmitSmHandler((pdu) => this.acceptSubmitSm(link.id, pdu)),
        logger: this.options.logger,
        metrics: this.options.metrics,
        bindTimeoutMs: this.options.bindTimeoutMs,
      });
      this.servers.set(link.id, server);
      ports.set(link.id, await server.listen());
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
    const status = await this.options.sink.accept(operator, submitSmAsMo(pdu));
    // The id names the MO to the operator; any one unique id will do, the MO carries its own.
    return status === CommandStatus.ESME_ROK ? { status, messageId: randomUUID() } : { status };
  }
}
