import { once } from 'node:events';
import { MetricsRegistry } from '@parchee/observability';
import { CommandStatus } from '../codec/command-status';
import type { DeliverSm } from '../codec/pdu';
import type { ServerSession } from '../server/server-session';
import { SmscServer } from '../server/smsc-server';
import type { EsmeClient } from './esme-client';
import { startOperatorBinds, type OperatorBindType, type OperatorClientLink } from './operator-binds';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The operator's SMSC: lets `acme` / `acme-pw` (or the password `accepted` gives) bind and hands over each bound session. */
async function operatorSmsc(accepted: () => string = () => 'acme-pw'): Promise<{ smsc: SmscServer; link: OperatorClientLink }> {
  const smsc = new SmscServer({
    host: '127.0.0.1',
    port: 0,
    authenticate: (bind) => (bind.systemId === 'acme' && bind.password === accepted() ? { ok: true } : { ok: false, status: CommandStatus.ESME_RINVPASWD }),
    sessionOptions: { enquireLinkIntervalMs: 0, unbindTimeoutMs: 500 },
  });
  cleanups.push(() => smsc.close());
  const { port } = await smsc.listen();
  const link: OperatorClientLink = {
    id: 'acme',
    host: '127.0.0.1',
    port,
    systemId: 'acme',
    password: 'acme-pw',
    systemType: '',
    window: 10,
    responseTimeoutMs: 2000,
    enquireLinkIntervalMs: 30_000,
    tls: false,
  };
  return { smsc, link };
}

function start(options: Parameters<typeof startOperatorBinds>[0]): EsmeClient[] {
  const clients = startOperatorBinds(options);
  cleanups.push(() => Promise.all(clients.map((client) => client.stop())));
  return clients;
}

async function allBound(clients: EsmeClient[]): Promise<void> {
  await Promise.all(clients.map((client) => (client.isBound ? undefined : once(client, 'bound'))));
}

async function series(metrics: MetricsRegistry, name: string): Promise<Array<{ labels: object; value: number }>> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  return (await metric.get()).values.map(({ labels, value }) => ({ labels, value }));
}

const bindUp = (metrics: MetricsRegistry) => series(metrics, 'parchee_smpp_bind_up');

describe('startOperatorBinds (real TCP)', () => {
  it.each(['receiver', 'transmitter'] as const)(
    'opens the asked number of %s binds and shows each as up in parchee_smpp_bind_up',
    async (bindType: OperatorBindType) => {
      const { smsc, link } = await operatorSmsc();
      const metrics = new MetricsRegistry('smpp-test');
      const clients = start({ link, bindType, count: 2, metrics });
      await allBound(clients);
      expect([...smsc.sessions].map((session) => session.bindType)).toEqual([bindType, bindType]);
      expect(await bindUp(metrics)).toEqual(
        expect.arrayContaining([
          { labels: { operator: 'acme', direction: bindType, bind: '0' }, value: 1 },
          { labels: { operator: 'acme', direction: bindType, bind: '1' }, value: 1 },
        ]),
      );
    },
  );

  it('shows a bind that cannot come up as down from the start', async () => {
    const { link } = await operatorSmsc();
    const metrics = new MetricsRegistry('smpp-test');
    const [client] = start({ link: { ...link, password: 'wrong' }, bindType: 'transmitter', count: 1, metrics });
    await once(client, 'error');
    expect(client.isBound).toBe(false);
    expect(await bindUp(metrics)).toEqual([{ labels: { operator: 'acme', direction: 'transmitter', bind: '0' }, value: 0 }]);
  });

  it('marks a bind down when the SMSC drops it', async () => {
    const { smsc, link } = await operatorSmsc();
    const metrics = new MetricsRegistry('smpp-test');
    const [client] = start({ link, bindType: 'receiver', count: 1, metrics });
    await allBound([client]);
    const unbound = once(client, 'unbound');
    [...smsc.sessions][0].close('operator maintenance');
    await unbound;
    expect(await bindUp(metrics)).toEqual([{ labels: { operator: 'acme', direction: 'receiver', bind: '0' }, value: 0 }]);
  });

  it('counts refused credentials by status, flags the bind until it binds, and retries at the link’s authFailureDelayMs', async () => {
    let password = 'old-pw';
    const { link } = await operatorSmsc(() => password);
    const metrics = new MetricsRegistry('smpp-test');
    const [client] = start({ link: { ...link, authFailureDelayMs: 200 }, bindType: 'transmitter', count: 1, metrics });
    const delays: number[] = [];
    client.on('reconnecting', ({ delayMs }) => delays.push(delayMs));
    await once(client, 'bind_refused');
    await once(client, 'bind_refused');
    const labels = { operator: 'acme', direction: 'transmitter' };
    expect(await series(metrics, 'parchee_smpp_bind_rejected_total')).toEqual([{ labels: { ...labels, status: 'ESME_RINVPASWD' }, value: 2 }]);
    expect(await series(metrics, 'parchee_smpp_bind_auth_failing')).toEqual([{ labels: { ...labels, bind: '0' }, value: 1 }]);
    // 200 ms spread by the default ±20 % jitter, far from the 1 s fast backoff's first step.
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(160);
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(240);

    password = 'acme-pw';
    await once(client, 'bound');
    expect(await series(metrics, 'parchee_smpp_bind_auth_failing')).toEqual([{ labels: { ...labels, bind: '0' }, value: 0 }]);
  });

  it('paces each transmitter at the link’s bindTps', async () => {
    const { smsc, link } = await operatorSmsc();
    const session = once(smsc, 'session') as Promise<[ServerSession]>;
    const [client] = start({ link: { ...link, bindTps: 200 }, bindType: 'transmitter', count: 1 });
    const [bound] = await session;
    await allBound([client]);
    const arrivals: number[] = [];
    bound.setSubmitSmHandler(async () => {
      arrivals.push(performance.now());
      return { status: CommandStatus.ESME_ROK, messageId: String(arrivals.length) };
    });
    await Promise.all(Array.from({ length: 20 }, () => client.submitSm({ destinationAddr: '923001234567', shortMessage: Buffer.from('reply') })));
    // 19 gaps of 5 ms; half of it leaves room for the server reading late. Unpaced: a few ms.
    expect(arrivals[19] - arrivals[0]).toBeGreaterThanOrEqual((19 * 5) / 2);
  });

  it('sets the handlers onClient gives before the bind, so the first deliver_sm already meets them', async () => {
    const { smsc, link } = await operatorSmsc();
    const session = once(smsc, 'session') as Promise<[ServerSession]>;
    const delivered: DeliverSm[] = [];
    start({
      link,
      bindType: 'receiver',
      count: 1,
      onClient: (client) =>
        client.setDeliverSmHandler(async (pdu) => {
          delivered.push(pdu as DeliverSm);
          return CommandStatus.ESME_ROK;
        }),
    });
    const [bound] = await session;
    const resp = await bound.deliverSm({ sourceAddr: '923001234567', destinationAddr: '8300', shortMessage: Buffer.from('hello') });
    expect(resp.commandStatus).toBe(CommandStatus.ESME_ROK);
    expect(delivered.map((pdu) => pdu.shortMessage.toString('latin1'))).toEqual(['hello']);
  });
});
