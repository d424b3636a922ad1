import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { OPERATORS, ROOT } from '@parchee/suite';

/**
 * An account that may bind only as a transceiver: its link has `bindMode: transceiver` (ingress
 * and egress each hold one transceiver), and its simulated SMSC refuses any other bind, sends each
 * receipt to the bind that submitted the part (egress's) and delivers an MO again when egress
 * sends it back with ESME_RX_T_APPN.
 */
export const TRX_OPERATOR = 'trx';

/**
 * A link of several binds: two receivers (a long MO's parts may reach either), two transmitters
 * each held to `bindTps` (the operator's cap on one bind), and a short `authFailureDelayMs`, so a
 * spec sees refused credentials retried within its time.
 */
export const MULTI_OPERATOR = 'multi';

/** `multi`'s cap on each transmitter bind's submit rate; its link's `tps` is twice that, over two binds. */
export const MULTI_BIND_TPS = 50;

/** `multi`'s wait after refused credentials before binding again (a link's `authFailureDelayMs`; 5 minutes by default). */
export const MULTI_AUTH_FAILURE_DELAY_MS = 5_000;

/**
 * Operator links the e2e suite holds besides the five of config/operators.yaml (OPERATORS), each
 * shaped for the operator habits operator-binds.e2e-spec.ts proves Parchee takes: no spec changes
 * a link the others use, and these are changed by no other spec. Loads that name no operators go
 * to every simulated operator, these included; the specs that count by OPERATORS name theirs.
 */
export const QUIRK_LINKS: ReadonlyArray<Record<string, unknown>> = [
  {
    id: TRX_OPERATOR,
    name: 'Transceiver-only account',
    host: '127.0.0.1',
    port: 2780,
    systemId: `parchee-${TRX_OPERATOR}`,
    passwordEnv: 'PARCHEE_SMPP_PASSWORD_TRX',
    tps: 100,
    bindMode: 'transceiver',
  },
  {
    id: MULTI_OPERATOR,
    name: 'Several binds',
    host: '127.0.0.1',
    port: 2781,
    systemId: `parchee-${MULTI_OPERATOR}`,
    passwordEnv: 'PARCHEE_SMPP_PASSWORD_MULTI',
    tps: 2 * MULTI_BIND_TPS,
    receiverBinds: 2,
    transmitterBinds: 2,
    bindTps: MULTI_BIND_TPS,
    authFailureDelayMs: MULTI_AUTH_FAILURE_DELAY_MS,
  },
];

/**
 * The simulator's side of QUIRK_LINKS. The transceiver-only account is so from the boot, so the
 * suite's first binds meet it; `DELETE /operators/trx/faults` goes back to this plan.
 */
const QUIRK_SIM_OPERATORS = [
  {
    id: TRX_OPERATOR,
    port: 2780,
    systemId: `parchee-${TRX_OPERATOR}`,
    faults: { transceiverOnly: {}, deliveryReceipts: {}, moRedelivery: { maxWaitMs: 30_000, retryDelayMs: 50 } },
  },
  { id: MULTI_OPERATOR, port: 2781, systemId: `parchee-${MULTI_OPERATOR}` },
];

/**
 * Writes the suite's operator links (config/operators.yaml and QUIRK_LINKS) and the simulator's
 * configuration (the five built-in operators and the quirk ones) into `dir`, and returns the
 * environment that points the processes at them, with fresh passwords for the quirk operators.
 */
export function writeQuirkOperatorFiles(dir: string): Record<string, string> {
  const links = parse(readFileSync(join(ROOT, 'config/operators.yaml'), 'utf8')) as { operators: Array<Record<string, unknown>> };
  links.operators.push(...QUIRK_LINKS.map((link) => ({ ...link })));
  const operatorsFile = join(dir, 'operators.yaml');
  writeFileSync(operatorsFile, stringify(links));
  const simFile = join(dir, 'smsc-sim.yaml');
  writeFileSync(simFile, stringify({ operators: [...OPERATORS.map((id) => ({ id })), ...QUIRK_SIM_OPERATORS] }));
  const env: Record<string, string> = { PARCHEE_OPERATORS_FILE: operatorsFile, SMSC_SIM_CONFIG: simFile };
  for (const op of [TRX_OPERATOR, MULTI_OPERATOR]) {
    // SMPP 3.4 passwords are at most 8 characters.
    const password = randomBytes(6).toString('base64url').slice(0, 8);
    env[`PARCHEE_SMPP_PASSWORD_${op.toUpperCase()}`] = password;
    env[`SMSC_SIM_${op.toUpperCase()}_PASSWORD`] = password;
  }
  return env;
}
