import { randomUUID } from 'node:crypto';
import type { MoMessageV2 } from '@parchee/contracts';
import type { KeyedHasher } from '@parchee/privacy';
import { moRequestFromText } from '../pseudonymising/mo-request';

/**
 * An MO as ingress would publish it for `text`, for tests and benchmarks that feed the lookup
 * directly: the text is parsed and its CNIC hashed with `peppers` (current first), as at the edge.
 */
export function moFromText(text: string, peppers: KeyedHasher | readonly KeyedHasher[], fields: Partial<Omit<MoMessageV2, 'v' | 'request'>> = {}): MoMessageV2 {
  return {
    v: 2,
    id: fields.id ?? randomUUID(),
    operator: fields.operator ?? 'jazz',
    msisdn: fields.msisdn ?? '923001234567',
    shortCode: fields.shortCode ?? '8300',
    request: moRequestFromText(text, Array.isArray(peppers) ? peppers : [peppers as KeyedHasher]),
    textLength: text.length,
    dataCoding: fields.dataCoding ?? 0,
    receivedAt: fields.receivedAt ?? 1_700_000_000_000,
  };
}
