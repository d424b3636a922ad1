import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { badRequest } from './control-exception.filter';

/**
 * Validates a route's body or query string with a zod schema and hands the route the parsed
 * value; otherwise 400 `bad-request` with every issue as "path: message". A body arrives as the
 * raw bytes (read whatever its content-type, see control-api.ts) and is parsed as JSON here, so a
 * route checks what it must (the operator) before anything looks at the body.
 */
export class ZodValidationPipe<T> implements PipeTransform<unknown, T> {
  constructor(private readonly schema: z.ZodType<T>) {}

  transform(value: unknown, metadata: ArgumentMetadata): T {
    const parsed = this.schema.safeParse(metadata.type === 'body' ? parseJson(value) : value);
    if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`));
    return parsed.data;
  }
}

/** The raw body as JSON; no body at all is not JSON either. */
function parseJson(raw: unknown): unknown {
  try {
    return JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : '');
  } catch {
    throw badRequest(['body is not valid JSON']);
  }
}
