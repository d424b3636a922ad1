import { Controller, Get, Inject } from '@nestjs/common';
import { SIM_CONTROL, type SimulatorControl } from './sim-control';

/** `GET /stats`: every operator's binds and counters (the simulator's `SimStats`). */
@Controller()
export class StatsController {
  constructor(@Inject(SIM_CONTROL) private readonly sim: SimulatorControl) {}

  @Get('stats')
  stats(): unknown {
    return this.sim.stats();
  }
}
