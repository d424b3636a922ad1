import type { MetricsRegistry } from '@parchee/observability';
import { commandStatusName } from '../codec/command-status';
import { silentSmppLogger, type SmppLogger } from '../session/smpp-logger';
import { EsmeClient } from './esme-client';

/** What our binds need of a client-mode operator link; ClientOperatorLink in libs/config is one. */
export interface OperatorClientLink {
  id: string;
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType: string;
  window: number;
  responseTimeoutMs: number;
  enquireLinkIntervalMs: number;
  /** Connect with TLS, verifying the SMSC's certificate. */
  tls: boolean;
  /** PEM of the CA that signed the operator's certificate, when it is not a public one. */
  tlsCa?: string;
  /** Name to verify the certificate against when it differs from `host`. */
  tlsServername?: string;
  /** The operator's cap on each bind's submit_sm rate, besides the link's total. Default: none. */
  bindTps?: number;
  /** Wait before binding again after the SMSC refused our credentials. Default 300 000 ms. */
  authFailureDelayMs?: number;
  /** How long a bind must stay up before the reconnect backoff starts over. Default 30 000 ms. */
  backoffResetAfterMs?: number;
}

/** ingress holds receivers (the operator's MOs come in), egress transmitters (our MTs go out). */
export type OperatorBindType = 'receiver' | 'transmitter';

export interface OperatorBindsOptions {
  link: OperatorClientLink;
  bindType: OperatorBindType;
  /** How many binds of this type to hold to the operator's SMSC. */
  count: number;
  /**
   * Bind as transceiver while playing this type's part (metrics and names keep `bindType`): for
   * operator accounts that allow transceivers only.
   */
  transceiver?: boolean;
  /** Which of the `count` binds (0-based) to open here, when replicas share them. Default: all. */
  slots?: readonly number[];
  logger?: SmppLogger;
  metrics?: MetricsRegistry;
  /** Sets the handlers of each client (a deliver_sm handler, say) before it connects. */
  onClient?(client: EsmeClient): void;
}

/** TLS settings for EsmeClient: the operator's CA when it is a private one, and the name to verify. */
export function operatorClientTls(link: Pick<OperatorClientLink, 'tls' | 'tlsCa' | 'tlsServername'>): { ca?: string; servername?: string } | false {
  if (!link.tls) return false;
  return { ...(link.tlsCa ? { ca: link.tlsCa } : {}), ...(link.tlsServername ? { servername: link.tlsServername } : {}) };
}

/**
 * Opens `count` binds of one type to a client-mode operator link and keeps them (each client
 * reconnects on its own). Every bind is logged as it comes and goes and shown in
 * `parchee_smpp_bind_up{operator,direction,bind}`, where direction is the bind type: 0 from the
 * start, so a bind that never comes up is visible too. Each bind the SMSC refuses is counted in
 * `parchee_smpp_bind_rejected_total{operator,direction,status}`; a refusal of our credentials also
 * sets `parchee_smpp_bind_auth_failing{operator,direction,bind}` to 1 until that bind succeeds (0
 * from the start, like bind_up). Stop the returned clients to unbind.
 */
export function startOperatorBinds(options: OperatorBindsOptions): EsmeClient[] {
  const { link, bindType } = options;
  const logger = options.logger ?? silentSmppLogger;
  const bindUp = options.metrics?.gauge('parchee_smpp_bind_up', 'SMPP bind state (1 bound, 0 not)', ['operator', 'direction', 'bind']);
  const rejected = options.metrics?.counter('parchee_smpp_bind_rejected_total', 'Our binds refused by the operator SMSC, by command_status', [
    'operator',
    'direction',
    'status',
  ]);
  const authFailing = options.metrics?.gauge(
    'parchee_smpp_bind_auth_failing',
    'SMPP bind whose credentials the SMSC refuses (1 from a refusal until a bind succeeds, 0 otherwise)',
    ['operator', 'direction', 'bind'],
  );
  const clients: EsmeClient[] = [];
  for (const bind of options.slots ?? Array.from({ length: options.count }, (_, i) => i)) {
    const labels = { operator: link.id, direction: bindType, bind: String(bind) };
    const setUp = (up: boolean): void => bindUp?.set(labels, up ? 1 : 0);
    const setAuthFailing = (failing: boolean): void => authFailing?.set(labels, failing ? 1 : 0);
    const client = new EsmeClient({
      name: `${link.id}/${bindType === 'receiver' ? 'rx' : 'tx'}${bind}`,
      host: link.host,
      port: link.port,
      systemId: link.systemId,
      password: link.password,
      systemType: link.systemType,
      bindType: options.transceiver ? 'transceiver' : bindType,
      window: link.window,
      responseTimeoutMs: link.responseTimeoutMs,
      enquireLinkIntervalMs: link.enquireLinkIntervalMs,
      tls: operatorClientTls(link),
      reconnect: { authFailureDelayMs: link.authFailureDelayMs, backoffResetAfterMs: link.backoffResetAfterMs },
      maxSubmitPerSecond: link.bindTps,
      logger,
    });
    options.onClient?.(client);
    client.on('bound', () => {
      logger.info({ operator: link.id, bind }, `${bindType} bound`);
      setUp(true);
      setAuthFailing(false);
    });
    client.on('bind_refused', ({ status, credentials }) => {
      rejected?.inc({ operator: link.id, direction: bindType, status: commandStatusName(status) });
      if (credentials) setAuthFailing(true);
    });
    client.on('unbound', (reason: unknown) => {
      logger.warn({ operator: link.id, bind, reason: String(reason) }, `${bindType} unbound`);
      setUp(false);
    });
    client.on('error', (err: Error) => logger.warn({ operator: link.id, bind, err: err.message }, `${bindType} bind error`));
    setUp(false);
    setAuthFailing(false);
    client.start();
    clients.push(client);
  }
  return clients;
}
