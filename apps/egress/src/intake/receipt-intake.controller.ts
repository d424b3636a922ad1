import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RethrowToConsumer, type ConsumedBatch } from '@parchee/messaging';
import { DLR_INTAKE, type EgressComponents } from '../egress-components';
import { EGRESS_COMPONENTS } from '../egress-tokens';

/**
 * Where delivery receipts come in: each batch of sms.dlr.v1 (group `parchee-egress-dlr`) is
 * matched to the MT parts it reports on and their statuses recorded. A batch whose store cannot
 * answer is read again, its error untouched (RethrowToConsumer).
 */
@Controller()
@UseFilters(RethrowToConsumer)
export class ReceiptIntakeController {
  constructor(@Inject(EGRESS_COMPONENTS) private readonly components: EgressComponents) {}

  @EventPattern(DLR_INTAKE)
  async correlate(@Payload() batch: ConsumedBatch): Promise<void> {
    await this.components.correlator.process(batch);
  }
}
