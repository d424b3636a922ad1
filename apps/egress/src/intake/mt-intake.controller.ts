import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RethrowToConsumer, type ConsumedBatch } from '@parchee/messaging';
import { MT_INTAKE, type EgressComponents } from '../egress-components';
import { EGRESS_COMPONENTS } from '../egress-tokens';

/**
 * Where egress's MTs come in: each batch of sms.mt.v1 (group `parchee-egress`) is sent by the
 * pipeline, and committed once every MT in it was submitted or dead-lettered. A batch that fails,
 * or holds an MT deferred past its retry deadline (DeferredBatchError), is read again, its error
 * untouched (RethrowToConsumer).
 */
@Controller()
@UseFilters(RethrowToConsumer)
export class MtIntakeController {
  constructor(@Inject(EGRESS_COMPONENTS) private readonly components: EgressComponents) {}

  @EventPattern(MT_INTAKE)
  async send(@Payload() batch: ConsumedBatch): Promise<void> {
    await this.components.pipeline.process(batch);
  }
}
