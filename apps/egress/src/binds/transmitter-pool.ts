import { isClientLink, type ClientOperatorLink, type OperatorLink } from '@parchee/config';
import type { Logger } from '@parchee/observability';
import { EsmeClient, type SegmentationMode } from '@parchee/smpp';
import type { Transmitter, TransmitterDirectory } from '../delivery/mt-sender';

/** The sending binds egress holds: `transmitterBinds` per client-mode operator link, used round-robin. */
export class TransmitterPool implements TransmitterDirectory {
  private readonly byOperator = new Map<string, { link: ClientOperatorLink; clients: EsmeClient[]; next: number }>();

  constructor(
    links: OperatorLink[],
    private readonly logger: Logger,
    private readonly onBindState: (operator: string, bind: number, up: boolean) => void,
  ) {
    // Server-mode links are served by OperatorServerPool; this pool does not know them.
    for (const link of links.filter(isClientLink)) this.byOperator.set(link.id, { link, clients: [], next: 0 });
  }

  start(): void {
    for (const entry of this.byOperator.values()) {
      const { link } = entry;
      for (let bind = 0; bind < link.transmitterBinds; bind++) {
        const client = new EsmeClient({
          name: `${link.id}/tx${bind}`,
          host: link.host,
          port: link.port,
          systemId: link.systemId,
          password: link.password,
          systemType: link.systemType,
          bindType: 'transmitter',
          window: link.window,
          responseTimeoutMs: link.responseTimeoutMs,
          enquireLinkIntervalMs: link.enquireLinkIntervalMs,
          tls: clientTls(link),
          logger: this.logger,
        });
        client.on('bound', () => {
          this.logger.info({ operator: link.id, bind }, 'transmitter bound');
          this.onBindState(link.id, bind, true);
        });
        client.on('unbound', (reason: unknown) => {
          this.logger.warn({ operator: link.id, bind, reason: String(reason) }, 'transmitter unbound');
          this.onBindState(link.id, bind, false);
        });
        client.on('error', (err: Error) => this.logger.warn({ operator: link.id, bind, err: err.message }, 'transmitter bind error'));
        this.onBindState(link.id, bind, false);
        client.start();
        entry.clients.push(client);
      }
    }
  }

  knows(operator: string): boolean {
    return this.byOperator.has(operator);
  }

  segmentation(operator: string): SegmentationMode {
    return this.byOperator.get(operator)?.link.segmentation ?? 'udh8';
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

/** TLS settings for EsmeClient: the operator's CA when it is a private one, and the name to verify. */
function clientTls(link: ClientOperatorLink): { ca?: string; servername?: string } | false {
  if (!link.tls) return false;
  return { ...(link.tlsCa ? { ca: link.tlsCa } : {}), ...(link.tlsServername ? { servername: link.tlsServername } : {}) };
}
