import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import type { RecordedMt } from '../traffic/mt-recorder';
import { SIM_CONTROL, type SimulatorControl } from './sim-control';
import { ZodValidationPipe } from './zod-validation.pipe';

export const msisdnSchema = z.string().regex(/^\d{5,15}$/, 'digits only, 5 to 15');

const mtQuery = z.object({
  msisdn: msisdnSchema.optional(),
  operator: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});

/** A recorded MT as the API shows it (in `GET /mt` and in the reply of `POST /mo`). */
export function mtView(mt: RecordedMt) {
  return {
    seq: mt.seq,
    operator: mt.operator,
    text: mt.text,
    parts: mt.parts,
    dataCoding: mt.dataCoding,
    sourceAddr: mt.sourceAddr,
    destinationAddr: mt.destinationAddr,
    messageIds: mt.messageIds,
    concat: mt.concat,
    messagePayload: mt.messagePayload,
    error: mt.error,
    receivedAt: new Date(mt.receivedAt).toISOString(),
  };
}

/** `GET /mt?msisdn=&operator=&limit=`: recent complete MTs, newest first. */
@Controller()
export class MtHistoryController {
  constructor(@Inject(SIM_CONTROL) private readonly sim: SimulatorControl) {}

  @Get('mt')
  recent(@Query(new ZodValidationPipe(mtQuery)) query: z.output<typeof mtQuery>) {
    const mts = this.sim.recentMts(query).map(mtView);
    return { count: mts.length, mts };
  }
}
