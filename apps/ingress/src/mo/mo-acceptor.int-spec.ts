import { testClientLink } from '@parchee/config/testing';
import { Topics, decodeMo } from '@parchee/contracts';
import { BatchingPublisher, type OutgoingRecord } from '@parchee/messaging';
import { freshTopic, readTopic, testKafka } from '@parchee/messaging/testing';
import { MetricsRegistry, silentLogger } from '@parchee/observability';
import { KeyedHasher } from '@parchee/privacy';
import { CommandStatus, SmscServer, TlvTag, Ton, createTlv, type DataSmResp, type OutgoingRequest, type ServerSession } from '@parchee/smpp';
import { ReceiverBinds } from '../binds/receiver-binds';
import { createIngressMetrics } from '../ingress-metrics';
import { MoAcceptor } from './mo-acceptor';

/*
 * The MO path as ingress runs it, with real parts: an operator's SMSC on TCP delivers to ingress's
 * receiver bind, the MO acceptor publishes to a real Kafka. Each test publishes to a topic of its
 * own (the acceptor's records are redirected there), so the shared broker's sms.mo.v2 and other
 * specs are never touched.
 */

const kafka = testKafka('ingress-mo-int');
const hasher = new KeyedHasher('int-test-pepper-0123456789abcdef');
/** The link as the loader makes it; its port is the test SMSC's, known once it listens. */
const link = testClientLink({ port: 0, transmitterBinds: 0 });

let server: SmscServer;
let session: ServerSession;
let binds: ReceiverBinds;
let publisher: BatchingPublisher;
let metrics: ReturnType<typeof createIngressMetrics>;
/** Where this test's MOs go; what topic the acceptor asked for is kept beside each. */
let topic: string;
const asked: string[] = [];

beforeAll(async () => {
  publisher = new BatchingPublisher(kafka);
  await publisher.connect();
  metrics = createIngressMetrics(new MetricsRegistry('ingress-test'));
  const acceptor = new MoAcceptor(
    {
      publish: (records: OutgoingRecord[]) => {
        asked.push(...records.map((r) => r.topic));
        return publisher.publish(records.map((r) => ({ ...r, topic })));
      },
    },
    hasher,
    {
      shortCode: '8300',
      shortCodes: new Map([[link.id, link.shortCodes]]),
      onOutcome: (operator, outcome) => metrics.received.inc({ operator, outcome }),
    },
  );
  server = new SmscServer({ host: '127.0.0.1', port: 0, authenticate: () => ({ ok: true }), sessionOptions: { enquireLinkIntervalMs: 0 } });
  const bound = new Promise<ServerSession>((resolve) => server.once('session', resolve));
  const { port } = await server.listen();
  binds = new ReceiverBinds({ links: [{ ...link, port }], logger: silentLogger, sink: acceptor });
  binds.start();
  session = await bound;
});

afterAll(async () => {
  await binds?.stop();
  await server?.close();
  await publisher?.close();
});

beforeEach(async () => {
  topic = await freshTopic('ingress-mo', 1);
  asked.length = 0;
});

async function recordsOn(name: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(name);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

async function outcomeCount(outcome: string): Promise<number> {
  const { values } = await metrics.received.get();
  return values.find((v) => v.labels.operator === 'jazz' && v.labels.outcome === outcome)?.value ?? 0;
}

describe('MO intake over a real receiver bind and Kafka', () => {
  it('refuses USSD steps (service_type USSD, a ussd_service_op TLV, a USSD data_sm) with ESME_RX_R_APPN, publishes none of them and counts each', async () => {
    await expect(
      session.deliverSm({ serviceType: 'USSD', sourceAddr: '923001234567', destinationAddr: '8300', shortMessage: Buffer.from('*8300#') }),
    ).rejects.toMatchObject({
      commandStatus: CommandStatus.ESME_RX_R_APPN,
    });
    await expect(
      session.deliverSm({
        sourceAddr: '923001234567',
        destinationAddr: '8300',
        shortMessage: Buffer.from('3520212345671'),
        tlvs: [createTlv(TlvTag.ussd_service_op, 0x12)],
      }),
    ).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RX_R_APPN });
    const dataSm: OutgoingRequest<'data_sm'> = {
      command: 'data_sm',
      serviceType: 'ussd',
      sourceAddrTon: Ton.INTERNATIONAL,
      sourceAddrNpi: 1,
      sourceAddr: '923001234567',
      destAddrTon: 0,
      destAddrNpi: 0,
      destinationAddr: '8300',
      esmClass: 0,
      registeredDelivery: 0,
      dataCoding: 0,
      tlvs: [createTlv(TlvTag.message_payload, Buffer.from('3520212345671'))],
    };
    await expect(session.request<DataSmResp>(dataSm)).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RX_R_APPN });

    // An ordinary MO after them is taken: the bind is fine, and it is the only record on the topic.
    const resp = await session.deliverSm({ sourceAddr: '923001234567', destinationAddr: '8300', shortMessage: Buffer.from('HELP') });
    expect(resp.commandStatus).toBe(CommandStatus.ESME_ROK);
    expect(await recordsOn(topic)).toBe(1);
    expect(asked).toEqual([Topics.MO]);
    const [record] = await readTopic(kafka, topic, 1);
    expect(decodeMo(record.value).request).toEqual({ kind: 'help', lang: 'ur' });
    expect(await outcomeCount('ussd_refused')).toBe(3);
  });

  it('publishes an MO from a TON 2 national number without the trunk zero (3001234567) as 923001234567', async () => {
    const resp = await session.deliverSm({
      sourceAddrTon: Ton.NATIONAL,
      sourceAddr: '3001234567',
      destinationAddr: '+928300',
      shortMessage: Buffer.from('3520212345671'),
    });
    expect(resp.commandStatus).toBe(CommandStatus.ESME_ROK);
    const [record] = await readTopic(kafka, topic, 1);
    expect(record.key).toBe(KeyedHasher.text(hasher.msisdn('923001234567')));
    expect(decodeMo(record.value)).toMatchObject({ operator: 'jazz', msisdn: '923001234567', shortCode: '8300', request: { kind: 'lookup' } });
  });

  it('refuses an MO for a short code the link does not serve with ESME_RINVDSTADR and publishes nothing', async () => {
    const before = await outcomeCount('wrong_destination');
    await expect(session.deliverSm({ sourceAddr: '923001234567', destinationAddr: '8301', shortMessage: Buffer.from('3520212345671') })).rejects.toMatchObject({
      commandStatus: CommandStatus.ESME_RINVDSTADR,
    });
    expect(await outcomeCount('wrong_destination')).toBe(before + 1);
    expect(await recordsOn(topic)).toBe(0);
  });
});
