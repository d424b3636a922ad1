import { holdOperatorBinds, type BindBudget, type DeliverSm, type HeldOperatorBinds } from '@parchee/smpp';
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
  /**
   * A link's receiver binds as a budget shared with the other ingress replicas (SlotLeases in
   * libs/redis); none: this process opens all of them.
   */
  budget?: { of(link: string, size: number): BindBudget; renewMs: number; replicasHint: number };
}

/**
 * The receiving binds ingress holds to every client-mode operator's SMSC: `receiverBinds` per link,
 * or this replica's share of them when replicas share the link's bind budget.
 */
export class ReceiverBinds {
  private readonly held: Array<{ operator: string; binds: HeldOperatorBinds }> = [];

  constructor(private readonly options: ReceiverBindsOptions) {}

  async start(): Promise<void> {
    const { budget } = this.options;
    for (const link of this.options.links.filter(isClientLink)) {
      const binds = holdOperatorBinds({
        link,
        bindType: 'receiver',
        count: link.receiverBinds,
        transceiver: link.bindMode === 'transceiver',
        logger: this.options.logger,
        metrics: this.options.metrics,
        onClient: (client) => client.setDeliverSmHandler((pdu) => this.options.sink.accept(link.id, pdu as DeliverSm)),
        budget: budget?.of(`${link.id}:receiver`, link.receiverBinds),
        renewMs: budget?.renewMs,
        fallbackCount: budget ? Math.ceil(link.receiverBinds / budget.replicasHint) : undefined,
      });
      this.held.push({ operator: link.id, binds });
    }
    await Promise.all(this.held.map((h) => h.binds.start()));
  }

  /** Operators with at least one receiver bound. */
  boundOperators(): Set<string> {
    return new Set(this.held.filter((h) => h.binds.clients().some((c) => c.isBound)).map((h) => h.operator));
  }

  /** Every bind this replica holds is up (a replica whose budget gave it none is not waiting for any). */
  get allBound(): boolean {
    return this.held.every((h) => h.binds.clients().every((c) => c.isBound));
  }

  /** Unbinds gracefully so the SMSCs stop delivering and keep new MOs queued on their side, and gives the slots back. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.held.map((h) => h.binds.stop()));
  }
}
