import { KeyedHasher } from '@parchee/privacy';
import { GuardSecrets } from './guard-secrets';
import { GUARD_SCRIPT, RedisRequestGuard, type GuardRedis } from './redis-request-guard';

const pepper = 'unit-test-pepper-0123456789abcdef';
const hasher = new KeyedHasher(pepper);
const secrets = new GuardSecrets(pepper);
const lookup = (msisdn: string, cnic: string) => ({ msisdn, operator: 'jazz', cnicHash: hasher.cnic(cnic), near: near(cnic) });
/** The neighbourhood marks ingress puts in the MO. */
function near(cnic: string): [string, string] {
  const [a, b] = hasher.cnicNeighbourhood(cnic, 1000);
  return [KeyedHasher.text(a), KeyedHasher.text(b)];
}

/** A Redis stand-in: the script pipeline answers with `scriptResults`, eval with `evalReply`. */
function fakeRedis(scriptResults: () => Promise<Array<[Error | null, unknown]>>, evalReply: unknown[] = []) {
  const evals: unknown[][] = [];
  const sets: unknown[][] = [];
  let pipelines = 0;
  const redis = {
    pipeline: () => {
      const first = pipelines++ === 0;
      return {
        evalsha: () => undefined,
        set: (...args: unknown[]) => sets.push(args),
        exec: async () => (first ? scriptResults() : sets.map(() => [null, 'OK'])),
      };
    },
    eval: async (...args: unknown[]) => {
      evals.push(args);
      return evalReply;
    },
    evalsha: async () => {
      throw new Error('not used');
    },
  } as unknown as GuardRedis;
  return { redis, evals, sets };
}

describe('RedisRequestGuard', () => {
  it('runs the script in full when Redis does not know it yet (NOSCRIPT), and uses its verdicts', async () => {
    const { redis, evals } = fakeRedis(async () => [[new Error('NOSCRIPT No matching script. Please use EVAL.'), null]], [0, 1, '', '', 2]);
    const guard = new RedisRequestGuard(redis, hasher, secrets);
    expect(await guard.check([lookup('923001234567', '3520212345671'), lookup('923001234567', '4210112345671')])).toEqual(['allow', 'rate_limited']);
    expect(evals).toHaveLength(1);
    expect(evals[0][0]).toBe(GUARD_SCRIPT);
  });

  it('fails open and reports it when Redis cannot answer', async () => {
    const { redis } = fakeRedis(async () => {
      throw new Error('Command timed out');
    });
    const failOpen: number[] = [];
    const guard = new RedisRequestGuard(redis, hasher, secrets, { onFailOpen: (n) => failOpen.push(n) });
    expect(await guard.check([lookup('923001234567', '3520212345671'), lookup('923007654321', '3520212345671')])).toEqual(['allow', 'allow']);
    expect(failOpen).toEqual([2]);
  });

  it('never asks Redis about allowlisted numbers', async () => {
    const { redis, evals } = fakeRedis(async () => {
      throw new Error('must not be called');
    });
    const { GuardAllowlist } = await import('./guard-allowlist');
    const guard = new RedisRequestGuard(redis, hasher, secrets, { allowlist: new GuardAllowlist(['923001234567'], hasher) });
    expect(await guard.check([lookup('923001234567', '3520212345671')])).toEqual(['allow']);
    expect(evals).toHaveLength(0);
  });

  it('stores only salted marks of the previous CNIC, never the number or the MO’s marks', async () => {
    const { redis, sets } = fakeRedis(async () => [[null, [0, '', 1]]]);
    await new RedisRequestGuard(redis, hasher, secrets).check([lookup('923001234567', '3520212345671')]);
    expect(sets).toHaveLength(1);
    const stored = JSON.stringify(sets);
    expect(stored).not.toMatch(/3520212345671|923001234567/);
    for (const mark of near('3520212345671')) expect(stored).not.toContain(mark);
    expect(stored).not.toContain(KeyedHasher.text(hasher.cnic('3520212345671')));
  });
});
