/**
 * The one error type of the domain. Domain modules say what went wrong, never how a surface
 * answers it: the API maps each kind to its status and envelope in api/errors.ts, the import
 * job turns `invalid` and `conflict` into row errors.
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'forbidden_by_plan' | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** Per-field messages of an `invalid` error (PVTLNK's `errors` array). */
    readonly errors?: string[],
  ) {
    super(message);
  }

  static invalid(errors: string[]): DomainError {
    return new DomainError('invalid', 'Validation failed', errors);
  }
}
