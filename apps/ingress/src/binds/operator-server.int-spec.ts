import type { ServerOperatorLink } from '@parchee/config';
import { testServerLink } from '@parchee/config/testing';
import { MetricsRegistry } from '@parchee/observability';
import { CommandStatus, encodeUcs2, type DeliverSm, type EsmeClient, type EsmeClientOptions } from '@parchee/smpp';
import { bindRefusalStatus, boundEsme, createSelfSignedCertificate, loopbackEsme } from '@parchee/smpp/testing';
import { Topics, decodeMo } from '@parchee/contracts';
import type { OutgoingRecord } from '@parchee/messaging';
import { KeyedHasher } from '@parchee/privacy';
import { MoAcceptor } from '../mo/mo-acceptor';
import { OperatorServers } from './operator-server';

/** Resolves each MO when the test says so, standing in for the Kafka acknowledgement. */
class GatedMoSink {
  readonly received: Array<{ operator: string; pdu: DeliverSm; ack: (status: number) => void }> = [];
  private waiters: Array<() => void> = [];

  accept = (operator: string, pdu: DeliverSm): Promise<number> =>
    new Promise((resolve) => {
      this.received.push({ operator, pdu, ack: resolve });
      this.waiters.splice(0).forEach((wake) => wake());
    });

  async next(count: number): Promise<void> {
    while (this.received.length < count) await new Promise<void>((wake) => this.waiters.push(wake));
  }
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServers(link: ServerOperatorLink, sink: GatedMoSink, metrics?: MetricsRegistry): Promise<number> {
  const servers = new OperatorServers({ links: [link], sink, metrics, bindTimeoutMs: 2000 });
  cleanups.push(() => servers.stop());
  const ports = await servers.start();
  return ports.get(link.id) as number;
}

/** The operator's ESME, binding as a transmitter unless told otherwise; stopped after each test. */
function operatorEsme(port: number, overrides: Partial<EsmeClientOptions> = {}): EsmeClient {
  const client = loopbackEsme(port, { bindType: 'transmitter', ...overrides });
  cleanups.push(() => client.stop());
  return client;
}

function refusals(metrics: MetricsRegistry): Promise<Array<{ labels: object; value: number }>> {
  return metrics
    .counter('parchee_smpp_bind_refused_total', '', ['operator', 'reason'])
    .get()
    .then((m) => m.values.map(({ labels, value }) => ({ labels, value })));
}

describe('OperatorServers (ingress, server-mode links)', () => {
  it('turns an operator’s submit_sm into an MO and answers with a message id only after it is stored', async () => {
    const sink = new GatedMoSink();
    const port = await startServers(testServerLink(), sink);
    const client = await boundEsme(operatorEsme(port));

    let answered = false;
    const response = client.submitSm({
      sourceAddr: '923001234567',
      destinationAddr: '8300',
      dataCoding: 8,
      shortMessage: encodeUcs2('شناختی 3520212345671'),
      esmClass: 0x03,
      registeredDelivery: 1,
    });
    void response.then(() => (answered = true));
    await sink.next(1);
    const [mo] = sink.received;
    expect(mo.operator).toBe('acme');
    expect(mo.pdu).toMatchObject({
      command: 'deliver_sm',
      sourceAddr: '923001234567',
      destinationAddr: '8300',
      dataCoding: 8,
      esmClass: 0,
      registeredDelivery: 0,
    });
    expect(mo.pdu.shortMessage.equals(encodeUcs2('شناختی 3520212345671'))).toBe(true);
    expect(answered).toBe(false);

    mo.ack(CommandStatus.ESME_ROK);
    const resp = await response;
    expect(resp.commandStatus).toBe(CommandStatus.ESME_ROK);
    expect(resp.messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('publishes the operator’s submit_sm through the MO acceptor, as a deliver_sm would be', async () => {
    const records: OutgoingRecord[] = [];
    const acceptor = new MoAcceptor({ publish: async (r) => void records.push(...r) }, new KeyedHasher('int-test-pepper-0123456789abcdef'), {
      shortCode: '8300',
    });
    const servers = new OperatorServers({ links: [testServerLink()], sink: acceptor });
    cleanups.push(() => servers.stop());
    const port = (await servers.start()).get('acme') as number;
    const client = await boundEsme(operatorEsme(port));
    const resp = await client.submitSm({ sourceAddr: '923001234567', destinationAddr: '8300', dataCoding: 8, shortMessage: encodeUcs2('ووٹ 3520212345671') });
    expect(resp.commandStatus).toBe(CommandStatus.ESME_ROK);
    expect(records).toHaveLength(1);
    expect(records[0].topic).toBe(Topics.MO);
    expect(records[0].key).not.toContain('923001234567');
    expect(decodeMo(records[0].value)).toMatchObject({
      operator: 'acme',
      msisdn: '923001234567',
      request: { kind: 'lookup', lang: 'ur' },
      textLength: 17,
      shortCode: '8300',
    });
  });

  it('refuses an operator’s USSD submit_sm with ESME_RX_R_APPN and publishes nothing, as it would a USSD deliver_sm', async () => {
    const records: OutgoingRecord[] = [];
    const acceptor = new MoAcceptor({ publish: async (r) => void records.push(...r) }, new KeyedHasher('int-test-pepper-0123456789abcdef'), {
      shortCode: '8300',
    });
    const servers = new OperatorServers({ links: [testServerLink()], sink: acceptor });
    cleanups.push(() => servers.stop());
    const port = (await servers.start()).get('acme') as number;
    const client = await boundEsme(operatorEsme(port));
    await expect(
      client.submitSm({ serviceType: 'USSD', sourceAddr: '923001234567', destinationAddr: '8300', shortMessage: Buffer.from('*8300#') }),
    ).rejects.toMatchObject({
      commandStatus: CommandStatus.ESME_RX_R_APPN,
    });
    expect(records).toHaveLength(0);
  });

  it('answers ESME_RX_T_APPN without a message id when the MO could not be stored, so the operator retries', async () => {
    const sink = new GatedMoSink();
    const port = await startServers(testServerLink(), sink);
    const client = await boundEsme(operatorEsme(port, { bindType: 'transceiver' }));
    const response = client.submitSm({ sourceAddr: '923001234567', destinationAddr: '8300', shortMessage: Buffer.from('3520212345671') });
    await sink.next(1);
    sink.received[0].ack(CommandStatus.ESME_RX_T_APPN);
    await expect(response).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RX_T_APPN, retriable: true });
  });

  it('refuses a wrong password with ESME_RINVPASWD and an unknown system_id with ESME_RINVSYSID, counting both', async () => {
    const metrics = new MetricsRegistry('ingress-test');
    const sink = new GatedMoSink();
    const port = await startServers(testServerLink(), sink, metrics);
    expect(await bindRefusalStatus(operatorEsme(port, { password: 'guess' }))).toBe(CommandStatus.ESME_RINVPASWD);
    expect(await bindRefusalStatus(operatorEsme(port, { systemId: 'stranger' }))).toBe(CommandStatus.ESME_RINVSYSID);
    expect(await refusals(metrics)).toEqual(
      expect.arrayContaining([
        { labels: { operator: 'acme', reason: 'wrong_password' }, value: 1 },
        { labels: { operator: 'acme', reason: 'unknown_system_id' }, value: 1 },
      ]),
    );
    expect(sink.received).toHaveLength(0);
  });

  it('refuses a peer outside the allowlist with ESME_RBINDFAIL even with the right credentials', async () => {
    const metrics = new MetricsRegistry('ingress-test');
    const port = await startServers(testServerLink({ allowedIps: ['203.0.113.0/24'] }), new GatedMoSink(), metrics);
    expect(await bindRefusalStatus(operatorEsme(port))).toBe(CommandStatus.ESME_RBINDFAIL);
    expect(await refusals(metrics)).toEqual([{ labels: { operator: 'acme', reason: 'ip_not_allowed' }, value: 1 }]);
  });

  it('serves the bind over TLS when the link has a certificate and key', async () => {
    const { cert, key } = createSelfSignedCertificate();
    const sink = new GatedMoSink();
    const port = await startServers(testServerLink({ tlsCert: cert, tlsKey: key }), sink);
    const client = await boundEsme(operatorEsme(port, { tls: { ca: cert, servername: 'localhost' } }));
    const response = client.submitSm({ sourceAddr: '923001234567', destinationAddr: '8300', shortMessage: Buffer.from('3520212345671') });
    await sink.next(1);
    sink.received[0].ack(CommandStatus.ESME_ROK);
    expect((await response).commandStatus).toBe(CommandStatus.ESME_ROK);
  });
});
