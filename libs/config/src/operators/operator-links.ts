import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../env/config-error';
import type { Env } from '../env/read-config';
import { allowlistProblems } from './peer-allowlist';
import { clientSubmitSchema, serverSubmitSchema } from './submit-settings';

/** A short code as citizens dial it: three to eight digits. */
const shortCodeSchema = z.string().regex(/^\d{3,8}$/, 'three to eight digits');

/** Settings every link has, whichever side binds. */
const commonLinkFields = {
  /** Stable id used in metrics, Kafka messages and logs, e.g. "jazz". */
  id: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/, 'lower-case letters, digits and dashes'),
  name: z.string().optional(),
  /** client mode: the system_id we bind with. server mode: the system_id the operator must bind with. */
  systemId: z.string().min(1).max(15),
  /** Name of the environment variable holding the bind password (secrets never live in this file). */
  passwordEnv: z.string().optional(),
  /** Or a file holding it, e.g. a mounted secret. */
  passwordFile: z.string().optional(),
  systemType: z.string().max(12).default(''),
  /** Requests outstanding per bind before the next waits. */
  window: z.number().int().min(1).max(1000).default(10),
  /** The operator's cap on our MT rate, all binds and replicas together. */
  tps: z.number().int().min(1).max(100_000).default(100),
  responseTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  enquireLinkIntervalMs: z.number().int().min(1000).max(600_000).default(30_000),
  /** How long replies are split: 8-bit or 16-bit UDH references, SAR TLVs, or message_payload. */
  segmentation: z.enum(['udh8', 'udh16', 'sar', 'payload']).default('udh8'),
  /**
   * The short codes this link's MOs may be addressed to; an MO for any other destination is
   * refused. Unset: the file's `shortCode`. The first is the link's own, for an MO that names none.
   */
  shortCodes: z
    .array(shortCodeSchema)
    .min(1, 'list at least one short code, or leave shortCodes out for the file-wide shortCode')
    .refine((codes) => new Set(codes).size === codes.length, { message: 'a short code is listed twice' })
    .optional(),
};

const port = z.number().int().min(1).max(65535);

/** We bind to the operator's SMSC (the default, and the only mode before links had one). */
const clientLinkSchema = z
  .object({
    mode: z.literal('client'),
    ...commonLinkFields,
    host: z.string().min(1),
    port,
    /** Receiving binds that ingress holds (bind_receiver). */
    receiverBinds: z.number().int().min(0).max(16).default(1),
    /** Sending binds that egress holds (bind_transmitter). */
    transmitterBinds: z.number().int().min(0).max(16).default(1),
    /**
     * `split` (default): ingress binds as receiver, egress as transmitter. `transceiver`: both bind
     * as transceivers, for accounts that allow nothing else; the SMSC then sends each receipt to
     * the bind that submitted its part, egress's, which takes it as ingress would.
     */
    bindMode: z.enum(['split', 'transceiver']).default('split'),
    /** Connect with TLS, verifying the SMSC's certificate. */
    tls: z.boolean().default(false),
    /** PEM file of the CA that signed the operator's certificate, when it is not a public one. */
    tlsCaFile: z.string().min(1).optional(),
    /** Name to verify the certificate against when it differs from `host` (e.g. host is an IP). */
    tlsServername: z.string().min(1).optional(),
    /** The submit_sm fields this operator's SMSC wants (addressing, validity, receipts, alphabet...). */
    submit: clientSubmitSchema,
    /** The operator's cap on each transmitter bind's submit rate, besides `tps` for the link. Default: none. */
    bindTps: z.number().int().min(1).max(100_000).optional(),
    /** Wait before binding again after the SMSC refuses our credentials (ESME_RINVPASWD and the like). */
    authFailureDelayMs: z.number().int().min(1000).max(3_600_000).default(300_000),
    /** How long a bind must stay up before the reconnect backoff starts over from its first step. */
    backoffResetAfterMs: z.number().int().min(0).max(3_600_000).default(30_000),
  })
  .strict()
  .refine((o) => o.tls || (o.tlsCaFile === undefined && o.tlsServername === undefined), {
    message: 'tlsCaFile and tlsServername need tls: true',
    path: ['tls'],
  })
  // One egress replica may be handed the whole link's tps; binds that cannot send it would let
  // submits pile up in their queues.
  .refine((o) => o.bindTps === undefined || o.transmitterBinds === 0 || o.bindTps * o.transmitterBinds >= o.tps, {
    message: 'bindTps × transmitterBinds is below tps: lower tps or add transmitter binds',
    path: ['bindTps'],
  });

/** The operator binds to us: ingress and egress each listen for its ESME. */
const serverLinkSchema = z
  .object({
    mode: z.literal('server'),
    ...commonLinkFields,
    listen: z
      .object({
        /** ingress listens here; the operator binds a transmitter and submits MOs as submit_sm. */
        ingressPort: port,
        /** egress listens here; the operator binds a receiver and gets our MTs as deliver_sm. */
        egressPort: port,
        /** Interface to listen on. Default: all interfaces. */
        host: z.string().min(1).optional(),
      })
      .strict()
      .refine((l) => l.ingressPort !== l.egressPort, { message: 'ingressPort and egressPort must differ', path: ['egressPort'] }),
    /** Peer addresses or CIDR ranges allowed to bind; any other peer is refused. */
    allowedIps: z
      .array(z.string())
      .min(1, 'list at least one peer address or CIDR range')
      .superRefine((entries, ctx) => {
        for (const problem of allowlistProblems(entries)) ctx.addIssue({ code: 'custom', message: problem });
      }),
    /** PEM certificate and key to serve SMPP over TLS; both or neither. */
    tlsCertFile: z.string().min(1).optional(),
    tlsKeyFile: z.string().min(1).optional(),
    /** The deliver_sm fields our replies carry to this operator (addressing, alphabet...). */
    submit: serverSubmitSchema,
  })
  .strict()
  .refine((o) => (o.tlsCertFile === undefined) === (o.tlsKeyFile === undefined), {
    message: 'give both tlsCertFile and tlsKeyFile, or neither',
    path: ['tlsKeyFile'],
  });

const operatorLinkSchema = z
  .preprocess(
    // Links written before modes existed have none: they are client links.
    (value) => (value !== null && typeof value === 'object' && !('mode' in value) ? { ...value, mode: 'client' } : value),
    z.discriminatedUnion('mode', [clientLinkSchema, serverLinkSchema], { error: 'mode must be client or server' }),
  )
  .refine((o) => Boolean(o.passwordEnv) !== Boolean(o.passwordFile), {
    message: 'give exactly one of passwordEnv or passwordFile',
  });

const operatorFileSchema = z
  .object({
    /** The short code citizens write to: every link's, unless the link lists its own `shortCodes`. */
    shortCode: shortCodeSchema.default('8300'),
    operators: z.array(operatorLinkSchema).min(1),
  })
  .strict()
  .refine((f) => new Set(f.operators.map((o) => o.id)).size === f.operators.length, {
    message: 'operator ids must be unique',
    path: ['operators'],
  })
  .refine(
    (f) => {
      const ports = f.operators.flatMap((o) => (o.mode === 'server' ? [o.listen.ingressPort, o.listen.egressPort] : []));
      return new Set(ports).size === ports.length;
    },
    { message: 'two server-mode links listen on the same port', path: ['operators'] },
  );

export type OperatorLinkSettings = z.output<typeof operatorLinkSchema>;

type WithPassword<T> = Omit<T, 'passwordEnv' | 'passwordFile' | 'shortCodes'> & {
  /** client mode: the password we bind with. server mode: the one the operator must present. */
  password: string;
  /** The link's `shortCodes`, or the file's `shortCode` alone when it lists none; never empty. */
  shortCodes: string[];
};

export type ClientOperatorLink = WithPassword<z.output<typeof clientLinkSchema>> & {
  /** PEM read from tlsCaFile at load time. */
  tlsCa?: string;
};
export type ServerOperatorLink = WithPassword<z.output<typeof serverLinkSchema>> & {
  /** PEM read from tlsCertFile and tlsKeyFile at load time; both set or neither. */
  tlsCert?: string;
  tlsKey?: string;
};
export type OperatorLink = ClientOperatorLink | ServerOperatorLink;

export function isClientLink(link: OperatorLink): link is ClientOperatorLink {
  return link.mode === 'client';
}

export function isServerLink(link: OperatorLink): link is ServerOperatorLink {
  return link.mode === 'server';
}

export interface OperatorLinks {
  /** The file-wide short code; each link's own list is its `shortCodes`. */
  shortCode: string;
  operators: OperatorLink[];
  /** Where the links came from, for the boot log. */
  source: string;
}

export const DEFAULT_OPERATORS_FILE = 'config/operators.yaml';

/** ` (link jazz)` for a problem inside the link whose id is "jazz": paths count links by index. */
function linkNamed(raw: unknown, path: readonly PropertyKey[]): string {
  if (path[0] !== 'operators' || typeof path[1] !== 'number') return '';
  const operators = (raw as { operators?: unknown } | null)?.operators;
  const id = Array.isArray(operators) ? (operators[path[1]] as { id?: unknown } | null)?.id : undefined;
  return typeof id === 'string' ? ` (link ${id})` : '';
}

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
    throw new ConfigError(parsed.error.issues.map((i) => `${path}: ${i.path.join('.') || '(root)'}: ${i.message}${linkNamed(raw, i.path)}`));
  }
  const problems: string[] = [];
  const operators = parsed.data.operators.map(({ passwordEnv, passwordFile, shortCodes, ...settings }) => {
    const link = { ...settings, shortCodes: shortCodes ?? [parsed.data.shortCode] };
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
    const pem = (key: string, file: string | undefined): string | undefined => {
      if (file === undefined) return undefined;
      try {
        return readFileSync(file, 'utf8');
      } catch (err) {
        problems.push(`operators.${link.id}.${key}: cannot read ${file}: ${(err as Error).message}`);
        return undefined;
      }
    };
    if (link.mode === 'client') {
      return { ...link, password, tlsCa: pem('tlsCaFile', link.tlsCaFile) } as OperatorLink;
    }
    return { ...link, password, tlsCert: pem('tlsCertFile', link.tlsCertFile), tlsKey: pem('tlsKeyFile', link.tlsKeyFile) } as OperatorLink;
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return { shortCode: parsed.data.shortCode, operators, source: path };
}
