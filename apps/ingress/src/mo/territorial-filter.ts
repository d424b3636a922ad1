/**
 * Pakistani mobile numbers after normalisation: 92, then a 3xx mobile prefix, then 7 digits
 * (923001234567). Landlines, short codes, foreign and malformed senders do not match.
 */
const PAKISTANI_MOBILE = /^923\d{9}$/;

/**
 * The service answers Pakistani citizens only, and only over our operators' links (MOs reach
 * ingress solely through configured binds, so that half holds by construction). A sender outside
 * the national mobile numbering cannot be a Pakistani subscriber, or is a spoof or a SIM-box
 * artefact: it gets no reply and never reaches Kafka.
 */
export function isPakistaniMobile(msisdn: string): boolean {
  return PAKISTANI_MOBILE.test(msisdn);
}
