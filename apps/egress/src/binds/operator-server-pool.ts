import { randomUUID } from 'node:crypto';
import { isServerLink, OperatorBindGuard, type OperatorLink, type ServerOperatorLink } from '@parchee/config';
import type { Logger, MetricsRegistry } from '@parchee/observability';
import { CommandStatus, ESM_CLASS_GSM_FEATURES, OperatorServer, type SegmentationMode, type ServerSession } from '@parchee/smpp';
import type { Transmitter, TransmitterDirectory } from '../delivery/mt-sender';
import { DEFAULT_SUBMIT_PROFILE, resolveSubmitProfile, type SubmitProfile } from '../delivery/submit-profile';

export interface OperatorServerPoolOptions {
  /** All links; only server-mode ones get a server. */
  links: OperatorLink[];
  logger?: Logger;
  metrics?: MetricsRegistry;
  /** Connections that do not bind within this long are dropped. Default 30 000 ms. */
  bindTimeoutMs?: number;
}

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
      serviceType: fields.serviceType,
      sourceAddr: fields.sourceAddr,
      sourceAddrTon: fields.sourceAddrTon,
      sourceAddrNpi: fields.sourceAddrNpi,
      destinationAddr: fields.destinationAddr,
      destAddrTon: fields.destAddrTon,
      destAddrNpi: fields.destAddrNpi,
      // A delivery-receipt type bit here would make the operator read our reply as a receipt.
      esmClass: fields.esmClass & ESM_CLASS_GSM_FEATURES,
      dataCoding: fields.dataCoding,
      // No receipt path comes back from a server-mode link, so none is asked for; deliver_sm has no validity.
      registeredDelivery: 0,
      shortMessage: fields.shortMessage,
      tlvs: fields.tlvs,
    });
    return { messageId: resp.messageId || `parchee-${randomUUID()}` };
  }
}

interface ServedLink {
  link: ServerOperatorLink;
  profile: SubmitProfile;
  server: OperatorServer;
  next: number;
}

/**
 * The SMPP servers egress hosts for server-mode links, one per link on `listen.egressPort`: the
 * operator binds a receiver (or transceiver) and our MTs reach it as deliver_sm, spread
 * round-robin over its bound sessions. A TransmitterDirectory for those links.
 */
export class OperatorServerPool implements TransmitterDirectory {
  private readonly served = new Map<string, ServedLink>();

  constructor(options: OperatorServerPoolOptions) {
    for (const link of options.links.filter(isServerLink)) {
      const server = new OperatorServer({
        link,
        direction: 'egress',
        guard: new OperatorBindGuard(link),
        // MOs go to the ingress port; this port only delivers our MTs.
        onSession: (session) => session.setSubmitSmHandler(async () => ({ status: CommandStatus.ESME_RINVBNDSTS })),
        logger: options.logger,
        metrics: options.metrics,
        bindTimeoutMs: options.bindTimeoutMs,
      });
      this.served.set(link.id, { link, profile: resolveSubmitProfile(link), server, next: 0 });
    }
  }

  /** Starts listening on every server-mode link; resolves with the port each listens on. */
  async start(): Promise<Map<string, number>> {
    const ports = new Map<string, number>();
    for (const [operator, { server }] of this.served) ports.set(operator, await server.listen());
    return ports;
  }

  knows(operator: string): boolean {
    return this.served.has(operator);
  }

  segmentation(operator: string): SegmentationMode {
    return this.served.get(operator)?.link.segmentation ?? 'udh8';
  }

  profile(operator: string): SubmitProfile {
    return this.served.get(operator)?.profile ?? DEFAULT_SUBMIT_PROFILE;
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
}
