import { commandStatusName, segmentForSms } from '@parchee/smpp';
import type { Logger } from '@parchee/observability';
import { silentLogger } from '@parchee/observability';
import { maskMsisdn } from '@parchee/privacy';
import { MoRefusedError } from '../errors/mo-refused-error';
import { SimError } from '../errors/sim-error';
import type { TrafficStats } from './traffic-stats';

/** SMPP addressing of injected MOs: international E.164 subscriber, short code of unknown type. */
export const MO_ADDRESSING = {
  sourceAddrTon: 1,
  sourceAddrNpi: 1,
  destAddrTon: 0,
  destAddrNpi: 0,
} as const;

export interface DeliverSmFields {
  sourceAddr: string;
  destinationAddr: string;
  shortMessage: Buffer;
  dataCoding: number;
  esmClass: number;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  destAddrTon: number;
  destAddrNpi: number;
  registeredDelivery: number;
}

/** A bound receiver or transceiver session that can carry a deliver_sm. */
export interface MoSession {
  deliverSm(fields: DeliverSmFields): Promise<{ commandStatus: number }>;
}

/** Where one operator's MOs go: the next receiving bind, or none. */
export interface MoRoute {
  nextReceiver(): MoSession | undefined;
}

export interface MoAck {
  operator: string;
  /** deliver_sm PDUs the MO took. */
  parts: number;
  dataCoding: number;
  commandStatus: number;
  sentAt: number;
  ackedAt: number;
}

export interface MoInjectorOptions {
  routes: ReadonlyMap<string, MoRoute>;
  shortCode: string;
  stats: TrafficStats;
  logger?: Logger;
  clock?: { now(): number };
}

function commandStatusOf(err: unknown): number | undefined {
  const status = (err as { commandStatus?: unknown } | null)?.commandStatus;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Sends a subscriber's text to the service as deliver_sm: GSM 7-bit when it fits, UCS-2
 * otherwise, split with an 8-bit concat UDH when long. Parts go one after another over the same
 * bind, each waiting for its deliver_sm_resp, as SMSCs do.
 */
export class MoInjector {
  private readonly refs = new Map<string, number>();
  private readonly logger: Logger;
  private readonly clock: { now(): number };

  constructor(private readonly opts: MoInjectorOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.clock = opts.clock ?? { now: () => Date.now() };
  }

  /** True when the operator is known and has a receiving bind up. */
  canDeliver(operator: string): boolean {
    return this.opts.routes.get(operator)?.nextReceiver() !== undefined;
  }

  /**
   * Resolves once every part is acknowledged with ESME_ROK. Rejects with SimError
   * UNKNOWN_OPERATOR / NO_RECEIVER_BIND / MO_FAILED, or MoRefusedError.
   */
  async inject(operator: string, msisdn: string, text: string): Promise<MoAck> {
    const route = this.opts.routes.get(operator);
    if (!route) throw new SimError('UNKNOWN_OPERATOR', `no simulated operator "${operator}"`, false);
    const session = route.nextReceiver();
    if (!session) throw new SimError('NO_RECEIVER_BIND', `no receiver or transceiver bind of ${operator} is up`, true);

    const ref = ((this.refs.get(operator) ?? 0) + 1) & 0xff;
    this.refs.set(operator, ref);
    const { dataCoding, segments } = segmentForSms(text, { reference: ref, mode: 'udh8' });
    const counters = this.opts.stats.of(operator);
    counters.mosSent++;
    const sentAt = this.clock.now();

    for (const segment of segments) {
      counters.moPartsSent++;
      let commandStatus: number;
      try {
        ({ commandStatus } = await session.deliverSm({
          sourceAddr: msisdn,
          destinationAddr: this.opts.shortCode,
          shortMessage: segment.shortMessage,
          dataCoding,
          esmClass: segment.esmClass,
          registeredDelivery: 0,
          ...MO_ADDRESSING,
        }));
      } catch (err) {
        const status = commandStatusOf(err);
        if (status !== undefined && status !== 0) commandStatus = status;
        else {
          counters.mosFailed++;
          this.logger.warn({ operator, from: maskMsisdn(msisdn), err: (err as Error).message }, 'deliver_sm got no answer');
          throw new SimError('MO_FAILED', `deliver_sm to ${operator} failed: ${(err as Error).message}`, true, { cause: err });
        }
      }
      if (commandStatus !== 0) {
        const name = commandStatusName(commandStatus);
        this.opts.stats.moRefused(operator, name);
        this.logger.debug({ operator, from: maskMsisdn(msisdn), status: name }, 'deliver_sm refused');
        throw new MoRefusedError(commandStatus, name);
      }
    }
    counters.mosAcked++;
    return { operator, parts: segments.length, dataCoding, commandStatus: 0, sentAt, ackedAt: this.clock.now() };
  }
}
