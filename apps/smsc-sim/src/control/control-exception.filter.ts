import { Catch, Inject, NotFoundException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { LOGGER, type Logger } from '@parchee/observability';
import type { Request, Response } from 'express';
import { SimError } from '../errors/sim-error';
import { HttpProblem } from './http-problem';

/** 400 listing every problem with the request, each naming its field. */
export function badRequest(issues: string[]): HttpProblem {
  return new HttpProblem(400, { error: 'bad-request', issues });
}

/** 405 for a method a route under /operators/:id/ does not take. */
export function methodNotAllowed(req: Request): HttpProblem {
  return new HttpProblem(405, { error: 'method-not-allowed', route: `${req.method} ${req.originalUrl}` });
}

/** What body-parser fails with (an http-errors error): the body could not be read. */
interface BodyReadError {
  type: string;
  status: number;
  limit?: number;
}

function isBodyReadError(err: unknown): err is BodyReadError {
  const e = err as Partial<BodyReadError> | null;
  return typeof e?.type === 'string' && typeof e.status === 'number' && e.status < 500;
}

/**
 * Every failure of the control API as `{ error: <stable code>, ... }` JSON: the problems the
 * routes raise, a stopping simulator (503), a route nobody declares (404), a body too large (413)
 * or unreadable (400), and anything unexpected (500, logged).
 */
@Catch()
export class ControlExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const [status, body] = this.answer(exception, http.getRequest<Request>());
    http.getResponse<Response>().status(status).json(body);
  }

  private answer(err: unknown, req: Request): [number, Record<string, unknown>] {
    if (err instanceof HttpProblem) return [err.status, err.body];
    if (err instanceof SimError && err.code === 'SHUTTING_DOWN') return [503, { error: 'shutting-down' }];
    // Thrown by Nest for a request no route takes (and by the routes guard for HEAD).
    if (err instanceof NotFoundException) return [404, { error: 'not-found', route: `${req.method} ${new URL(req.originalUrl, 'http://sim').pathname}` }];
    if (isBodyReadError(err)) {
      if (err.type === 'entity.too.large') return [413, { error: 'body-too-large', limitBytes: err.limit }];
      // A compressed body, a body shorter than its content-length...: not JSON the API can read.
      return [400, { error: 'bad-request', issues: ['body is not valid JSON'] }];
    }
    this.logger.error({ err: (err as Error).message }, 'control API request failed');
    return [500, { error: 'internal', message: (err as Error).message }];
  }
}
