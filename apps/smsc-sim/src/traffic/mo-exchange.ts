import type { MoAck, MoInjector } from './mo-injector';
import type { MtRecorder, RecordedMt } from './mt-recorder';

export interface MoExchangeRequest {
  operator: string;
  msisdn: string;
  text: string;
  /**
   * Covers the whole exchange: deliver_sm, its response (re-deliveries and waits for a bind
   * included, under a moRedelivery plan) and the complete reply MT.
   */
  timeoutMs: number;
}

export type MoExchangeOutcome = { kind: 'replied'; mo: MoAck; mt: RecordedMt; latencyMs: number } | { kind: 'timeout'; mo: MoAck };

/**
 * One round trip as a subscriber sees it: the MO goes out and the reply is the next complete MT
 * from the same operator to the same MSISDN. The wait starts before the MO is sent, so a reply
 * that overtakes the deliver_sm_resp still counts.
 */
export class MoExchange {
  constructor(
    private readonly injector: MoInjector,
    private readonly recorder: MtRecorder,
  ) {}

  /** Rejects with the injector's errors when the MO itself does not get through. */
  async run(req: MoExchangeRequest): Promise<MoExchangeOutcome> {
    const waiter = this.recorder.expectMt(req.operator, req.msisdn, req.timeoutMs);
    // Shutdown may fail the waiter while the MO is still queued for a bind; it is awaited (and
    // its rejection seen) only after the MO got through, so keep it from counting as unhandled.
    waiter.promise.catch(() => undefined);
    let mo: MoAck;
    try {
      mo = await this.injector.inject(req.operator, req.msisdn, req.text, { timeoutMs: req.timeoutMs });
    } catch (err) {
      waiter.cancel();
      throw err;
    }
    const mt = await waiter.promise;
    if (!mt) return { kind: 'timeout', mo };
    return { kind: 'replied', mo, mt, latencyMs: mt.receivedAt - mo.sentAt };
  }

  /**
   * The MO alone (POST /load with awaitReply false): resolves at its acknowledgement and waits for
   * no reply, so no reply waiter is set up; a reply that comes is recorded like any other MT.
   * Rejects as run() does when the MO does not get through.
   */
  inject(req: MoExchangeRequest): Promise<MoAck> {
    return this.injector.inject(req.operator, req.msisdn, req.text, { timeoutMs: req.timeoutMs });
  }
}
