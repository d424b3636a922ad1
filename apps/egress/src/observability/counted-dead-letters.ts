import { decodeDeadLetter } from '@parchee/contracts';
import type { OutgoingRecord } from '@parchee/messaging';

interface DeadLetterSink {
  publish(records: OutgoingRecord[]): Promise<void>;
}

/**
 * Counts what egress dead-letters, by code, once the publisher has accepted it: one place for the
 * pipeline and the receipt correlator, which build their letters separately.
 */
export function countedDeadLetters(sink: DeadLetterSink, onDeadLetter: (code: string) => void): DeadLetterSink {
  return {
    publish: async (records) => {
      await sink.publish(records);
      for (const record of records) onDeadLetter(codeOf(record));
    },
  };
}

function codeOf(record: OutgoingRecord): string {
  try {
    return decodeDeadLetter(record.value).code;
  } catch {
    return 'UNKNOWN';
  }
}
