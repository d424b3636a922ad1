import { randomBytes } from 'node:crypto';
import { testClientLink } from '@parchee/config/testing';
import { decodeMo } from '@parchee/contracts';
import { BatchingPublisher, type OutgoingRecord } from '@parchee/messaging';
import { freshTopic, readTopic, testKafka } from '@parchee/messaging/testing';
import { silentLogger } from '@parchee/observability';
import { KeyedHasher, SealingKey } from '@parchee/privacy';
import type { RedisClient } from '@parchee/redis';
import { testRedis, unreachableRedis } from '@parchee/redis/testing';
import { CommandStatus, SmscServer, segmentForSms, type ServerSession } from '@parchee/smpp';
import { ReceiverBinds } from '../binds/receiver-binds';
import { MO_PARTS_SEALING_LABEL, RedisMoPartStore } from '../reassembly/redis-mo-part-store';
import { MoAcceptor } from './mo-acceptor';

/*
 * A concatenated MO whose parts an SMSC delivers on different binds, each bind held by another
 * ingress replica: real TCP (the SMSC's server, each replica's receiver bind), the real Redis the
 * replicas share for parts, a real Kafka topic of this test's own. Replica C's Redis is
 * unreachable. Each run keeps its parts under a prefix of its own.
 */

const kafka = testKafka('ingress-concat-int');
const PEPPER = 'int-test-pepper-0123456789abcdef';
const hasher = new KeyedHasher(PEPPER);
const prefix = `parchee:mo-parts:int-${randomBytes(4).toString('hex')}:`;
/** The link as the loader makes it; its port is the test SMSC's, known once it listens. */
const link = testClientLink({ port: 0, transmitterBinds: 0 });

const redis = testRedis();
const dead = unreachableRedis({ commandTimeout: 200 });
let server: SmscServer;
let publisher: BatchingPublisher;
const replicas: Array<{ binds: ReceiverBinds; session: ServerSession; outcomes: string[] }> = [];
let topic: string;

/** One ingress replica: its own acceptor, part store client and receiver bind; the SMSC's session to it. */
async function startReplica(client: RedisClient, port: number) {
  const outcomes: string[] = [];
  const acceptor = new MoAcceptor({ publish: (records: OutgoingRecord[]) => publisher.publish(records.map((r) => ({ ...r, topic }))) }, hasher, {
    shortCode: '8300',
    parts: new RedisMoPartStore(client, {
      operators: ['jazz'],
      timeoutMs: 60_000,
      maxPendingPerOperator: 100,
      sealing: SealingKey.fromPepper(PEPPER, MO_PARTS_SEALING_LABEL),
      keyPrefix: prefix,
    }),
    onOutcome: (_operator, outcome) => outcomes.push(outcome),
  });
  const bound = new Promise<ServerSession>((resolve) => server.once('session', resolve));
  const binds = new ReceiverBinds({ links: [{ ...link, port }], logger: silentLogger, sink: acceptor });
  binds.start();
  replicas.push({ binds, session: await bound, outcomes });
}

beforeAll(async () => {
  publisher = new BatchingPublisher(kafka);
  await publisher.connect();
  server = new SmscServer({ host: '127.0.0.1', port: 0, authenticate: () => ({ ok: true }), sessionOptions: { enquireLinkIntervalMs: 0 } });
  const { port } = await server.listen();
  // One at a time, so each session is known to belong to its replica.
  await startReplica(redis, port);
  await startReplica(redis, port);
  await startReplica(dead, port);
});

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.binds.stop()));
  await server?.close();
  await publisher?.close();
  // This run's keys, found by SCAN (never KEYS, which blocks the shared Redis while it walks every key).
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  dead.disconnect();
});

beforeEach(async () => {
  topic = await freshTopic('ingress-concat', 1);
  for (const r of replicas) r.outcomes.length = 0;
});

const text = `${'میرا شناختی کارڈ نمبر '.repeat(4)}3520212345671`;

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

function deliver(replica: number, ref: number, seq: number, msisdn = '923001234567') {
  const { dataCoding, segments } = segmentForSms(text, { reference: ref });
  const s = segments[seq - 1];
  return replicas[replica].session.deliverSm({ sourceAddr: msisdn, destinationAddr: '8300', dataCoding, esmClass: s.esmClass, shortMessage: s.shortMessage });
}

describe('A concatenated MO over real binds, Redis and Kafka', () => {
  it('joins the parts of one MO delivered to two replicas and publishes it once, whole', async () => {
    expect(segmentForSms(text, { reference: 5 }).segments).toHaveLength(2);
    expect((await deliver(0, 5, 2)).commandStatus).toBe(CommandStatus.ESME_ROK);
    expect((await deliver(1, 5, 1)).commandStatus).toBe(CommandStatus.ESME_ROK);
    const [record] = await readTopic(kafka, topic, 1);
    const mo = decodeMo(record.value);
    expect(mo).toMatchObject({ operator: 'jazz', msisdn: '923001234567', textLength: text.length });
    expect(mo.request.kind === 'lookup' && mo.request.cnic.hashes[hasher.id]).toBe(KeyedHasher.text(hasher.cnic('3520212345671')));
    expect(await recordsOn(topic)).toBe(1);
    expect(replicas[0].outcomes).toEqual(['part_buffered']);
    expect(replicas[1].outcomes).toEqual(['accepted']);
  });

  it('refuses a part with ESME_RX_T_APPN where it cannot be recorded, and joins the SMSC’s re-delivery on another replica', async () => {
    expect((await deliver(0, 6, 1, '923001234568')).commandStatus).toBe(CommandStatus.ESME_ROK);
    await expect(deliver(2, 6, 2, '923001234568')).rejects.toMatchObject({ commandStatus: CommandStatus.ESME_RX_T_APPN });
    expect(replicas[2].outcomes).toEqual(['part_store_failed']);
    // The SMSC delivers the refused part again, this time to a replica that can record it.
    expect((await deliver(1, 6, 2, '923001234568')).commandStatus).toBe(CommandStatus.ESME_ROK);
    const [record] = await readTopic(kafka, topic, 1);
    expect(decodeMo(record.value)).toMatchObject({ msisdn: '923001234568', textLength: text.length });
    expect(await recordsOn(topic)).toBe(1);
  });
});
