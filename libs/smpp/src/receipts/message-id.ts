const HEX = /^[0-9a-f]+$/;
const DECIMAL = /^[0-9]+$/;

function stripZeros(id: string): string {
  const stripped = id.replace(/^0+/, '');
  return stripped === '' && id !== '' ? '0' : stripped;
}

/**
 * Candidate keys under which one SMSC message id may be known. SMSCs disagree on the form of
 * the same id: the submit_sm_resp may carry hex and the receipt text its decimal value (or the
 * reverse), some pad with zeros, some change the case. The first candidate is the id itself
 * (lower-cased, leading zeros stripped); then its hex-to-decimal and decimal-to-hex readings,
 * where the string is valid in that base. Two ids refer to the same message when their
 * candidate lists intersect; the first candidate is the canonical form to store under.
 */
export function normaliseMessageId(id: string): string[] {
  const base = stripZeros(id.trim().toLowerCase());
  if (base === '') return [];
  const candidates = [base];
  // An id longer than 40 digits is no numeric id we know of; BigInt on it would only cost time.
  if (base.length <= 40) {
    if (HEX.test(base)) candidates.push(BigInt(`0x${base}`).toString(10));
    if (DECIMAL.test(base)) candidates.push(BigInt(base).toString(16));
  }
  return [...new Set(candidates)];
}
