/** TON 2 (national) and 0 (unknown): the number may be written without the country code. */
const NATIONAL_OR_UNKNOWN_TON = new Set([0x00, 0x02]);

/**
 * Normalises a source address to international form without '+': 923001234567.
 * SMSCs send it as +92..., 0092..., 92..., the national 03..., or (TON 2 national or TON 0
 * unknown) without the trunk zero, 3001234567; keys and hashes need one form. A number whose TON
 * says international is never given a country code it did not carry.
 */
export function normaliseMsisdn(address: string, ton?: number): string {
  const digits = address.replace(/[^\d]/g, '');
  if (digits.startsWith('0092')) return digits.slice(2);
  if (digits.startsWith('03') && digits.length === 11) return `92${digits.slice(1)}`;
  if (/^3\d{9}$/.test(digits) && (ton === undefined || NATIONAL_OR_UNKNOWN_TON.has(ton))) return `92${digits}`;
  return digits;
}
