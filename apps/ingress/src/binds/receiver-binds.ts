import { EsmeClient, type DeliverSm } from '@parchee/smpp';
import { isClientLink, type ClientOperatorLink, type OperatorLink } from '@parchee/config';
import type { Logger } from '@parchee/observability';

export interface ReceiverBindsOptions {
  links: OperatorLink[];
  logger: Logger;
  onDeliverSm(operator: string, pdu: DeliverSm): Promise<number>;
  onBindState(operator: string, bind: number, up: boolean): void;
}

/** The receiving binds ingress holds to every client-mode operator's SMSC: `receiverBinds` per link. */
export class ReceiverBinds {
  private readonly clients: Array<{ operator: string; client: EsmeClient }> = [];

  constructor(private readonly options: ReceiverBindsOptions) {}

  start(): void {
    for (const link of this.options.links.filter(isClientLink)) {
      for (let bind = 0; bind < link.receiverBinds; bind++) {
        const client = new EsmeClient({
          name: `${link.id}/rx${bind}`,
          host: link.host,
          port: link.port,
          systemId: link.systemId,
          password: link.password,
          systemType: link.systemType,
          bindType: 'receiver',
          window: link.window,
          responseTimeoutMs: link.responseTimeoutMs,
          enquireLinkIntervalMs: link.enquireLinkIntervalMs,
          tls: clientTls(link),
          logger: this.options.logger,
        });
        client.setDeliverSmHandler((pdu) => this.options.onDeliverSm(link.id, pdu as DeliverSm));
        client.on('bound', () => {
          this.options.logger.info({ operator: link.id, bind }, 'receiver bound');
          this.options.onBindState(link.id, bind, true);
        });
        client.on('unbound', (reason: unknown) => {
          this.options.logger.warn({ operator: link.id, bind, reason: String(reason) }, 'receiver unbound');
          this.options.onBindState(link.id, bind, false);
        });
        client.on('error', (err: Error) => this.options.logger.warn({ operator: link.id, bind, err: err.message }, 'receiver bind error'));
        this.options.onBindState(link.id, bind, false);
        client.start();
        this.clients.push({ operator: link.id, client });
      }
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

/** TLS settings for EsmeClient: the operator's CA when it is a private one, and the name to verify. */
function clientTls(link: ClientOperatorLink): { ca?: string; servername?: string } | false {
  if (!link.tls) return false;
  return { ...(link.tlsCa ? { ca: link.tlsCa } : {}), ...(link.tlsServername ? { servername: link.tlsServername } : {}) };
}
