import type { Cluster } from 'ioredis';
import { BatchedSets } from '../writes/batched-sets';
import { commandBatch } from './command-batch';
import { keySlot } from './key-slot';
import { readMany } from './read-many';
import { slotChunks } from './slot-chunks';

/**
 * A stand-in for a cluster client that behaves as Redis Cluster does: a multi-key command over
 * keys of several slots is refused with CROSSSLOT. It records each command it was sent.
 */
class FakeCluster {
  readonly isCluster = true;
  readonly store = new Map<string, string>();
  readonly sent: Array<{ command: string; keys: string[] }> = [];
  failSlot: number | null = null;

  private check(command: string, keys: string[]): void {
    this.sent.push({ command, keys });
    if (new Set(keys.map(keySlot)).size > 1) throw new Error("CROSSSLOT Keys in request don't hash to the same slot");
    if (keys.some((k) => keySlot(k) === this.failSlot)) throw new Error('Connection is closed.');
  }

  async mget(keys: string[]): Promise<Array<string | null>> {
    this.check('mget', keys);
    return keys.map((k) => this.store.get(k) ?? null);
  }

  async set(key: string, value: string): Promise<'OK'> {
    this.check('set', [key]);
    this.store.set(key, value);
    return 'OK';
  }

  async incrby(key: string, n: number): Promise<number> {
    this.check('incrby', [key]);
    const next = Number(this.store.get(key) ?? 0) + n;
    this.store.set(key, String(next));
    return next;
  }

  async pexpireat(key: string): Promise<number> {
    this.check('pexpireat', [key]);
    return 1;
  }

  async time(): Promise<[string, string]> {
    this.sent.push({ command: 'time', keys: [] });
    return ['1700000000', '500000'];
  }

  async call(command: string, args: Array<string | number>): Promise<unknown> {
    this.check(command.toLowerCase(), command === 'EVAL' ? args.slice(2, 2 + Number(args[1])).map(String) : [String(args[0])]);
    return 1;
  }

  /** SET_MANY and CLAIM_MANY by their effect: what BatchedSets sends. */
  async evalsha(_sha: string, numkeys: number, ...rest: Array<string | number>): Promise<unknown> {
    const keys = rest.slice(0, numkeys).map(String);
    this.check('evalsha', keys);
    return keys.map((k, i) => {
      const previous = this.store.get(k) ?? null;
      if (previous === null) this.store.set(k, String(rest[numkeys + 2 * i]));
      return previous;
    });
  }

  async eval(): Promise<unknown> {
    throw new Error('not used');
  }

  pipeline(): never {
    throw new Error('a cluster pipeline may hold keys of one node only');
  }
}

const cluster = () => new FakeCluster();
const asCluster = (fake: FakeCluster) => fake as unknown as Cluster;
/** Keys of distinct slots for most `i`: hashes of numbers, as the guard's and the ledger's keys are. */
const spread = (n: number, prefix = 'parchee:mt:sent:') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('slotChunks', () => {
  it('cuts a single server’s keys into runs of at most max, in order', () => {
    expect(slotChunks({}, spread(5), 2)).toEqual([[0, 1], [2, 3], [4]]);
    expect(slotChunks({}, [], 2)).toEqual([]);
  });

  it('groups a cluster’s keys by slot, and cuts a slot’s keys at max', () => {
    const keys = ['a:{x}:1', 'b:{y}', 'a:{x}:2', 'a:{x}:3'];
    expect(slotChunks(cluster(), keys, 2)).toEqual([[0, 2], [3], [1]]);
    for (const chunk of slotChunks(cluster(), spread(300), 500)) expect(new Set(chunk.map((i) => keySlot(`parchee:mt:sent:${i}`))).size).toBe(1);
  });
});

describe('readMany', () => {
  it('reads keys of many slots from a cluster, one MGET per slot, values back in the keys’ order', async () => {
    const fake = cluster();
    const keys = spread(200);
    keys.forEach((k, i) => i % 3 === 0 && fake.store.set(k, `v${i}`));
    const values = await readMany(asCluster(fake), keys);
    expect(values).toEqual(keys.map((_, i) => (i % 3 === 0 ? `v${i}` : null)));
    expect(fake.sent.every((c) => c.command === 'mget')).toBe(true);
    expect(fake.sent.length).toBe(new Set(keys.map(keySlot)).size);
  });

  it('sends keys that share a slot in one MGET', async () => {
    const fake = cluster();
    await readMany(asCluster(fake), ['k:{a}:1', 'k:{a}:2', 'k:{a}:3']);
    expect(fake.sent).toEqual([{ command: 'mget', keys: ['k:{a}:1', 'k:{a}:2', 'k:{a}:3'] }]);
  });

  it('fails as one MGET would when any slot’s read fails', async () => {
    const fake = cluster();
    const keys = spread(50);
    fake.failSlot = keySlot(keys[17]);
    await expect(readMany(asCluster(fake), keys)).rejects.toThrow('Connection is closed.');
  });

  it('is one MGET on a single server', async () => {
    const calls: string[][] = [];
    const single = { mget: async (keys: string[]) => (calls.push(keys), keys.map(() => null)) };
    expect(await readMany(single as never, spread(3))).toEqual([null, null, null]);
    expect(calls).toEqual([spread(3)]);
    expect(await readMany(single as never, [])).toEqual([]);
  });
});

describe('commandBatch', () => {
  it('is the pipeline itself on a single server', () => {
    const pipeline = { exec: async () => [] };
    expect(commandBatch({ pipeline: () => pipeline } as never)).toBe(pipeline);
  });

  it('on a cluster, sends each command by itself, splits an MGET by slot, and answers as a pipeline does', async () => {
    const fake = cluster();
    const keys = spread(20, 'parchee:guard:state:');
    fake.store.set(keys[4], 'state-4');
    const batch = commandBatch(asCluster(fake));
    batch.time().mget(keys).incrby('parchee:guard:replies:h:1:x', 2).pexpireat('parchee:guard:replies:h:1:x', 3600_000);
    batch.call('EVAL', ['return 1', 2, 'w:{n}:1', 'w:{n}:2', 'a', 'b']);
    const results = await batch.exec();
    expect(results?.map(([err]) => err)).toEqual([null, null, null, null, null]);
    expect(results?.[0][1]).toEqual(['1700000000', '500000']);
    expect(results?.[1][1]).toEqual(keys.map((_, i) => (i === 4 ? 'state-4' : null)));
    expect(results?.[2][1]).toBe(2);
    expect(fake.sent.filter((c) => c.command === 'mget').length).toBe(new Set(keys.map(keySlot)).size);
  });

  it('on a cluster, answers a command that failed with its error in its place, the others with their replies', async () => {
    const fake = cluster();
    fake.failSlot = keySlot('b');
    const batch = commandBatch(asCluster(fake));
    const results = await batch.incrby('a', 1).incrby('b', 1).incrby('c', 1).exec();
    expect(results?.map(([err, reply]) => (err ? err.message : reply))).toEqual([1, 'Connection is closed.', 1]);
  });
});

describe('BatchedSets on a cluster', () => {
  it('claims the keys of one turn with one script call per slot, each caller answered for its own key', async () => {
    const fake = cluster();
    const sets = new BatchedSets(asCluster(fake));
    const keys = spread(40, 'parchee:mo-seen:');
    fake.store.set(keys[7], 'p:taken');
    const answers = await Promise.all(keys.map((k) => sets.claim(k, 'p:mine', 60_000)));
    expect(answers).toEqual(keys.map((_, i) => (i === 7 ? 'p:taken' : null)));
    expect(fake.sent.every((c) => c.command === 'evalsha')).toBe(true);
    expect(fake.sent.length).toBe(new Set(keys.map(keySlot)).size);
  });

  it('fails only the callers whose slot could not be written', async () => {
    const fake = cluster();
    const sets = new BatchedSets(asCluster(fake));
    const keys = spread(10, 'parchee:mo-seen:');
    fake.failSlot = keySlot(keys[3]);
    const results = await Promise.allSettled(keys.map((k) => sets.set(k, 's:1', 60_000)));
    expect(results.map((r) => r.status)).toEqual(keys.map((k) => (keySlot(k) === fake.failSlot ? 'rejected' : 'fulfilled')));
  });
});
