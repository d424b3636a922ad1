export { KeyedHasher } from './pseudonym/keyed-hash';
export { BulkCnicHasher } from './pseudonym/bulk-cnic-hasher';
export { HmacSha256 } from './pseudonym/hmac-sha256';
export { SealingKey } from './sealing/sealing-key';
export { maskCnic, maskMsisdn, maskDigitsInText } from './masking/mask';
