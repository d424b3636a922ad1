import { RollError } from '../errors/roll-error';
import { CachedVoter } from './roll-cache';
import { RollReader, RollReaderObserver } from './roll-reader';
import { RollVersionRef } from './roll-version-ref';
import { VoterRecord } from './voter-record';

const hashOf = (n: number) => Buffer.alloc(32, n);
const textOf = (n: number) => hashOf(n).toString('base64url');
const voter = (serialNo: number): VoterRecord => ({
  serialNo,
  familyNo: 1,
  gender: 'M',
  blockCode: '137000001',
  areaUr: 'محلہ',
  areaEn: 'Mohalla',
  districtUr: 'لاہور',
  districtEn: 'Lahore',
  tehsilUr: 'لاہور سٹی',
  tehsilEn: 'Lahore City',
  na: 'NA-120',
  pa: 'PP-150',
  stationNo: 3,
  stationUr: 'سکول',
  stationEn: 'School',
});

const ref = (id: number, cacheId = `0000000${id}-aaaa-4bbb-8ccc-dddddddddddd`): RollVersionRef => ({ id, cacheId });

class FakeRoll {
  active: RollVersionRef | null = ref(1);
  voters = new Map<number, Map<string, VoterRecord>>([
    [
      1,
      new Map([
        [textOf(1), voter(1)],
        [textOf(2), voter(2)],
      ]),
    ],
  ]);
  failFind: Error | null = null;
  failActive: Error | null = null;
  finds: Array<{ version: number; hashes: string[] }> = [];
  activeReads = 0;

  async activeVersion(): Promise<RollVersionRef | null> {
    this.activeReads++;
    if (this.failActive) throw this.failActive;
    return this.active;
  }

  async findVoters(version: number, hashes: Buffer[]): Promise<Map<string, VoterRecord>> {
    this.finds.push({ version, hashes: hashes.map((h) => h.toString('base64url')) });
    if (this.failFind) throw this.failFind;
    const found = new Map<string, VoterRecord>();
    for (const h of hashes) {
      const r = this.voters.get(version)?.get(h.toString('base64url'));
      if (r) found.set(h.toString('base64url'), r);
    }
    return found;
  }
}

class FakeCache {
  store = new Map<string, VoterRecord | null>();
  down = false;
  gets = 0;
  sets = 0;

  async getMany(version: RollVersionRef, hashTexts: string[]): Promise<CachedVoter[]> {
    this.gets++;
    if (this.down) throw new Error('Connection is closed.');
    return hashTexts.map((h) => {
      const k = `${version.id}:${version.cacheId}:${h}`;
      return this.store.has(k) ? this.store.get(k) : undefined;
    });
  }

  async setMany(version: RollVersionRef, entries: Array<[string, VoterRecord | null]>): Promise<void> {
    this.sets++;
    if (this.down) throw new Error('Connection is closed.');
    for (const [h, r] of entries) this.store.set(`${version.id}:${version.cacheId}:${h}`, r);
  }
}

function counting() {
  const counts = { hits: 0, misses: 0, negatives: 0, errors: [] as Error[] };
  const observer: RollReaderObserver = {
    onCacheHits: (n) => (counts.hits += n),
    onCacheMisses: (n) => (counts.misses += n),
    onNegativeHits: (n) => (counts.negatives += n),
    onCacheError: (e) => counts.errors.push(e),
  };
  return { counts, observer };
}

describe('RollReader', () => {
  let clock: number;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('answers misses with one query for the batch and writes them back, unknown CNICs as negative entries', async () => {
    const roll = new FakeRoll();
    const cache = new FakeCache();
    const { counts, observer } = counting();
    const reader = new RollReader(roll, cache, { observer, now });
    const res = await reader.lookup([hashOf(1), hashOf(2), hashOf(9)]);
    expect(res.version).toBe(1);
    expect(res.results.get(textOf(1))).toEqual(voter(1));
    expect(res.results.get(textOf(9))).toBeNull();
    expect(roll.finds).toEqual([{ version: 1, hashes: [textOf(1), textOf(2), textOf(9)] }]);
    expect(cache.store.get(`1:${ref(1).cacheId}:${textOf(9)}`)).toBeNull();
    expect(counts).toMatchObject({ hits: 0, misses: 3, negatives: 0 });
  });

  it('serves a repeated batch from the cache, negative entries included, without touching PostgreSQL', async () => {
    const roll = new FakeRoll();
    const cache = new FakeCache();
    const { counts, observer } = counting();
    const reader = new RollReader(roll, cache, { observer, now });
    await reader.lookup([hashOf(1), hashOf(9)]);
    const second = await reader.lookup([hashOf(1), hashOf(9)]);
    expect(second.results.get(textOf(1))).toEqual(voter(1));
    expect(second.results.get(textOf(9))).toBeNull();
    expect(roll.finds).toHaveLength(1);
    expect(counts).toMatchObject({ hits: 1, negatives: 1, misses: 2 });
  });

  it('asks once per distinct hash and keeps the input order', async () => {
    const roll = new FakeRoll();
    const reader = new RollReader(roll, new FakeCache(), { now });
    const res = await reader.lookup([hashOf(2), hashOf(1), hashOf(2)]);
    expect([...res.results.keys()]).toEqual([textOf(2), textOf(1)]);
    expect(roll.finds[0].hashes).toEqual([textOf(2), textOf(1)]);
  });

  it('falls back to PostgreSQL when Redis fails, reports the error, and skips Redis for the bypass window', async () => {
    const roll = new FakeRoll();
    const cache = new FakeCache();
    cache.down = true;
    const { counts, observer } = counting();
    const reader = new RollReader(roll, cache, { observer, now, cacheBypassMs: 500 });
    const res = await reader.lookup([hashOf(1)]);
    expect(res.results.get(textOf(1))).toEqual(voter(1));
    expect(counts.errors).toHaveLength(1);
    expect(cache.sets).toBe(0);
    await reader.lookup([hashOf(2)]);
    expect(cache.gets).toBe(1);
    clock += 501;
    cache.down = false;
    await reader.lookup([hashOf(2)]);
    expect(cache.gets).toBe(2);
    expect(cache.store.get(`1:${ref(1).cacheId}:${textOf(2)}`)).toEqual(voter(2));
  });

  it('reports Redis failing under several batches in flight once, and skips it for the window', async () => {
    const roll = new FakeRoll();
    const cache = new FakeCache();
    let fail: (err: Error) => void = () => undefined;
    const silent = new Promise<never>((_resolve, reject) => (fail = reject));
    silent.catch(() => undefined);
    cache.getMany = () => {
      cache.gets++;
      return silent;
    };
    const { counts, observer } = counting();
    const reader = new RollReader(roll, cache, { observer, now, cacheBypassMs: 500 });
    await reader.currentVersion();
    const inFlight = [reader.lookup([hashOf(1)]), reader.lookup([hashOf(2)]), reader.lookup([hashOf(9)])];
    fail(new Error('Command timed out'));
    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => a.results.size)).toEqual([1, 1, 1]);
    expect(cache.gets).toBe(3);
    expect(counts.errors).toHaveLength(1);
    await reader.lookup([hashOf(1)]);
    expect(cache.gets).toBe(3);
    clock += 500;
    await reader.lookup([hashOf(1)]);
    expect(cache.gets).toBe(4);
    expect(counts.errors).toHaveLength(2);
  });

  it('does not read entries of another roll that reused the same version id', async () => {
    const roll = new FakeRoll();
    const cache = new FakeCache();
    const reader = new RollReader(roll, cache, { now, versionRefreshMs: 1000 });
    await reader.lookup([hashOf(1)]);
    // The database was re-created: version 1 again, other voters, a new cache identity.
    roll.active = ref(1, 'ffffffff-ffff-4fff-8fff-ffffffffffff');
    roll.voters.set(1, new Map([[textOf(1), voter(777)]]));
    clock += 1000;
    const res = await reader.lookup([hashOf(1)]);
    expect(res.version).toBe(1);
    expect(res.results.get(textOf(1))?.serialNo).toBe(777);
    expect(roll.finds).toHaveLength(2);
  });

  it('still answers when the write-back fails', async () => {
    const roll = new FakeRoll();
    const cache = new FakeCache();
    cache.setMany = async () => {
      throw new Error('Command timed out');
    };
    const { counts, observer } = counting();
    const res = await new RollReader(roll, cache, { observer, now }).lookup([hashOf(1)]);
    expect(res.results.get(textOf(1))).toEqual(voter(1));
    expect(counts.errors.map((e) => e.message)).toEqual(['Command timed out']);
  });

  it('lets PostgreSQL errors through as retriable RollErrors', async () => {
    const roll = new FakeRoll();
    roll.failFind = new RollError('ROLL_DATABASE_UNAVAILABLE', 'down', true);
    const reader = new RollReader(roll, new FakeCache(), { now });
    await expect(reader.lookup([hashOf(1)])).rejects.toMatchObject({ code: 'ROLL_DATABASE_UNAVAILABLE', retriable: true });
  });

  it('re-reads the active version only after the refresh interval, and the new version changes the answers', async () => {
    const roll = new FakeRoll();
    roll.voters.set(2, new Map([[textOf(1), voter(500)]]));
    const cache = new FakeCache();
    const reader = new RollReader(roll, cache, { now, versionRefreshMs: 2000 });
    expect((await reader.lookup([hashOf(1)])).results.get(textOf(1))?.serialNo).toBe(1);
    roll.active = ref(2);
    clock += 1999;
    expect((await reader.lookup([hashOf(1)])).version).toBe(1);
    expect(roll.activeReads).toBe(1);
    clock += 1;
    const after = await reader.lookup([hashOf(1)]);
    expect(after.version).toBe(2);
    expect(after.results.get(textOf(1))?.serialNo).toBe(500);
  });

  it('shares one version query between concurrent batches', async () => {
    const roll = new FakeRoll();
    const reader = new RollReader(roll, new FakeCache(), { now });
    await Promise.all([reader.lookup([hashOf(1)]), reader.lookup([hashOf(2)]), reader.lookup([hashOf(9)])]);
    expect(roll.activeReads).toBe(1);
  });

  it('keeps answering from the last known version when the version refresh fails', async () => {
    const roll = new FakeRoll();
    const cache = new FakeCache();
    const reader = new RollReader(roll, cache, { now, versionRefreshMs: 1000 });
    await reader.lookup([hashOf(1)]);
    roll.failActive = new RollError('ROLL_DATABASE_UNAVAILABLE', 'down', true);
    roll.failFind = roll.failActive;
    clock += 5000;
    const res = await reader.lookup([hashOf(1)]);
    expect(res.version).toBe(1);
    expect(res.results.get(textOf(1))).toEqual(voter(1));
  });

  it('fails with the database error when no version was ever known', async () => {
    const roll = new FakeRoll();
    roll.failActive = new RollError('ROLL_DATABASE_UNAVAILABLE', 'down', true);
    await expect(new RollReader(roll, new FakeCache(), { now }).lookup([hashOf(1)])).rejects.toMatchObject({ retriable: true });
  });

  it('answers null for everything, with version null, when no roll is active', async () => {
    const roll = new FakeRoll();
    roll.active = null;
    const res = await new RollReader(roll, new FakeCache(), { now }).lookup([hashOf(1)]);
    expect(res).toEqual({ version: null, results: new Map([[textOf(1), null]]) });
    expect(roll.finds).toHaveLength(0);
  });

  it('ignores an observer that throws', async () => {
    const reader = new RollReader(new FakeRoll(), new FakeCache(), {
      now,
      observer: {
        onCacheMisses: () => {
          throw new Error('metrics bug');
        },
      },
    });
    expect((await reader.lookup([hashOf(1)])).results.get(textOf(1))).toEqual(voter(1));
  });

  it('refuses hashes of another pepper than the active version was keyed with, naming the right one, and reads nothing', async () => {
    const roll = new FakeRoll();
    roll.active = { ...ref(1), pepperId: 'aaaaaaaaaaaaaaaa' };
    const cache = new FakeCache();
    const reader = new RollReader(roll, cache);
    await expect(reader.lookup([hashOf(1)], { pepperId: 'bbbbbbbbbbbbbbbb' })).rejects.toMatchObject({
      code: 'ROLL_PEPPER_MISMATCH',
      retriable: false,
      activePepperId: 'aaaaaaaaaaaaaaaa',
    });
    expect(roll.finds).toEqual([]);
    expect(cache.gets).toBe(0);
    expect((await reader.lookup([hashOf(1)], { pepperId: 'aaaaaaaaaaaaaaaa' })).results.get(textOf(1))).toEqual(voter(1));
  });

  it('accepts any pepper for a version imported before pepper ids were recorded', async () => {
    const roll = new FakeRoll();
    const reader = new RollReader(roll, new FakeCache());
    expect((await reader.lookup([hashOf(2)], { pepperId: 'bbbbbbbbbbbbbbbb' })).results.get(textOf(2))).toEqual(voter(2));
  });
});
