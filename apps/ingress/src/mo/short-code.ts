/**
 * True when an MO's destination is the short code this service answers. SMSCs write it in
 * several forms: as is (`8300`), with the country code (`928300`, `+928300`, `00928300`) or a
 * trunk zero (`08300`); some leave it empty, which can only mean the bind's own service.
 */
export function servesShortCode(destination: string, shortCode: string): boolean {
  const digits = destination.replace(/\D/g, '');
  if (digits === '') return destination.trim() === '';
  return digits === shortCode || digits === `92${shortCode}` || digits === `0092${shortCode}` || digits === `0${shortCode}`;
}
