import { randomBytes } from 'node:crypto';
import { testRedisUrl } from '../testing';
import { createRedisClient, type RedisClientHandle } from '../client/redis-client';
import { SlotLeases, budgetKeys } from './slot-leases';

/** Database 9: the machine's Redis (database 0) is shared with other work. A budget of this run's own. */
const URL = testRedisUrl(9);

describe('SlotLeases against real Redis', () => {
  let handle: RedisClientHandle;
  let budget: string;
  const owner = (name: string, leaseMs = 60_000) => new SlotLeases(handle.client, { owner: name, leaseMs });

  beforeAll(async () => {
    handle = createRedisClient({ url: URL, name: 'int', commandTimeoutMs: 2000 });
    expect(await handle.ready(5000)).toBe(true);
  });
  beforeEach(() => (budget = `test-${randomBytes(4).toString('hex')}`));
  afterEach(async () => void (await handle.client.del(...budgetKeys(budget, 8))));
  afterAll(() => handle.close());

  it('gives a lone replica the whole budget, and keeps it on renewal', async () => {
    const a = owner('a');
    expect(await a.balance(budget, 3)).toEqual([0, 1, 2]);
    expect(await a.balance(budget, 3)).toEqual([0, 1, 2]);
  });

  it('splits the budget between replicas as they join: never a slot held twice, never more than the budget', async () => {
    const [a, b, c] = [owner('a'), owner('b'), owner('c')];
    expect(await a.balance(budget, 4)).toEqual([0, 1, 2, 3]);
    // b joins: nothing is free yet; a keeps only its share at its next round, and frees the
    // rest once it has closed what used them; b takes them then, not before.
    expect(await b.balance(budget, 4)).toEqual([]);
    expect(await a.balance(budget, 4)).toEqual([0, 1]);
    expect(await b.balance(budget, 4)).toEqual([]);
    await a.release(budget, 4, [2, 3]);
    expect(await b.balance(budget, 4)).toEqual([2, 3]);
    // c joins: shares of two (4 over 3, rounded up); c gets what is left once others give theirs up.
    expect(await c.balance(budget, 4)).toEqual([]);
    const all = [...(await a.balance(budget, 4)), ...(await b.balance(budget, 4)), ...(await c.balance(budget, 4))];
    expect(all).toHaveLength(4);
    expect(all.length).toBeLessThanOrEqual(4);
    expect(new Set(all).size).toBe(all.length);
  });

  it('frees a leaving replica’s slots at once for the others to take', async () => {
    const [a, b] = [owner('a'), owner('b')];
    await a.balance(budget, 2);
    await b.balance(budget, 2);
    expect(await a.balance(budget, 2)).toEqual([0]);
    await a.release(budget, 2, [1]);
    expect(await b.balance(budget, 2)).toEqual([1]);
    await a.leave(budget, 2);
    expect(await b.balance(budget, 2)).toEqual([0, 1]);
  });

  it('frees a dead replica’s slots when its lease runs out', async () => {
    const dead = owner('dead', 200);
    expect(await dead.balance(budget, 2)).toEqual([0, 1]);
    const b = owner('b', 200);
    expect(await b.balance(budget, 2)).toEqual([]);
    await new Promise<void>((resolve) => {
      const poll = async (): Promise<void> =>
        (await handle.client.exists(budgetKeys(budget, 2)[1])) === 0 ? resolve() : void setTimeout(() => void poll(), 20);
      void poll();
    });
    expect(await b.balance(budget, 2)).toEqual([0, 1]);
  });

  it('releases only the slots this owner holds', async () => {
    const [a, b] = [owner('a'), owner('b')];
    expect(await a.balance(budget, 2)).toEqual([0, 1]);
    await b.release(budget, 2, [0, 1]);
    expect(await a.balance(budget, 2)).toEqual([0, 1]);
  });

  it('keeps only the budget name and the owner in Redis', async () => {
    await owner('host-1:4242').balance(budget, 1);
    expect(await handle.client.get(budgetKeys(budget, 1)[1])).toBe('host-1:4242');
    expect(await handle.client.zrange(budgetKeys(budget, 1)[0], 0, -1)).toEqual(['host-1:4242']);
  });
});
