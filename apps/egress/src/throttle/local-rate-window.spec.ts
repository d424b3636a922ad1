import { LocalRateWindow } from './local-rate-window';

describe('LocalRateWindow', () => {
  let clock = 0;
  const window = () => new LocalRateWindow(() => clock);
  beforeEach(() => (clock = 10_000));

  it('never grants more than the limit within one second, whatever the alignment', () => {
    const w = window();
    expect(w.reserveNow('jazz', 5, 3, 1)).toEqual({ granted: 3, waitMs: 0 });
    clock += 600;
    expect(w.reserveNow('jazz', 5, 4, 1)).toEqual({ granted: 2, waitMs: 400 });
    clock += 399;
    expect(w.reserveNow('jazz', 5, 1, 1)).toEqual({ granted: 0, waitMs: 1 });
    clock += 1;
    expect(w.reserveNow('jazz', 5, 5, 1)).toEqual({ granted: 3, waitMs: 600 });
  });

  it('grants all-or-nothing when min equals want, and waits until enough grants leave the window', () => {
    const w = window();
    w.reserveNow('zong', 4, 1, 1);
    clock += 100;
    w.reserveNow('zong', 4, 1, 1);
    clock += 100;
    w.reserveNow('zong', 4, 1, 1);
    // 1 free, 3 wanted: two grants must leave, the second of them at 10_100 + 1000.
    expect(w.reserveNow('zong', 4, 3, 3)).toEqual({ granted: 0, waitMs: 900 });
    clock += 900;
    expect(w.reserveNow('zong', 4, 3, 3)).toEqual({ granted: 3, waitMs: 0 });
  });

  it('keeps operators apart', () => {
    const w = window();
    expect(w.reserveNow('jazz', 2, 2, 1).granted).toBe(2);
    expect(w.reserveNow('ufone', 2, 2, 1).granted).toBe(2);
    expect(w.reserveNow('jazz', 2, 1, 1).granted).toBe(0);
  });
});
