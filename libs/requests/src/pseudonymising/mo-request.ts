import { CNIC_NEIGHBOURHOOD, type MoRequest } from '@parchee/contracts';
import { KeyedHasher } from '@parchee/privacy';
import { parseRequest } from '../parsing/request-parser';

/**
 * The MO text as it may leave ingress: parsed, and the CNIC replaced by its keyed hashes under
 * every pepper in use (`peppers[0]` is the current one and keys the neighbourhood marks) plus its
 * neighbourhood marks. The text itself is dropped here.
 */
export function moRequestFromText(text: string, peppers: readonly KeyedHasher[]): MoRequest {
  if (peppers.length === 0) throw new Error('at least one pepper is needed to pseudonymise a CNIC');
  const request = parseRequest(text);
  if (request.kind !== 'lookup') return request;
  const hashes: Record<string, string> = {};
  for (const hasher of peppers) hashes[hasher.id] = KeyedHasher.text(hasher.cnic(request.cnic));
  const [a, b] = peppers[0].cnicNeighbourhood(request.cnic, CNIC_NEIGHBOURHOOD);
  return { kind: 'lookup', lang: request.lang, cnic: { hashes, near: [KeyedHasher.text(a), KeyedHasher.text(b)] } };
}
