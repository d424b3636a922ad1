import { isClientLink, type ClientOperatorLink, type OperatorLink } from '@parchee/config';
import type { Logger, MetricsRegistry } from '@parchee/observability';
import { holdOperatorBinds, type BindBudget, type DeliverSm, type EsmeClient, type HeldOperatorBinds, type SegmentationMode } from '@parchee/smpp';
import type { Transmitter, TransmitterDirectory } from '../delivery/mt-sender';
import { DEFAULT_SUBMIT_PROFILE, resolveSubmitProfile, type SubmitProfile } from '../delivery/submit-profile';

/** A link's transmitter binds as a budget shared with the other egress replicas (SlotLeases in libs/redis). */
export interface TransmitterBudget {
  of(link: string, size: number): BindBudget;
  renewMs: number;
  replicasHint: number;
}

interface Entry {
  link: ClientOperatorLink;
  profile: SubmitProfile;
  binds?: HeldOperatorBinds;
  next: number;
}

/**
 * The sending binds egress holds: `transmitterBinds` per client-mode operator link (or this
 * replica's share of them, with a budget), used round-robin.
 */
export class TransmitterPool implements TransmitterDirectory {
  private readonly byOperator = new Map<string, Entry>();

  constructor(
    links: OperatorLink[],
    private readonly logger: Logger,
    /** Where each bind's state is shown (`parchee_smpp_bind_up`, direction `transmitter`). */
    private readonly metrics?: MetricsRegistry,
    private readonly budget?: TransmitterBudget,
    /** Takes what arrives on the binds of `bindMode: transceiver` links (their receipts). */
    private readonly deliveries?: { accept(operator: string, pdu: DeliverSm): Promise<number> },
  ) {
    // Server-mode links are served by OperatorServerPool; this pool does not know them.
    for (const link of links.filter(isClientLink)) this.byOperator.set(link.id, { link, profile: resolveSubmitProfile(link), next: 0 });
  }

  async start(): Promise<void> {
    const { budget } = this;
    for (const entry of this.byOperator.values()) {
      const size = entry.link.transmitterBinds;
      entry.binds = holdOperatorBinds({
        link: entry.link,
        bindType: 'transmitter',
        count: size,
        logger: this.logger,
        metrics: this.metrics,
        budget: budget?.of(`${entry.link.id}:transmitter`, size),
        transceiver: entry.link.bindMode === 'transceiver',
        onClient: (client) => {
          const { deliveries } = this;
          const operator = entry.link.id;
          if (deliveries && entry.link.bindMode === 'transceiver') client.setDeliverSmHandler((pdu) => deliveries.accept(operator, pdu as DeliverSm));
        },
        renewMs: budget?.renewMs,
        fallbackCount: budget ? Math.ceil(size / budget.replicasHint) : undefined,
      });
    }
    await Promise.all([...this.byOperator.values()].map((e) => e.binds?.start()));
  }

  private clientsOf(entry: Entry): EsmeClient[] {
    return entry.binds?.clients() ?? [];
  }

  knows(operator: string): boolean {
    return this.byOperator.has(operator);
  }

  segmentation(operator: string): SegmentationMode {
    return this.byOperator.get(operator)?.link.segmentation ?? 'udh8';
  }

  profile(operator: string): SubmitProfile {
    return this.byOperator.get(operator)?.profile ?? DEFAULT_SUBMIT_PROFILE;
  }

  pick(operator: string): Transmitter | null {
    const entry = this.byOperator.get(operator);
    if (!entry) return null;
    const clients = this.clientsOf(entry);
    for (let i = 0; i < clients.length; i++) {
      const client = clients[(entry.next + i) % clients.length];
      if (client.isBound) {
        entry.next = (entry.next + i + 1) % clients.length;
        return client as unknown as Transmitter;
      }
    }
    return null;
  }

  get allBound(): boolean {
    return [...this.byOperator.values()].every((e) => this.clientsOf(e).every((c) => c.isBound));
  }

  /** Requests in each operator's SMPP windows plus those queued for them, summed over its binds. */
  inFlightByOperator(): Map<string, number> {
    return new Map([...this.byOperator].map(([operator, e]) => [operator, this.clientsOf(e).reduce((n, c) => n + c.pendingRequests, 0)]));
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.byOperator.values()].map((e) => e.binds?.stop()));
  }
}
