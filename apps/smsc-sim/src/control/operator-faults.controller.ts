import { All, Body, Controller, Delete, Get, Inject, Param, Put, Req } from '@nestjs/common';
import { LOGGER, type Logger } from '@parchee/observability';
import type { Request } from 'express';
import { faultPlanSchema, type FaultPlan } from '../faults/fault-plan';
import { methodNotAllowed } from './control-exception.filter';
import { SIM_CONTROL, type SimulatorControl } from './sim-control';
import { ZodValidationPipe } from './zod-validation.pipe';

/**
 * `/operators/:id/faults`: the operator's fault plan, shown, replaced and reset. An unknown
 * operator is refused before this runs (ControlRoutesGuard).
 */
@Controller('operators')
export class OperatorFaultsController {
  constructor(
    @Inject(SIM_CONTROL) private readonly sim: SimulatorControl,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get(':id/faults')
  show(@Param('id') operator: string) {
    return { operator, faults: this.sim.faults.get(operator) };
  }

  @Put(':id/faults')
  replace(@Param('id') operator: string, @Body(new ZodValidationPipe(faultPlanSchema)) plan: FaultPlan) {
    this.sim.faults.set(operator, plan);
    this.logger.info({ operator, faults: plan }, 'faults set over the control API');
    return { operator, faults: plan };
  }

  @Delete(':id/faults')
  reset(@Param('id') operator: string) {
    return { operator, faults: this.sim.faults.reset(operator) };
  }

  /** Declared last, so it takes only the methods above do not. */
  @All(':id/faults')
  otherMethod(@Req() req: Request): never {
    throw methodNotAllowed(req);
  }
}
