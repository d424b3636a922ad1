const HEX = /^[0-9a-f]+$/;
const DECIMAL = /^[0-9]+$/;

function stripZeros(id: string): string {
  const stripped = id.replace(/^0+/, '');
  return stripped === '' && id !== '' ? '0' : stripped;
}

/**
 * How an SMSC's receipts write a message id, against its submit_sm_resp: `auto` when unknown;
 * `same` form (case and leading zeros aside); `hex-to-decimal`, the submit_sm_resp's hex id as
 * a decimal number; `decimal-to-hex`, its decimal id in hex.
 */
export type MessageIdFormat = 'auto' | 'same' | 'hex-to-decimal' | 'decimal-to-hex';

/**
 * Candidate keys under which one SMSC message id may be known. SMSCs disagree on the form of
 * the same id: the submit_sm_resp may carry hex and the receipt text its decimal value (or the
 * reverse), some pad with zeros, some change the case. The first candidate is the id itself
 * (lower-cased, leading zeros stripped); then its hex-to-decimal and decimal-to-hex readings,
 * where the string is valid in that base. Two ids refer to the same message when their
 * candidate lists intersect; the first candidate is the canonical form to store under.
 *
 * With the SMSC's `format` declared, a receipt's id has one reading, the submit_sm_resp's
 * canonical form: guessing could match a different message whose id happens to be this one
 * read in the other base. An id that is not a number in the declared receipt base (letters
 * where decimal is declared) can only be written as the submit_sm_resp wrote it, and stays as
 * it is.
 */
export function normaliseMessageId(id: string, format: MessageIdFormat = 'auto'): string[] {
  const base = stripZeros(id.trim().toLowerCase());
  if (base === '') return [];
  // An id longer than 40 digits is no numeric id we know of; BigInt on it would only cost time.
  const numeric = base.length <= 40;
  if (format === 'hex-to-decimal') return [numeric && DECIMAL.test(base) ? BigInt(base).toString(16) : base];
  if (format === 'decimal-to-hex') return [numeric && HEX.test(base) ? BigInt(`0x${base}`).toString(10) : base];
  const candidates = [base];
  if (format === 'auto' && numeric) {
    if (HEX.test(base)) candidates.push(BigInt(`0x${base}`).toString(10));
    if (DECIMAL.test(base)) candidates.push(BigInt(base).toString(16));
  }
  return [...new Set(candidates)];
}
