import { All, Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { GARBAGE_KINDS } from '../faults/garbage-pdus';
import { methodNotAllowed } from './control-exception.filter';
import { HttpProblem } from './http-problem';
import { SIM_CONTROL, type SimulatorControl } from './sim-control';
import { ZodValidationPipe } from './zod-validation.pipe';

const garbageBody = z.object({ kinds: z.array(z.enum(GARBAGE_KINDS)).min(1).max(16) }).strict();

/**
 * `POST /operators/:id/disconnect` and `/inject-garbage`: what a misbehaving network or SMSC does
 * to the binds, on request. An unknown operator is refused before this runs (ControlRoutesGuard).
 */
@Controller('operators')
export class OperatorActionsController {
  constructor(@Inject(SIM_CONTROL) private readonly sim: SimulatorControl) {}

  /** Drops every bind of the operator (a TCP close, no unbind). */
  @Post(':id/disconnect')
  @HttpCode(200)
  disconnect(@Param('id') operator: string) {
    return { operator, disconnected: this.sim.faults.disconnect(operator) };
  }

  /** Writes one malformed PDU of each kind to every bound session; 503 `no-bind` when none is. */
  @Post(':id/inject-garbage')
  @HttpCode(200)
  injectGarbage(@Param('id') operator: string, @Body(new ZodValidationPipe(garbageBody)) body: z.output<typeof garbageBody>) {
    const sessions = this.sim.faults.injectGarbage(operator, body.kinds);
    if (sessions === 0) throw new HttpProblem(503, { error: 'no-bind', operator });
    return { operator, sessions, kinds: body.kinds };
  }

  /** Declared last, so it takes only the methods above do not. */
  @All([':id/disconnect', ':id/inject-garbage'])
  otherMethod(@Req() req: Request): never {
    throw methodNotAllowed(req);
  }
}
