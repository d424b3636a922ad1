import { startOperatorBinds, type DeliverSm, type EsmeClient } from '@parchee/smpp';
import { isClientLink, type OperatorLink } from '@parchee/config';
import type { Logger, MetricsRegistry } from '@parchee/observability';
import type { MoSink } from '../mo/mo-sink';

export interface ReceiverBindsOptions {
  links: OperatorLink[];
  logger: Logger;
  /** Where each bind's state is shown (`parchee_smpp_bind_up`, direction `receiver`). */
  metrics?: MetricsRegistry;
  /** Where each deliver_sm is handed (the MO path): its status is the deliver_sm_resp's. */
  sink: MoSink;
}

/** The receiving binds ingress holds to every client-mode operator's SMSC: `receiverBinds` per link. */
export class ReceiverBinds {
  private readonly clients: Array<{ operator: string; client: EsmeClient }> = [];

  constructor(private readonly options: ReceiverBindsOptions) {}

  start(): void {
    for (const link of this.options.links.filter(isClientLink)) {
      const clients = startOperatorBinds({
        link,
        bindType: 'receiver',
        count: link.receiverBinds,
        logger: this.options.logger,
        metrics: this.options.metrics,
        onClient: (client) => client.setDeliverSmHandler((pdu) => this.options.sink.accept(link.id, pdu as DeliverSm)),
      });
      for (const client of clients) this.clients.push({ operator: link.id, client });
    }
  }

  /** Operators with at least one receiver bound. */
  boundOperators(): Set<string> {
    return new Set(this.clients.filter((c) => c.client.isBound).map((c) => c.operator));
  }

  get allBound(): boolean {
    return this.clients.every((c) => c.client.isBound);
  }

  /** Unbinds gracefully so the SMSCs stop delivering and keep new MOs queued on their side. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.clients.map((c) => c.client.stop()));
  }
}
