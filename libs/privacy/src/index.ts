export { KeyedHasher } from './pseudonym/keyed-hash';
export { maskCnic, maskMsisdn, maskDigitsInText } from './masking/mask';
