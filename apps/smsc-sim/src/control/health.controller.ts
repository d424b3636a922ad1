import { Controller, Get } from '@nestjs/common';

/** `GET /health`: answers while the API is listening. */
@Controller()
export class HealthController {
  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
