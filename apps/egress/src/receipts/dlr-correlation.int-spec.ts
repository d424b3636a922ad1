import { randomUUID } from 'node:crypto';
import { encodeMessage, type DlrMessageV1, type MtMessageV1 } from '@parchee/contracts';
import { BatchConsumer, BatchingPublisher, DeadLetters } from '@parchee/messaging';
import { freshTopic, testKafka } from '@parchee/messaging/testing';
import type { Logger } from '@parchee/observability';
import { testRedis } from '@parchee/redis/testing';
import {
  CommandStatus,
  EsmClass,
  EsmeClient,
  SmscServer,
  normaliseMessageId,
  parseDeliveryReceipt,
  type DeliverSm,
  type SegmentationMode,
  type ServerSession,
} from '@parchee/smpp';
import { MtSender, type TransmitterDirectory } from '../delivery/mt-sender';
import { DlrCorrelator, type DlrOutcome } from './dlr-correlator';
import { RedisMessageIdMap, messageIdKey } from './message-id-map';
import { RedisMtStatusStore, mtStatusKey } from './mt-status-store';

/*
 * The receipt path end to end with real parts: a real SMSC on TCP answers submit_sm with hex
 * message ids and sends receipts carrying the decimal form on another bind; the receipt is
 * parsed and published to a real Kafka topic the way ingress does it, and the correlator reads
 * it back and writes the MT status to a real Redis.
 */

/** How long the map below keeps an id past its part's validity, seconds. */
const MARGIN_SECONDS = 600;
/** A reply's lifetime left when it is sent (see mt()), ms. */
const VALIDITY_MS = 60_000;

const kafka = testKafka('egress-dlr-int');
const operator = `it${randomUUID().slice(0, 8)}`;
const redis = testRedis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });

let server: SmscServer;
let transmitter: EsmeClient;
let receiver: EsmeClient;
let receiverSession: ServerSession;
let publisher: BatchingPublisher;
let consumer: BatchConsumer;
let ids: RedisMessageIdMap;
let sender: MtSender;
let nextMessageId = 0x0a3f5c90;
/** Ids the SMSC gives the next submit_sm instead of its own hex ones. */
const scriptedIds: string[] = [];
const submittedIds: string[] = [];
const waiting = new Map<string, (outcome: DlrOutcome) => void>();
/** What the correlator logged above debug level. */
const loud: Array<{ level: string; msg?: string }> = [];
const logger: Logger = {
  debug: () => undefined,
  info: (_obj, msg) => void loud.push({ level: 'info', msg }),
  warn: (_obj, msg) => void loud.push({ level: 'warn', msg }),
  error: (_obj, msg) => void loud.push({ level: 'error', msg }),
  child: () => logger,
};

function bound(client: EsmeClient): Promise<void> {
  return new Promise((resolve) => client.once('bound', () => resolve()));
}

/** Resolves when the correlator has handled the receipt with this SMSC message id. */
function correlated(messageId: string): Promise<DlrOutcome> {
  return new Promise((resolve) => waiting.set(messageId, resolve));
}

function mt(text: string): MtMessageV1 {
  const moId = randomUUID();
  return {
    v: 1,
    id: `${moId}.r1`,
    moId,
    operator,
    msisdn: '923001234567',
    shortCode: '8300',
    text,
    lang: 'en',
    kind: 'found',
    moReceivedAt: 0,
    createdAt: 0,
    expiresAt: Date.now() + VALIDITY_MS,
  };
}

function receiptText(id: string, stat: string): Buffer {
  return Buffer.from(`id:${id} sub:001 dlvrd:001 submit date:2311301012 done date:2311301013 stat:${stat} err:000 text:Your polling`);
}

beforeAll(async () => {
  const topic = await freshTopic('dlr', 2);
  server = new SmscServer({ host: '127.0.0.1', port: 0, authenticate: () => ({ ok: true }), sessionOptions: { enquireLinkIntervalMs: 0 } });
  const receiverBound = new Promise<ServerSession>((resolve) =>
    server.on('session', (session) => {
      if (session.systemId === 'rx') resolve(session);
      session.setSubmitSmHandler(async () => {
        const messageId = scriptedIds.shift() ?? (nextMessageId++).toString(16).toUpperCase().padStart(10, '0');
        submittedIds.push(messageId);
        return { status: CommandStatus.ESME_ROK, messageId };
      });
    }),
  );
  const { port } = await server.listen();
  const client = (systemId: string, bindType: 'transmitter' | 'receiver') =>
    new EsmeClient({
      host: '127.0.0.1',
      port,
      systemId,
      password: 'pw',
      bindType,
      enquireLinkIntervalMs: 0,
      responseTimeoutMs: 2000,
      sessionOptions: { unbindTimeoutMs: 500 },
    });
  transmitter = client('tx', 'transmitter');
  receiver = client('rx', 'receiver');

  publisher = new BatchingPublisher(kafka);
  await publisher.connect();
  // What ingress's ReceiptAcceptor does: parse, publish, ack after Kafka.
  receiver.setDeliverSmHandler(async (pdu: DeliverSm) => {
    const receipt = parseDeliveryReceipt(pdu);
    if (receipt === null) return CommandStatus.ESME_ROK;
    const dlr: DlrMessageV1 = {
      v: 1,
      id: randomUUID(),
      operator,
      messageId: receipt.messageId,
      normalisedIds: receipt.normalisedIds,
      state: receipt.state,
      final: receipt.final,
      receivedAt: Date.now(),
    };
    await publisher.publish([{ topic, key: `${operator}:${receipt.normalisedIds[0]}`, value: encodeMessage(dlr) }]);
    return CommandStatus.ESME_ROK;
  });
  const up = Promise.all([bound(transmitter), bound(receiver)]);
  transmitter.start();
  receiver.start();
  await up;
  receiverSession = await receiverBound;

  ids = new RedisMessageIdMap(redis, MARGIN_SECONDS);
  const directory: TransmitterDirectory = { pick: () => transmitter, segmentation: (): SegmentationMode => 'udh8', knows: () => true };
  sender = new MtSender(directory, { retryDeadlineMs: 2000, submittedParts: ids });
  const correlator = new DlrCorrelator(ids, new RedisMtStatusStore(redis, 600), new DeadLetters('egress', { publisher }), {
    retryDelayMs: 50,
    logger,
    onResult: (dlr, outcome) => waiting.get(dlr.messageId)?.(outcome),
  });
  consumer = new BatchConsumer(kafka, { groupId: `egress-dlr-int-${randomUUID()}`, topics: [topic] });
  await consumer.start((batch) => correlator.process(batch));
});

afterAll(async () => {
  await consumer?.stop();
  await publisher?.close();
  await Promise.all([transmitter?.stop(), receiver?.stop()]);
  await server?.close();
  const keys = await redis.keys(`parchee:dlr:${operator}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('delivery receipt correlation against real SMPP, Kafka and Redis', () => {
  it('maps the message id of a submitted MT to the MT and its part', async () => {
    const reply = mt('Your polling station is Government Boys School 12');
    const result = await sender.send(reply);
    await ids.idle();
    expect(result.outcome).toBe('sent');
    const messageId = submittedIds[submittedIds.length - 1];
    const stored = await redis.get(messageIdKey(operator, messageId.replace(/^0+/, '').toLowerCase()));
    expect(JSON.parse(stored ?? 'null')).toMatchObject({ mtId: reply.id, operator, part: 1, parts: 1 });
    expect(stored).not.toContain('923001234567');
  });

  it("keeps the id mapped for the part's validity period plus the margin", async () => {
    const before = Date.now();
    const reply = mt('Your polling station is Government Boys School 14');
    await sender.send(reply);
    await ids.idle();
    const key = messageIdKey(operator, normaliseMessageId(submittedIds[submittedIds.length - 1])[0]);
    const ttlMs = await redis.pttl(key);
    // The validity shrinks by the time the reply took to go out; the margin is added whole. (The
    // 100 ms allow for Redis and Node reading their clocks at different moments.)
    expect(ttlMs).toBeLessThanOrEqual(VALIDITY_MS + MARGIN_SECONDS * 1000);
    expect(ttlMs).toBeGreaterThan(VALIDITY_MS - (Date.now() - before) - 100 + MARGIN_SECONDS * 1000);
  });

  it('takes no more Redis memory per part than docs/delivery-guarantees.md sizes the map with (MEMORY USAGE 216 bytes)', async () => {
    const reply = mt('Your polling station is Government Girls School 9');
    await sender.send(reply);
    await ids.idle();
    const key = messageIdKey(operator, normaliseMessageId(submittedIds[submittedIds.length - 1])[0]);
    const bytes = Number(await redis.call('MEMORY', 'USAGE', key));
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(216);
  });

  it('counts a receipt that comes after its map entry expired as unmatched, and logs nothing above debug for it', async () => {
    const messageId = 'C0FFEE0001';
    // As if the part had been sent long ago: mapped by a map without a margin, for 1 ms of validity.
    await new RedisMessageIdMap(redis, 0).remember(messageId, { mtId: `${randomUUID()}.r1`, operator, part: 1, parts: 1, submittedAt: Date.now() }, 1);
    const key = messageIdKey(operator, normaliseMessageId(messageId)[0]);
    while ((await redis.exists(key)) === 1) await new Promise((resolve) => setImmediate(resolve));
    loud.length = 0;
    const outcome = correlated(messageId);
    await receiverSession.deliverSm({
      sourceAddr: '923001234567',
      destinationAddr: '8300',
      esmClass: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT,
      shortMessage: receiptText(messageId, 'EXPIRED'),
    });
    expect(await outcome).toBe('unmatched');
    expect(loud).toEqual([]);
  });

  it('correlates a receipt that writes the hex submit id in decimal, on another bind, and records the MT status', async () => {
    const reply = mt('Aap ka polling station Government Girls School 7 hai');
    await sender.send(reply);
    await ids.idle();
    const hexId = submittedIds[submittedIds.length - 1];
    const decimalId = BigInt(`0x${hexId}`).toString(10);
    const outcome = correlated(decimalId);
    const resp = await receiverSession.deliverSm({
      sourceAddr: '923001234567',
      destinationAddr: '8300',
      esmClass: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT,
      shortMessage: receiptText(decimalId, 'DELIVRD'),
    });
    expect(resp.commandStatus).toBe(CommandStatus.ESME_ROK);
    expect(await outcome).toBe('matched');
    const status = await redis.hgetall(mtStatusKey(reply.id));
    expect(status).toMatchObject({ state: 'DELIVERED', final: '1', delivered: '1', parts: '1', 'part:1': '1:DELIVERED' });
    expect(await redis.ttl(mtStatusKey(reply.id))).toBeGreaterThan(0);
    await redis.del(mtStatusKey(reply.id));
  });

  it("matches a receipt to the message whose id it carries as written, not to one whose id is that id's reading in the other base", async () => {
    // 74565 is the decimal value of hex 12345: each id is a reading of the other.
    scriptedIds.push('12345', '74565');
    const first = mt('Your polling station is Government High School 1');
    const second = mt('Your polling station is Government High School 2');
    await sender.send(first);
    await sender.send(second);
    await ids.idle();
    for (const [id, stat] of [
      ['74565', 'DELIVRD'],
      ['12345', 'UNDELIV'],
    ]) {
      const done = correlated(id);
      await receiverSession.deliverSm({
        sourceAddr: '923001234567',
        destinationAddr: '8300',
        esmClass: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT,
        shortMessage: receiptText(id, stat),
      });
      expect(await done).toBe('matched');
    }
    expect(await redis.hgetall(mtStatusKey(first.id))).toMatchObject({ state: 'UNDELIVERABLE', 'part:1': '1:UNDELIVERABLE' });
    expect(await redis.hgetall(mtStatusKey(second.id))).toMatchObject({ state: 'DELIVERED', 'part:1': '1:DELIVERED' });
    await redis.del(mtStatusKey(first.id), mtStatusKey(second.id));
  });

  it('summarises a two-part reply: delivered only once both parts are, failed as soon as one fails', async () => {
    const reply = mt('x'.repeat(200));
    const result = await sender.send(reply);
    await ids.idle();
    expect(result).toMatchObject({ outcome: 'sent', parts: 2 });
    const [first, second] = submittedIds.slice(-2);
    const firstDone = correlated(first);
    await receiverSession.deliverSm({
      sourceAddr: '923001234567',
      destinationAddr: '8300',
      esmClass: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT,
      shortMessage: receiptText(first, 'DELIVRD'),
    });
    expect(await firstDone).toBe('matched');
    expect(await redis.hgetall(mtStatusKey(reply.id))).toMatchObject({ state: 'ENROUTE', final: '0', delivered: '1', parts: '2' });
    const secondDone = correlated(second);
    await receiverSession.deliverSm({
      sourceAddr: '923001234567',
      destinationAddr: '8300',
      esmClass: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT,
      shortMessage: receiptText(second, 'UNDELIV'),
    });
    expect(await secondDone).toBe('matched');
    expect(await redis.hgetall(mtStatusKey(reply.id))).toMatchObject({ state: 'UNDELIVERABLE', final: '1', delivered: '1' });
    await redis.del(mtStatusKey(reply.id));
  });

  it('keeps an acknowledged (ACKED) or buffered part en route, and a late acknowledgement never undoes its DELIVERED', async () => {
    const reply = mt('Your polling station is Government Primary School 3');
    await sender.send(reply);
    await ids.idle();
    const messageId = submittedIds[submittedIds.length - 1];
    const receive = async (stat: string) => {
      const done = correlated(messageId);
      await receiverSession.deliverSm({
        sourceAddr: '923001234567',
        destinationAddr: '8300',
        esmClass: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT,
        shortMessage: receiptText(messageId, stat),
      });
      expect(await done).toBe('matched');
      return redis.hgetall(mtStatusKey(reply.id));
    };
    expect(await receive('ACKED')).toMatchObject({ state: 'ENROUTE', final: '0', 'part:1': '0:ACCEPTED' });
    expect(await receive('BUFFRED')).toMatchObject({ state: 'ENROUTE', final: '0', 'part:1': '0:BUFFERED' });
    expect(await receive('DELIVRD')).toMatchObject({ state: 'DELIVERED', final: '1', 'part:1': '1:DELIVERED' });
    expect(await receive('ACCEPTD')).toMatchObject({ state: 'DELIVERED', final: '1', 'part:1': '1:DELIVERED' });
    await redis.del(mtStatusKey(reply.id));
  });

  it('counts a receipt for an id egress never submitted as unmatched', async () => {
    const unknown = 'DEADBEEF00';
    const outcome = correlated(unknown);
    await receiverSession.deliverSm({
      sourceAddr: '923001234567',
      destinationAddr: '8300',
      esmClass: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT,
      shortMessage: receiptText(unknown, 'DELIVRD'),
    });
    expect(await outcome).toBe('unmatched');
    expect(await redis.keys(`parchee:dlr:${operator}:deadbeef00`)).toEqual([]);
  });
});
