/**
 * The SQLSTATE a PostgreSQL error carries (pg's DatabaseError, and TypeORM's QueryFailedError,
 * which copies the driver error's fields), or undefined. The one place the roll reads a driver's
 * error code: pg's errors are foreign and follow no protocol of ours.
 */
export function sqlStateOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}
