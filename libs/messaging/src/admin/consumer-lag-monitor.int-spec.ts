import { randomUUID } from 'node:crypto';
import { freshTopic, testKafka } from '../testing';
import { ConsumerLagMonitor, type PartitionLag } from './consumer-lag-monitor';

describe('ConsumerLagMonitor against a real Kafka', () => {
  const kafka = testKafka('parchee-lag-test');

  it('reports each partition lag of a group from its committed offsets and the high watermarks', async () => {
    const topic = await freshTopic('lag', 2);
    const groupId = `lag-${randomUUID()}`;
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [0, 1, 2, 3, 4].map((i) => ({ partition: 0, value: `m${i}` })).concat([{ partition: 1, value: 'x' }]) });
    await producer.disconnect();

    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }] });
    await admin.disconnect();

    const seen: PartitionLag[] = [];
    const monitor = new ConsumerLagMonitor(kafka, { groups: [{ groupId, topics: [topic] }], intervalMs: 60_000, onLag: (l) => seen.push(l) });
    await monitor.start();
    await monitor.stop();

    const byPartition = Object.fromEntries(seen.map((l) => [l.partition, l]));
    expect(byPartition[0]).toEqual({ group: groupId, topic, partition: 0, lag: 3 });
    // Partition 1 has no commit: its single record is owed.
    expect(byPartition[1]).toEqual({ group: groupId, topic, partition: 1, lag: 1 });
  });

  it('reports an error instead of throwing when the topic does not exist', async () => {
    const errors: string[] = [];
    const monitor = new ConsumerLagMonitor(kafka, {
      groups: [{ groupId: `lag-${randomUUID()}`, topics: [`test.missing.${randomUUID().slice(0, 8)}`] }],
      intervalMs: 60_000,
      onLag: () => undefined,
      onError: (group) => errors.push(group),
    });
    await monitor.start();
    await monitor.stop();
    expect(errors).toHaveLength(1);
  });
});
