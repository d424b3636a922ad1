import { KeyedHasher } from '@parchee/privacy';
import { GuardAllowlist } from './guard-allowlist';
import { GuardSecrets } from './guard-secrets';
import { COMPARE_AND_SET_SCRIPT, RedisRequestGuard, WRITE_SCRIPT, type GuardRedis, type RedisRequestGuardOptions } from './redis-request-guard';
import type { GuardedLookup } from './request-guard';

const pepper = 'unit-test-pepper-0123456789abcdef';
const hasher = new KeyedHasher(pepper);
const secrets = new GuardSecrets(pepper);
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const PREFIX = 'parchee:guard:';

/** The neighbourhood marks ingress puts in the MO. */
function near(cnic: string): [string, string] {
  const [a, b] = hasher.cnicNeighbourhood(cnic, 1000);
  return [KeyedHasher.text(a), KeyedHasher.text(b)];
}
const lookup = (msisdn: string, cnic: string, operator = 'jazz'): GuardedLookup => ({ msisdn, operator, cnicHash: hasher.cnic(cnic), near: near(cnic) });
/** CNICs far apart, so only the counters under test can refuse them. */
const farCnic = (i: number) => String(3520200000001 + i * 10_000_000);
const stateKey = (msisdn: string) => `${PREFIX}state:${KeyedHasher.text(hasher.msisdn(msisdn))}`;

/**
 * An in-memory Redis with its own clock, speaking the commands the guard sends (TIME, MGET, the
 * write script, the compare-and-set script, PFADD as an exact set, PEXPIRE, PFCOUNT), and
 * recording every pipeline it ran.
 */
class FakeRedis {
  now = Date.UTC(2026, 10, 30, 6, 0, 0);
  readonly strings = new Map<string, { value: string; expiresAt: number }>();
  readonly sets = new Map<string, { members: Set<string>; expiresAt: number }>();
  readonly pipelines: string[][] = [];
  failReads = false;
  failWrites = false;
  /** Runs before a pipeline with a compare-and-set is applied: another process's write in between. */
  beforeCompareAndSet?: () => Promise<void>;

  advance(ms: number): void {
    this.now += ms;
  }

  get(key: string): string | null {
    const entry = this.strings.get(key);
    return entry && entry.expiresAt > this.now ? entry.value : null;
  }

  pttl(key: string): number {
    const entry = this.strings.get(key);
    return entry ? entry.expiresAt - this.now : -2;
  }

  liveKeys(): string[] {
    return [...this.strings.keys()].filter((k) => this.get(k) !== null).concat([...this.sets.keys()]);
  }

  readonly client = {
    pipeline: () => {
      const queued: Array<() => unknown> = [];
      const names: string[] = [];
      const add = (name: string, run: () => unknown) => {
        names.push(name);
        queued.push(run);
      };
      const pipeline = {
        time: () => add('time', () => [String(Math.floor(this.now / 1000)), String((this.now % 1000) * 1000)]),
        mget: (keys: string[]) => add('mget', () => keys.map((k) => this.get(k))),
        call: (command: string, args: Array<string | number>) =>
          add(command.toLowerCase(), () => {
            if (command === 'EVAL' && args[0] === COMPARE_AND_SET_SCRIPT) {
              // SET KEYS[1] ARGV[2] PX ARGV[3] if it still holds ARGV[1] ('' for none).
              const [, , key, expected, value, ttl] = args.map(String);
              if ((this.get(key) ?? '') !== expected) return 0;
              this.strings.set(key, { value, expiresAt: this.now + Number(ttl) });
              return 1;
            }
            if (command === 'EVAL') {
              // The write script: SET KEYS[i] ARGV[2i-1] PX ARGV[2i].
              expect(args[0]).toBe(WRITE_SCRIPT);
              const count = Number(args[1]);
              for (let i = 0; i < count; i++)
                this.strings.set(String(args[2 + i]), { value: String(args[2 + count + 2 * i]), expiresAt: this.now + Number(args[3 + count + 2 * i]) });
              return count;
            }
            expect(command).toBe('PFADD');
            const [key, ...members] = args.map(String);
            const set = this.sets.get(key) ?? { members: new Set<string>(), expiresAt: Infinity };
            for (const m of members) set.members.add(m);
            this.sets.set(key, set);
            return 1;
          }),
        pexpire: (key: string, ttl: number) => add('pexpire', () => ((this.sets.get(key) ?? { expiresAt: 0 }).expiresAt = this.now + ttl)),
        pfcount: (key: string) => add('pfcount', () => this.sets.get(key)?.members.size ?? 0),
        exec: async () => {
          if (queued.length > 0 && names.includes('eval') && this.beforeCompareAndSet) await this.beforeCompareAndSet();
          this.pipelines.push(names);
          const reading = names.includes('mget');
          if ((reading && this.failReads) || (!reading && this.failWrites)) throw new Error('Command timed out');
          return queued.map((run) => [null, run()] as [Error | null, unknown]);
        },
      };
      return pipeline;
    },
  };

  guard(options: RedisRequestGuardOptions = {}): RedisRequestGuard {
    return new RedisRequestGuard(this.client as unknown as GuardRedis, hasher, secrets, options);
  }
}

/**
 * The verdicts, once the batch's memory is stored too (`stored` settled): what the pipeline waits
 * for before the batch commits, so the next batch sees this one and the write's reports are in.
 */
const ask = async (guard: RedisRequestGuard, requests: GuardedLookup[]) => {
  const { verdicts, stored } = await guard.decide(requests);
  await stored;
  return verdicts;
};

describe('RedisRequestGuard', () => {
  let redis: FakeRedis;
  beforeEach(() => {
    redis = new FakeRedis();
  });

  it('refuses the 6th lookup in an hour and answers again once the oldest has slid out of the hour', async () => {
    const guard = redis.guard({ limits: { maxDistinctCnics: 100 } });
    const verdicts = [];
    for (let i = 0; i < 6; i++) {
      verdicts.push(...(await ask(guard, [lookup('923001234567', farCnic(i))])));
      redis.advance(60_000);
    }
    expect(verdicts).toEqual(['allow', 'allow', 'allow', 'allow', 'allow', 'rate_limited']);
    // The first lookup was at 0 min and it is 6 min now: it leaves the hour at 60 min, not before.
    redis.advance(HOUR - 6 * 60_000 - 1);
    expect(await ask(guard, [lookup('923001234567', farCnic(7))])).toEqual(['rate_limited']);
    redis.advance(1);
    expect(await ask(guard, [lookup('923001234567', farCnic(7))])).toEqual(['allow']);
  });

  it('refuses the 21st lookup in a day spread over hours, and answers again when the day has slid', async () => {
    const guard = redis.guard({ limits: { maxDistinctCnics: 100 } });
    const verdicts = [];
    for (let i = 0; i < 21; i++) {
      verdicts.push(...(await ask(guard, [lookup('923001234567', farCnic(i))])));
      redis.advance(HOUR);
    }
    expect(verdicts.slice(0, 20).every((v) => v === 'allow')).toBe(true);
    expect(verdicts[20]).toBe('rate_limited');
    // 21 h after the first lookup; it ages out of the day at 24 h.
    redis.advance(2 * HOUR);
    expect(await ask(guard, [lookup('923001234567', farCnic(30))])).toEqual(['rate_limited']);
    redis.advance(HOUR);
    expect(await ask(guard, [lookup('923001234567', farCnic(30))])).toEqual(['allow']);
  });

  it('decides a batch in order: a number’s later requests see its earlier ones, other numbers are apart', async () => {
    const guard = redis.guard({ limits: { perHour: 2, maxDistinctCnics: 100 } });
    const verdicts = await ask(guard, [
      lookup('923001111111', farCnic(0)),
      lookup('923002222222', farCnic(1)),
      lookup('923001111111', farCnic(2)),
      lookup('923001111111', farCnic(3)),
    ]);
    expect(verdicts).toEqual(['allow', 'allow', 'allow', 'rate_limited']);
    // One read of both numbers' states, one write of both.
    expect(redis.pipelines).toEqual([
      ['time', 'mget'],
      ['eval', 'pfadd', 'pexpire', 'pfcount'],
    ]);
    expect(await ask(guard, [lookup('923001111111', farCnic(4))])).toEqual(['rate_limited']);
  });

  it('writes a batch of more than 500 numbers in several short scripts, and remembers every one', async () => {
    const guard = redis.guard({ limits: { perHour: 1 } });
    const batch = Array.from({ length: 1201 }, (_, i) => lookup(`92300${String(2_000_000 + i)}`, farCnic(i % 7), i % 2 === 0 ? 'jazz' : 'zong'));
    expect((await ask(guard, batch)).every((v) => v === 'allow')).toBe(true);
    expect(redis.pipelines[1]).toEqual(['eval', 'eval', 'eval', 'pfadd', 'pexpire', 'pfcount', 'pfadd', 'pexpire', 'pfcount']);
    expect((await ask(guard, batch)).every((v) => v === 'rate_limited')).toBe(true);
  });

  it('blocks a number asking its 4th distinct CNIC, while repeats of one CNIC stay allowed, and keeps it blocked for the block time', async () => {
    const blocked: string[] = [];
    const guard = redis.guard({
      limits: { perHour: 100, perDay: 100, distinctWindowMs: HOUR, blockMs: 2 * HOUR },
      onBlocked: (op, cause) => blocked.push(`${op}:${cause}`),
    });
    const first = await ask(guard, [
      lookup('923001234567', farCnic(0)),
      lookup('923001234567', farCnic(0)),
      lookup('923001234567', farCnic(1)),
      lookup('923001234567', farCnic(1)),
      lookup('923001234567', farCnic(2)),
    ]);
    expect(first).toEqual(['allow', 'allow', 'allow', 'allow', 'allow']);
    redis.advance(60_000);
    expect(await ask(guard, [lookup('923001234567', farCnic(3)), lookup('923001234567', farCnic(0))])).toEqual(['enumeration', 'enumeration']);
    expect(blocked).toEqual(['jazz:distinct']);
    redis.advance(2 * HOUR - 1);
    expect(await ask(guard, [lookup('923001234567', farCnic(0))])).toEqual(['enumeration']);
    // The block is over, and the distinct window (an hour) has forgotten the CNICs too.
    redis.advance(1);
    expect(await ask(guard, [lookup('923001234567', farCnic(5))])).toEqual(['allow']);
    expect(blocked).toEqual(['jazz:distinct']);
  });

  it('forgets distinct CNICs as they age out of the window', async () => {
    const guard = redis.guard({ limits: { perHour: 100, perDay: 100 } });
    for (let i = 0; i < 3; i++) {
      expect(await ask(guard, [lookup('923001234567', farCnic(i))])).toEqual(['allow']);
      redis.advance(HOUR);
    }
    // The first CNIC was asked 24 h ago by the next step: two remain, a 4th and 5th fit one by one.
    redis.advance(21 * HOUR);
    expect(await ask(guard, [lookup('923001234567', farCnic(3))])).toEqual(['allow']);
    expect(await ask(guard, [lookup('923001234567', farCnic(4))])).toEqual(['enumeration']);
  });

  it('blocks a sequential scan on its 3rd close step, says why once, and the block outlives the scan', async () => {
    const blocked: string[] = [];
    const guard = redis.guard({ limits: { perHour: 100, maxDistinctCnics: 100 }, onBlocked: (_op, cause) => blocked.push(cause) });
    const verdicts = [];
    for (let i = 0; i < 5; i++) verdicts.push(...(await ask(guard, [lookup('923001234567', String(3520212345671 + i))])));
    expect(verdicts).toEqual(['allow', 'allow', 'allow', 'enumeration', 'enumeration']);
    expect(await ask(guard, [lookup('923001234567', farCnic(9))])).toEqual(['enumeration']);
    expect(blocked).toEqual(['scan']);
  });

  it('blocks a scan inside one batch, and the number’s later requests of that batch with it', async () => {
    const blocked: string[] = [];
    const guard = redis.guard({ limits: { perHour: 100, maxDistinctCnics: 100 }, onBlocked: (_op, cause) => blocked.push(cause) });
    const batch = [0, 1, 2, 3, 4].map((i) => lookup('923001234567', String(3520212345671 + i)));
    batch.push(lookup('923007654321', String(3520212345671)));
    expect(await ask(guard, batch)).toEqual(['allow', 'allow', 'allow', 'enumeration', 'enumeration', 'allow']);
    expect(blocked).toEqual(['scan']);
  });

  it('catches a slow scan, one step a day, after the distinct window has forgotten it, until the scan memory runs out', async () => {
    const guard = redis.guard({ limits: { maxDistinctCnics: 1, distinctWindowMs: HOUR } });
    const verdicts = [];
    for (let i = 0; i < 4; i++) {
      verdicts.push(...(await ask(guard, [lookup('923001234567', String(3520212345671 + i * 7))])));
      redis.advance(DAY);
    }
    expect(verdicts).toEqual(['allow', 'allow', 'allow', 'enumeration']);

    const other = redis.guard({ keyPrefix: 'parchee:guard:other:', limits: { maxDistinctCnics: 1, distinctWindowMs: HOUR, scanMemoryMs: 2 * DAY } });
    const slower = [];
    for (let i = 0; i < 4; i++) {
      slower.push(...(await ask(other, [lookup('923001234567', String(3520212345671 + i * 7))])));
      redis.advance(2 * DAY);
    }
    expect(slower).toEqual(['allow', 'allow', 'allow', 'allow']);
  });

  it('keeps one key per number, named by its keyed hash, that lives as long as its longest memory', async () => {
    const guard = redis.guard();
    await ask(guard, [lookup('923001234567', farCnic(0))]);
    expect(redis.liveKeys().sort()).toEqual([`${PREFIX}operator:jazz:${Math.floor(redis.now / 60_000)}`, stateKey('923001234567')].sort());
    // The scan memory (7 days) is the longest by default.
    expect(redis.pttl(stateKey('923001234567'))).toBe(7 * DAY);
    const short = redis.guard({ keyPrefix: 'parchee:guard:short:', limits: { scanMemoryMs: HOUR, distinctWindowMs: 2 * HOUR, dayWindowMs: 3 * HOUR } });
    await ask(short, [lookup('923001234567', farCnic(0))]);
    expect(redis.pttl(`parchee:guard:short:state:${KeyedHasher.text(hasher.msisdn('923001234567'))}`)).toBe(3 * HOUR);
  });

  it('uses the MSISDN hash the caller passes instead of hashing the number again', async () => {
    const guard = redis.guard({ limits: { perHour: 1 } });
    const hash = hasher.msisdn('923001234567');
    // The clear number is deliberately another: the guard must go by the hash.
    expect(await ask(guard, [{ ...lookup('923009999999', farCnic(0)), msisdnHash: hash }])).toEqual(['allow']);
    expect(redis.get(stateKey('923001234567'))).not.toBeNull();
    expect(redis.get(stateKey('923009999999'))).toBeNull();
    expect(await ask(guard, [lookup('923001234567', farCnic(1))])).toEqual(['rate_limited']);
  });

  it('honours a block flag left by the previous key layout, without writing anything for it', async () => {
    const hash = KeyedHasher.text(hasher.msisdn('923001234567'));
    redis.strings.set(`${PREFIX}block:${hash}`, { value: '1', expiresAt: redis.now + HOUR });
    const guard = redis.guard();
    expect(await ask(guard, [lookup('923001234567', farCnic(0)), lookup('923001234567', farCnic(0))])).toEqual(['enumeration', 'enumeration']);
    expect(redis.get(stateKey('923001234567'))).toBeNull();
    redis.advance(HOUR);
    expect(await ask(guard, [lookup('923001234567', farCnic(0))])).toEqual(['allow']);
  });

  it('reads only the state keys once told the old layout’s flags are gone', async () => {
    const hash = KeyedHasher.text(hasher.msisdn('923001234567'));
    redis.strings.set(`${PREFIX}block:${hash}`, { value: '1', expiresAt: redis.now + HOUR });
    const read: string[][] = [];
    const pipelineOf = redis.client.pipeline;
    const guard = new RedisRequestGuard(
      {
        pipeline: () => {
          const pipeline = pipelineOf();
          const inner = pipeline.mget;
          pipeline.mget = (keys: string[]) => (read.push(keys), inner(keys));
          return pipeline;
        },
      } as unknown as GuardRedis,
      hasher,
      secrets,
      { legacyBlockFlags: false },
    );
    expect(await ask(guard, [lookup('923001234567', farCnic(0))])).toEqual(['allow']);
    expect(read).toEqual([[stateKey('923001234567')]]);
  });

  it('never asks Redis about allowlisted numbers, given as clear numbers or by hash', async () => {
    const allowlist = new GuardAllowlist(['923001234567', `hmac:${KeyedHasher.text(hasher.msisdn('923007654321'))}`], hasher);
    const guard = redis.guard({ allowlist, limits: { perHour: 1, maxDistinctCnics: 1 } });
    const batch = [0, 1, 2, 3, 4, 5].flatMap((i) => [lookup('923001234567', String(3520212345671 + i)), lookup('923007654321', String(3520212345671 + i))]);
    expect((await ask(guard, batch)).every((v) => v === 'allow')).toBe(true);
    expect(redis.pipelines).toEqual([]);
    expect(await ask(guard, [lookup('923001111111', farCnic(0)), lookup('923001111111', farCnic(1))])).toEqual(['allow', 'rate_limited']);
  });

  it('fails open and reports how many it let through when Redis cannot answer the read', async () => {
    redis.failReads = true;
    const failOpen: number[] = [];
    const guard = redis.guard({ limits: { perHour: 1 }, onFailOpen: (n) => failOpen.push(n) });
    expect(await ask(guard, [lookup('923001234567', farCnic(0)), lookup('923001234567', farCnic(1))])).toEqual(['allow', 'allow']);
    expect(failOpen).toEqual([2]);
    expect(redis.pipelines).toEqual([['time', 'mget']]);
  });

  it('keeps its verdicts when the write-back fails, and reports the lost memory', async () => {
    redis.failWrites = true;
    const failOpen: number[] = [];
    const guard = redis.guard({ limits: { perHour: 1 }, onFailOpen: (n) => failOpen.push(n) });
    expect(await ask(guard, [lookup('923001234567', farCnic(0)), lookup('923001234567', farCnic(1))])).toEqual(['allow', 'rate_limited']);
    expect(failOpen).toEqual([0]);
  });

  it('returns the verdicts from decide() with the write-back already sent, and the next batch sees it once stored', async () => {
    const guard = redis.guard({ limits: { perHour: 1 } });
    const { verdicts, stored } = await guard.decide([lookup('923001234567', farCnic(0))]);
    expect(verdicts).toEqual(['allow']);
    expect(redis.pipelines).toHaveLength(2);
    await expect(stored).resolves.toBeUndefined();
    expect(await ask(guard, [lookup('923001234567', farCnic(1))])).toEqual(['rate_limited']);
  });

  it('raises an operator spike when one operator sees more distinct CNICs in a minute than the threshold, counting refused lookups too', async () => {
    const spikes: Array<[string, number]> = [];
    const guard = redis.guard({ limits: { operatorDistinctPerMinute: 3, perHour: 1 }, onOperatorSpike: (op, n) => spikes.push([op, n]) });
    await ask(guard, [
      lookup('923001234567', farCnic(0), 'zong'),
      lookup('923001234567', farCnic(1), 'zong'),
      lookup('923001234568', farCnic(2), 'zong'),
      lookup('923001234569', farCnic(2), 'zong'),
      lookup('923001234570', farCnic(0), 'ufone'),
    ]);
    expect(spikes).toEqual([]);
    await ask(guard, [lookup('923001234571', farCnic(3), 'zong'), lookup('923001234572', farCnic(3), 'ufone')]);
    expect(spikes).toEqual([['zong', 4]]);
    // Next minute, a fresh count.
    redis.advance(60_000);
    await ask(guard, [lookup('923001234573', farCnic(4), 'zong')]);
    expect(spikes).toEqual([['zong', 4]]);
  });

  it('stores no clear number, no roll hash and none of the MO’s marks, in keys or values', async () => {
    const guard = redis.guard({ limits: { maxDistinctCnics: 100 } });
    await ask(guard, [lookup('923001234567', '3520212345671'), lookup('923001234567', '3520212345672')]);
    const written = [...redis.strings].map(([key, { value }]) => `${key} ${value}`);
    for (const [key, { members }] of redis.sets) written.push(key, ...members);
    const stored = written.join('\n');
    expect(stored).not.toMatch(/3520212345671|3520212345672|923001234567/);
    expect(stored).not.toContain(KeyedHasher.text(hasher.cnic('3520212345671')));
    for (const mark of near('3520212345671')) expect(stored).not.toContain(mark);
    expect(stored).toContain(stateKey('923001234567'));
  });

  describe('decideAlone (one lookup outside lookup’s partitions: the USSD service)', () => {
    it('applies the same limits as a batch, and counts with the batches of the same number', async () => {
      const guard = redis.guard({ limits: { maxDistinctCnics: 100 } });
      const verdicts = [];
      for (let i = 0; i < 3; i++) verdicts.push(await guard.decideAlone(lookup('923001234567', farCnic(i))));
      verdicts.push(...(await ask(guard, [lookup('923001234567', farCnic(3)), lookup('923001234567', farCnic(4))])));
      verdicts.push(await guard.decideAlone(lookup('923001234567', farCnic(5))));
      expect(verdicts).toEqual(['allow', 'allow', 'allow', 'allow', 'allow', 'rate_limited']);
      // Each alone: a read and one write with the operator's count, the state by compare-and-set.
      expect(redis.pipelines[0]).toEqual(['time', 'mget']);
      expect(redis.pipelines[1]).toEqual(['eval', 'pfadd', 'pexpire', 'pfcount']);
      // The refused one wrote nothing but the operator's count.
      expect(redis.pipelines[redis.pipelines.length - 1]).toEqual(['pfadd', 'pexpire', 'pfcount']);
    });

    it('never overwrites a state another process stored between its read and its write: it reads and decides again', async () => {
      const ussd = redis.guard({ limits: { perHour: 2, maxDistinctCnics: 100 } });
      const sms = redis.guard({ limits: { perHour: 2, maxDistinctCnics: 100 } });
      let interleaved = 0;
      redis.beforeCompareAndSet = async () => {
        if (interleaved++ > 0) return;
        // An SMS batch of the same number lands in between, and takes the last lookup of the hour.
        expect(await ask(sms, [lookup('923001234567', farCnic(0)), lookup('923001234567', farCnic(1))])).toEqual(['allow', 'allow']);
      };
      expect(await ussd.decideAlone(lookup('923001234567', farCnic(2)))).toBe('rate_limited');
      // Read twice: the first decision's write lost to the batch's, and was not applied.
      expect(redis.pipelines.filter((p) => p.includes('mget'))).toHaveLength(3);
      expect(await ask(sms, [lookup('923001234567', farCnic(3))])).toEqual(['rate_limited']);
    });

    it('counts concurrent lookups of one number exactly, however they interleave', async () => {
      const guard = redis.guard({ limits: { perHour: 3, maxDistinctCnics: 100 } });
      const verdicts = await Promise.all([0, 1, 2, 3, 4].map((i) => guard.decideAlone(lookup('923001234567', farCnic(i)))));
      expect(verdicts.filter((v) => v === 'allow')).toHaveLength(3);
      expect(verdicts.filter((v) => v === 'rate_limited')).toHaveLength(2);
    });

    it('blocks an enumerating number and says why once, as a batch does', async () => {
      const blocked: string[] = [];
      const guard = redis.guard({ limits: { perHour: 100, maxDistinctCnics: 2 }, onBlocked: (_op, cause) => blocked.push(cause) });
      const verdicts = [];
      for (let i = 0; i < 4; i++) verdicts.push(await guard.decideAlone(lookup('923001234567', farCnic(i))));
      expect(verdicts).toEqual(['allow', 'allow', 'enumeration', 'enumeration']);
      expect(blocked).toEqual(['distinct']);
    });

    it('gives up storing after eight lost races, keeping its verdict and reporting the lookup as let through unchecked', async () => {
      const failOpen: number[] = [];
      const guard = redis.guard({ limits: { perHour: 100, maxDistinctCnics: 100 }, onFailOpen: (n) => failOpen.push(n) });
      let writes = 0;
      redis.beforeCompareAndSet = async () => {
        // Someone else stores the number's state before every one of its writes.
        redis.strings.set(stateKey('923001234567'), { value: `other-${writes++}`, expiresAt: Infinity });
      };
      expect(await guard.decideAlone(lookup('923001234567', farCnic(0)))).toBe('allow');
      expect(writes).toBe(8);
      expect(failOpen).toEqual([1]);
    });

    it('fails open when Redis cannot answer the read, and keeps a refusal whose write failed', async () => {
      const failOpen: number[] = [];
      const guard = redis.guard({ limits: { perHour: 1 }, onFailOpen: (n) => failOpen.push(n) });
      expect(await guard.decideAlone(lookup('923001234567', farCnic(0)))).toBe('allow');
      redis.failWrites = true;
      expect(await guard.decideAlone(lookup('923001234567', farCnic(1)))).toBe('rate_limited');
      redis.failWrites = false;
      redis.failReads = true;
      expect(await guard.decideAlone(lookup('923001234567', farCnic(2)))).toBe('allow');
      expect(failOpen).toEqual([0, 1]);
    });

    it('never asks Redis about an allowlisted number', async () => {
      const guard = redis.guard({ allowlist: new GuardAllowlist(['923001234567'], hasher), limits: { perHour: 1 } });
      for (let i = 0; i < 3; i++) expect(await guard.decideAlone(lookup('923001234567', farCnic(i)))).toBe('allow');
      expect(redis.pipelines).toEqual([]);
    });
  });
});
