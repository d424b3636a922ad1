import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('returns the newest items first and forgets the oldest beyond its capacity', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.size).toBe(3);
    expect(ring.newest(10)).toEqual([5, 4, 3]);
    expect(ring.newest(2)).toEqual([5, 4]);
    expect(ring.newest(10, (n) => n % 2 === 1)).toEqual([5, 3]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
