import type { Admin } from 'kafkajs';
import { LeaderRoutes } from './leader-routes';

/** An admin whose metadata answers come from `leaders` (per partition), each held until released when `hold` is set. */
function fakeAdmin(leaders: { current: number[] }) {
  const asked: string[][] = [];
  const held: Array<() => void> = [];
  let hold = false;
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
      asked.push(topics);
      const snapshot = [...leaders.current];
      if (hold) await new Promise<void>((r) => held.push(r));
      return { topics: topics.map((name) => ({ name, partitions: snapshot.map((leader, partitionId) => ({ partitionId, leader })) })) };
    },
  } as unknown as Admin;
  return { admin, asked, holdAnswers: () => void (hold = true), release: () => held.splice(0).forEach((r) => r()) };
}

const records = Array.from({ length: 30 }, (_, i) => ({ topic: 'sms.mt.v1', key: `citizen-${i}`, value: Buffer.from(String(i)) }));
const leadersOf = (groups: Array<Array<{ partition?: number }>>, leaders: number[]) => groups.map((g) => [...new Set(g.map((r) => leaders[r.partition!]))]);

describe('LeaderRoutes', () => {
  it('groups records by the broker leading their partition', async () => {
    const leaders = { current: [1, 2, 3, 1, 2, 3] };
    const routes = new LeaderRoutes(fakeAdmin(leaders).admin);
    const groups = await routes.route(records);
    expect(leadersOf(groups, leaders.current).map((l) => l.length)).toEqual([1, 1, 1]);
    expect(
      groups
        .flat()
        .map((r) => String(r.value))
        .sort(),
    ).toEqual(records.map((r) => String(r.value)).sort());
  });

  it('keeps using the leaders it knows while it asks again after forget(), without waiting for the answer', async () => {
    const leaders = { current: [1, 2, 1, 2] };
    const fake = fakeAdmin(leaders);
    const routes = new LeaderRoutes(fake.admin);
    await routes.route(records);
    // Leadership moves to broker 3; the next answer is held (a broker away).
    leaders.current = [3, 3, 3, 3];
    fake.holdAnswers();
    routes.forget();
    const meanwhile = await routes.route(records);
    expect(leadersOf(meanwhile, [1, 2, 1, 2]).flat().sort()).toEqual([1, 2]);
    expect(fake.asked).toHaveLength(2);
    fake.release();
    await new Promise((r) => setImmediate(r));
    const after = await routes.route(records);
    expect(after).toHaveLength(1);
  });

  it('sends without partitions when no leader of a new topic is known in time', async () => {
    const fake = fakeAdmin({ current: [1, 2] });
    fake.holdAnswers();
    const routes = new LeaderRoutes(fake.admin, 30_000, Date.now, 20);
    const groups = await routes.route(records);
    expect(groups).toHaveLength(1);
    expect(groups[0].every((r) => r.partition === undefined)).toBe(true);
    fake.release();
  });
});
