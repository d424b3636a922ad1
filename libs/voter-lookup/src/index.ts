export { VoterLookup } from './lookup/voter-lookup';
export type { VoterDirectory, VoterLookupAudit, VoterLookupOptions, VoterLookupOutcome, VoterLookupRequest, VoterLookupResult } from './lookup/voter-lookup';
