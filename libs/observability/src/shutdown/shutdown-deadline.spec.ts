import { EventEmitter } from 'node:events';
import { armShutdownDeadline } from './shutdown-deadline';

function fakeProcess(): EventEmitter & Pick<NodeJS.Process, 'once' | 'removeListener'> {
  return new EventEmitter() as EventEmitter & Pick<NodeJS.Process, 'once' | 'removeListener'>;
}

describe('armShutdownDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('exits with code 1 and says so when the service is still alive at the deadline after SIGTERM', () => {
    const proc = fakeProcess();
    const exits: number[] = [];
    const lines: string[] = [];
    const disarm = armShutdownDeadline({ service: 'ingress', deadlineMs: 10_000, processLike: proc, exit: (c) => exits.push(c), write: (l) => lines.push(l) });
    proc.emit('SIGTERM', 'SIGTERM');
    jest.advanceTimersByTime(9_999);
    expect(exits).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(exits).toEqual([1]);
    expect(JSON.parse(lines[0])).toMatchObject({ service: 'ingress', signal: 'SIGTERM', msg: 'shutdown did not finish in time; exiting' });
    disarm();
  });

  it('does nothing before a signal arrives', () => {
    const proc = fakeProcess();
    const exits: number[] = [];
    const disarm = armShutdownDeadline({ service: 'egress', deadlineMs: 100, processLike: proc, exit: (c) => exits.push(c), write: () => undefined });
    jest.advanceTimersByTime(1_000);
    expect(exits).toEqual([]);
    disarm();
  });

  it('arms one timer even when a second signal follows the first', () => {
    const proc = fakeProcess();
    const exits: number[] = [];
    const disarm = armShutdownDeadline({ service: 'lookup', deadlineMs: 100, processLike: proc, exit: (c) => exits.push(c), write: () => undefined });
    proc.emit('SIGTERM', 'SIGTERM');
    proc.emit('SIGINT', 'SIGINT');
    jest.advanceTimersByTime(100);
    expect(exits).toEqual([1]);
    disarm();
  });

  it('never fires once disarmed', () => {
    const proc = fakeProcess();
    const exits: number[] = [];
    const disarm = armShutdownDeadline({ service: 'lookup', deadlineMs: 100, processLike: proc, exit: (c) => exits.push(c), write: () => undefined });
    proc.emit('SIGTERM', 'SIGTERM');
    disarm();
    jest.advanceTimersByTime(1_000);
    expect(exits).toEqual([]);
  });
});
