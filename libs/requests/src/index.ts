export { parseRequest, normaliseDigits } from './parsing/request-parser';
export type { CitizenRequest } from './parsing/citizen-request';
export { moRequestFromText } from './pseudonymising/mo-request';
