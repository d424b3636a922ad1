import { setTimeout as delay } from 'node:timers/promises';
import { decodeDlr, type DlrMessageV1 } from '@parchee/contracts';
import { type DeadLetters, type ConsumedBatch, type OutgoingRecord } from '@parchee/messaging';
import { silentLogger, type Logger } from '@parchee/observability';
import type { MessageIdLookup, SubmittedPart } from './message-id-map';
import type { MtStatusStore } from './mt-status-store';

export type DlrOutcome = 'matched' | 'unmatched';

export interface DlrCorrelatorOptions {
  /**
   * A receipt can overtake the write of its own message id (the write is not awaited before the
   * next part is sent), so an id not found is looked up once more after this delay, ms. Default 500.
   */
  retryDelayMs?: number;
  logger?: Logger;
  onResult?: (dlr: DlrMessageV1, outcome: DlrOutcome, part: SubmittedPart | null) => void;
}

/**
 * One batch of sms.dlr.v1: find the MT part each receipt reports on and record its state.
 * A receipt for an id egress never mapped (another system's traffic, a map entry past its TTL,
 * a write lost with Redis) is counted unmatched and dropped: there is nothing to update. A
 * store that cannot answer fails the batch, which is then read again.
 */
export class DlrCorrelator {
  private readonly retryDelayMs: number;
  private readonly logger: Logger;

  constructor(
    private readonly ids: MessageIdLookup,
    private readonly status: MtStatusStore,
    private readonly deadLetters: Pick<DeadLetters, 'letter' | 'send'>,
    private readonly options: DlrCorrelatorOptions = {},
  ) {
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.logger = options.logger ?? silentLogger;
  }

  async process(batch: ConsumedBatch): Promise<void> {
    const letters: OutgoingRecord[] = [];
    const dlrs: DlrMessageV1[] = [];
    for (const record of batch.records) {
      try {
        dlrs.push(decodeDlr(record.value));
      } catch (err) {
        letters.push(this.deadLetters.letter(record, 'MALFORMED_MESSAGE', (err as Error).message));
      }
    }
    let unmatched = await this.correlate(dlrs);
    if (unmatched.length > 0) {
      await delay(this.retryDelayMs);
      unmatched = await this.correlate(unmatched);
    }
    for (const dlr of unmatched) {
      this.logger.debug({ operator: dlr.operator, messageId: dlr.messageId, state: dlr.state }, 'receipt for an unknown message id');
      this.options.onResult?.(dlr, 'unmatched', null);
    }
    await this.deadLetters.send(letters);
  }

  /** Records the receipts whose part is known; returns the others. */
  private async correlate(dlrs: DlrMessageV1[]): Promise<DlrMessageV1[]> {
    const missing: DlrMessageV1[] = [];
    await Promise.all(
      dlrs.map(async (dlr) => {
        const part = await this.ids.lookup(dlr.operator, dlr.normalisedIds);
        if (part === null) {
          missing.push(dlr);
          return;
        }
        await this.status.record(part, dlr);
        this.options.onResult?.(dlr, 'matched', part);
      }),
    );
    return missing;
  }
}
