import type { ReplyLanguage } from '@parchee/contracts';

export type InvalidReason = 'empty' | 'no_number' | 'wrong_length' | 'bad_region' | 'several_numbers';

/** What a citizen's SMS asks for, once understood. */
export type CitizenRequest =
  | { kind: 'lookup'; cnic: string; lang: ReplyLanguage }
  | { kind: 'help'; lang: ReplyLanguage }
  | { kind: 'invalid'; reason: InvalidReason; lang: ReplyLanguage };
