import { isClientLink, type ClientOperatorLink, type OperatorLink } from '@parchee/config';
import type { Logger, MetricsRegistry } from '@parchee/observability';
import { startOperatorBinds, type EsmeClient, type SegmentationMode } from '@parchee/smpp';
import type { Transmitter, TransmitterDirectory } from '../delivery/mt-sender';
import { DEFAULT_SUBMIT_PROFILE, resolveSubmitProfile, type SubmitProfile } from '../delivery/submit-profile';

/** The sending binds egress holds: `transmitterBinds` per client-mode operator link, used round-robin. */
export class TransmitterPool implements TransmitterDirectory {
  private readonly byOperator = new Map<string, { link: ClientOperatorLink; profile: SubmitProfile; clients: EsmeClient[]; next: number }>();

  constructor(
    links: OperatorLink[],
    private readonly logger: Logger,
    /** Where each bind's state is shown (`parchee_smpp_bind_up`, direction `transmitter`). */
    private readonly metrics?: MetricsRegistry,
  ) {
    // Server-mode links are served by OperatorServerPool; this pool does not know them.
    for (const link of links.filter(isClientLink)) this.byOperator.set(link.id, { link, profile: resolveSubmitProfile(link), clients: [], next: 0 });
  }

  start(): void {
    for (const entry of this.byOperator.values()) {
      entry.clients.push(
        ...startOperatorBinds({ link: entry.link, bindType: 'transmitter', count: entry.link.transmitterBinds, logger: this.logger, metrics: this.metrics }),
      );
    }
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
    for (let i = 0; i < entry.clients.length; i++) {
      const client = entry.clients[(entry.next + i) % entry.clients.length];
      if (client.isBound) {
        entry.next = (entry.next + i + 1) % entry.clients.length;
        return client as unknown as Transmitter;
      }
    }
    return null;
  }

  get allBound(): boolean {
    return [...this.byOperator.values()].every((e) => e.clients.every((c) => c.isBound));
  }

  /** Requests in each operator's SMPP windows plus those queued for them, summed over its binds. */
  inFlightByOperator(): Map<string, number> {
    return new Map([...this.byOperator].map(([operator, e]) => [operator, e.clients.reduce((n, c) => n + c.pendingRequests, 0)]));
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.byOperator.values()].flatMap((e) => e.clients.map((c) => c.stop())));
  }
}
