import type { RedisClient } from '@parchee/redis';
import type { MtMessageV1 } from '@parchee/contracts';
import type { SegmentationMode } from '@parchee/smpp';
import { normaliseMessageId } from '@parchee/smpp';
import { MtSender, type Transmitter, type TransmitterDirectory } from '../delivery/mt-sender';
import { RedisMessageIdMap, messageIdKey, type SubmittedPart } from './message-id-map';

/** The commands the map uses (MGET, and BatchedSets' script by its SHA-1), over a Map; expiry (ms) is only recorded. */
class FakeRedis {
  values = new Map<string, string>();
  ttls = new Map<string, number>();
  down = false;
  async evalsha(_sha: string, count: number, ...rest: Array<string | number>): Promise<number> {
    if (this.down) throw new Error('connection refused');
    const keys = rest.slice(0, count);
    keys.forEach((key, i) => {
      this.values.set(String(key), String(rest[count + 2 * i]));
      this.ttls.set(String(key), Number(rest[count + 2 * i + 1]));
    });
    return count;
  }
  async mget(keys: string[]): Promise<Array<string | null>> {
    if (this.down) throw new Error('connection refused');
    return keys.map((k) => this.values.get(k) ?? null);
  }
}

function mapOver(redis: FakeRedis, onError?: (err: Error) => void): RedisMessageIdMap {
  return new RedisMessageIdMap(redis as unknown as RedisClient, 259_200, onError);
}

const part = (mtId: string, n = 1, parts = 1): SubmittedPart => ({ mtId, operator: 'jazz', part: n, parts, submittedAt: 1000 });

describe('RedisMessageIdMap', () => {
  it('stores a part under the canonical id of its operator, with the TTL, and nothing personal', async () => {
    const redis = new FakeRedis();
    await mapOver(redis).remember('000A3F5C9E', part('mo-1.r1'));
    expect([...redis.values.keys()]).toEqual(['parchee:dlr:jazz:a3f5c9e']);
    expect(redis.ttls.get('parchee:dlr:jazz:a3f5c9e')).toBe(259_200_000);
    expect(JSON.parse(redis.values.get('parchee:dlr:jazz:a3f5c9e') ?? '')).toEqual(part('mo-1.r1'));
  });

  it('finds a hex submit id from the decimal id of a receipt, and a decimal one from hex', async () => {
    const redis = new FakeRedis();
    const map = mapOver(redis);
    await map.remember('0A3F5C9E', part('hex.r1'));
    await map.remember('1234567', part('dec.r1'));
    expect(await map.lookup('jazz', normaliseMessageId(String(0x0a3f5c9e)))).toEqual(part('hex.r1'));
    expect(await map.lookup('jazz', normaliseMessageId((1234567).toString(16).toUpperCase()))).toEqual(part('dec.r1'));
  });

  it('does not find an id of another operator', async () => {
    const redis = new FakeRedis();
    const map = mapOver(redis);
    await map.remember('abc', part('m.r1'));
    expect(await map.lookup('zong', normaliseMessageId('abc'))).toBeNull();
  });

  it('prefers the id as received over a different message matching only in the other base', async () => {
    const redis = new FakeRedis();
    const map = mapOver(redis);
    await map.remember('12345', part('decimal.r1'));
    await map.remember(String(0x12345), part('other.r1'));
    expect((await map.lookup('jazz', normaliseMessageId('12345')))?.mtId).toBe('decimal.r1');
  });

  it('swallows a failed write and reports it, since a lost mapping costs only a receipt', async () => {
    const redis = new FakeRedis();
    redis.down = true;
    const errors: Error[] = [];
    const map = mapOver(redis, (e) => errors.push(e));
    await expect(map.remember('1', part('m.r1'))).resolves.toBeUndefined();
    await map.idle();
    expect(errors.map((e) => e.message)).toEqual(['connection refused']);
  });

  it('lets a failed lookup throw, so the receipt batch is read again rather than counted unmatched', async () => {
    const redis = new FakeRedis();
    redis.down = true;
    await expect(mapOver(redis).lookup('jazz', ['1'])).rejects.toThrow('connection refused');
  });

  it('maps every part of a multi-part MT as MtSender reports each submit_sm_resp', async () => {
    let n = 0;
    const tx: Transmitter = { isBound: true, submitSm: async () => ({ messageId: `F${++n}` }) };
    const directory: TransmitterDirectory = { pick: () => tx, segmentation: (): SegmentationMode => 'udh8', knows: () => true };
    const redis = new FakeRedis();
    const map = mapOver(redis);
    const sender = new MtSender(directory, { retryDeadlineMs: 1000, submittedParts: map });
    const mt: MtMessageV1 = {
      v: 1,
      id: 'mo-9.r1',
      moId: 'mo-9',
      operator: 'jazz',
      msisdn: '923001234567',
      shortCode: '8300',
      text: 'x'.repeat(300),
      lang: 'en',
      kind: 'found',
      moReceivedAt: 0,
      createdAt: 0,
      expiresAt: Date.now() + 60_000,
    };
    const result = await sender.send(mt);
    await map.idle();
    expect(result).toMatchObject({ outcome: 'sent', parts: 2 });
    expect(JSON.parse(redis.values.get(messageIdKey('jazz', 'f1')) ?? '')).toMatchObject({ mtId: 'mo-9.r1', part: 1, parts: 2 });
    expect(JSON.parse(redis.values.get(messageIdKey('jazz', 'f2')) ?? '')).toMatchObject({ mtId: 'mo-9.r1', part: 2, parts: 2 });
    expect([...redis.values.values()].join()).not.toContain('923001234567');
  });
});
