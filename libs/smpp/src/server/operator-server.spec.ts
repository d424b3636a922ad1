import { MetricsRegistry } from '@parchee/observability';
import { CommandStatus } from '../codec/command-status';
import type { SmppLogger } from '../session/smpp-logger';
import { BIND_REFUSAL_STATUS, OperatorServer, operatorBindAuthenticator, type OperatorBindRefusalReason, type OperatorBindVerdict } from './operator-server';
import type { BindRequest } from './smsc-server';

const bind: BindRequest = { systemId: 'acme-esme', password: 'hunter22', systemType: '', bindType: 'transceiver', remoteAddress: '192.0.2.7' };

/** A logger that keeps what it is given, so a test can read what would have been logged. */
function recordingLogger(): SmppLogger & { lines: Array<{ level: string; obj: object; msg?: string }> } {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function authenticatorAnswering(verdict: OperatorBindVerdict) {
  const refusals: OperatorBindRefusalReason[] = [];
  const attempts: object[] = [];
  const logger = recordingLogger();
  const authenticate = operatorBindAuthenticator({
    operator: 'acme',
    direction: 'egress',
    guard: {
      check: (attempt) => {
        attempts.push(attempt);
        return verdict;
      },
    },
    logger,
    onRefused: (reason) => refusals.push(reason),
  });
  return { authenticate, refusals, attempts, logger };
}

describe('operatorBindAuthenticator', () => {
  it.each([
    ['ip_not_allowed', CommandStatus.ESME_RBINDFAIL],
    ['unknown_system_id', CommandStatus.ESME_RINVSYSID],
    ['wrong_password', CommandStatus.ESME_RINVPASWD],
  ] as const)('refuses a bind the guard refuses for %s with its SMPP status', (reason, status) => {
    const { authenticate, refusals } = authenticatorAnswering({ ok: false, reason });
    expect(authenticate(bind)).toEqual({ ok: false, status });
    expect(refusals).toEqual([reason]);
  });

  it('has a status for every refusal reason, none of them ESME_ROK', () => {
    const statuses = Object.values(BIND_REFUSAL_STATUS);
    expect(Object.keys(BIND_REFUSAL_STATUS).sort()).toEqual(['ip_not_allowed', 'unknown_system_id', 'wrong_password']);
    expect(statuses).not.toContain(CommandStatus.ESME_ROK);
  });

  it('asks the guard with the bind’s system_id, password and peer address', () => {
    const { authenticate, attempts } = authenticatorAnswering({ ok: true });
    authenticate(bind);
    expect(attempts).toEqual([expect.objectContaining({ systemId: 'acme-esme', password: 'hunter22', remoteAddress: '192.0.2.7' })]);
  });

  it('accepts a bind the guard accepts without counting or logging a refusal', () => {
    const { authenticate, refusals, logger } = authenticatorAnswering({ ok: true });
    expect(authenticate(bind)).toEqual({ ok: true });
    expect(refusals).toEqual([]);
    expect(logger.lines).toEqual([]);
  });

  it('logs a refusal with operator, direction, peer and reason, and never the password', () => {
    const { authenticate, logger } = authenticatorAnswering({ ok: false, reason: 'wrong_password' });
    authenticate(bind);
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        obj: { operator: 'acme', direction: 'egress', systemId: 'acme-esme', bindType: 'transceiver', remoteAddress: '192.0.2.7', reason: 'wrong_password' },
        msg: 'operator bind refused',
      },
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain('hunter22');
  });
});

describe('OperatorServer metrics', () => {
  it('registers the refusal counter and the session gauge under the names the dashboards read', async () => {
    // Constructing the server opens no socket; only listen() does.
    const metrics = new MetricsRegistry('smpp-test');
    new OperatorServer({
      link: { id: 'acme', listen: { ingressPort: 0, egressPort: 0 }, window: 10, responseTimeoutMs: 2000, enquireLinkIntervalMs: 30_000 },
      direction: 'ingress',
      guard: { check: () => ({ ok: true }) },
      onSession: () => undefined,
      metrics,
    });
    const body = (await metrics.render()).body;
    expect(body).toContain('# TYPE parchee_smpp_bind_refused_total counter');
    expect(body).toContain('# TYPE parchee_smpp_server_sessions gauge');
  });
});
