import { z } from 'zod';
import { ConfigError } from './config-error';

export type Env = Record<string, string | undefined>;

/** A piece of configuration read from environment variables; apps compose the pieces they need. */
export type Fragment<T> = z.ZodType<T, Env>;

/**
 * Reads every fragment and throws one ConfigError naming each bad variable, so an operator
 * fixes the deployment in one go instead of one crash per key.
 */
export function readConfig<F extends Record<string, Fragment<unknown>>>(fragments: F, env: Env = process.env): { [K in keyof F]: z.output<F[K]> } {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(fragments)) {
    const result = schema.safeParse(env);
    if (result.success) out[name] = result.data;
    else for (const issue of result.error.issues) problems.push(`${issue.path.join('.') || name}: ${issue.message}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as { [K in keyof F]: z.output<F[K]> };
}

/** Integer from an environment string, with a default and bounds. */
export function intVar(def: number, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return def;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be an integer between ${min} and ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });
}

export function boolVar(def: boolean) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return def;
      if (/^(1|true|yes|on)$/i.test(v)) return true;
      if (/^(0|false|no|off)$/i.test(v)) return false;
      ctx.addIssue({ code: 'custom', message: `must be true or false, got "${v}"` });
      return z.NEVER;
    });
}
