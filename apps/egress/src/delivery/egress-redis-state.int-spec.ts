import { randomBytes, randomUUID } from 'node:crypto';
import type { DlrMessageV1, DlrState } from '@parchee/contracts';
import { RedisKeys, type RedisClient } from '@parchee/redis';
import { deleteMatching, testRedis, unreachableRedis } from '@parchee/redis/testing';
import { RedisMessageIdMap } from '../receipts/message-id-map';
import { RedisMtStatusStore, mtStatusKey } from '../receipts/mt-status-store';
import { RedisConcatReferences, concatReferenceKey } from './concat-references';
import { RedisSentLedger } from './sent-ledger';

/*
 * What egress keeps in Redis, against the machine's Redis or, in the cluster run of the Redis
 * specs, the local Redis Cluster: the sent ledger, the message-id map, the MT statuses and the
 * concatenation references, each with keys spread over the whole keyspace as in production (MT
 * ids and receipt ids carry no hash tag). Each run uses ids of its own and deletes its keys.
 */

const run = randomBytes(4).toString('hex');
const mtId = (i: number) => `it-${run}-${i}.r1`;
const operator = `it${run}`;
const destination = (i: number) => `it-${run}-dest-${i}`;

describe('egress state in a real Redis', () => {
  let redis: RedisClient;
  beforeAll(() => {
    redis = testRedis(undefined, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await deleteMatching(redis, `${RedisKeys.MT_SENT}it-${run}-*`);
    await deleteMatching(redis, `${RedisKeys.MT_STATUS}it-${run}-*`);
    await deleteMatching(redis, `${RedisKeys.DLR}${operator}:*`);
    await deleteMatching(redis, `${RedisKeys.MT_CONCAT}it-${run}-*`);
    await redis.quit();
  });

  describe('RedisSentLedger', () => {
    it('recalls a batch of MT ids wherever their keys live: sent, under way with its progress, or unknown', async () => {
      const ledger = new RedisSentLedger(redis, 600);
      const ids = Array.from({ length: 300 }, (_, i) => mtId(i));
      await Promise.all(
        ids.map((id, i) => (i % 3 === 0 ? ledger.markSent(id) : i % 3 === 1 ? ledger.accepted(id, { reference: i % 256, accepted: 1, parts: 3 }) : undefined)),
      );
      const entries = await ledger.recall(ids);
      expect(entries.size).toBe(200);
      ids.forEach((id, i) => {
        if (i % 3 === 0) expect(entries.get(id)).toEqual({ sent: true });
        else if (i % 3 === 1) expect(entries.get(id)).toEqual({ sent: false, progress: { reference: i % 256, accepted: 1, parts: 3 } });
        else expect(entries.has(id)).toBe(false);
      });
    });

    it('lets the final mark win over progress written in the same turn, and keeps each entry for its TTL', async () => {
      const ledger = new RedisSentLedger(redis, 600);
      const id = mtId(1000);
      await Promise.all([ledger.accepted(id, { reference: 7, accepted: 2, parts: 2 }), ledger.markSent(id)]);
      expect((await ledger.recall([id])).get(id)).toEqual({ sent: true });
      const ttl = await redis.pttl(`${RedisKeys.MT_SENT}${id}`);
      expect(ttl).toBeGreaterThan(590_000);
      expect(ttl).toBeLessThanOrEqual(600_000);
    });

    it('answers nothing rather than fail when Redis cannot answer, and reports it', async () => {
      const errors: Error[] = [];
      const dead = unreachableRedis();
      const ledger = new RedisSentLedger(dead, 600, (err) => errors.push(err));
      expect((await ledger.recall([mtId(1), mtId(2)])).size).toBe(0);
      expect(errors).toHaveLength(1);
      dead.disconnect();
    });
  });

  describe('RedisMessageIdMap', () => {
    it('finds each part of a turn’s submits by its receipt’s id, in the exact form or another reading', async () => {
      const map = new RedisMessageIdMap(redis, 600);
      const parts = Array.from({ length: 100 }, (_, i) => ({
        messageId: (0x0a3f5c90 + i).toString(16),
        part: { mtId: mtId(i), operator, part: 1, parts: 1, submittedAt: i },
      }));
      await Promise.all(parts.map((p) => map.remember(p.messageId, p.part, 60_000)));
      for (const p of parts.slice(0, 10)) expect(await map.lookup(operator, [p.messageId])).toEqual(p.part);
      // A receipt carrying the id in decimal first: the hex reading still finds it.
      const hex = parts[42];
      expect(await map.lookup(operator, [String(parseInt(hex.messageId, 16)), hex.messageId])).toEqual(hex.part);
      expect(await map.lookup(operator, ['deadbeef00'])).toBeNull();
    });
  });

  describe('RedisMtStatusStore', () => {
    const dlr = (state: DlrState, final: boolean): DlrMessageV1 => ({
      v: 1,
      id: randomUUID(),
      operator,
      messageId: '1f',
      normalisedIds: ['1f'],
      state,
      final,
      receivedAt: Date.now(),
    });

    it('sums up a multipart MT from its parts’ receipts, and a late intermediate receipt never undoes a final one', async () => {
      const store = new RedisMtStatusStore(redis, 600);
      const id = mtId(2000);
      await store.record({ mtId: id, part: 1, parts: 2 }, dlr('DELIVERED', true));
      expect(await redis.hget(mtStatusKey(id), 'state')).toBe('ENROUTE');
      await store.record({ mtId: id, part: 2, parts: 2 }, dlr('DELIVERED', true));
      await store.record({ mtId: id, part: 2, parts: 2 }, dlr('ENROUTE', false));
      expect(await redis.hgetall(mtStatusKey(id))).toMatchObject({ state: 'DELIVERED', final: '1', delivered: '2', parts: '2' });
    });
  });

  describe('RedisConcatReferences', () => {
    it('gives two long replies on their way to one number different references, and the same MT its own again', async () => {
      const references = new RedisConcatReferences(redis, { holdMs: 60_000 });
      const first = await references.reserve({ destination: destination(1), mtId: mtId(1), preferred: 42, modulo: 256 });
      const second = await references.reserve({ destination: destination(1), mtId: mtId(2), preferred: 42, modulo: 256 });
      const elsewhere = await references.reserve({ destination: destination(2), mtId: mtId(3), preferred: 42, modulo: 256 });
      expect([first, second, elsewhere]).toEqual([42, 43, 42]);
      expect(await references.reserve({ destination: destination(1), mtId: mtId(1), preferred: 42, modulo: 256 })).toBe(42);
      expect(await redis.pttl(concatReferenceKey(destination(1)))).toBeGreaterThan(59_000);
    });
  });
});
