/**
 * PostgreSQL error codes the domain turns into answers (a taken slug, a vanished parent row).
 * pg reports the SQLSTATE in `code` and the violated constraint's name in `constraint`.
 */
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';

function isViolation(err: unknown, code: string, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === code && (constraint === undefined || e.constraint === constraint);
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  return isViolation(err, UNIQUE_VIOLATION, constraint);
}

export function isForeignKeyViolation(err: unknown, constraint?: string): boolean {
  return isViolation(err, FOREIGN_KEY_VIOLATION, constraint);
}
