import { isUniqueViolation } from '../db/pg-errors';

const GENERATED_ATTEMPTS = 5;

/**
 * Inserts a row under a unique code (a link's short code, a collection's slug); the unique index
 * decides every race. A requested code that is taken is the caller's error (`taken`); generated
 * codes are retried on a conflict, at most five times, attempt 1 first.
 */
export async function insertWithUniqueCode<T>(options: {
  constraint: string;
  requested: string | null | undefined;
  generate: (attempt: number) => string;
  insert: (code: string) => Promise<T>;
  taken: () => Error;
}): Promise<T> {
  const { constraint, requested, generate, insert, taken } = options;
  if (requested) {
    try {
      return await insert(requested);
    } catch (err) {
      if (isUniqueViolation(err, constraint)) throw taken();
      throw err;
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await insert(generate(attempt));
    } catch (err) {
      if (!isUniqueViolation(err, constraint) || attempt >= GENERATED_ATTEMPTS) throw err;
    }
  }
}
