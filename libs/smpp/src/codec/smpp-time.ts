import { SmppError } from '../errors/smpp-error';

/**
 * SMPP 3.4 time fields (section 7.1.1: schedule_delivery_time, validity_period), 16 characters
 * `YYMMDDhhmmsstnnp` or empty for "not set":
 * - absolute: `t` tenths of a second, `nn` the offset from UTC in quarter hours (00-48) and `p`
 *   `+` (local time ahead of UTC) or `-` (behind);
 * - relative: `YYMMDDhhmmss000R`, a duration from the moment the SMSC receives the PDU.
 *
 * The spec leaves the length of a relative month and year open. Here a month is 30 days and a
 * year 12 such months, so a duration formats to fields within their absolute ranges (months
 * 0-11, days 0-29, hours 0-23, minutes and seconds 0-59) and parses back to the same duration.
 */
export type SmppTime = { kind: 'absolute'; at: Date } | { kind: 'relative'; ms: number };

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTH = 30 * DAY;
const YEAR = 12 * MONTH;

/** The longest relative time the format can carry: 99 years, 11 months, 29 days, 23:59:59. */
export const MAX_RELATIVE_TIME_MS = 99 * YEAR + 11 * MONTH + 29 * DAY + 23 * HOUR + 59 * MINUTE + 59 * SECOND;

const ABSOLUTE = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d)(\d{2})([+-])$/;
const RELATIVE = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})000R$/;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * A duration as an SMPP relative time. Rounded down to whole seconds, so an SMSC never keeps a
 * message longer than asked; capped at {@link MAX_RELATIVE_TIME_MS}.
 */
export function formatRelativeTime(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a relative time needs a duration >= 0 ms, got ${ms}`);
  let rest = Math.min(Math.floor(ms / SECOND) * SECOND, MAX_RELATIVE_TIME_MS);
  const fields = [YEAR, MONTH, DAY, HOUR, MINUTE, SECOND].map((unit) => {
    const n = Math.floor(rest / unit);
    rest -= n * unit;
    return pad2(n);
  });
  return `${fields.join('')}000R`;
}

/**
 * A moment as an SMPP absolute time, written in the given offset from UTC (quarter hours,
 * -48..48; Pakistan Standard Time is +20).
 */
export function formatAbsoluteTime(at: Date, offsetQuarterHours = 0): string {
  if (!Number.isInteger(offsetQuarterHours) || Math.abs(offsetQuarterHours) > 48) {
    throw new RangeError(`the UTC offset is -48..48 quarter hours, got ${offsetQuarterHours}`);
  }
  const local = new Date(at.getTime() + offsetQuarterHours * 15 * MINUTE);
  const year = local.getUTCFullYear();
  if (year < 2000 || year > 2099) throw new RangeError(`an SMPP absolute time covers 2000-2099, got ${year}`);
  return (
    pad2(year % 100) +
    pad2(local.getUTCMonth() + 1) +
    pad2(local.getUTCDate()) +
    pad2(local.getUTCHours()) +
    pad2(local.getUTCMinutes()) +
    pad2(local.getUTCSeconds()) +
    String(Math.floor(local.getUTCMilliseconds() / 100)) +
    pad2(Math.abs(offsetQuarterHours)) +
    (offsetQuarterHours < 0 ? '-' : '+')
  );
}

/** A relative time as milliseconds. */
export function parseRelativeTime(value: string): number {
  const m = RELATIVE.exec(value);
  if (!m) throw invalid(value, 'not a relative time YYMMDDhhmmss000R');
  const [years, months, days, hours, minutes, seconds] = m.slice(1, 7).map(Number);
  return years * YEAR + months * MONTH + days * DAY + hours * HOUR + minutes * MINUTE + seconds * SECOND;
}

/** An absolute time as the moment it names. Years are 20YY (SMPP 3.4 has two digits). */
export function parseAbsoluteTime(value: string): Date {
  const m = ABSOLUTE.exec(value);
  if (!m) throw invalid(value, 'not an absolute time YYMMDDhhmmsstnn+ or -');
  const [yy, month, day, hour, minute, second, tenths, quarters] = m.slice(1, 9).map(Number);
  const sign = m[9] === '-' ? -1 : 1;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 || quarters > 48) {
    throw invalid(value, 'a field is out of range');
  }
  const local = Date.UTC(2000 + yy, month - 1, day, hour, minute, second, tenths * 100);
  if (new Date(local).getUTCDate() !== day) throw invalid(value, 'no such day in that month');
  return new Date(local - sign * quarters * 15 * MINUTE);
}

/** Either format; null for the empty string, which means "not set" (SMSC default). */
export function parseSmppTime(value: string): SmppTime | null {
  if (value === '') return null;
  if (value.endsWith('R')) return { kind: 'relative', ms: parseRelativeTime(value) };
  return { kind: 'absolute', at: parseAbsoluteTime(value) };
}

/**
 * A time field from a peer, read leniently. The decoder keeps whatever text came before the NUL
 * (some SMSCs send 12 or 15 characters, or pad with spaces); surrounding spaces are ignored, and a
 * form that is still not a time counts as "not set", like the empty string, rather than failing the
 * message it came with. Use parseSmppTime to tell an unreadable time from an empty one.
 */
export function readSmppTime(value: string): SmppTime | null {
  try {
    return parseSmppTime(value.trim());
  } catch {
    return null;
  }
}

function invalid(value: string, why: string): SmppError {
  return new SmppError('INVALID_PDU', `invalid SMPP time "${value}": ${why}`, { retriable: false });
}
