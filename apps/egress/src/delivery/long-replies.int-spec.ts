import { randomBytes } from 'node:crypto';
import { testServerLink } from '@parchee/config/testing';
import { Topics, encodeMessage, type MtMessageV1 } from '@parchee/contracts';
import { DeadLetters, type ConsumedBatch } from '@parchee/messaging';
import { KeyedHasher } from '@parchee/privacy';
import { RedisKeys } from '@parchee/redis';
import { testRedis, unreachableRedis } from '@parchee/redis/testing';
import { CommandStatus, parseUdh, type DeliverSm, type EsmeClient } from '@parchee/smpp';
import { boundEsme, loopbackEsme } from '@parchee/smpp/testing';
import { OperatorServerPool } from '../binds/operator-server-pool';
import { RedisConcatReferences, concatReferenceKey, preferredReference } from './concat-references';
import { DeferredBatchError } from './deferred-batch-error';
import { EgressPipeline } from './egress-pipeline';
import { MtSender } from './mt-sender';
import { RedisSentLedger } from './sent-ledger';

/*
 * Long replies as egress sends them, with real parts: references and progress in the machine's
 * Redis, parts delivered over TCP to an operator's receiver bind (a server-mode link: our
 * OperatorServerPool, the operator's EsmeClient). Every key this spec writes carries a random
 * run id and is deleted by name afterwards: Redis outlives the test and is shared.
 */

const redis = testRedis();
const run = randomBytes(4).toString('hex');
const hasher = new KeyedHasher('int-test-pepper-0123456789abcdef');
/** The MT's Kafka key: the keyed hash of the number, as ingress makes it and lookup keeps it. */
const destination = (msisdn: string) => `${KeyedHasher.text(hasher.msisdn(msisdn))}-${run}`;
const written = new Set<string>();
const mtId = (name: string) => {
  const id = `${name}-${run}.r1`;
  written.add(RedisKeys.MT_SENT + id);
  return id;
};
const concatKey = (dest: string) => {
  written.add(concatReferenceKey(dest));
  return concatReferenceKey(dest);
};

afterAll(async () => {
  if (written.size > 0) await redis.del(...written);
  await redis.quit();
});

describe('RedisConcatReferences against a real Redis', () => {
  const references = new RedisConcatReferences(redis, { holdMs: 60_000 });

  it('gives a second MT to the same number the next free reference while the first holds its own', async () => {
    const dest = destination('923001234560');
    concatKey(dest);
    const first = await references.reserve({ destination: dest, mtId: 'a.r1', preferred: 255, modulo: 256 });
    const second = await references.reserve({ destination: dest, mtId: 'b.r1', preferred: 255, modulo: 256 });
    const third = await references.reserve({ destination: dest, mtId: 'c.r1', preferred: 255, modulo: 256 });
    expect([first, second, third]).toEqual([255, 0, 1]);
    // The same MT asking again (a resumed MT) keeps its own.
    expect(await references.reserve({ destination: dest, mtId: 'b.r1', preferred: 0, modulo: 256 })).toBe(0);
  });

  it('lets another number use the same reference at the same time', async () => {
    const a = destination('923001234561');
    const b = destination('923001234562');
    concatKey(a);
    concatKey(b);
    expect(await references.reserve({ destination: a, mtId: 'a.r1', preferred: 7, modulo: 256 })).toBe(7);
    expect(await references.reserve({ destination: b, mtId: 'b.r1', preferred: 7, modulo: 256 })).toBe(7);
  });

  it('frees a reference whose hold has lapsed, and keeps the key only as long as its newest hold', async () => {
    const dest = destination('923001234563');
    const key = concatKey(dest);
    expect(await references.reserve({ destination: dest, mtId: 'a.r1', preferred: 9, modulo: 256 })).toBe(9);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // The hold's end is Redis's own date in the entry: move it into the past rather than wait.
    await redis.hset(key, '9', '1:a.r1');
    expect(await references.reserve({ destination: dest, mtId: 'b.r1', preferred: 9, modulo: 256 })).toBe(9);
    expect(await redis.hgetall(key)).toEqual({ '9': expect.stringMatching(/^\d+:b\.r1$/) });
  });

  it('keeps neither the number nor any text in the key or the value', async () => {
    const dest = destination('923001234564');
    const key = concatKey(dest);
    await references.reserve({ destination: dest, mtId: '5f0c2a9e-1b7d-4c1e-9a55-0d6b1f3e2c11.r1', preferred: 3, modulo: 65536 });
    const entries = await redis.hgetall(key);
    expect(Object.keys(entries)).toEqual(['3']);
    expect(`${key} ${JSON.stringify(entries)}`).not.toMatch(/923001234564|3001234564/);
  });

  it('falls back to the MT’s own reference at once when Redis is unreachable', async () => {
    const dead = unreachableRedis({ commandTimeout: 200 });
    const errors: string[] = [];
    const fallback = new RedisConcatReferences(dead, { holdMs: 60_000, onError: (err) => errors.push(err.message) });
    const started = Date.now();
    expect(await fallback.reserve({ destination: destination('923001234565'), mtId: 'a.r1', preferred: 12, modulo: 256 })).toBe(12);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(errors).toHaveLength(1);
    dead.disconnect();
  });
});

describe('RedisSentLedger progress against a real Redis', () => {
  it('recalls a multipart MT’s progress until it is marked sent, in one key per MT', async () => {
    const ledger = new RedisSentLedger(redis, 600);
    const id = mtId('ledger');
    await ledger.accepted(id, { reference: 513, accepted: 2, parts: 4 });
    expect(await ledger.recall([id, mtId('unknown')])).toEqual(new Map([[id, { sent: false, progress: { reference: 513, accepted: 2, parts: 4 } }]]));
    expect(await redis.get(RedisKeys.MT_SENT + id)).toBe('p:513:2:4');
    expect(await redis.ttl(RedisKeys.MT_SENT + id)).toBeGreaterThan(590);
    await ledger.markSent(id);
    expect(await ledger.recall([id])).toEqual(new Map([[id, { sent: true }]]));
  });
});

describe('A long reply over a real bind, deferred and resumed', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Our server-mode link and the operator's receiver bound to it; `refuse` decides each part's answer. */
  async function operatorLink(refuse: (pdu: DeliverSm) => boolean): Promise<{ pool: OperatorServerPool; delivered: DeliverSm[] }> {
    const pool = new OperatorServerPool({ links: [testServerLink()], bindTimeoutMs: 2000 });
    cleanups.push(() => pool.stop());
    const port = (await pool.start()).get('acme') as number;
    const delivered: DeliverSm[] = [];
    const client: EsmeClient = loopbackEsme(port, { bindType: 'receiver' });
    client.setDeliverSmHandler(async (pdu) => {
      if (refuse(pdu)) return CommandStatus.ESME_RSYSERR;
      delivered.push(pdu);
      return CommandStatus.ESME_ROK;
    });
    cleanups.push(() => client.stop());
    await boundEsme(client);
    return { pool, delivered };
  }

  /** An egress replica: its own sender, ledger and pipeline, sharing only Redis with the others. */
  function replica(pool: OperatorServerPool) {
    const ledger = new RedisSentLedger(redis, 600);
    const sender = new MtSender(pool, { retryDeadlineMs: 300, references: new RedisConcatReferences(redis, { holdMs: 60_000 }), progress: ledger });
    const letters = new DeadLetters('egress', { publisher: { publish: async () => undefined } });
    return new EgressPipeline(sender, ledger, letters);
  }

  function mt(id: string, text: string): MtMessageV1 {
    const now = Date.now();
    return {
      v: 1,
      id,
      moId: id,
      operator: 'acme',
      msisdn: '923001234567',
      shortCode: '8300',
      text,
      lang: 'en',
      kind: 'found',
      moReceivedAt: now,
      createdAt: now,
      expiresAt: now + 60_000,
    };
  }

  function batch(key: string, mts: MtMessageV1[]): ConsumedBatch {
    return {
      topic: Topics.MT,
      partition: 0,
      records: mts.map((m, i) => ({ topic: Topics.MT, partition: 0, offset: String(i), key: Buffer.from(key), value: encodeMessage(m), timestamp: 0 })),
      heartbeat: async () => undefined,
      isRunning: () => true,
    };
  }

  const concat = (pdu: DeliverSm) => parseUdh(pdu.shortMessage)?.udh.concat;

  it('sends parts 2 and 3 of a deferred reply from another replica with the first part’s reference, and part 1 once', async () => {
    let operatorDown = true;
    const { pool, delivered } = await operatorLink((pdu) => operatorDown && concat(pdu)?.seq === 2);
    const dest = destination('923001234569');
    concatKey(dest);
    const long = batch(dest, [mt(mtId('resumed'), 'Your polling station is GBHS Model Town, block 4. '.repeat(8))]);

    await expect(replica(pool).process(long)).rejects.toBeInstanceOf(DeferredBatchError);
    expect(delivered.map((p) => concat(p)?.seq)).toEqual([1]);
    const first = concat(delivered[0]);
    expect(first?.total).toBe(3);

    // The operator recovers; the batch is read again by another replica (or this one, restarted).
    operatorDown = false;
    await replica(pool).process(long);
    expect(delivered.map(concat)).toEqual([1, 2, 3].map((seq) => ({ ref: first?.ref, total: 3, seq, refBits: 8 })));
    // Read a third time (a commit lost), it sends nothing.
    await replica(pool).process(long);
    expect(delivered).toHaveLength(3);
  });

  it('gives two long replies to one number different references even when their ids hash to the same one', async () => {
    const { pool, delivered } = await operatorLink(() => false);
    const a = mtId('twin-a');
    // A second id whose own reference is the first's, found by search, not written in.
    let i = 0;
    while (preferredReference(`twin-b${i}-${run}.r1`, 256) !== preferredReference(a, 256)) i++;
    const b = mtId(`twin-b${i}`);
    const dest = destination('923001234568');
    concatKey(dest);
    const text = 'Your polling station is GBHS Model Town, block 4. '.repeat(4);

    await replica(pool).process(batch(dest, [mt(a, text), mt(b, text)]));
    const refs = new Set(delivered.map((p) => concat(p)?.ref));
    expect(delivered).toHaveLength(4);
    expect(refs.size).toBe(2);
    expect(refs.has(preferredReference(a, 256))).toBe(true);
  });
});
