/**
 * Stable codes for everything the roll library can fail with. Callers switch on `code`, never on
 * the message; `retriable` tells a service whether answering "busy, try again" makes sense.
 */
export type RollErrorCode =
  | 'ROLL_CONFIG_INVALID'
  | 'ROLL_DATABASE_UNAVAILABLE'
  | 'ROLL_DATABASE_MISSING'
  | 'ROLL_SCHEMA_NOT_MIGRATED'
  | 'ROLL_VERSION_NOT_FOUND'
  | 'ROLL_VERSION_ACTIVE'
  | 'ROLL_VERSION_NOT_ACTIVATABLE'
  | 'ROLL_VERSION_BUSY'
  | 'ROLL_VERSION_NOT_READY'
  | 'ROLL_DISTRICT_NOT_FOUND'
  | 'ROLL_CACHE_UNAVAILABLE'
  | 'ROLL_IMPORT_FILE_MISSING'
  | 'ROLL_IMPORT_BAD_HEADER'
  | 'ROLL_IMPORT_NO_VOTERS'
  | 'ROLL_IMPORT_TOO_MANY_DUPLICATES'
  | 'ROLL_IMPORT_FAILED'
  | 'ROLL_GENERATE_FAILED'
  | 'ROLL_PEPPER_MISMATCH';

const NON_RETRIABLE_PG_CODES: Record<string, RollErrorCode> = {
  '3D000': 'ROLL_DATABASE_MISSING',
  '42P01': 'ROLL_SCHEMA_NOT_MIGRATED',
};

export class RollError extends Error {
  override readonly name = 'RollError';

  constructor(
    readonly code: RollErrorCode,
    message: string,
    readonly retriable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /**
   * Wraps a driver error. Messages from pg never contain bind values, so they are safe to log;
   * we still keep only the message and the SQLSTATE, not the query.
   */
  static fromPostgres(err: unknown, doing: string): RollError {
    if (err instanceof RollError) return err;
    const sqlState = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
    const detail = err instanceof Error ? err.message : String(err);
    const mapped = typeof sqlState === 'string' ? NON_RETRIABLE_PG_CODES[sqlState] : undefined;
    if (mapped === 'ROLL_SCHEMA_NOT_MIGRATED') {
      return new RollError(mapped, `${doing}: roll schema missing, run "roll migrate" (${detail})`, false, { cause: err });
    }
    if (mapped) return new RollError(mapped, `${doing}: ${detail}`, false, { cause: err });
    return new RollError('ROLL_DATABASE_UNAVAILABLE', `${doing}: ${detail}`, true, { cause: err });
  }
}

/**
 * CNIC hashes made with one pepper were offered to a roll version keyed with another: they could
 * only ever miss, so they are refused rather than answered "not registered". `activePepperId`
 * says which pepper's hashes to send instead.
 */
export class RollPepperMismatchError extends RollError {
  constructor(
    readonly offeredPepperId: string,
    readonly activePepperId: string,
    version: number,
  ) {
    super('ROLL_PEPPER_MISMATCH', `roll version ${version} is keyed with pepper ${activePepperId}, not ${offeredPepperId}`, false);
  }
}
