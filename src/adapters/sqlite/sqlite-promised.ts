import { fromSqliteError } from './sqlite-errors.ts';

/**
 * A store contract as a synchronous implementation writes it (better-sqlite3 answers at once): each method
 * returning `Promise<T>` in the contract returns `T` here; properties stay as they are.
 */
export type Synchronous<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};

/**
 * Turns a synchronous implementation into the Promise-returning contract: each method runs at once, as before,
 * and its result (or its error, translated: SQLITE_BUSY reaches `whenNotBusy` as a `database_busy` rejection)
 * comes back as a Promise. Other properties (a store's `readingList`, its `db`) are kept as they are.
 */
export function promised<T extends object>(sync: Synchronous<T>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(sync)) {
    if (typeof value !== 'function') {
      out[key] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => unknown;
    out[key] = (...args: unknown[]) => {
      try {
        return Promise.resolve(method(...args));
      } catch (error) {
        return Promise.reject(fromSqliteError(error));
      }
    };
  }
  return out as T;
}
