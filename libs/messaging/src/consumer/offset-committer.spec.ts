import type { TopicPartitionOffsetAndMetadata } from 'kafkajs';
import { OffsetCommitter, latestPerPartition } from './offset-committer';

const at = (partition: number, offset: string): TopicPartitionOffsetAndMetadata => ({ topic: 't', partition, offset });

function controlledCommit() {
  const calls: Array<{ offsets: TopicPartitionOffsetAndMetadata[]; resolve: () => void; reject: (err: Error) => void }> = [];
  const commit = (offsets: TopicPartitionOffsetAndMetadata[]) => new Promise<void>((resolve, reject) => calls.push({ offsets, resolve, reject }));
  return { calls, commit };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('OffsetCommitter', () => {
  it('commits the offsets handed in while a commit is in flight together in the next one', async () => {
    const { calls, commit } = controlledCommit();
    const committer = new OffsetCommitter(commit);
    const first = committer.add(at(0, '5'));
    const second = committer.add(at(1, '7'));
    const third = committer.add(at(2, '9'));
    expect(calls.map((c) => c.offsets)).toEqual([[at(0, '5')]]);
    calls[0].resolve();
    await first;
    await tick();
    expect(calls.map((c) => c.offsets)).toEqual([[at(0, '5')], [at(1, '7'), at(2, '9')]]);
    calls[1].resolve();
    await expect(Promise.all([second, third])).resolves.toEqual([undefined, undefined]);
  });

  it('settles a caller only with the commit that carried its offset', async () => {
    const { calls, commit } = controlledCommit();
    const committer = new OffsetCommitter(commit);
    void committer.add(at(0, '1'));
    let laterSettled = false;
    const later = committer.add(at(1, '2')).then(() => (laterSettled = true));
    calls[0].resolve();
    await tick();
    expect(laterSettled).toBe(false);
    calls[1].resolve();
    await later;
    expect(laterSettled).toBe(true);
  });

  it('fails every caller of a failed commit, and commits the next ones afresh', async () => {
    const { calls, commit } = controlledCommit();
    const committer = new OffsetCommitter(commit);
    const first = committer.add(at(0, '1'));
    const a = committer.add(at(1, '2'));
    const b = committer.add(at(2, '3'));
    calls[0].resolve();
    await first;
    await tick();
    calls[1].reject(new Error('rebalance'));
    await expect(a).rejects.toThrow('rebalance');
    await expect(b).rejects.toThrow('rebalance');
    const c = committer.add(at(1, '2'));
    expect(calls[2].offsets).toEqual([at(1, '2')]);
    calls[2].resolve();
    await expect(c).resolves.toBeUndefined();
  });
});

describe('latestPerPartition', () => {
  it('keeps the highest offset of each partition, comparing offsets as numbers', () => {
    expect(latestPerPartition([at(0, '9'), at(1, '3'), at(0, '10'), { topic: 'u', partition: 0, offset: '1' }])).toEqual([
      at(0, '10'),
      at(1, '3'),
      { topic: 'u', partition: 0, offset: '1' },
    ]);
  });
});
