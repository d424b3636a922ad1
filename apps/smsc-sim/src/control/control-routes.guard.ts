import { Inject, Injectable, NotFoundException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { methodNotAllowed } from './control-exception.filter';
import { HttpProblem } from './http-problem';
import { SIM_CONTROL, type SimulatorControl } from './sim-control';

/**
 * Runs before any route's pipes, so before its body is read:
 * - under /operators/:id/, an operator the simulator does not play is 404 `unknown-operator`,
 *   whatever the method and the body;
 * - HEAD is taken by no route (Express would answer it from the GET route): 405 under
 *   /operators/:id/, 404 elsewhere, as for any method a route does not declare.
 */
@Injectable()
export class ControlRoutesGuard implements CanActivate {
  constructor(@Inject(SIM_CONTROL) private readonly sim: SimulatorControl) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const operator = (req.params as { id?: string }).id;
    if (operator !== undefined && !this.sim.operatorIds.includes(operator)) throw new HttpProblem(404, { error: 'unknown-operator', operator });
    if (req.method === 'HEAD') throw operator === undefined ? new NotFoundException() : methodNotAllowed(req);
    return true;
  }
}
