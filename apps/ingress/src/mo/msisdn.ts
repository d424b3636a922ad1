import { Ton } from '@parchee/smpp';

/** TON 0 (unknown) and 2 (national): the number may be written without the country code. */
const NATIONAL_OR_UNKNOWN_TON: ReadonlySet<number> = new Set([Ton.UNKNOWN, Ton.NATIONAL]);

/** A national mobile number without the trunk zero: 3, then nine digits (3001234567). */
const NATIONAL_MOBILE = /^3\d{9}$/;

/** The country code followed by the trunk zero, as some SMSCs write it: +92 0300 1234567. */
const TRUNK_ZERO_AFTER_COUNTRY_CODE = /^920(3\d{9})$/;

/**
 * Normalises a source address to international form without '+': 923001234567.
 * SMSCs send it as +92..., 0092..., 92..., the national 03..., or (TON 2 national or TON 0
 * unknown) without the trunk zero, 3001234567; keys and hashes need one form.
 *
 * A number written as international (TON 1, or a leading '+') is never given a country code it
 * did not carry: the reply carries the voter's details, and reading a foreign number as a
 * Pakistani one would send them to someone who never asked. A foreign number stays as written
 * and the territorial filter drops it.
 */
export function normaliseMsisdn(address: string, ton?: number): string {
  const written = address.trim();
  const digits = written.replace(/[^\d]/g, '');
  const international = digits.startsWith('0092') ? digits.slice(2) : digits;
  const trunk = TRUNK_ZERO_AFTER_COUNTRY_CODE.exec(international);
  if (trunk) return `92${trunk[1]}`;
  if (international.startsWith('03') && international.length === 11) return `92${international.slice(1)}`;
  const writtenInternational = written.startsWith('+') || (ton !== undefined && !NATIONAL_OR_UNKNOWN_TON.has(ton));
  if (NATIONAL_MOBILE.test(international) && !writtenInternational) return `92${international}`;
  return international;
}
