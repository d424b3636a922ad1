import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { z } from 'zod';
import { MoRefusedError } from '../errors/mo-refused-error';
import { SimError } from '../errors/sim-error';
import type { LoadReport } from '../load/load-runner';
import type { MoExchangeOutcome } from '../traffic/mo-exchange';
import type { MoAck } from '../traffic/mo-injector';
import { badRequest } from './control-exception.filter';
import { HttpProblem } from './http-problem';
import { msisdnSchema, mtView } from './mt-history.controller';
import { SIM_CONTROL, type SimulatorControl } from './sim-control';
import { ZodValidationPipe } from './zod-validation.pipe';

const timeoutMs = z.number().int().min(1).max(600_000);

const moBody = z.object({ operator: z.string().min(1), msisdn: msisdnSchema, text: z.string().max(10_000), timeoutMs: timeoutMs.optional() }).strict();

const loadBody = z
  .object({
    count: z.number().int().min(1).max(10_000_000),
    // Without concurrency the load is an open loop, paced by ratePerSec alone.
    concurrency: z.number().int().min(1).max(100_000).optional(),
    operators: z.array(z.string().min(1)).min(1).optional(),
    texts: z.array(z.string().max(10_000)).min(1),
    timeoutMs: timeoutMs.optional(),
    msisdnStart: z.number().int().min(0).max(999_999_999).optional(),
    ratePerSec: z.number().positive().max(100_000).optional(),
    // false: each MO is done at its deliver_sm_resp, no reply awaited (measures the simulator alone).
    awaitReply: z.boolean().optional(),
  })
  .strict()
  .refine((b) => b.concurrency !== undefined || b.ratePerSec !== undefined, {
    message: 'an open-loop load (no concurrency) needs ratePerSec',
    path: ['ratePerSec'],
  });

function moView(mo: MoAck) {
  return { commandStatus: mo.commandStatus, parts: mo.parts, dataCoding: mo.dataCoding };
}

/** `POST /mo` and `POST /load`: subscriber messages in, replies awaited. */
@Controller()
export class TrafficController {
  constructor(@Inject(SIM_CONTROL) private readonly sim: SimulatorControl) {}

  /** One MO and its reply: 200, or 504 / 503 / 502 / 400 as the README's table says. */
  @Post('mo')
  @HttpCode(200)
  async mo(@Body(new ZodValidationPipe(moBody)) body: z.output<typeof moBody>) {
    if (!this.sim.operatorIds.includes(body.operator)) throw badRequest([`operator: unknown operator "${body.operator}"`]);
    let outcome: MoExchangeOutcome;
    try {
      outcome = await this.sim.exchange({
        operator: body.operator,
        msisdn: body.msisdn,
        text: body.text,
        timeoutMs: body.timeoutMs ?? this.sim.defaultMoTimeoutMs,
      });
    } catch (err) {
      throw exchangeProblem(err);
    }
    if (outcome.kind === 'timeout') throw new HttpProblem(504, { error: 'timeout', mo: moView(outcome.mo) });
    return { mo: moView(outcome.mo), mt: mtView(outcome.mt), latencyMs: outcome.latencyMs };
  }

  /** Many MOs over the operators; answers when all are done. */
  @Post('load')
  @HttpCode(200)
  async load(@Body(new ZodValidationPipe(loadBody)) body: z.output<typeof loadBody>): Promise<LoadReport> {
    const operators = body.operators ?? [...this.sim.operatorIds];
    const unknown = operators.filter((o) => !this.sim.operatorIds.includes(o));
    if (unknown.length > 0) throw badRequest([`operators: unknown ${unknown.join(', ')}`]);
    return this.sim.runLoad({ ...body, operators, timeoutMs: body.timeoutMs ?? this.sim.defaultMoTimeoutMs });
  }
}

/** The MO's failures as `POST /mo` answers them; anything else (shutting down...) goes on to the filter. */
function exchangeProblem(err: unknown): unknown {
  if (err instanceof MoRefusedError) {
    return new HttpProblem(502, { error: 'mo-refused', mo: { commandStatus: err.commandStatus, commandStatusName: err.commandStatusName } });
  }
  if (!(err instanceof SimError)) return err;
  switch (err.code) {
    case 'NO_RECEIVER_BIND':
      return new HttpProblem(503, { error: 'no-receiver-bind', message: err.message });
    case 'MO_FAILED':
      return new HttpProblem(502, { error: 'mo-failed', message: err.message });
    case 'UNKNOWN_OPERATOR':
      return badRequest([err.message]);
    default:
      return err;
  }
}
