import type { ScanState } from '../scan/scan-detector';

/**
 * Everything the request guard remembers about one MSISDN, kept in one Redis string
 * (`<prefix>state:<msisdn hash>`). Times are Redis's clock, ms since the epoch.
 */
export interface GuardState {
  /** Refused as enumeration while Redis's clock is before this; 0 when not blocked. */
  blockedUntil: number;
  /** Lookup times, oldest first, each with how many lookups it stands for: [t₀, n₀, t₁, n₁, …]. */
  lookups: number[];
  /** Salted members of the distinct CNICs asked, oldest last-ask first, and their last-ask times. */
  cnics: string[];
  cnicTimes: number[];
  /**
   * Distinct CNICs no longer told apart, only counted: only with a distinct limit above
   * MAX_CNICS - 1 (see pruneGuardState). They count until `overflowAt`, the newest of them, ages out.
   */
  overflow: number;
  overflowAt: number;
  /** The previous CNIC's salted marks for the scan test, and when they were written; null when forgotten. */
  scan: ScanState | null;
  scanAt: number;
}

/** How long each memory lasts and how much of it a decision can need. */
export interface GuardStateLimits {
  perHour: number;
  perDay: number;
  hourWindowMs: number;
  dayWindowMs: number;
  maxDistinctCnics: number;
  distinctWindowMs: number;
  scanMemoryMs: number;
}

/**
 * Bounds on what one state holds, so a huge configured limit (the benchmarks use millions)
 * cannot make it grow without end: every request reads and rewrites the whole state.
 * Up to these, decisions are exact; see pruneGuardState for beyond.
 */
export const MAX_LOOKUP_RUNS = 32;
export const MAX_CNICS = 32;

export function emptyGuardState(): GuardState {
  return { blockedUntil: 0, lookups: [], cnics: [], cnicTimes: [], overflow: 0, overflowAt: 0, scan: null, scanAt: 0 };
}

/** Lookups in the windows ending now: the ones dated after `now - window`, as a sorted set trimmed by score. */
export function countLookups(state: GuardState, now: number, windowMs: number): number {
  const { lookups } = state;
  let count = 0;
  for (let j = lookups.length - 2; j >= 0 && lookups[j] > now - windowMs; j -= 2) count += lookups[j + 1];
  return count;
}

export function addLookup(state: GuardState, now: number): void {
  const { lookups } = state;
  // A batch is dated once: its lookups share one time and one entry.
  if (lookups.length > 0 && lookups[lookups.length - 2] === now) lookups[lookups.length - 1]++;
  else lookups.push(now, 1);
}

/** Records that `member` was asked now; returns how many distinct CNICs the window holds. */
export function addCnic(state: GuardState, member: string, now: number, windowMs: number): number {
  const { cnics, cnicTimes } = state;
  const at = cnics.indexOf(member);
  if (at >= 0) {
    cnics.splice(at, 1);
    cnicTimes.splice(at, 1);
  }
  cnics.push(member);
  cnicTimes.push(now);
  let live = 0;
  for (let j = cnicTimes.length - 1; j >= 0 && cnicTimes[j] > now - windowMs; j--) live++;
  return live + (state.overflowAt > now - windowMs ? state.overflow : 0);
}

/**
 * Drops what no decision can need any more, before the state is written back:
 * - lookups older than the longest window, and beyond the newest max(perHour, perDay) (the
 *   limits look no further back than that many);
 * - distinct CNICs older than their window, and beyond the newest maxDistinctCnics + 1 (enough to
 *   tell "one too many"); a block, a scan state, that have run out.
 * With a limit above the bounds (MAX_LOOKUP_RUNS, MAX_CNICS) the state stays bounded by erring on
 * the strict side: the two closest lookup entries merge under the newer time (their lookups count
 * a little longer), and the oldest distinct CNICs become a count that lasts as long as the newest
 * of them (asked again, one of them counts once more).
 */
export function pruneGuardState(state: GuardState, now: number, limits: GuardStateLimits): void {
  const lookups = state.lookups;
  const since = now - Math.max(limits.hourWindowMs, limits.dayWindowMs);
  const needed = Math.max(limits.perHour, limits.perDay);
  let from = lookups.length;
  for (let count = 0; from > 0 && lookups[from - 2] > since && count < needed; from -= 2) count += lookups[from - 1];
  if (from > 0) lookups.splice(0, from);
  while (lookups.length > 2 * MAX_LOOKUP_RUNS) {
    let closest = 0;
    for (let j = 2; j + 2 < lookups.length; j += 2) if (lookups[j + 2] - lookups[j] < lookups[closest + 2] - lookups[closest]) closest = j;
    lookups[closest + 3] += lookups[closest + 1];
    lookups.splice(closest, 2);
  }

  const { cnics, cnicTimes } = state;
  const cnicSince = now - limits.distinctWindowMs;
  let first = 0;
  while (first < cnicTimes.length && cnicTimes[first] <= cnicSince) first++;
  if (state.overflowAt <= cnicSince || cnicTimes.length - first > limits.maxDistinctCnics) state.overflow = state.overflowAt = 0;
  first = Math.max(first, cnicTimes.length - (limits.maxDistinctCnics + 1));
  const spill = Math.max(first, cnicTimes.length - MAX_CNICS);
  if (spill > first) {
    state.overflow += spill - first;
    state.overflowAt = Math.max(state.overflowAt, cnicTimes[spill - 1]);
  }
  if (spill > 0) {
    cnics.splice(0, spill);
    cnicTimes.splice(0, spill);
  }

  if (state.blockedUntil <= now) state.blockedUntil = 0;
  if (state.scanAt <= now - limits.scanMemoryMs) {
    state.scan = null;
    state.scanAt = 0;
  }
}

/** How long the key must live for its longest memory still needed, ms; 0 when it holds none. */
export function guardStateTtlMs(state: GuardState, now: number, limits: GuardStateLimits): number {
  let until = state.blockedUntil;
  const { lookups, cnicTimes } = state;
  if (lookups.length > 0) until = Math.max(until, lookups[lookups.length - 2] + Math.max(limits.hourWindowMs, limits.dayWindowMs));
  if (cnicTimes.length > 0) until = Math.max(until, cnicTimes[cnicTimes.length - 1] + limits.distinctWindowMs);
  if (state.overflow > 0) until = Math.max(until, state.overflowAt + limits.distinctWindowMs);
  if (state.scan) until = Math.max(until, state.scanAt + limits.scanMemoryMs);
  return Math.max(0, until - now);
}

const FORMAT = 'g1';

/**
 * `g1|base|blocked|age,age*n,…|member~age,…|n~age|member~markA~markB~strikes~age`: `base` is the
 * time of writing in base 36, every other time a whole number of ms from it (an age, or for the
 * block what is left of it), and empty fields stand for nothing. Salted members and marks are
 * base64url, which has none of `|,~*`. Small integers print and parse several times faster than
 * 13-digit times, and a number's first lookup is all zeros. Not JSON: this text is shorter and
 * faster both ways, and JSON would still need checking (see docs/benchmarks.md, "Measurements
 * behind code choices").
 */
export function encodeGuardState(state: GuardState, now: number): string {
  let out = FORMAT + '|' + now.toString(36) + '|' + (state.blockedUntil > 0 ? String(state.blockedUntil - now) : '') + '|';
  const { lookups, cnics, cnicTimes } = state;
  for (let j = 0; j < lookups.length; j += 2) {
    if (j > 0) out += ',';
    out += now - lookups[j];
    if (lookups[j + 1] !== 1) out += '*' + lookups[j + 1];
  }
  out += '|';
  for (let j = 0; j < cnics.length; j++) out += (j > 0 ? ',' : '') + cnics[j] + '~' + (now - cnicTimes[j]);
  out += '|';
  if (state.overflow > 0) out += state.overflow + '~' + (now - state.overflowAt);
  out += '|';
  const scan = state.scan;
  if (scan) out += scan.member + '~' + scan.near[0] + '~' + scan.near[1] + '~' + scan.strikes + '~' + (now - state.scanAt);
  return out;
}

/** The state a stored value holds; empty for none, and for anything not in this format (nothing to trust). */
export function decodeGuardState(text: string | null | undefined): GuardState {
  const state = emptyGuardState();
  if (!text) return state;
  const fields = text.split('|');
  if (fields.length !== 7 || fields[0] !== FORMAT) return state;
  const base = parseInt(fields[1], 36);
  const blocked = fields[2];
  const lookups = fields[3];
  const cnics = fields[4];
  const overflow = fields[5];
  const scan = fields[6];
  if (blocked) state.blockedUntil = base + Number(blocked);
  if (lookups) {
    const entries = lookups.split(',');
    for (let j = 0; j < entries.length; j++) {
      const entry = entries[j];
      const star = entry.indexOf('*');
      if (star < 0) state.lookups.push(base - Number(entry), 1);
      else state.lookups.push(base - Number(entry.slice(0, star)), Number(entry.slice(star + 1)));
    }
  }
  if (cnics) {
    const entries = cnics.split(',');
    for (let j = 0; j < entries.length; j++) {
      const entry = entries[j];
      const tilde = entry.indexOf('~');
      state.cnics.push(entry.slice(0, tilde));
      state.cnicTimes.push(base - Number(entry.slice(tilde + 1)));
    }
  }
  if (overflow) {
    const tilde = overflow.indexOf('~');
    state.overflow = Number(overflow.slice(0, tilde));
    state.overflowAt = base - Number(overflow.slice(tilde + 1));
  }
  if (scan) {
    const parts = scan.split('~');
    if (parts.length !== 5) return emptyGuardState();
    state.scan = { member: parts[0], near: [parts[1], parts[2]], strikes: Number(parts[3]) };
    state.scanAt = base - Number(parts[4]);
  }
  // One sum instead of a test per number: a field that did not parse makes it NaN.
  let sum = base + state.blockedUntil + state.overflow + state.overflowAt + state.scanAt + (state.scan ? state.scan.strikes : 0);
  for (let j = 0; j < state.lookups.length; j++) sum += state.lookups[j];
  for (let j = 0; j < state.cnicTimes.length; j++) sum += state.cnicTimes[j];
  return Number.isFinite(sum) ? state : emptyGuardState();
}
