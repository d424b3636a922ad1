import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RethrowToConsumer, type ConsumedBatch, type ProcessedBatch } from '@parchee/messaging';
import { LOOKUP_COMPONENTS, LOOKUP_METRICS } from '../lookup-tokens';
import { MO_INTAKE, type LookupComponents } from '../lookup-components';
import type { LookupMetrics } from '../lookup-metrics';

/**
 * Where lookup's MOs come in: each batch from sms.mo.v2 is answered by the pipeline, and its replies
 * go out in the Kafka transaction that commits it (TransactionalProcessor). A batch that fails is
 * read again, its error untouched (RethrowToConsumer).
 */
@Controller()
@UseFilters(RethrowToConsumer)
export class MoIntakeController {
  constructor(
    @Inject(LOOKUP_COMPONENTS) private readonly components: LookupComponents,
    @Inject(LOOKUP_METRICS) private readonly metrics: LookupMetrics,
  ) {}

  /**
   * The batch's time is until its replies are ready; its audit rows and guard memory are written
   * while the transaction sends them (LookupPipeline.process's beforeCommit).
   */
  @EventPattern(MO_INTAKE)
  async answer(@Payload() batch: ConsumedBatch): Promise<ProcessedBatch> {
    const end = this.metrics.batchSeconds.startTimer();
    try {
      return await this.components.pipeline.process(batch);
    } finally {
      end();
    }
  }
}
