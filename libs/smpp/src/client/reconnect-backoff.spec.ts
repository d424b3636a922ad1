import { authFailureDelayMs, reconnectDelayMs } from './reconnect-backoff';

describe('reconnectDelayMs', () => {
  const noJitter = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0 };

  it('grows exponentially from the initial delay', () => {
    expect([0, 1, 2, 3].map((attempt) => reconnectDelayMs(attempt, noJitter))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the maximum', () => {
    expect(reconnectDelayMs(4, noJitter)).toBe(1_000);
    expect(reconnectDelayMs(60, noJitter)).toBe(1_000);
    expect(reconnectDelayMs(3, { ...noJitter, jitter: 0.5 }, () => 1)).toBe(1_000);
  });

  it('spreads the delay by at most ±jitter', () => {
    const options = { ...noJitter, jitter: 0.2 };
    expect(reconnectDelayMs(1, options, () => 0)).toBe(160);
    expect(reconnectDelayMs(1, options, () => 1)).toBe(240);
    expect(reconnectDelayMs(1, options, () => 0.5)).toBe(200);
  });

  it('uses documented defaults for what is not given', () => {
    expect(reconnectDelayMs(0, {}, () => 0.5)).toBe(1_000);
    expect(reconnectDelayMs(10, { initialDelayMs: undefined }, () => 0.5)).toBe(60_000);
  });
});

describe('authFailureDelayMs', () => {
  it('waits the long auth-failure delay, five minutes unless configured, whatever maxDelayMs says', () => {
    expect(authFailureDelayMs({}, () => 0.5)).toBe(300_000);
    expect(authFailureDelayMs({ authFailureDelayMs: 120_000, maxDelayMs: 1_000, jitter: 0 })).toBe(120_000);
  });

  it('spreads it by at most ±jitter', () => {
    expect(authFailureDelayMs({ authFailureDelayMs: 100_000, jitter: 0.1 }, () => 0)).toBe(90_000);
    expect(authFailureDelayMs({ authFailureDelayMs: 100_000, jitter: 0.1 }, () => 1)).toBe(110_000);
  });
});
