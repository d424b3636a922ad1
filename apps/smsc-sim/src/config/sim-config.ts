import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, type Env } from '@parchee/config';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { faultPlanSchema, type FaultPlan } from '../faults/fault-plan';

/** One simulated operator SMSC: where it listens and which credentials it accepts. */
export interface OperatorSimConfig {
  /** Stable id, e.g. "jazz"; used in the control API, stats and logs. */
  id: string;
  /** TCP port of this operator's SMPP listener; 0 picks a free one (tests). */
  port: number;
  /** system_id the ESME must bind with (SMPP 3.4: at most 15 characters). */
  systemId: string;
  /** Bind password (SMPP 3.4: at most 8 characters). */
  password: string;
  /** Misbehaviour at boot (see faults/fault-plan.ts); absent: a well-behaved SMSC. */
  faults?: FaultPlan;
}

export interface SimConfig {
  /** Destination address of every MO: the service's short code. */
  shortCode: string;
  /** Address every operator listener binds to. */
  smppHost: string;
  /** The HTTP control API. */
  http: { host: string; port: number };
  /** How long POST /mo waits for the reply MT when the request does not say. */
  moTimeoutMs: number;
  /** How many completed MTs GET /mt can return (a ring buffer; older ones are forgotten). */
  mtHistoryLimit: number;
  /** Incomplete concatenated MTs are dropped (and counted) this long after their first part. */
  concatTimeoutMs: number;
  /**
   * SMPP timers and window of the server sessions, passed to @parchee/smpp as they are. The window
   * is how many deliver_sm one bind has out unanswered: real SMSCs use 1 to 50, and it bounds the
   * MO rate one bind can reach at a given acknowledgement latency.
   */
  smpp: { responseTimeoutMs: number; enquireLinkIntervalMs: number; window: number };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  operators: OperatorSimConfig[];
  /** Where the configuration came from, for the boot log. */
  source: string;
}

/** Built-in operators and their ports, 2775 (the IANA SMPP port) upwards. */
export const DEFAULT_OPERATOR_PORTS: Readonly<Record<string, number>> = {
  jazz: 2775,
  zong: 2776,
  telenor: 2777,
  ufone: 2778,
  sco: 2779,
};

/** Defaults: short code 8300, SMPP on 127.0.0.1:2775-2779, control API on 127.0.0.1:8300. */
export const SIM_DEFAULTS = {
  shortCode: '8300',
  smppHost: '127.0.0.1',
  httpHost: '127.0.0.1',
  httpPort: 8300,
  moTimeoutMs: 15_000,
  mtHistoryLimit: 10_000,
  concatTimeoutMs: 60_000,
  responseTimeoutMs: 10_000,
  enquireLinkIntervalMs: 30_000,
  window: 10,
  logLevel: 'info',
} as const;

/** Default credentials: system_id `parchee-<id>`, password `<first 4 letters of id>-sim`. */
export function defaultCredentials(id: string): { systemId: string; password: string } {
  return { systemId: `parchee-${id}`, password: `${id.slice(0, 4)}-sim` };
}

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const operatorSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/, 'lower-case letters, digits and dashes, 2 to 32 characters'),
    port: int(0, 65535).optional(),
    systemId: z.string().min(1).max(15).optional(),
    password: z.string().max(8).optional(),
    faults: faultPlanSchema.optional(),
  })
  .strict();

const fileSchema = z
  .object({
    shortCode: z
      .string()
      .regex(/^\d{3,8}$/, 'three to eight digits')
      .optional(),
    smppHost: z.string().min(1).optional(),
    http: z
      .object({ host: z.string().min(1).optional(), port: int(0, 65535).optional() })
      .strict()
      .optional(),
    moTimeoutMs: int(100, 600_000).optional(),
    mtHistoryLimit: int(1, 1_000_000).optional(),
    concatTimeoutMs: int(100, 3_600_000).optional(),
    smpp: z
      .object({ responseTimeoutMs: int(100, 120_000).optional(), enquireLinkIntervalMs: int(1_000, 600_000).optional(), window: int(1, 1_000).optional() })
      .strict()
      .optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
    operators: z.array(operatorSchema).min(1).optional(),
  })
  .strict();

/** Environment variable holding the password override of an operator: SMSC_SIM_<ID>_PASSWORD. */
export function passwordEnvName(operatorId: string): string {
  return `SMSC_SIM_${operatorId.toUpperCase().replace(/-/g, '_')}_PASSWORD`;
}

function envInt(env: Env, name: string, min: number, max: number, problems: string[]): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name}: must be an integer between ${min} and ${max}, got "${raw}"`);
    return undefined;
  }
  return n;
}

function resolveOperators(
  entries: Array<z.output<typeof operatorSchema>> = Object.keys(DEFAULT_OPERATOR_PORTS).map((id) => ({ id })),
  env: Env,
  source: string,
  problems: string[],
): OperatorSimConfig[] {
  const operators = entries.map((entry, i): OperatorSimConfig => {
    const defaults = defaultCredentials(entry.id);
    const port = entry.port ?? DEFAULT_OPERATOR_PORTS[entry.id];
    if (port === undefined) problems.push(`${source}: operators.${i}.port: required for operator "${entry.id}" (no built-in port)`);
    const password = env[passwordEnvName(entry.id)] ?? entry.password ?? defaults.password;
    if (password.length > 8) problems.push(`${passwordEnvName(entry.id)}: SMPP 3.4 passwords are at most 8 characters`);
    const systemId = entry.systemId ?? defaults.systemId;
    if (systemId.length > 15) problems.push(`${source}: operators.${i}.systemId: "${systemId}" is longer than 15 characters`);
    return { id: entry.id, port: port ?? 0, systemId, password, ...(entry.faults ? { faults: entry.faults } : {}) };
  });
  const ids = new Set<string>();
  const ports = new Map<number, string>();
  for (const op of operators) {
    if (ids.has(op.id)) problems.push(`${source}: operators: operator id "${op.id}" appears twice`);
    ids.add(op.id);
    const other = ports.get(op.port);
    if (op.port !== 0 && other) problems.push(`${source}: operators: ${other} and ${op.id} both use port ${op.port}`);
    ports.set(op.port, op.id);
  }
  return operators;
}

/**
 * Builds the configuration from a parsed file (or nothing) plus environment overrides:
 * SMSC_SIM_HTTP_HOST, SMSC_SIM_HTTP_PORT, SMSC_SIM_SMPP_HOST, SMSC_SIM_SHORT_CODE, SMSC_SIM_WINDOW, LOG_LEVEL and
 * SMSC_SIM_<OPERATOR>_PASSWORD. Throws one ConfigError naming every bad key.
 */
export function parseSimConfig(raw: unknown, env: Env = {}, source = 'built-in defaults'): SimConfig {
  const problems: string[] = [];
  const parsed = fileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    for (const i of parsed.error.issues) problems.push(`${source}: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const file: z.output<typeof fileSchema> = parsed.success ? parsed.data : {};
  // With a malformed file the operator list is unknown; checking the defaults instead would mislead.
  const operators = parsed.success ? resolveOperators(file.operators, env, source, problems) : [];

  const shortCode = env['SMSC_SIM_SHORT_CODE'] ?? file.shortCode ?? SIM_DEFAULTS.shortCode;
  if (!/^\d{3,8}$/.test(shortCode)) problems.push(`SMSC_SIM_SHORT_CODE: must be three to eight digits, got "${shortCode}"`);
  const logLevel = env['LOG_LEVEL'] ?? file.logLevel ?? SIM_DEFAULTS.logLevel;
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
  if (!(levels as readonly string[]).includes(logLevel)) problems.push(`LOG_LEVEL: must be one of ${levels.join(', ')}, got "${logLevel}"`);
  const httpPort = envInt(env, 'SMSC_SIM_HTTP_PORT', 0, 65535, problems) ?? file.http?.port ?? SIM_DEFAULTS.httpPort;
  const window = envInt(env, 'SMSC_SIM_WINDOW', 1, 1_000, problems) ?? file.smpp?.window ?? SIM_DEFAULTS.window;

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    shortCode,
    smppHost: env['SMSC_SIM_SMPP_HOST'] || file.smppHost || SIM_DEFAULTS.smppHost,
    http: { host: env['SMSC_SIM_HTTP_HOST'] || file.http?.host || SIM_DEFAULTS.httpHost, port: httpPort },
    moTimeoutMs: file.moTimeoutMs ?? SIM_DEFAULTS.moTimeoutMs,
    mtHistoryLimit: file.mtHistoryLimit ?? SIM_DEFAULTS.mtHistoryLimit,
    concatTimeoutMs: file.concatTimeoutMs ?? SIM_DEFAULTS.concatTimeoutMs,
    smpp: {
      responseTimeoutMs: file.smpp?.responseTimeoutMs ?? SIM_DEFAULTS.responseTimeoutMs,
      enquireLinkIntervalMs: file.smpp?.enquireLinkIntervalMs ?? SIM_DEFAULTS.enquireLinkIntervalMs,
      window,
    },
    logLevel: logLevel as SimConfig['logLevel'],
    operators,
    source,
  };
}

/** The config file named by `--config <path>` (or `--config=<path>`), else SMSC_SIM_CONFIG. */
export function configPathFrom(argv: readonly string[], env: Env): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--config') {
      const next = argv[i + 1];
      if (!next || next.startsWith('--')) throw new ConfigError(['--config: expects a file path']);
      return next;
    }
    if (argv[i].startsWith('--config=')) return argv[i].slice('--config='.length);
  }
  return env['SMSC_SIM_CONFIG'] || undefined;
}

/** Reads the YAML or JSON file (JSON is valid YAML), if any, and applies the environment. */
export function loadSimConfig(argv: readonly string[] = process.argv.slice(2), env: Env = process.env): SimConfig {
  const path = configPathFrom(argv, env);
  if (!path) return parseSimConfig(undefined, env);
  const absolute = resolve(path);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(absolute, 'utf8'));
  } catch (err) {
    throw new ConfigError([`SMSC_SIM_CONFIG: cannot read ${absolute}: ${(err as Error).message}`]);
  }
  return parseSimConfig(raw, env, absolute);
}
