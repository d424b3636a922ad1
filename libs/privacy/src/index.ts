export { KeyedHasher } from './pseudonym/keyed-hash';
export { BulkCnicHasher } from './pseudonym/bulk-cnic-hasher';
export { maskCnic, maskMsisdn, maskDigitsInText } from './masking/mask';
