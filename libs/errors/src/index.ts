export type { ParcheeError } from './parchee-error';
export { isParcheeError } from './parchee-error';
export { CodedError } from './coded-error';
export type { CodedErrorOptions } from './coded-error';
export { isRetriable, errorCode, UNHANDLED_ERROR_CODE } from './error-readers';
