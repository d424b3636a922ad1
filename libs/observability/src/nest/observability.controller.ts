import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthRegistry } from '../health/health-registry';
import { MetricsRegistry } from '../metrics/metrics-registry';

@Controller()
export class ObservabilityController {
  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly health: HealthRegistry,
  ) {}

  @Get('metrics')
  async scrape(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    res.setHeader('Content-Type', contentType);
    res.send(body);
  }

  /** The process is alive: the event loop answers. Never depends on other systems. */
  @Get('health/live')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready only when the binds, Kafka, Redis and PostgreSQL this service needs are usable. */
  @Get('health/ready')
  @Header('Cache-Control', 'no-store')
  async ready(@Res() res: Response): Promise<void> {
    const report = await this.health.report();
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks });
  }
}
