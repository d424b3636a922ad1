import type { InvalidReason, ReplyLanguage } from '@parchee/contracts';

/**
 * What a citizen's SMS asks for, once understood, with the CNIC still in clear. It lives only
 * inside ingress, for the moment between decoding a deliver_sm and publishing its MO.
 */
export type CitizenRequest =
  | { kind: 'lookup'; cnic: string; lang: ReplyLanguage }
  | { kind: 'help'; lang: ReplyLanguage }
  | { kind: 'invalid'; reason: InvalidReason; lang: ReplyLanguage };
