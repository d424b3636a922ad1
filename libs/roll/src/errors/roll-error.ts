import { CodedError } from '@parchee/errors';
import { sqlStateOf } from './sql-state';

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

/** Root of the roll library's errors; `cause` keeps the driver's error when one is wrapped. */
export class RollError extends CodedError<RollErrorCode> {
  constructor(code: RollErrorCode, message: string, retriable = false, options?: { cause?: unknown }) {
    super(code, message, { retriable, cause: options?.cause });
  }

  /**
   * Wraps a driver error. Messages from pg never contain bind values, so they are safe to log;
   * we still keep only the message and the SQLSTATE, not the query.
   */
  static fromPostgres(err: unknown, doing: string): RollError {
    if (err instanceof RollError) return err;
    const sqlState = sqlStateOf(err);
    const detail = err instanceof Error ? err.message : String(err);
    const mapped = sqlState === undefined ? undefined : NON_RETRIABLE_PG_CODES[sqlState];
    if (mapped === 'ROLL_SCHEMA_NOT_MIGRATED') {
      return new RollError(mapped, `${doing}: roll schema missing, run "roll migrate" (${detail})`, false, { cause: err });
    }
    if (mapped) return new RollError(mapped, `${doing}: ${detail}`, false, { cause: err });
    return new RollError('ROLL_DATABASE_UNAVAILABLE', `${doing}: ${detail}`, true, { cause: err });
  }
}
