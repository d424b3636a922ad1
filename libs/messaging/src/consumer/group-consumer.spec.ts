import { KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { membershipLost } from './group-consumer';

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
