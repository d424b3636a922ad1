/** What is remembered (sealed) about one MSISDN's previous lookup. */
export interface ScanState {
  /** The previous CNIC, 13 digits. */
  last: string;
  /** Consecutive lookups so far that each landed close to the one before. */
  strikes: number;
}

export interface ScanPolicy {
  /** Two CNICs at most this far apart (as 13-digit numbers, and not equal) look like a step of a scan. */
  maxDistance: number;
  /** This many close steps in a row make a scan. */
  strikes: number;
}

/**
 * A scan walks a range: 35202-1234567-1, -2, -3... Each lookup is compared with the one before
 * from the same number; a close, different CNIC is a strike, anything else starts over. Asking
 * the same CNIC again is neither (people retry). Family members' CNICs are often close, so one
 * or two close steps are normal; a run of them is not.
 */
export function nextScanState(previous: ScanState | null, cnic: string, policy: ScanPolicy): { state: ScanState; scan: boolean } {
  if (previous === null) return { state: { last: cnic, strikes: 0 }, scan: false };
  if (previous.last === cnic) return { state: previous, scan: previous.strikes >= policy.strikes };
  const distance = Math.abs(Number(cnic) - Number(previous.last));
  const strikes = distance <= policy.maxDistance ? previous.strikes + 1 : 0;
  return { state: { last: cnic, strikes }, scan: strikes >= policy.strikes };
}

export function encodeScanState(state: ScanState): string {
  return `${state.last}:${state.strikes}`;
}

export function decodeScanState(text: string | null): ScanState | null {
  const m = text === null ? null : /^(\d{13}):(\d{1,4})$/.exec(text);
  return m ? { last: m[1], strikes: Number(m[2]) } : null;
}
