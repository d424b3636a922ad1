import { PACE_SCRIPT, RedisPacer, paceKey, type ScriptRunner } from './redis-pacer';
import { HORIZON_MS, MIN_RATE_FACTOR } from './submit-pacer';

function fakeRedis(evalsha: (...args: unknown[]) => Promise<unknown>) {
  const calls = { evalsha: [] as unknown[][], eval: [] as unknown[][] };
  const redis = {
    evalsha: async (...args: unknown[]) => {
      calls.evalsha.push(args);
      return evalsha(...args);
    },
    eval: async (...args: unknown[]) => {
      calls.eval.push(args);
      return ['2', '0.000', '10.000000', '0'];
    },
  } as unknown as ScriptRunner;
  return { redis, calls };
}

const jazz = { limit: 100, pauseMs: 1000, recoveryPerSecond: 0.1 };

describe('RedisPacer', () => {
  it('runs the cached script by its SHA and reads the slots as numbers', async () => {
    const { redis, calls } = fakeRedis(async () => ['3', '12.500', '10.000000', '25']);
    expect(await new RedisPacer(redis).reserve('jazz', jazz, 5)).toEqual({ granted: 3, firstInMs: 12.5, intervalMs: 10, waitMs: 25 });
    expect(calls.evalsha[0].slice(1)).toEqual([1, 'parchee:tps:{jazz}:pace', 'reserve', 100, 1000, 0.1, 5, HORIZON_MS, MIN_RATE_FACTOR]);
    expect(calls.eval).toHaveLength(0);
  });

  it('asks the script to slow the link down', async () => {
    const { redis, calls } = fakeRedis(async () => 1);
    await new RedisPacer(redis).slowDown('zong', jazz);
    expect(calls.evalsha[0].slice(1, 4)).toEqual([1, 'parchee:tps:{zong}:pace', 'slow']);
  });

  it('sends the script body when Redis answers NOSCRIPT (restarted or flushed cache)', async () => {
    const { redis, calls } = fakeRedis(async () => {
      throw new Error('NOSCRIPT No matching script. Please use EVAL.');
    });
    expect(await new RedisPacer(redis).reserve('zong', jazz, 2)).toEqual({ granted: 2, firstInMs: 0, intervalMs: 10, waitMs: 0 });
    expect(calls.eval[0][0]).toBe(PACE_SCRIPT);
    expect(calls.eval[0].slice(1)).toEqual(calls.evalsha[0].slice(1));
  });

  it('lets any other failure through, so the throttle can fall back', async () => {
    const { redis, calls } = fakeRedis(async () => {
      throw new Error('Command timed out');
    });
    await expect(new RedisPacer(redis).reserve('jazz', jazz, 1)).rejects.toThrow('Command timed out');
    expect(calls.eval).toHaveLength(0);
  });

  it('names its key by the operator id alone, in a hash tag', () => {
    expect(paceKey('telenor')).toBe('parchee:tps:{telenor}:pace');
  });
});
