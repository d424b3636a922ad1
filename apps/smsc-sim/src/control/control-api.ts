import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@parchee/observability';
import { silentLogger } from '@parchee/observability';
import { z } from 'zod';
import { MoRefusedError } from '../errors/mo-refused-error';
import { SimError } from '../errors/sim-error';
import { faultPlanSchema, type FaultPlan } from '../faults/fault-plan';
import { GARBAGE_KINDS, type GarbageKind } from '../faults/garbage-pdus';
import type { LoadReport, LoadRequest } from '../load/load-runner';
import type { MoExchangeOutcome, MoExchangeRequest } from '../traffic/mo-exchange';
import type { MoAck } from '../traffic/mo-injector';
import type { RecordedMt } from '../traffic/mt-recorder';

/** Run-time fault scripting of one operator at a time; the operator id is known to be valid. */
export interface FaultControl {
  get(operator: string): FaultPlan;
  /** Replaces the plan; its counters and PRNGs start afresh. */
  set(operator: string, plan: FaultPlan): void;
  /** Back to the plan from the configuration; returns it. */
  reset(operator: string): FaultPlan;
  /** Drops every bind of the operator; returns how many. */
  disconnect(operator: string): number;
  /** Writes the malformed PDUs to every bound session; returns how many sessions. */
  injectGarbage(operator: string, kinds: readonly GarbageKind[]): number;
}

/** What the control API drives; the simulator implements it, tests may fake it. */
export interface SimulatorControl {
  readonly operatorIds: readonly string[];
  readonly faults: FaultControl;
  readonly defaultMoTimeoutMs: number;
  exchange(req: MoExchangeRequest): Promise<MoExchangeOutcome>;
  recentMts(query: { msisdn?: string; operator?: string; limit?: number }): RecordedMt[];
  stats(): unknown;
  runLoad(req: LoadRequest): Promise<LoadReport>;
}

/** Request bodies above this are refused: the API takes short texts, not files. */
const MAX_BODY_BYTES = 1 << 20;

const msisdn = z.string().regex(/^\d{5,15}$/, 'digits only, 5 to 15');
const timeoutMs = z.number().int().min(1).max(600_000);

const moBody = z.object({ operator: z.string().min(1), msisdn, text: z.string().max(10_000), timeoutMs: timeoutMs.optional() }).strict();

const loadBody = z
  .object({
    count: z.number().int().min(1).max(10_000_000),
    concurrency: z.number().int().min(1).max(100_000),
    operators: z.array(z.string().min(1)).min(1).optional(),
    texts: z.array(z.string().max(10_000)).min(1),
    timeoutMs: timeoutMs.optional(),
    msisdnStart: z.number().int().min(0).max(999_999_999).optional(),
    ratePerSec: z.number().positive().max(100_000).optional(),
  })
  .strict();

const garbageBody = z.object({ kinds: z.array(z.enum(GARBAGE_KINDS)).min(1).max(16) }).strict();

/** /operators/<id>/<action> */
const OPERATOR_ROUTE = /^\/operators\/([^/]+)\/(faults|disconnect|inject-garbage)$/;

const mtQuery = z.object({
  msisdn: msisdn.optional(),
  operator: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body['error']));
  }
}

function mtView(mt: RecordedMt) {
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

function moView(mo: MoAck) {
  return { commandStatus: mo.commandStatus, parts: mo.parts, dataCoding: mo.dataCoding };
}

function zodProblem(error: z.ZodError): HttpProblem {
  return new HttpProblem(400, {
    error: 'bad-request',
    issues: error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, { error: 'body-too-large', limitBytes: MAX_BODY_BYTES });
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpProblem(400, { error: 'bad-request', issues: ['body is not valid JSON'] });
  }
}

/**
 * The simulator's HTTP control API (node:http, JSON in and out). Routes are documented in the
 * app README; every failure answers with `{ error: <stable code>, ... }`.
 */
export class ControlApi {
  private readonly server: Server;
  private readonly logger: Logger;

  constructor(
    private readonly sim: SimulatorControl,
    logger: Logger = silentLogger,
  ) {
    this.logger = logger;
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async listen(host: string, port: number): Promise<{ host: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as { address: string; port: number };
    return { host: address.address, port: address.port };
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Keep-alive clients would otherwise hold close() open until they time out.
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://sim');
      const route = `${req.method} ${url.pathname}`;
      switch (route) {
        case 'GET /health':
          return send(res, 200, { status: 'ok' });
        case 'POST /mo':
          return await this.postMo(req, res);
        case 'GET /mt':
          return this.getMt(url, res);
        case 'GET /stats':
          return send(res, 200, this.sim.stats());
        case 'POST /load':
          return await this.postLoad(req, res);
        default: {
          const operatorRoute = OPERATOR_ROUTE.exec(url.pathname);
          if (operatorRoute) return await this.operatorRoute(req, res, decodeURIComponent(operatorRoute[1]), operatorRoute[2]);
          return send(res, 404, { error: 'not-found', route });
        }
      }
    } catch (err) {
      if (err instanceof HttpProblem) return send(res, err.status, err.body);
      if (err instanceof SimError && err.code === 'SHUTTING_DOWN') return send(res, 503, { error: 'shutting-down' });
      this.logger.error({ err: (err as Error).message }, 'control API request failed');
      return send(res, 500, { error: 'internal', message: (err as Error).message });
    }
  }

  private async postMo(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = moBody.safeParse(await readJson(req));
    if (!parsed.success) throw zodProblem(parsed.error);
    const body = parsed.data;
    if (!this.sim.operatorIds.includes(body.operator)) {
      throw new HttpProblem(400, { error: 'bad-request', issues: [`operator: unknown operator "${body.operator}"`] });
    }
    let outcome: MoExchangeOutcome;
    try {
      outcome = await this.sim.exchange({
        operator: body.operator,
        msisdn: body.msisdn,
        text: body.text,
        timeoutMs: body.timeoutMs ?? this.sim.defaultMoTimeoutMs,
      });
    } catch (err) {
      if (err instanceof MoRefusedError) {
        throw new HttpProblem(502, { error: 'mo-refused', mo: { commandStatus: err.commandStatus, commandStatusName: err.commandStatusName } });
      }
      if (err instanceof SimError && err.code === 'NO_RECEIVER_BIND') throw new HttpProblem(503, { error: 'no-receiver-bind', message: err.message });
      if (err instanceof SimError && err.code === 'MO_FAILED') throw new HttpProblem(502, { error: 'mo-failed', message: err.message });
      if (err instanceof SimError && err.code === 'UNKNOWN_OPERATOR') throw new HttpProblem(400, { error: 'bad-request', issues: [err.message] });
      throw err;
    }
    if (outcome.kind === 'timeout') return send(res, 504, { error: 'timeout', mo: moView(outcome.mo) });
    return send(res, 200, { mo: moView(outcome.mo), mt: mtView(outcome.mt), latencyMs: outcome.latencyMs });
  }

  private async operatorRoute(req: IncomingMessage, res: ServerResponse, operator: string, action: string): Promise<void> {
    const route = `${req.method} /operators/:id/${action}`;
    if (!this.sim.operatorIds.includes(operator)) throw new HttpProblem(404, { error: 'unknown-operator', operator });
    const faults = this.sim.faults;
    switch (route) {
      case 'GET /operators/:id/faults':
        return send(res, 200, { operator, faults: faults.get(operator) });
      case 'PUT /operators/:id/faults': {
        const parsed = faultPlanSchema.safeParse(await readJson(req));
        if (!parsed.success) throw zodProblem(parsed.error);
        faults.set(operator, parsed.data);
        this.logger.info({ operator, faults: parsed.data }, 'faults set over the control API');
        return send(res, 200, { operator, faults: parsed.data });
      }
      case 'DELETE /operators/:id/faults':
        return send(res, 200, { operator, faults: faults.reset(operator) });
      case 'POST /operators/:id/disconnect':
        return send(res, 200, { operator, disconnected: faults.disconnect(operator) });
      case 'POST /operators/:id/inject-garbage': {
        const parsed = garbageBody.safeParse(await readJson(req));
        if (!parsed.success) throw zodProblem(parsed.error);
        const sessions = faults.injectGarbage(operator, parsed.data.kinds);
        if (sessions === 0) throw new HttpProblem(503, { error: 'no-bind', operator });
        return send(res, 200, { operator, sessions, kinds: parsed.data.kinds });
      }
      default:
        return send(res, 405, { error: 'method-not-allowed', route: `${req.method} ${req.url ?? ''}` });
    }
  }

  private getMt(url: URL, res: ServerResponse): void {
    const parsed = mtQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) throw zodProblem(parsed.error);
    const mts = this.sim.recentMts(parsed.data).map(mtView);
    send(res, 200, { count: mts.length, mts });
  }

  private async postLoad(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = loadBody.safeParse(await readJson(req));
    if (!parsed.success) throw zodProblem(parsed.error);
    const body = parsed.data;
    const operators = body.operators ?? [...this.sim.operatorIds];
    const unknown = operators.filter((o) => !this.sim.operatorIds.includes(o));
    if (unknown.length > 0) throw new HttpProblem(400, { error: 'bad-request', issues: [`operators: unknown ${unknown.join(', ')}`] });
    const report = await this.sim.runLoad({ ...body, operators, timeoutMs: body.timeoutMs ?? this.sim.defaultMoTimeoutMs });
    send(res, 200, report);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
