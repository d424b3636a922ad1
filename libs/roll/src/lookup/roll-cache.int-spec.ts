import { randomBytes, randomUUID } from 'node:crypto';
import { deleteMatching, testRedis } from '@parchee/redis/testing';
import { RollCache } from './roll-cache';
import type { VoterRecord } from './voter-record';

/*
 * The roll cache alone against the machine's Redis or, in the cluster run of the Redis specs, the
 * local Redis Cluster: a batch's keys (one per CNIC hash, no hash tag) fall in as many slots as
 * there are CNICs, and are still read in one call and written in one. Keys under a prefix of this
 * run's own.
 */

const prefix = `parchee:test:roll-cache:${randomBytes(4).toString('hex')}:`;
const version = { id: 7, cacheId: randomUUID() };

function voter(i: number): VoterRecord {
  return {
    serialNo: i,
    familyNo: i % 50,
    gender: i % 2 === 0 ? 'F' : 'M',
    blockCode: String(137000001 + i),
    areaUr: 'محلہ اسلام پورہ',
    areaEn: 'Mohalla Islampura',
    districtUr: 'لاہور',
    districtEn: 'Lahore',
    tehsilUr: 'لاہور سٹی',
    tehsilEn: 'Lahore City',
    na: 'NA-120',
    pa: 'PP-150',
    stationNo: 33,
    stationUr: 'گورنمنٹ گرلز ہائی سکول نمبر 2',
    stationEn: 'Govt. Girls High School No. 2',
  };
}

describe('RollCache against a real Redis', () => {
  const redis = testRedis(undefined, { maxRetriesPerRequest: 1 });
  afterAll(async () => {
    await deleteMatching(redis, `${prefix}*`);
    await redis.quit();
  });

  it('reads back a batch written in one call: voters, negative entries and misses, in the batch’s order', async () => {
    const cache = new RollCache(redis, { keyPrefix: prefix });
    const hashes = Array.from({ length: 400 }, () => randomBytes(32).toString('base64url'));
    // A third voters, a third known not to be in the roll, a third never cached.
    const written = hashes.flatMap((hash, i): Array<[string, VoterRecord | null]> => (i % 3 === 0 ? [[hash, voter(i)]] : i % 3 === 1 ? [[hash, null]] : []));
    await cache.setMany(version, written);
    const read = await cache.getMany(version, hashes);
    expect(read).toEqual(hashes.map((_, i) => (i % 3 === 0 ? voter(i) : i % 3 === 1 ? null : undefined)));
  });

  it('keeps a voter for the positive TTL and a negative entry for the shorter one', async () => {
    const cache = new RollCache(redis, { keyPrefix: prefix, positiveTtlSeconds: 600, negativeTtlSeconds: 60 });
    const [known, unknown] = [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')];
    await cache.setMany(version, [
      [known, voter(1)],
      [unknown, null],
    ]);
    expect(await redis.ttl(cache.key(version, known))).toBeGreaterThan(590);
    expect(await redis.ttl(cache.key(version, unknown))).toBeLessThanOrEqual(60);
    expect(await cache.getMany(version, [unknown, known])).toEqual([null, voter(1)]);
  });
});
