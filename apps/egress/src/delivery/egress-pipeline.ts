import { decodeMt, type MtMessageV1 } from '@parchee/contracts';
import { type DeadLetters, type ConsumedBatch, type ConsumedRecord, type OutgoingRecord } from '@parchee/messaging';
import { silentLogger, type Logger } from '@parchee/observability';
import { DeferredBatchError } from './deferred-batch-error';
import type { MtSender, SendResult } from './mt-sender';
import type { SentLedger } from './sent-ledger';

export interface EgressPipelineOptions {
  logger?: Logger;
  now?: () => number;
  onResult?: (mt: MtMessageV1, result: SendResult | { outcome: 'duplicate' } | { outcome: 'expired' }) => void;
}

/**
 * One batch of MTs: skip the ones already sent, dead-letter the malformed, expired and
 * rejected, submit the rest concurrently (each operator's window paces them); a multipart MT an
 * earlier attempt left part-way goes on from where it stopped. Resolves only when every MT of the
 * batch is either submitted or dead-lettered, so the offset may be committed.
 */
export class EgressPipeline {
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(
    private readonly sender: MtSender,
    private readonly ledger: SentLedger,
    private readonly deadLetters: Pick<DeadLetters, 'letter' | 'send'>,
    private readonly options: EgressPipelineOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  async process(batch: ConsumedBatch): Promise<void> {
    const letters: OutgoingRecord[] = [];
    const mts: Array<{ mt: MtMessageV1; record: ConsumedRecord }> = [];
    for (const record of batch.records) {
      try {
        mts.push({ mt: decodeMt(record.value), record });
      } catch (err) {
        letters.push(this.deadLetters.letter(record, 'MALFORMED_MESSAGE', (err as Error).message));
      }
    }
    const known = await this.ledger.recall(mts.map((m) => m.mt.id));
    // Two copies of one MT id in one batch (a lookup batch run twice upstream, e.g. a commit the
    // broker applied though lookup saw it fail): the ledger knows neither yet, so send the first only.
    const seen = new Set<string>();
    let deferred = 0;
    await Promise.all(
      mts.map(async ({ mt, record }) => {
        const copy = seen.has(mt.id);
        seen.add(mt.id);
        const entry = known.get(mt.id);
        if (entry?.sent === true || copy) {
          this.options.onResult?.(mt, { outcome: 'duplicate' });
          return;
        }
        if (mt.expiresAt <= this.now()) {
          this.options.onResult?.(mt, { outcome: 'expired' });
          letters.push(this.deadLetters.letter(record, 'EXPIRED', `reply expired ${this.now() - mt.expiresAt} ms ago`));
          return;
        }
        // The MT's Kafka key is its MO's: the keyed hash of the number (lookup keeps it).
        const result = await this.sender.send(mt, { destination: record.key?.toString('utf8') ?? null, progress: entry?.progress });
        this.options.onResult?.(mt, result);
        if (result.outcome === 'sent') await this.ledger.markSent(mt.id);
        else if (result.outcome === 'rejected') letters.push(this.deadLetters.letter(record, result.code, result.reason));
        else deferred++;
      }),
    );
    await this.deadLetters.send(letters);
    if (deferred > 0) {
      this.logger.warn({ deferred, partition: batch.partition }, 'MTs deferred; the batch will be re-read');
      throw new DeferredBatchError(`${deferred} MTs could not be submitted yet`);
    }
  }
}
