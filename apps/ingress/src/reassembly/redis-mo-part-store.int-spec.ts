import { randomBytes } from 'node:crypto';
import { KeyedHasher, SealingKey } from '@parchee/privacy';
import { deleteMatching, testRedis, unreachableRedis } from '@parchee/redis/testing';
import { decodeUcs2, segmentForSms } from '@parchee/smpp';
import type { DroppedMo, MoPart } from './mo-part-store';
import { MO_PARTS_SEALING_LABEL, RedisMoPartStore, type RedisMoPartStoreOptions } from './redis-mo-part-store';

/*
 * The part store against the machine's Redis (or the local Redis Cluster in the cluster run). Each
 * store here stands for one ingress replica; they share only Redis. Each run writes under a prefix
 * of its own and deletes its keys by name.
 */

const redis = testRedis();
const prefix = `parchee:mo-parts:int-${randomBytes(4).toString('hex')}:`;
const PEPPER = 'int-test-pepper-0123456789abcdef';
const hasher = new KeyedHasher(PEPPER);
const sender = (msisdn: string) => KeyedHasher.text(hasher.msisdn(msisdn));
const operators = ['jazz', 'zong'];

afterAll(async () => {
  // The keys this spec made, found under its own prefix by SCAN (never KEYS, which blocks the shared Redis).
  await deleteMatching(redis, `${prefix}*`);
  await redis.quit();
});

/** Each test's stores share a prefix of their own: what one test leaves pending is not another's. */
let testPrefix = prefix;
let tests = 0;
beforeEach(() => {
  testPrefix = `${prefix}${++tests}:`;
});

function store(options: Partial<RedisMoPartStoreOptions> = {}, client = redis) {
  const dropped: DroppedMo[] = [];
  const s = new RedisMoPartStore(client, {
    operators,
    timeoutMs: 60_000,
    maxPendingPerOperator: 100,
    sealing: SealingKey.fromPepper(PEPPER, MO_PARTS_SEALING_LABEL),
    keyPrefix: testPrefix,
    onDropped: (d) => dropped.push(d),
    ...options,
  });
  return { s, dropped };
}

/** The parts of `text` as ingress hands them to the store. */
function partsOf(text: string, ref: number, msisdn = '923001234567', operator = 'jazz'): MoPart[] {
  const { dataCoding, segments } = segmentForSms(text, { reference: ref, mode: 'udh8' });
  return segments.map((segment, i) => ({
    operator,
    sender: sender(msisdn),
    scheme: 'udh8',
    ref,
    total: segments.length,
    seq: i + 1,
    dataCoding,
    payload: segment.shortMessage.subarray(6),
  }));
}

const URDU = `میرا شناختی کارڈ نمبر 3520212345671 ہے اور میں اپنے پولنگ اسٹیشن کے بارے میں جاننا چاہتا ہوں، شکریہ۔`;

describe('RedisMoPartStore against a real Redis', () => {
  it('joins parts that reach different replicas, in any order, and forgets them once released', async () => {
    const a = store().s;
    const b = store().s;
    const parts = partsOf(URDU, 11);
    expect(parts).toHaveLength(2);
    expect(await a.add(parts[1])).toEqual({ status: 'buffered' });
    const done = await b.add(parts[0]);
    expect(done).toMatchObject({ status: 'complete', dataCoding: 8 });
    if (done.status !== 'complete') throw new Error('not complete');
    expect(decodeUcs2(done.bytes)).toBe(URDU);
    await done.release();
    // Released: the same reference starts a new message.
    expect(await a.add(parts[0])).toEqual({ status: 'buffered' });
  });

  it('stores neither the number nor the text: the sender is a keyed hash, each part sealed', async () => {
    const { s } = store();
    const [first] = partsOf('E 35202-1234567-1 '.repeat(12), 12, '923001234599');
    await s.add(first);
    const index = s.indexKey('jazz');
    const members = await redis.zrange(index, 0, -1);
    const entries = await Promise.all(members.map((m) => redis.hgetall(`${index}:${m}`)));
    const everything = JSON.stringify({ members, entries });
    expect(members).toContain(`${sender('923001234599')}:udh8:12`);
    expect(everything).not.toMatch(/923001234599|3001234599|3520212345671|35202-1234567/);
    for (const entry of entries) for (const value of Object.values(entry)) expect(Buffer.from(value, 'base64').toString('latin1')).not.toMatch(/35202/);
  });

  it('takes a repeated part as a duplicate, and completes a whole message again until it is released (a publish that failed)', async () => {
    const { s } = store();
    const parts = partsOf(URDU, 13);
    expect(await s.add(parts[0])).toEqual({ status: 'buffered' });
    expect(await s.add(parts[0])).toEqual({ status: 'duplicate' });
    expect(await s.add(parts[1])).toMatchObject({ status: 'complete' });
    // The SMSC re-delivers the last part, refused because Kafka could not take the MO.
    const again = await s.add(parts[1]);
    expect(again).toMatchObject({ status: 'complete' });
    if (again.status === 'complete') expect(decodeUcs2(again.bytes)).toBe(URDU);
  });

  it('gives up an operator’s oldest pending message beyond its cap, and leaves other operators alone', async () => {
    const { s, dropped } = store({ maxPendingPerOperator: 2 });
    const first = partsOf(URDU, 21, '923001230001');
    await s.add(first[0]);
    await s.add(partsOf(URDU, 22, '923001230002')[0]);
    await s.add(partsOf(URDU, 23, '923001230003', 'zong')[0]);
    expect(dropped).toEqual([]);
    await s.add(partsOf(URDU, 24, '923001230004')[0]);
    expect(dropped).toEqual([{ operator: 'jazz', scheme: 'udh8', total: 2, received: 1, reason: 'pending_cap' }]);
    expect(await redis.zcard(s.indexKey('jazz'))).toBe(2);
    // The dropped message's part is gone: its second part starts over alone.
    expect(await s.add(first[1])).toEqual({ status: 'buffered' });
  });

  it('ends a pending message when its reference comes back with another total', async () => {
    const { s, dropped } = store();
    await s.add(partsOf(URDU, 31)[0]);
    const three = partsOf(URDU + URDU, 31);
    expect(three.length).toBeGreaterThan(2);
    expect(await s.add(three[0])).toEqual({ status: 'buffered' });
    expect(dropped).toEqual([{ operator: 'jazz', scheme: 'udh8', total: 2, received: 1, reason: 'total_changed' }]);
  });

  it('sweeps a message past its timeout once, whichever replicas sweep at the same time', async () => {
    const a = store({ timeoutMs: 5_000 });
    const b = store({ timeoutMs: 5_000 });
    const parts = partsOf(URDU, 41, '923001230041');
    await a.s.add(parts[0]);
    expect(await a.s.sweep()).toBe(0);
    // Its first part dated a minute ago (Redis's clock dates it), rather than wait out the timeout.
    const [seconds] = await redis.time();
    await redis.zadd(a.s.indexKey('jazz'), (Number(seconds) - 60) * 1000, `${sender('923001230041')}:udh8:41`);
    const swept = await Promise.all([a.s.sweep(), b.s.sweep()]);
    expect(swept[0] + swept[1]).toBe(1);
    expect([...a.dropped, ...b.dropped]).toEqual([{ operator: 'jazz', scheme: 'udh8', total: 2, received: 1, reason: 'timeout' }]);
    // Gone: the last part alone does not complete it.
    expect(await a.s.add(parts[1])).toEqual({ status: 'buffered' });
  });

  it('keeps a message for twice its timeout at most even when no replica sweeps', async () => {
    const { s } = store({ timeoutMs: 5_000 });
    await s.add(partsOf(URDU, 51, '923001230051')[0]);
    const ttl = await redis.pttl(`${s.indexKey('jazz')}:${sender('923001230051')}:udh8:51`);
    expect(ttl).toBeGreaterThan(9_000);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });

  it('gives up a message whose parts do not open under its key (sealed under another pepper), instead of failing forever', async () => {
    const other = store({ sealing: SealingKey.fromPepper('another-pepper-0123456789abcdef', MO_PARTS_SEALING_LABEL) });
    const { s, dropped } = store();
    const parts = partsOf(URDU, 61, '923001230061');
    await other.s.add(parts[0]);
    expect(await s.add(parts[1])).toEqual({ status: 'dropped' });
    expect(dropped).toEqual([{ operator: 'jazz', scheme: 'udh8', total: 2, received: 2, reason: 'unreadable' }]);
    expect(await s.add(parts[1])).toEqual({ status: 'buffered' });
  });

  it('fails fast when Redis is unreachable, so the part is refused and re-delivered', async () => {
    const dead = unreachableRedis({ commandTimeout: 200 });
    const { s } = store({}, dead);
    const started = Date.now();
    await expect(s.add(partsOf(URDU, 71)[0])).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
    dead.disconnect();
  });
});
