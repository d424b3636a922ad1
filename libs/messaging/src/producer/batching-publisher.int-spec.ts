import { setTimeout as delay } from 'node:timers/promises';
import { brokerCheckout, freshTopic, readTopic, startBroker, stopBroker, testKafka } from '../testing';
import { BatchingPublisher } from './batching-publisher';

/** Publishes made by one caller; what the broker acknowledged and what failed. */
interface Tally {
  acked: string[];
  failed: number;
}

describe('BatchingPublisher against a broker that restarts', () => {
  const checkout = brokerCheckout();

  afterAll(async () => {
    // Whatever failed, every spec after this one needs the broker.
    await startBroker(checkout);
  }, 120_000);

  it('every publish that resolved is in the topic after graceful broker restarts under concurrent load', async () => {
    const kafka = testKafka('restart-publisher');
    // As many partitions as sms.mo.v2: a restarted broker leads some of them before the others,
    // so one produce request is written for some partitions and refused (NOT_LEADER) for the rest.
    const topic = await freshTopic('restart-publisher', 12);
    // A short linger so that many small batches from the callers are in flight. A publish timeout
    // shorter than a broker restart (a graceful stop and a start take seconds): the publishes made
    // while the broker is away must fail, or the restart could pass unnoticed inside the
    // producer's retries and the test would prove nothing about a failed send.
    const publisher = new BatchingPublisher(kafka, { lingerMs: 2, publishTimeoutMs: 1500 });
    await publisher.connect();
    const tallies: Tally[] = [];
    let running = true;
    const stopBy = Date.now() + 80_000;
    let total = 0;
    // Callers like ingress's SMPP sessions: each waits for its publish, then sends the next one.
    const caller = async (c: number): Promise<void> => {
      const tally: Tally = { acked: [], failed: 0 };
      tallies.push(tally);
      // The deadline stops the callers even if the test timed out before its finally block.
      for (let n = 0; running && Date.now() < stopBy; n++) {
        const value = `${c}:${n}`;
        try {
          await publisher.publish([{ topic, key: value, value: Buffer.from(value) }]);
          tally.acked.push(value);
          total++;
        } catch {
          tally.failed++;
        }
        // A steady stream at different paces, not a hot loop: many batches of one or two records
        // (as MOs arrive at an SMSC's pace) beside larger ones.
        await delay(5 + (c % 10) * 8 + (n % 7));
      }
    };
    const ackedSoFar = () => total;
    const waitForAcks = async (more: number) => {
      const target = ackedSoFar() + more;
      const deadline = Date.now() + 30_000;
      while (ackedSoFar() < target) {
        if (Date.now() > deadline) throw new Error(`only ${ackedSoFar()} of ${target} publishes acknowledged within 30 s`);
        await delay(20);
      }
    };
    const callers = Array.from({ length: 40 }, (_, c) => caller(c));
    try {
      await waitForAcks(300);
      // Two restarts: one alone let every acknowledged record through in some runs before the fix.
      for (let restart = 0; restart < 2; restart++) {
        await stopBroker(checkout);
        await startBroker(checkout);
        await waitForAcks(300);
      }
    } finally {
      running = false;
      await Promise.all(callers);
      await publisher.close();
    }

    const acked = tallies.flatMap((t) => t.acked);
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const stored = ends.reduce((sum, p) => sum + Number(p.high), 0);
    const values = new Set((await readTopic(kafka, topic, stored, 30_000)).map((r) => r.value));
    const missing = acked.filter((v) => !values.has(v));
    expect(tallies.reduce((n, t) => n + t.failed, 0)).toBeGreaterThan(0); // the restart was felt
    expect(missing).toEqual([]);
  }, 90_000);
});
