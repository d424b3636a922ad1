import { InvalidArgumentError } from 'commander';
import type { AuditRecord } from '@parchee/roll';

/** A CNIC as investigators write it (35202-1234567-1 or 3520212345671) -> 13 digits. */
export function parseCnicArgument(value: string): string {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^[1-7]\d{12}$/.test(digits)) throw new InvalidArgumentError('must be a 13-digit CNIC (dashes allowed)');
  return digits;
}

/**
 * A number in any usual form -> the one ingress hashes (923001234567). Same rules as ingress's
 * normaliseMsisdn: +92..., 0092..., 92... or the national 03...
 */
export function parseMsisdnArgument(value: string): string {
  let digits = value.replace(/[\s+-]/g, '');
  if (!/^\d+$/.test(digits)) throw new InvalidArgumentError('must be a phone number');
  if (digits.startsWith('0092')) digits = digits.slice(2);
  else if (digits.startsWith('03') && digits.length === 11) digits = `92${digits.slice(1)}`;
  if (!/^923\d{9}$/.test(digits)) throw new InvalidArgumentError('must be a Pakistani mobile number (92 3xx xxxxxxx)');
  return digits;
}

/** Enough of a hash to tell numbers (or CNICs) apart in a listing, useless for anything else. */
export function shortHash(hash: Buffer | null): string {
  return hash ? hash.toString('hex').slice(0, 8) : '-'.padEnd(8);
}

function outcomeOf(r: AuditRecord): string {
  return r.refusal ? `${r.outcome}:${r.refusal}` : r.outcome;
}

/**
 * One line per request: time (UTC), operator, channel (sms or ussd), outcome, roll version, and
 * the short hash of the other side (the number for a CNIC query, the CNIC for a number query),
 * then a summary.
 */
export function formatAuditReport(records: readonly AuditRecord[], by: 'cnic' | 'msisdn', days: number): string[] {
  const other = by === 'cnic' ? 'msisdn' : 'cnic';
  const lines = [`${'time (UTC)'.padEnd(24)}  ${'operator'.padEnd(10)}  ${'channel'.padEnd(7)}  ${'outcome'.padEnd(24)}  ${'roll'.padStart(4)}  ${other} hash`];
  for (const r of records) {
    const hash = by === 'cnic' ? r.msisdnHash : r.cnicHash;
    lines.push(
      `${r.at.toISOString().padEnd(24)}  ${r.operator.padEnd(10)}  ${r.channel.padEnd(7)}  ${outcomeOf(r).padEnd(24)}  ${String(r.rollVersion ?? '-').padStart(4)}  ${shortHash(hash)}`,
    );
  }
  const distinct = new Set(
    records.flatMap((r) => {
      const h = by === 'cnic' ? r.msisdnHash : r.cnicHash;
      return h ? [h.toString('hex')] : [];
    }),
  ).size;
  const noun = by === 'cnic' ? 'distinct numbers' : 'distinct CNICs';
  lines.push(`audit: ${records.length} requests in the last ${days} days, ${distinct} ${noun}`);
  return lines;
}
