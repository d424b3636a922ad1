import { once } from 'node:events';
import * as net from 'node:net';
import { MetricsRegistry } from '@parchee/observability';
import type { EsmeClient, EsmeClientOptions } from '../client/esme-client';
import { CommandStatus } from '../codec/command-status';
import { bindRefusalStatus, boundEsme, loopbackEsme } from '../testing/loopback-esme';
import { createSelfSignedCertificate } from '../testing/self-signed-cert';
import { OperatorServer, type OperatorBindCheck, type OperatorServerLink, type OperatorServerOptions } from './operator-server';
import type { ServerSession } from './server-session';

const link: OperatorServerLink = {
  id: 'acme',
  listen: { ingressPort: 0, egressPort: 0, host: '127.0.0.1' },
  window: 10,
  responseTimeoutMs: 2000,
  enquireLinkIntervalMs: 30_000,
};

/** Lets `acme-esme` / `acme-pw` in; `stranger` is an unknown system_id and `outsider` a peer not allowed. */
const guard: OperatorBindCheck = {
  check: ({ systemId, password }) => {
    if (systemId === 'stranger') return { ok: false, reason: 'unknown_system_id' };
    if (systemId === 'outsider') return { ok: false, reason: 'ip_not_allowed' };
    return password === 'acme-pw' ? { ok: true } : { ok: false, reason: 'wrong_password' };
  },
};

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(overrides: Partial<OperatorServerOptions> = {}): Promise<{ server: OperatorServer; port: number }> {
  const server = new OperatorServer({ link, direction: 'ingress', guard, onSession: () => undefined, bindTimeoutMs: 2000, ...overrides });
  cleanups.push(() => server.close());
  return { server, port: await server.listen() };
}

function operatorEsme(port: number, overrides: Partial<EsmeClientOptions> = {}): EsmeClient {
  const client = loopbackEsme(port, overrides);
  cleanups.push(() => client.stop());
  return client;
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((closed) => probe.close(closed));
  return port;
}

async function metricValues(metrics: MetricsRegistry, name: string): Promise<Array<{ labels: object; value: number }>> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  return (await metric.get()).values.map(({ labels, value }) => ({ labels, value }));
}

describe('OperatorServer (real TCP)', () => {
  it('answers each refused bind with the status of its reason and counts it by operator and reason', async () => {
    const metrics = new MetricsRegistry('smpp-test');
    const { port } = await startServer({ metrics });
    expect(await bindRefusalStatus(operatorEsme(port, { password: 'guess' }))).toBe(CommandStatus.ESME_RINVPASWD);
    expect(await bindRefusalStatus(operatorEsme(port, { systemId: 'stranger' }))).toBe(CommandStatus.ESME_RINVSYSID);
    expect(await bindRefusalStatus(operatorEsme(port, { systemId: 'outsider' }))).toBe(CommandStatus.ESME_RBINDFAIL);
    expect(await metricValues(metrics, 'parchee_smpp_bind_refused_total')).toEqual(
      expect.arrayContaining([
        { labels: { operator: 'acme', reason: 'wrong_password' }, value: 1 },
        { labels: { operator: 'acme', reason: 'unknown_system_id' }, value: 1 },
        { labels: { operator: 'acme', reason: 'ip_not_allowed' }, value: 1 },
      ]),
    );
  });

  it('hands each bound session to onSession before the operator can send, and gauges the bound sessions by direction', async () => {
    const metrics = new MetricsRegistry('smpp-test');
    const sessions: ServerSession[] = [];
    const { server, port } = await startServer({
      direction: 'egress',
      metrics,
      onSession: (session) => {
        sessions.push(session);
        session.setSubmitSmHandler(async () => ({ status: CommandStatus.ESME_RINVBNDSTS }));
      },
    });
    const client = operatorEsme(port);
    await boundEsme(client);
    // The first request after bind_resp already meets the handler onSession set.
    await expect(client.submitSm({ destinationAddr: '8300', shortMessage: Buffer.from('x') })).rejects.toMatchObject({
      commandStatus: CommandStatus.ESME_RINVBNDSTS,
    });
    expect(server.sessions.size).toBe(1);
    expect(await metricValues(metrics, 'parchee_smpp_server_sessions')).toEqual([{ labels: { operator: 'acme', direction: 'egress' }, value: 1 }]);

    await client.stop();
    await sessions[0].closed;
    expect(server.sessions.size).toBe(0);
    expect(await metricValues(metrics, 'parchee_smpp_server_sessions')).toEqual([{ labels: { operator: 'acme', direction: 'egress' }, value: 0 }]);
  });

  it.each(['ingress', 'egress'] as const)('listens for %s on that direction’s port of the link', async (direction) => {
    const wanted = await freePort();
    const listen = direction === 'ingress' ? { ...link.listen, ingressPort: wanted } : { ...link.listen, egressPort: wanted };
    const { port } = await startServer({ direction, link: { ...link, listen } });
    expect(port).toBe(wanted);
  });

  it('serves the bind over TLS when the link has a certificate and key', async () => {
    const { cert, key } = createSelfSignedCertificate();
    const { port } = await startServer({ link: { ...link, tlsCert: cert, tlsKey: key } });
    const client = operatorEsme(port, { tls: { ca: cert, servername: 'localhost' } });
    await boundEsme(client);
    expect(client.isBound).toBe(true);
  });
});
