import type { RedisClient } from '@parchee/redis';
import type { MtMessageV1 } from '@parchee/contracts';
import type { SegmentationMode } from '@parchee/smpp';
import { normaliseMessageId } from '@parchee/smpp';
import { MtSender, type Transmitter, type TransmitterDirectory } from '../delivery/mt-sender';
import { RedisMessageIdMap, messageIdKey, type SubmittedPart } from './message-id-map';

/**
 * The commands the map uses (GET, and BatchedSets' script by its SHA-1), over a Map; expiry (ms) is
 * only recorded. Each read answers a turn of the event loop later, as over a socket, and is logged
 * when asked and when answered, so a test sees which reads were in flight together.
 */
class FakeRedis {
  values = new Map<string, string>();
  ttls = new Map<string, number>();
  reads: string[] = [];
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
  async get(key: string): Promise<string | null> {
    this.reads.push(`ask ${key}`);
    await new Promise((resolve) => setImmediate(resolve));
    if (this.down) throw new Error('connection refused');
    this.reads.push(`answer ${key}`);
    return this.values.get(key) ?? null;
  }
  async mget(keys: string[]): Promise<Array<string | null>> {
    this.reads.push(`ask ${keys.join(' ')}`);
    await new Promise((resolve) => setImmediate(resolve));
    if (this.down) throw new Error('connection refused');
    this.reads.push(`answer ${keys.join(' ')}`);
    return keys.map((k) => this.values.get(k) ?? null);
  }
}

/** The margin the maps below keep an id past its validity: 6 hours, the default. */
const MARGIN_SECONDS = 21_600;
const VALIDITY_MS = 3600_000;

function mapOver(redis: FakeRedis, onError?: (err: Error) => void): RedisMessageIdMap {
  return new RedisMessageIdMap(redis as unknown as RedisClient, MARGIN_SECONDS, onError);
}

const part = (mtId: string, n = 1, parts = 1): SubmittedPart => ({ mtId, operator: 'jazz', part: n, parts, submittedAt: 1000 });

describe('RedisMessageIdMap', () => {
  it('stores a part under the canonical id of its operator, and nothing personal', async () => {
    const redis = new FakeRedis();
    await mapOver(redis).remember('000A3F5C9E', part('mo-1.r1'), VALIDITY_MS);
    expect([...redis.values.keys()]).toEqual(['parchee:dlr:jazz:a3f5c9e']);
    expect(JSON.parse(redis.values.get('parchee:dlr:jazz:a3f5c9e') ?? '')).toEqual(part('mo-1.r1'));
  });

  it('keeps a part mapped for its validity period plus the margin, not a fixed number of days', async () => {
    const redis = new FakeRedis();
    const map = mapOver(redis);
    await map.remember('a1', part('long.r1'), VALIDITY_MS);
    await map.remember('a2', part('short.r1'), 90_000);
    expect(redis.ttls.get(messageIdKey('jazz', 'a1'))).toBe(VALIDITY_MS + MARGIN_SECONDS * 1000);
    expect(redis.ttls.get(messageIdKey('jazz', 'a2'))).toBe(90_000 + MARGIN_SECONDS * 1000);
  });

  it('finds a hex submit id from the decimal id of a receipt, and a decimal one from hex', async () => {
    const redis = new FakeRedis();
    const map = mapOver(redis);
    await map.remember('0A3F5C9E', part('hex.r1'), VALIDITY_MS);
    await map.remember('1234567', part('dec.r1'), VALIDITY_MS);
    expect(await map.lookup('jazz', normaliseMessageId(String(0x0a3f5c9e)))).toEqual(part('hex.r1'));
    expect(await map.lookup('jazz', normaliseMessageId((1234567).toString(16).toUpperCase()))).toEqual(part('dec.r1'));
  });

  it('reads only the key of the exact form when the SMSC writes the id as it returned it: one GET', async () => {
    const redis = new FakeRedis();
    const map = mapOver(redis);
    await map.remember('0A3F5C9E', part('hex.r1'), VALIDITY_MS);
    expect(await map.lookup('jazz', normaliseMessageId('0a3f5c9e'))).toEqual(part('hex.r1'));
    expect(redis.reads).toEqual([`ask ${messageIdKey('jazz', 'a3f5c9e')}`, `answer ${messageIdKey('jazz', 'a3f5c9e')}`]);
  });

  it('reads the other readings only after the exact form missed, all of them in the next round trip, one key per GET', async () => {
    const redis = new FakeRedis();
    const map = mapOver(redis);
    await map.remember('3039', part('hex.r1'), VALIDITY_MS);
    // The receipt writes the hex id 3039 in decimal: 12345 is not mapped, nor is its hex-to-decimal
    // reading 74565; its decimal-to-hex reading is.
    const [exact, asDecimal, asHex] = normaliseMessageId('12345').map((id) => messageIdKey('jazz', id));
    expect([asDecimal, asHex]).toEqual([messageIdKey('jazz', '74565'), messageIdKey('jazz', '3039')]);
    expect(await map.lookup('jazz', normaliseMessageId('12345'))).toEqual(part('hex.r1'));
    expect(redis.reads).toEqual([`ask ${exact}`, `answer ${exact}`, `ask ${asDecimal}`, `ask ${asHex}`, `answer ${asDecimal}`, `answer ${asHex}`]);
  });

  it('does not find an id of another operator', async () => {
    const redis = new FakeRedis();
    const map = mapOver(redis);
    await map.remember('abc', part('m.r1'), VALIDITY_MS);
    expect(await map.lookup('zong', normaliseMessageId('abc'))).toBeNull();
  });

  it('prefers the id as received over a different message matching only in the other base', async () => {
    const redis = new FakeRedis();
    const map = mapOver(redis);
    await map.remember('12345', part('decimal.r1'), VALIDITY_MS);
    await map.remember(String(0x12345), part('other.r1'), VALIDITY_MS);
    expect((await map.lookup('jazz', normaliseMessageId('12345')))?.mtId).toBe('decimal.r1');
  });

  it('swallows a failed write and reports it, since a lost mapping costs only a receipt', async () => {
    const redis = new FakeRedis();
    redis.down = true;
    const errors: Error[] = [];
    const map = mapOver(redis, (e) => errors.push(e));
    await expect(map.remember('1', part('m.r1'), VALIDITY_MS)).resolves.toBeUndefined();
    await map.idle();
    expect(errors.map((e) => e.message)).toEqual(['connection refused']);
  });

  it('lets a failed lookup throw, so the receipt batch is read again rather than counted unmatched', async () => {
    const redis = new FakeRedis();
    redis.down = true;
    await expect(mapOver(redis).lookup('jazz', ['1'])).rejects.toThrow('connection refused');
  });

  it('maps every part of a multi-part MT as MtSender reports each submit_sm_resp, for the validity it was sent with plus the margin', async () => {
    let n = 0;
    const clock = { now: 1_700_000_000_000 };
    const validityPeriods: Array<string | undefined> = [];
    const tx: Transmitter = {
      isBound: true,
      submitSm: async (fields) => {
        validityPeriods.push(fields.validityPeriod);
        // Each part's submit_sm_resp comes 2 s after the last: the second part is sent with 2 s less validity.
        clock.now += 2000;
        return { messageId: `F${++n}` };
      },
    };
    const directory: TransmitterDirectory = { pick: () => tx, segmentation: (): SegmentationMode => 'udh8', knows: () => true };
    const redis = new FakeRedis();
    const map = mapOver(redis);
    const sender = new MtSender(directory, { retryDeadlineMs: 1000, submittedParts: map, now: () => clock.now });
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
      expiresAt: clock.now + 60_000,
    };
    const result = await sender.send(mt);
    await map.idle();
    expect(result).toMatchObject({ outcome: 'sent', parts: 2 });
    expect(JSON.parse(redis.values.get(messageIdKey('jazz', 'f1')) ?? '')).toMatchObject({ mtId: 'mo-9.r1', part: 1, parts: 2 });
    expect(JSON.parse(redis.values.get(messageIdKey('jazz', 'f2')) ?? '')).toMatchObject({ mtId: 'mo-9.r1', part: 2, parts: 2 });
    expect(validityPeriods).toEqual(['000000000100000R', '000000000058000R']);
    expect(redis.ttls.get(messageIdKey('jazz', 'f1'))).toBe(60_000 + MARGIN_SECONDS * 1000);
    expect(redis.ttls.get(messageIdKey('jazz', 'f2'))).toBe(58_000 + MARGIN_SECONDS * 1000);
    expect([...redis.values.values()].join()).not.toContain('923001234567');
  });
});
