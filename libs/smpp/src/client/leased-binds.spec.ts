import { LeasedBinds, type BindBudget } from './leased-binds';

/** A budget answering from a script of results; an Error entry makes that round fail. */
function scripted(rounds: Array<number[] | Error>) {
  const budget: BindBudget & { left: number; released: number[] } = {
    left: 0,
    balance: async () => {
      const next = rounds.shift();
      if (next instanceof Error) throw next;
      return next ?? [];
    },
    released: [] as number[],
    release: async (slots: readonly number[]) => void budget.released.push(...slots),
    leave: async () => void budget.left++,
  };
  return budget;
}

function setup(rounds: Array<number[] | Error>, fallbackCount = 1) {
  const events: string[] = [];
  const budget = scripted(rounds);
  const binds = new LeasedBinds({
    name: 'jazz/tx',
    size: 4,
    budget,
    renewMs: 60_000,
    fallbackCount,
    open: (slot) => {
      events.push(`open ${slot}`);
      return { stop: async () => void events.push(`close ${slot}`) };
    },
  });
  // Rounds are driven by hand: the timer's period is far beyond any test.
  const round = () => (binds as unknown as { runRound(): Promise<void> }).runRound();
  return { binds, events, budget, round };
}

describe('LeasedBinds', () => {
  it('opens the binds of the slots the budget gives this replica, and no others', async () => {
    const { binds, events } = setup([[0, 2]]);
    await binds.start();
    expect(events).toEqual(['open 0', 'open 2']);
    expect(binds.held()).toEqual([0, 2]);
    await binds.stop();
  });

  it('closes a slot another replica took over, and opens one it gained', async () => {
    const { binds, events, round } = setup([
      [0, 1],
      [1, 3],
    ]);
    await binds.start();
    await round();
    expect(events).toEqual(['open 0', 'open 1', 'open 3', 'close 0']);
    expect(binds.held()).toEqual([1, 3]);
    await binds.stop();
  });

  it('keeps its binds while the budget cannot answer: a Redis outage unbinds nobody', async () => {
    const { binds, events, round } = setup([[0, 1], new Error('Connection is closed.'), [0, 1]]);
    await binds.start();
    await round();
    await round();
    expect(events).toEqual(['open 0', 'open 1']);
    await binds.stop();
  });

  it('opens its configured share when the budget cannot answer at start, then follows the budget', async () => {
    const { binds, events, round } = setup([new Error('connect ECONNREFUSED'), [1]], 2);
    await binds.start();
    expect(binds.held()).toEqual([0, 1]);
    await round();
    expect(events).toEqual(['open 0', 'open 1', 'close 0']);
    await binds.stop();
  });

  it('closes every bind and gives the slots back when stopped', async () => {
    const { binds, events, budget } = setup([[0, 1]]);
    await binds.start();
    await binds.stop();
    expect(events).toEqual(['open 0', 'open 1', 'close 0', 'close 1']);
    expect(budget.left).toBe(1);
    expect(binds.held()).toEqual([]);
  });

  it('ignores slot numbers outside the link’s bind count', async () => {
    const { binds } = setup([[0, 7, -1]]);
    await binds.start();
    expect(binds.held()).toEqual([0]);
    await binds.stop();
  });
});
