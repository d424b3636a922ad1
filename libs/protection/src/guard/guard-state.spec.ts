import {
  MAX_CNICS,
  MAX_LOOKUP_RUNS,
  addCnic,
  addLookup,
  countLookups,
  decodeGuardState,
  emptyGuardState,
  encodeGuardState,
  guardStateTtlMs,
  pruneGuardState,
  type GuardState,
  type GuardStateLimits,
} from './guard-state';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 30, 6, 0, 0);
const limits: GuardStateLimits = {
  perHour: 5,
  perDay: 20,
  hourWindowMs: HOUR,
  dayWindowMs: DAY,
  maxDistinctCnics: 3,
  distinctWindowMs: DAY,
  scanMemoryMs: 7 * DAY,
};
const member = (i: number) => `m${String(i).padStart(15, '0')}`;

describe('guard state encoding', () => {
  it('round-trips every field, with times as ages from the time of writing', () => {
    const state: GuardState = {
      blockedUntil: NOW + HOUR,
      lookups: [NOW - 2 * HOUR, 1, NOW - 5, 3, NOW, 2],
      cnics: [member(1), member(2)],
      cnicTimes: [NOW - HOUR, NOW],
      overflow: 40,
      overflowAt: NOW - 2 * HOUR,
      scan: { member: member(2), near: ['nA_-abcdefghijkl', 'nB_-abcdefghijkl'], strikes: 2 },
      scanAt: NOW,
    };
    const text = encodeGuardState(state, NOW);
    expect(decodeGuardState(text)).toEqual(state);
    // Read later, it still means the same times.
    expect(text).toBe(
      `g1|${NOW.toString(36)}|3600000|7200000,5*3,0*2|${member(1)}~3600000,${member(2)}~0|40~7200000|${member(2)}~nA_-abcdefghijkl~nB_-abcdefghijkl~2~0`,
    );
  });

  it('encodes a number’s first lookup in under 100 characters', () => {
    const state = emptyGuardState();
    addLookup(state, NOW);
    addCnic(state, member(1), NOW, DAY);
    state.scan = { member: member(1), near: ['A'.repeat(16), 'B'.repeat(16)], strikes: 0 };
    state.scanAt = NOW;
    expect(encodeGuardState(state, NOW).length).toBeLessThan(100);
  });

  it('reads nothing it did not write: absent, another format, or a field that does not parse', () => {
    const empty = emptyGuardState();
    expect(decodeGuardState(null)).toEqual(empty);
    expect(decodeGuardState('')).toEqual(empty);
    expect(decodeGuardState('1')).toEqual(empty);
    expect(decodeGuardState(`g1|${NOW.toString(36)}||0||||`)).toEqual(empty);
    expect(decodeGuardState(`g0|${NOW.toString(36)}||0|||`)).toEqual(empty);
    expect(decodeGuardState(`g1|${NOW.toString(36)}||x|||`)).toEqual(empty);
    expect(decodeGuardState(`g1|${NOW.toString(36)}||0|||a~b~c`)).toEqual(empty);
    expect(decodeGuardState(`g1|${NOW.toString(36)}||0|||`).lookups).toEqual([NOW, 1]);
  });
});

describe('guard state windows', () => {
  it('counts lookups strictly after the start of a window, a batch’s lookups as one entry', () => {
    const state = emptyGuardState();
    addLookup(state, NOW - HOUR);
    addLookup(state, NOW - 1);
    addLookup(state, NOW);
    addLookup(state, NOW);
    expect(state.lookups).toEqual([NOW - HOUR, 1, NOW - 1, 1, NOW, 2]);
    expect(countLookups(state, NOW, HOUR)).toBe(3);
    expect(countLookups(state, NOW + HOUR - 1, HOUR)).toBe(2);
  });

  it('counts a CNIC asked again once, and moves it to the newest', () => {
    const state = emptyGuardState();
    expect(addCnic(state, member(1), NOW - 2, DAY)).toBe(1);
    expect(addCnic(state, member(2), NOW - 1, DAY)).toBe(2);
    expect(addCnic(state, member(1), NOW, DAY)).toBe(2);
    expect(state.cnics).toEqual([member(2), member(1)]);
    expect(addCnic(state, member(3), NOW + DAY - 1, DAY)).toBe(2);
  });
});

describe('pruneGuardState', () => {
  it('keeps the newest lookups the limits can look at, and nothing older than the longest window', () => {
    const state = emptyGuardState();
    for (let i = 30; i >= 0; i--) addLookup(state, NOW - i * 60_000);
    pruneGuardState(state, NOW, limits);
    expect(state.lookups.length / 2).toBe(20);
    expect(state.lookups[0]).toBe(NOW - 19 * 60_000);

    const old = emptyGuardState();
    addLookup(old, NOW - DAY);
    addLookup(old, NOW - DAY + 1);
    pruneGuardState(old, NOW, limits);
    expect(old.lookups).toEqual([NOW - DAY + 1, 1]);
  });

  it('stays bounded under a huge limit by merging the closest lookups into the newer time, losing none', () => {
    const huge = { ...limits, perHour: 1_000_000, perDay: 10_000_000 };
    const state = emptyGuardState();
    let at = NOW - DAY + 1000;
    for (let i = 0; i < 100; i++) {
      at += i % 3 === 0 ? 1000 : 10;
      addLookup(state, at);
      pruneGuardState(state, NOW, huge);
    }
    expect(state.lookups.length / 2).toBe(MAX_LOOKUP_RUNS);
    expect(countLookups(state, NOW, DAY)).toBe(100);
    expect(state.lookups[state.lookups.length - 2]).toBe(at);
  });

  it('keeps one distinct CNIC more than the limit, the newest, and forgets the ones out of the window', () => {
    const state = emptyGuardState();
    for (let i = 0; i < 6; i++) addCnic(state, member(i), NOW - DAY + i, DAY);
    pruneGuardState(state, NOW + 1, limits);
    // member(0) and (1) are out of the window at NOW + 1; of the rest, the newest 4.
    expect(state.cnics).toEqual([member(2), member(3), member(4), member(5)]);
    pruneGuardState(state, NOW + 4, limits);
    expect(state.cnics).toEqual([member(5)]);
  });

  it('stays bounded under a huge distinct limit by counting the oldest CNICs, until the newest of them ages out', () => {
    const huge = { ...limits, maxDistinctCnics: 1000 };
    const state = emptyGuardState();
    let count = 0;
    for (let i = 0; i < 50; i++) {
      count = addCnic(state, member(i), NOW + i, DAY);
      pruneGuardState(state, NOW + i, huge);
    }
    expect(count).toBe(50);
    expect(state.cnics).toHaveLength(MAX_CNICS);
    expect(state.overflow).toBe(50 - MAX_CNICS);
    expect(state.overflowAt).toBe(NOW + 50 - MAX_CNICS - 1);
    expect(addCnic(state, member(100), NOW + 60, DAY)).toBe(51);
    // The newest counted one ages out: all counted ones go at once, the listed ones stay.
    expect(addCnic(state, member(101), NOW + DAY + 50 - MAX_CNICS - 1, DAY)).toBe(MAX_CNICS + 2);
  });

  it('forgets a block and a scan state that have run out, and dates the key by its longest memory', () => {
    const state = emptyGuardState();
    addLookup(state, NOW);
    addCnic(state, member(1), NOW, DAY);
    state.blockedUntil = NOW + 30 * DAY;
    state.scan = { member: member(1), near: ['a', 'b'], strikes: 1 };
    state.scanAt = NOW;
    expect(guardStateTtlMs(state, NOW, limits)).toBe(30 * DAY);
    state.blockedUntil = NOW + HOUR;
    expect(guardStateTtlMs(state, NOW, limits)).toBe(7 * DAY);
    pruneGuardState(state, NOW + 7 * DAY, limits);
    expect(state).toEqual(emptyGuardState());
    expect(guardStateTtlMs(state, NOW + 7 * DAY, limits)).toBe(0);
  });
});
