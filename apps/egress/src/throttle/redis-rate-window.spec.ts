import { RESERVE_SCRIPT, RedisRateWindow, rateWindowKeys, type ScriptRunner } from './redis-rate-window';

function fakeRedis(evalsha: (...args: unknown[]) => Promise<unknown>) {
  const calls = { evalsha: [] as unknown[][], eval: [] as unknown[][] };
  const redis = {
    evalsha: async (...args: unknown[]) => {
      calls.evalsha.push(args);
      return evalsha(...args);
    },
    eval: async (...args: unknown[]) => {
      calls.eval.push(args);
      return [2, 0];
    },
  } as unknown as ScriptRunner;
  return { redis, calls };
}

describe('RedisRateWindow', () => {
  it('runs the cached script by its SHA and reads the grant and the wait', async () => {
    const { redis, calls } = fakeRedis(async () => [3, 250]);
    expect(await new RedisRateWindow(redis).reserve('jazz', 50, 5, 1)).toEqual({ granted: 3, waitMs: 250 });
    expect(calls.evalsha[0].slice(1, 7)).toEqual([2, 'parchee:tps:{jazz}', 'parchee:tps:{jazz}:granted', 50, 1000, 5]);
    expect(calls.eval).toHaveLength(0);
  });

  it('sends the script body when Redis answers NOSCRIPT (restarted or flushed cache)', async () => {
    const { redis, calls } = fakeRedis(async () => {
      throw new Error('NOSCRIPT No matching script. Please use EVAL.');
    });
    expect(await new RedisRateWindow(redis).reserve('zong', 10, 2, 2)).toEqual({ granted: 2, waitMs: 0 });
    expect(calls.eval[0][0]).toBe(RESERVE_SCRIPT);
    expect(calls.eval[0].slice(1)).toEqual(calls.evalsha[0].slice(1));
  });

  it('lets any other failure through, so the throttle can fall back', async () => {
    const { redis, calls } = fakeRedis(async () => {
      throw new Error('Command timed out');
    });
    await expect(new RedisRateWindow(redis).reserve('jazz', 10, 1, 1)).rejects.toThrow('Command timed out');
    expect(calls.eval).toHaveLength(0);
  });

  it('names its keys by the operator id alone', () => {
    expect(rateWindowKeys('telenor')).toEqual(['parchee:tps:{telenor}', 'parchee:tps:{telenor}:granted']);
  });
});
