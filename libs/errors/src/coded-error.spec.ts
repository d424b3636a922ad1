import { CodedError } from './coded-error';
import { isParcheeError } from './parchee-error';

class ExampleError extends CodedError<'EXAMPLE_DOWN' | 'EXAMPLE_BAD'> {
  constructor(
    readonly detail: string,
    retriable: boolean,
  ) {
    super(retriable ? 'EXAMPLE_DOWN' : 'EXAMPLE_BAD', `example failed: ${detail}`, { retriable });
  }
}

class NarrowerError extends ExampleError {}

describe('CodedError', () => {
  it('carries code, retriable and message', () => {
    const err = new CodedError('SOMETHING_FAILED', 'something failed', { retriable: true });
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: 'SOMETHING_FAILED', retriable: true, message: 'something failed' });
  });

  it('keeps the cause as the standard Error.cause, and has none when not given', () => {
    const cause = new Error('socket closed');
    expect(new CodedError('X', 'x', { retriable: true, cause }).cause).toBe(cause);
    expect('cause' in new CodedError('X', 'x', { retriable: false })).toBe(false);
  });

  it('names itself after the concrete class', () => {
    expect(new CodedError('X', 'x', { retriable: false }).name).toBe('CodedError');
    expect(new ExampleError('a', false).name).toBe('ExampleError');
    expect(new NarrowerError('a', false).name).toBe('NarrowerError');
    expect(String(new ExampleError('a', true))).toBe('ExampleError: example failed: a');
  });

  it('lets a subclass keep its own fields and narrow its codes', () => {
    const err = new NarrowerError('disk', true);
    expect(err).toBeInstanceOf(ExampleError);
    expect(err).toBeInstanceOf(CodedError);
    expect(err).toMatchObject({ code: 'EXAMPLE_DOWN', retriable: true, detail: 'disk' });
    expect(isParcheeError(err)).toBe(true);
  });

  it('has a stack trace', () => {
    expect(new ExampleError('a', false).stack).toContain('ExampleError: example failed: a');
  });
});
