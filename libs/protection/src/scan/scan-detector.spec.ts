import { KeyedHasher } from '@parchee/privacy';
import { decodeScanState, encodeScanState, nextScanState, type ScanPoint, type ScanState } from './scan-detector';

const hasher = new KeyedHasher('unit-test-pepper-0123456789abcdef');
const policy = { strikes: 3 };

/** The marks ingress and the guard would derive for a CNIC (unsalted here: salting keeps equality). */
function point(cnic: string): ScanPoint {
  const [a, b] = hasher.cnicNeighbourhood(cnic, 1000);
  return { member: KeyedHasher.text(hasher.cnic(cnic)), near: [KeyedHasher.text(a), KeyedHasher.text(b)] };
}

function walk(cnics: string[]): boolean[] {
  let state: ScanState | null = null;
  return cnics.map((cnic) => {
    const next = nextScanState(state, point(cnic), policy);
    state = next.state;
    return next.scan;
  });
}

describe('nextScanState', () => {
  it('flags a sequential walk once it has made the configured number of close steps', () => {
    expect(walk(['3520212345671', '3520212345672', '3520212345673', '3520212345674', '3520212345675'])).toEqual([false, false, false, true, true]);
  });

  it('flags a patterned walk with a stride inside the neighbourhood, across cell borders', () => {
    expect(walk(['3520212340001', '3520212340501', '3520212341001', '3520212341501', '3520212342001'])).toEqual([false, false, false, true, true]);
  });

  it('lets a household through: a few close CNICs and then a far one start over', () => {
    expect(walk(['3520212345671', '3520212345690', '3520212345702', '4210198765431', '4210198765499'])).toEqual([false, false, false, false, false]);
  });

  it('does not count asking the same CNIC again as a step', () => {
    expect(walk(['3520212345671', '3520212345671', '3520212345671', '3520212345671'])).toEqual([false, false, false, false]);
  });

  it('ignores steps wider than two neighbourhoods', () => {
    expect(walk(['3520212345671', '3520212355671', '3520212365671', '3520212375671'])).toEqual([false, false, false, false]);
  });
});

describe('scan state encoding', () => {
  it('round-trips and rejects anything that is not a state, such as the older sealed format', () => {
    const state: ScanState = { ...point('3520212345671'), strikes: 2 };
    expect(decodeScanState(encodeScanState(state))).toEqual(state);
    expect(decodeScanState(null)).toBeNull();
    expect(decodeScanState('3520212345671:1')).toBeNull();
    expect(decodeScanState(`${state.member}:${state.near[0]}:${state.near[1]}:x`)).toBeNull();
  });
});
