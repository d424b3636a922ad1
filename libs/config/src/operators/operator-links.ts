import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../env/config-error';
import type { Env } from '../env/read-config';

const operatorLinkSchema = z
  .object({
    /** Stable id used in metrics, Kafka messages and logs, e.g. "jazz". */
    id: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/, 'lower-case letters, digits and dashes'),
    name: z.string().optional(),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    systemId: z.string().min(1).max(15),
    /** Name of the environment variable holding the bind password (secrets never live in this file). */
    passwordEnv: z.string().optional(),
    /** Or a file holding it, e.g. a mounted secret. */
    passwordFile: z.string().optional(),
    systemType: z.string().max(12).default(''),
    /** Receiving binds that ingress holds (bind_receiver). */
    receiverBinds: z.number().int().min(0).max(16).default(1),
    /** Sending binds that egress holds (bind_transmitter). */
    transmitterBinds: z.number().int().min(0).max(16).default(1),
    /** Requests outstanding per bind before the next waits. */
    window: z.number().int().min(1).max(1000).default(10),
    /** The operator's cap on our submit_sm rate, all binds and replicas together. */
    tps: z.number().int().min(1).max(100_000).default(100),
    responseTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    enquireLinkIntervalMs: z.number().int().min(1000).max(600_000).default(30_000),
    /** How long replies are split: 8-bit or 16-bit UDH references, SAR TLVs, or message_payload. */
    segmentation: z.enum(['udh8', 'udh16', 'sar', 'payload']).default('udh8'),
    tls: z.boolean().default(false),
  })
  .strict()
  .refine((o) => Boolean(o.passwordEnv) !== Boolean(o.passwordFile), {
    message: 'give exactly one of passwordEnv or passwordFile',
  });

const operatorFileSchema = z
  .object({
    /** The short code citizens write to. */
    shortCode: z.string().regex(/^\d{3,8}$/).default('8300'),
    operators: z.array(operatorLinkSchema).min(1),
  })
  .strict()
  .refine((f) => new Set(f.operators.map((o) => o.id)).size === f.operators.length, {
    message: 'operator ids must be unique',
    path: ['operators'],
  });

export type OperatorLinkSettings = z.output<typeof operatorLinkSchema>;

export interface OperatorLink extends Omit<OperatorLinkSettings, 'passwordEnv' | 'passwordFile'> {
  password: string;
}

export interface OperatorLinks {
  shortCode: string;
  operators: OperatorLink[];
  /** Where the links came from, for the boot log. */
  source: string;
}

export const DEFAULT_OPERATORS_FILE = 'config/operators.yaml';

/**
 * Loads the operator links file (PARCHEE_OPERATORS_FILE, default config/operators.yaml) and
 * resolves each bind password from its environment variable or file.
 */
export function loadOperatorLinks(env: Env = process.env): OperatorLinks {
  const path = resolve(env['PARCHEE_OPERATORS_FILE'] || DEFAULT_OPERATORS_FILE);
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError([`PARCHEE_OPERATORS_FILE: cannot read ${path}: ${(err as Error).message}`]);
  }
  const parsed = operatorFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${path}: ${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const problems: string[] = [];
  const operators = parsed.data.operators.map(({ passwordEnv, passwordFile, ...link }) => {
    let password = '';
    if (passwordEnv) {
      password = env[passwordEnv] ?? '';
      if (!password) problems.push(`${passwordEnv}: bind password for operator ${link.id} is not set`);
    } else if (passwordFile) {
      try {
        password = readFileSync(passwordFile, 'utf8').trim();
      } catch (err) {
        problems.push(`operators.${link.id}.passwordFile: cannot read ${passwordFile}: ${(err as Error).message}`);
      }
    }
    if (password.length > 8) problems.push(`operators.${link.id}: SMPP 3.4 passwords are at most 8 characters`);
    return { ...link, password };
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return { shortCode: parsed.data.shortCode, operators, source: path };
}
