import { CodedError } from './coded-error';
import { UNHANDLED_ERROR_CODE, errorCode, isRetriable } from './error-readers';
import { isParcheeError, type ParcheeError } from './parchee-error';

/** A class that has to extend another base implements the interface instead. */
class ImplementingError extends TypeError implements ParcheeError {
  readonly code = 'IMPLEMENTED';
  readonly retriable = true;
}

/** The shape of kafkajs's errors: a boolean `retriable`, a numeric protocol `code`, no string code. */
function kafkaLikeError(retriable: boolean): Error {
  return Object.assign(new Error('The group is rebalancing'), { name: 'KafkaJSProtocolError', retriable, type: 'REBALANCE_IN_PROGRESS', code: 27 });
}

describe('isParcheeError', () => {
  it('recognises CodedError and anything implementing the interface', () => {
    expect(isParcheeError(new CodedError('X', 'x', { retriable: false }))).toBe(true);
    expect(isParcheeError(new ImplementingError('x'))).toBe(true);
  });

  it('refuses foreign errors and non-errors', () => {
    expect(isParcheeError(new Error('plain'))).toBe(false);
    expect(isParcheeError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isParcheeError(kafkaLikeError(true))).toBe(false);
    expect(isParcheeError({ code: 'X', retriable: true, message: 'not an Error' })).toBe(false);
    expect(isParcheeError(undefined)).toBe(false);
    expect(isParcheeError('X')).toBe(false);
  });
});

describe('isRetriable', () => {
  it('reads our errors', () => {
    expect(isRetriable(new CodedError('X', 'x', { retriable: true }))).toBe(true);
    expect(isRetriable(new CodedError('X', 'x', { retriable: false }), true)).toBe(false);
    expect(isRetriable(new ImplementingError('x'))).toBe(true);
  });

  it('reads a foreign boolean retriable, as kafkajs errors carry', () => {
    expect(isRetriable(kafkaLikeError(true))).toBe(true);
    expect(isRetriable(kafkaLikeError(false), true)).toBe(false);
  });

  it('answers `otherwise` (false by default) for an error that does not say', () => {
    for (const err of [new Error('plain'), 'a string', undefined, null, 42, Object.assign(new Error('x'), { retriable: 'yes' })]) {
      expect(isRetriable(err)).toBe(false);
      expect(isRetriable(err, true)).toBe(true);
    }
  });
});

describe('errorCode', () => {
  it('is the code of our errors', () => {
    expect(errorCode(new CodedError('ROLL_DATABASE_UNAVAILABLE', 'x', { retriable: true }))).toBe('ROLL_DATABASE_UNAVAILABLE');
    expect(errorCode(new ImplementingError('x'), 'FALLBACK')).toBe('IMPLEMENTED');
  });

  it('is a stable fallback for anything else, never a foreign code', () => {
    expect(UNHANDLED_ERROR_CODE).toBe('UNHANDLED');
    expect(errorCode(new Error('plain'))).toBe('UNHANDLED');
    expect(errorCode(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe('UNHANDLED');
    expect(errorCode(kafkaLikeError(false))).toBe('UNHANDLED');
    expect(errorCode('boom')).toBe('UNHANDLED');
    expect(errorCode(undefined, 'SUBMIT_REJECTED')).toBe('SUBMIT_REJECTED');
  });
});
