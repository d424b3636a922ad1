/**
 * A CNIC as the scan detector sees it, for one MSISDN: never the number, only salted keyed
 * marks (see GuardSecrets). `member` stands for the CNIC itself, `near` for the two
 * neighbourhood cells that hold it (grid A, grid B; see CnicPseudonym in @parchee/contracts).
 */
export interface ScanPoint {
  member: string;
  near: [string, string];
}

/** What is remembered about one MSISDN's previous lookup. */
export interface ScanState extends ScanPoint {
  /** Consecutive lookups so far that each landed close to the one before. */
  strikes: number;
}

export interface ScanPolicy {
  /** This many close steps in a row make a scan. */
  strikes: number;
}

/**
 * A scan walks a range: 35202-1234567-1, -2, -3... Each lookup is compared with the one before
 * from the same number; a different CNIC in a shared neighbourhood cell (at most
 * CNIC_NEIGHBOURHOOD away, sometimes up to twice that) is a strike, anything else starts over.
 * Asking the same CNIC again is neither (people retry). Family members' CNICs are often close,
 * so one or two close steps are normal; a run of them is not.
 */
export function nextScanState(previous: ScanState | null, point: ScanPoint, policy: ScanPolicy): { state: ScanState; scan: boolean } {
  if (previous === null) return { state: { ...point, strikes: 0 }, scan: false };
  if (previous.member === point.member) return { state: previous, scan: previous.strikes >= policy.strikes };
  const close = previous.near[0] === point.near[0] || previous.near[1] === point.near[1];
  const strikes = close ? previous.strikes + 1 : 0;
  return { state: { ...point, strikes }, scan: strikes >= policy.strikes };
}

// base64url marks never contain ':', so it separates the fields.
export function encodeScanState(state: ScanState): string {
  return `${state.member}:${state.near[0]}:${state.near[1]}:${state.strikes}`;
}

/** Null for anything that is not a state (absent, or left by an older format). */
export function decodeScanState(text: string | null): ScanState | null {
  const m = text === null ? null : /^([\w-]{8,64}):([\w-]{8,64}):([\w-]{8,64}):(\d{1,4})$/.exec(text);
  return m ? { member: m[1], near: [m[2], m[3]], strikes: Number(m[4]) } : null;
}
