import type { MtMessageV1 } from '@parchee/contracts';
import type { ServerOperatorLink } from '@parchee/config';
import { testServerLink } from '@parchee/config/testing';
import { MetricsRegistry, silentLogger } from '@parchee/observability';
import { CommandStatus, ConcatReassembler, ESM_CLASS_UDHI, parseUdh, type DeliverSm, type EsmeClient, type EsmeClientOptions } from '@parchee/smpp';
import { bindRefusalStatus, boundEsme, createSelfSignedCertificate, loopbackEsme } from '@parchee/smpp/testing';
import { MtSender } from '../delivery/mt-sender';
import { LinkDirectory } from './link-directory';
import { OperatorServerPool } from './operator-server-pool';
import { TransmitterPool } from './transmitter-pool';

const urduReply =
  'آپ کا ووٹ قومی اسمبلی کے حلقہ این اے 125 میں درج ہے۔ آپ کا پولنگ اسٹیشن گورنمنٹ بوائز ہائی اسکول، ماڈل ٹاؤن، لاہور ہے۔ سلسلہ نمبر 412، گھرانہ نمبر 37۔';

function mt(overrides: Partial<MtMessageV1> = {}): MtMessageV1 {
  return {
    v: 1,
    id: 'mt-1',
    moId: 'mo-1',
    operator: 'acme',
    msisdn: '923001234567',
    shortCode: '8300',
    text: urduReply,
    lang: 'ur',
    kind: 'found',
    moReceivedAt: Date.now(),
    createdAt: Date.now(),
    expiresAt: Date.now() + 60_000,
    ...overrides,
  } as MtMessageV1;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startPool(link: ServerOperatorLink, metrics?: MetricsRegistry): Promise<{ pool: OperatorServerPool; port: number }> {
  const pool = new OperatorServerPool({ links: [link], metrics, bindTimeoutMs: 2000 });
  cleanups.push(() => pool.stop());
  const ports = await pool.start();
  return { pool, port: ports.get(link.id) as number };
}

/** The operator's side: an ESME bound as receiver, recording every deliver_sm it acknowledges. */
function operatorReceiver(port: number, overrides: Partial<EsmeClientOptions> = {}): { client: EsmeClient; delivered: DeliverSm[] } {
  const delivered: DeliverSm[] = [];
  const client = loopbackEsme(port, { bindType: 'receiver', ...overrides });
  client.setDeliverSmHandler(async (pdu) => {
    delivered.push(pdu);
    return CommandStatus.ESME_ROK;
  });
  cleanups.push(() => client.stop());
  return { client, delivered };
}

function reassemble(parts: DeliverSm[]): string {
  const reassembler = new ConcatReassembler({ timeoutMs: 60_000 });
  let text: string | undefined;
  for (const part of parts) {
    const parsed = parseUdh(part.shortMessage);
    const concat = parsed?.udh.concat;
    if (!parsed || !concat) throw new Error('part without a concatenation header');
    text =
      reassembler.add({ sourceKey: 'acme', ref: concat.ref, total: concat.total, seq: concat.seq, dataCoding: part.dataCoding, payload: parsed.payload })
        ?.text ?? text;
  }
  if (text === undefined) throw new Error('incomplete');
  return text;
}

describe('OperatorServerPool (egress, server-mode links)', () => {
  it('delivers our MT to the operator’s receiver bind as UCS-2 deliver_sm parts, through the link directory', async () => {
    const { pool, port } = await startPool(testServerLink());
    const { client, delivered } = operatorReceiver(port);
    await boundEsme(client);

    const directory = new LinkDirectory([new TransmitterPool([], silentLogger), pool]);
    const sender = new MtSender(directory, { retryDeadlineMs: 2000 });
    const result = await sender.send(mt());

    expect(result.outcome).toBe('sent');
    expect(delivered.length).toBeGreaterThan(1);
    expect(result).toMatchObject({ parts: delivered.length });
    for (const part of delivered) {
      expect(part).toMatchObject({ command: 'deliver_sm', sourceAddr: '8300', destinationAddr: '923001234567', dataCoding: 8, registeredDelivery: 0 });
      expect(part.esmClass).toBe(ESM_CLASS_UDHI);
    }
    expect(reassemble(delivered)).toBe(urduReply);
    if (result.outcome === 'sent') expect(result.messageIds.every((id) => id.length > 0)).toBe(true);
  });

  it('writes the deliver_sm with the link’s submit profile: TON/NPI, number format, service_type and data_coding 0 alphabet', async () => {
    const link = testServerLink();
    const submit = {
      ...link.submit,
      sourceTon: 0,
      sourceNpi: 1,
      destFormat: 'national' as const,
      destTon: 2,
      destNpi: 1,
      serviceType: 'CMT',
      dataCoding0: 'latin1' as const,
    };
    const { pool, port } = await startPool({ ...link, submit });
    const { client, delivered } = operatorReceiver(port);
    await boundEsme(client);

    const result = await new MtSender(new LinkDirectory([pool]), { retryDeadlineMs: 2000 }).send(mt({ text: 'Write to help@ecp.gov.pk' }));
    expect(result.outcome).toBe('sent');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      serviceType: 'CMT',
      sourceAddr: '8300',
      sourceAddrTon: 0,
      sourceAddrNpi: 1,
      destinationAddr: '3001234567',
      destAddrTon: 2,
      destAddrNpi: 1,
      dataCoding: 0,
      registeredDelivery: 0,
      validityPeriod: '',
    });
    expect(delivered[0].shortMessage.toString('latin1')).toBe('Write to help@ecp.gov.pk');
  });

  it('spreads parts round-robin over the operator’s receiver sessions and ignores its transmitter binds', async () => {
    const { pool, port } = await startPool(testServerLink());
    const first = operatorReceiver(port);
    const second = operatorReceiver(port, { bindType: 'transceiver' });
    const transmitter = operatorReceiver(port, { bindType: 'transmitter' });
    await Promise.all([boundEsme(first.client), boundEsme(second.client), boundEsme(transmitter.client)]);

    const sender = new MtSender(pool, { retryDeadlineMs: 2000 });
    for (let i = 0; i < 4; i++) expect((await sender.send(mt({ id: `mt-${i}`, text: 'Your polling station is GBHS Model Town.' }))).outcome).toBe('sent');
    expect(first.delivered).toHaveLength(2);
    expect(second.delivered).toHaveLength(2);
    expect(transmitter.delivered).toHaveLength(0);
  });

  it('has no transmitter for the operator until it binds a receiver, so the MT is deferred', async () => {
    const { pool } = await startPool(testServerLink());
    expect(pool.knows('acme')).toBe(true);
    expect(pool.pick('acme')).toBeNull();
    expect(await new MtSender(pool, { retryDeadlineMs: 100 }).send(mt())).toMatchObject({ outcome: 'deferred' });
  });

  it('refuses a wrong password and a peer outside the allowlist, counting each', async () => {
    const metrics = new MetricsRegistry('egress-test');
    const { port } = await startPool(testServerLink(), metrics);
    expect(await bindRefusalStatus(operatorReceiver(port, { password: 'guess' }).client)).toBe(CommandStatus.ESME_RINVPASWD);

    const { port: closedPort } = await startPool(testServerLink({ id: 'closed', allowedIps: ['10.0.0.0/8'] }), metrics);
    expect(await bindRefusalStatus(operatorReceiver(closedPort).client)).toBe(CommandStatus.ESME_RBINDFAIL);

    const values = (await metrics.counter('parchee_smpp_bind_refused_total', '', ['operator', 'reason']).get()).values.map(({ labels, value }) => ({
      labels,
      value,
    }));
    expect(values).toEqual(
      expect.arrayContaining([
        { labels: { operator: 'acme', reason: 'wrong_password' }, value: 1 },
        { labels: { operator: 'closed', reason: 'ip_not_allowed' }, value: 1 },
      ]),
    );
  });

  it('delivers over TLS when the link has a certificate and key', async () => {
    const { cert, key } = createSelfSignedCertificate();
    const { pool, port } = await startPool(testServerLink({ tlsCert: cert, tlsKey: key }));
    const { client, delivered } = operatorReceiver(port, { tls: { ca: cert, servername: 'localhost' } });
    await boundEsme(client);
    expect((await new MtSender(pool, { retryDeadlineMs: 2000 }).send(mt({ text: 'Hello' }))).outcome).toBe('sent');
    expect(delivered.map((p) => p.shortMessage.toString('latin1'))).toEqual(['Hello']);
  });
});
