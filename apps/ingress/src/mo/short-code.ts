/** A destination as SMSCs write a number: an optional '+', then digits, spaces allowed around and between. */
const DIALLED = /^\+?[\d ]+$/;

/**
 * The short code, among those a link serves, that an MO's destination names; undefined when it
 * names another destination. SMSCs write the short code in several forms, whatever TON and NPI
 * they give it: as is (`8300`), with the country code (`928300`, `+928300`, `00928300`), or with
 * leading zeros (`08300`, `008300`, `9208300`). An empty destination can only mean the link's own
 * service: its first short code. Letters or other signs (`*8300#`) never name a short code.
 */
export function servedShortCode(destination: string, shortCodes: readonly string[]): string | undefined {
  const written = destination.trim();
  if (written === '') return shortCodes[0];
  if (!DIALLED.test(written)) return undefined;
  const digits = written.replace(/\D/g, '').replace(/^0+/, '');
  const national = digits.replace(/^920*/, '');
  return shortCodes.find((code) => {
    const significant = code.replace(/^0+/, '');
    return digits === significant || national === significant;
  });
}
