import type { DlrMessageV1, DlrState } from '@parchee/contracts';
import type { RedisClient } from '@parchee/redis';
import { RedisMtStatusStore, mtStatusKey } from './mt-status-store';

/** Records the record script's keys and arguments; the script itself runs against real Redis in dlr-correlation.int-spec.ts. */
class ScriptRecorder {
  calls: Array<{ keys: string[]; args: string[] }> = [];
  async evalsha(_sha: string, count: number, ...rest: Array<string | number>): Promise<number> {
    this.calls.push({ keys: rest.slice(0, count).map(String), args: rest.slice(count).map(String) });
    return 1;
  }
}

function dlr(state: DlrState, final: boolean): DlrMessageV1 {
  return { v: 1, id: 'd-1', operator: 'jazz', messageId: '1f', normalisedIds: ['1f', '31'], state, final, receivedAt: 5 };
}

/** The final flag (`1` or `0`) the store hands the script for a receipt in this state. */
async function recordedFinal(state: DlrState, final: boolean): Promise<string> {
  const redis = new ScriptRecorder();
  await new RedisMtStatusStore(redis as unknown as RedisClient, 600).record({ mtId: 'mo-1.r1', part: 2, parts: 3 }, dlr(state, final));
  expect(redis.calls).toHaveLength(1);
  expect(redis.calls[0].keys).toEqual([mtStatusKey('mo-1.r1')]);
  expect(redis.calls[0].args.slice(0, 3)).toEqual(['2', '3', state]);
  return redis.calls[0].args[3];
}

describe('RedisMtStatusStore', () => {
  it.each(['ENROUTE', 'ACCEPTED', 'BUFFERED'] as const)('records %s as intermediate even from a receipt marked final', async (state) => {
    expect(await recordedFinal(state, true)).toBe('0');
  });

  it.each(['DELIVERED', 'EXPIRED', 'DELETED', 'UNDELIVERABLE', 'UNKNOWN', 'REJECTED', 'SKIPPED'] as const)('records a final %s as final', async (state) => {
    expect(await recordedFinal(state, true)).toBe('1');
  });

  it('keeps a receipt whose state could not be read (UNKNOWN, not final) intermediate', async () => {
    expect(await recordedFinal('UNKNOWN', false)).toBe('0');
  });
});
