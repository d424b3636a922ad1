import { KafkaJSNonRetriableError, KafkaJSProtocolError, type Kafka } from 'kafkajs';
import { GroupConsumer, membershipLost } from './group-consumer';

/** The broker's answer as kafkajs decodes it (src/protocol/error.js). */
function protocolError(type: string, code: number): KafkaJSProtocolError {
  return new KafkaJSProtocolError({ type, code, retriable: false, message: `broker said ${type}` } as unknown as Error);
}

/** What kafkajs's commit retrier rejects with for an error it will not retry. */
function wrappedByRetrier(cause: Error): Error {
  const Wrapper = KafkaJSNonRetriableError as unknown as new (e: Error, options: { cause: Error }) => Error;
  return new Wrapper(cause, { cause });
}

describe('membershipLost', () => {
  it('finds UNKNOWN_MEMBER_ID under the non-retriable wrapper that would crash the consumer for good', () => {
    const cause = protocolError('UNKNOWN_MEMBER_ID', 25);
    expect(membershipLost(wrappedByRetrier(cause))).toBe(cause);
  });

  it.each([
    ['ILLEGAL_GENERATION', 22],
    ['REBALANCE_IN_PROGRESS', 27],
    ['NOT_COORDINATOR_FOR_GROUP', 16],
  ])('treats %s as a lost membership too', (type, code) => {
    const cause = protocolError(type, code);
    expect(membershipLost(cause)).toBe(cause);
  });

  it('leaves every other error alone, so it fails the batch as before', () => {
    expect(membershipLost(wrappedByRetrier(protocolError('TOPIC_AUTHORIZATION_FAILED', 29)))).toBeUndefined();
    expect(membershipLost(new Error('boom'))).toBeUndefined();
    expect(membershipLost(undefined)).toBeUndefined();
  });
});

describe('GroupConsumer after a crash kafkajs does not restart from', () => {
  /** A kafkajs consumer that records its calls and lets the test raise its CRASH event. */
  function fakeKafka() {
    const calls: string[] = [];
    let onCrash: ((e: { payload: { error?: Error; restart: boolean } }) => void) | undefined;
    let onJoin: (() => void) | undefined;
    let made = 0;
    // A new kafkajs consumer each time, as kafka.consumer() makes: a disconnected one cannot connect again.
    const kafka = {
      consumer: () => {
        const n = ++made;
        return {
          events: { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' },
          on: (event: string, listener: () => void) => {
            if (event === 'consumer.crash') onCrash = listener;
            else onJoin = listener;
          },
          connect: async () => void calls.push(`connect ${n}`),
          subscribe: async () => void calls.push(`subscribe ${n}`),
          run: async () => void calls.push(`run ${n}`),
          disconnect: async () => void calls.push(`disconnect ${n}`),
        };
      },
    } as unknown as Kafka;
    return {
      kafka,
      calls,
      crash: (restart: boolean, error: Error = new Error('Failed to find group coordinator')) => onCrash?.({ payload: { error, restart } }),
      joined: () => onJoin?.(),
    };
  }

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('joins its group again, so its partitions are not left unread for good', async () => {
    const { kafka, calls, crash } = fakeKafka();
    const group = new GroupConsumer(kafka, { groupId: 'g', topics: ['t'], partitionsConsumedConcurrently: 1 });
    await group.run(async () => undefined);
    expect(calls).toEqual(['connect 1', 'subscribe 1', 'run 1']);
    crash(false);
    await jest.advanceTimersByTimeAsync(500);
    expect(calls).toEqual(['connect 1', 'subscribe 1', 'run 1', 'disconnect 1', 'connect 2', 'subscribe 2', 'run 2']);
  });

  it('is not ready while the broker refuses its session timeout, and is again once a join succeeds', async () => {
    const { kafka, crash, joined } = fakeKafka();
    const group = new GroupConsumer(kafka, { groupId: 'g', topics: ['t'], partitionsConsumedConcurrently: 1, sessionTimeoutMs: 3000 });
    await group.run(async () => undefined);
    expect(group.isRunning).toBe(true);
    crash(false, protocolError('INVALID_SESSION_TIMEOUT', 26));
    expect(group.isRunning).toBe(false);
    await jest.advanceTimersByTimeAsync(500);
    joined();
    expect(group.isRunning).toBe(true);
  });

  it('leaves a crash kafkajs restarts from, and a crash while stopping, alone', async () => {
    const { kafka, calls, crash } = fakeKafka();
    const group = new GroupConsumer(kafka, { groupId: 'g', topics: ['t'], partitionsConsumedConcurrently: 1 });
    await group.run(async () => undefined);
    crash(true);
    await jest.advanceTimersByTimeAsync(5000);
    await group.stop();
    crash(false);
    await jest.advanceTimersByTimeAsync(5000);
    expect(calls).toEqual(['connect 1', 'subscribe 1', 'run 1', 'disconnect 1']);
  });
});

describe('GroupConsumer whose group coordinator is gone', () => {
  /** kafkajs consumers whose commits never settle (the first one's) or succeed (later ones'). */
  function fakeKafka() {
    const calls: string[] = [];
    let made = 0;
    const kafka = {
      consumer: () => {
        const n = ++made;
        return {
          events: { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' },
          on: () => undefined,
          connect: async () => void calls.push(`connect ${n}`),
          subscribe: async () => void calls.push(`subscribe ${n}`),
          run: async () => void calls.push(`run ${n}`),
          disconnect: async () => void calls.push(`disconnect ${n}`),
          // kafkajs 2.2.4 retrying a commit at a coordinator whose broker has left the metadata: forever.
          commitOffsets: (): Promise<void> => (n === 1 ? new Promise<void>(() => undefined) : Promise.resolve(void calls.push(`commit ${n}`))),
        };
      },
    } as unknown as Kafka;
    return { kafka, calls };
  }

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fails a commit not answered in time (retriable) and joins the group with a new consumer, which commits', async () => {
    const { kafka, calls } = fakeKafka();
    const group = new GroupConsumer(kafka, { groupId: 'g', topics: ['t'], partitionsConsumedConcurrently: 1, commitTimeoutMs: 2000 });
    await group.run(async () => undefined);
    const offsets = [{ topic: 't', partition: 0, offset: '5' }];
    const commit = group.commitOffsets(offsets).catch((err: unknown) => err);
    await jest.advanceTimersByTimeAsync(1999);
    expect(calls).toEqual(['connect 1', 'subscribe 1', 'run 1']);
    await jest.advanceTimersByTimeAsync(1);
    expect(await commit).toMatchObject({ code: 'COMMIT_TIMEOUT', retriable: true });
    await jest.advanceTimersByTimeAsync(500);
    expect(calls).toEqual(['connect 1', 'subscribe 1', 'run 1', 'disconnect 1', 'connect 2', 'subscribe 2', 'run 2']);
    await group.commitOffsets(offsets);
    expect(calls.at(-1)).toBe('commit 2');
  });
});
