/**
 * Masks for logs and error messages. They keep just enough to let an operator recognise a
 * number a citizen reads out on the phone, never enough to identify the person.
 */

/** 3520212345671 or 35202-1234567-1 -> 35202-*******-1. Anything else is masked whole. */
export function maskCnic(value: string): string {
  const digits = value.replace(/[-\s]/g, '');
  if (!/^\d{13}$/.test(digits)) return '*'.repeat(Math.min(value.length, 13));
  return `${digits.slice(0, 5)}-*******-${digits.slice(12)}`;
}

/** 923001234567 -> 92300*****67. Short or odd values are masked whole. */
export function maskMsisdn(value: string): string {
  if (value.length < 8) return '*'.repeat(value.length);
  return `${value.slice(0, 5)}${'*'.repeat(value.length - 7)}${value.slice(-2)}`;
}

/** Masks every run of 13 digits (with or without CNIC dashes) and every long digit run in free text. */
export function maskDigitsInText(text: string): string {
  return text.replace(/\d{5}-?\d{7}-?\d/g, (m) => maskCnic(m)).replace(/\d{8,}/g, (m) => maskMsisdn(m));
}
