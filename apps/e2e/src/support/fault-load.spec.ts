import { longestPause } from './fault-load';

describe('longestPause', () => {
  it('finds the longest silence between replies, whatever order they were collected in', () => {
    expect(longestPause([1000, 1010, 5200, 1020, 5210, 5230])).toEqual({ ms: 4180, from: 1020, to: 5200 });
  });

  it('is no pause for one reply or none', () => {
    expect(longestPause([7])).toEqual({ ms: 0, from: 7, to: 7 });
    expect(longestPause([])).toEqual({ ms: 0, from: 0, to: 0 });
  });
});
