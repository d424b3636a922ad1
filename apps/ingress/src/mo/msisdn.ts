/**
 * Normalises a source address to international form without '+': 923001234567.
 * SMSCs send it as +92..., 0092..., 92... or the national 03...; keys and hashes need one form.
 */
export function normaliseMsisdn(address: string): string {
  const digits = address.replace(/[^\d]/g, '');
  if (digits.startsWith('0092')) return digits.slice(2);
  if (digits.startsWith('03') && digits.length === 11) return `92${digits.slice(1)}`;
  return digits;
}
