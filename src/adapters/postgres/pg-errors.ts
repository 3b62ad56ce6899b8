import { pgAddressOf } from '../../config.ts';
import { isPaperboyError, PaperboyError } from '../../core/errors.ts';

// Errors that mean "no usable server at that address" rather than a bug: refused, unknown host, timed out, the
// server shutting down, a refused login, a database that does not exist.
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  '57P03',
  '28P01',
  '28000',
  '3D000',
]);

/** True for an error that says PostgreSQL cannot be reached or refused the login. */
export function isPgUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && UNREACHABLE.has(code)) return true;
  const message = (error as Error | undefined)?.message ?? '';
  return /Connection terminated|connect ECONN|timeout expired/i.test(message);
}

/** The message for a PostgreSQL that cannot be reached: the host and port and the variable, never the password. */
export function pgUnreachable(error: unknown, url: string): PaperboyError {
  let reason = (error as Error).message || String(error);
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) reason = reason.split(password).join('***');
  } catch {}
  return new PaperboyError(
    'database_unreachable',
    `cannot reach PostgreSQL at ${pgAddressOf(url)} (DATABASE_URL): ${reason}. Check that the server runs and accepts connections there, and the user, password and database name in DATABASE_URL; or unset DATABASE_URL to use the SQLite file (PAPERBOY_DB).`,
    { cause: error },
  );
}

/**
 * PostgreSQL's errors as Paperboy's, where they arise: a server that cannot be reached is `database_unreachable`
 * (host and port, never the password); a server that refused the work (a statement_timeout set on the role, too
 * many connections, a lock timeout) is `database_refused`, with its message and SQLSTATE. Others pass as they are.
 */
export function fromPgError(error: unknown, url: string): unknown {
  if (isPaperboyError(error)) return error;
  if (isPgUnreachable(error)) return pgUnreachable(error, url);
  const db = error as { severity?: unknown; code?: unknown; message?: string } | null;
  if (db && typeof db.severity === 'string' && typeof db.code === 'string' && /^[0-9A-Z]{5}$/.test(db.code)) {
    return new PaperboyError(
      'database_refused',
      `PostgreSQL at ${pgAddressOf(url)} (DATABASE_URL) refused the command: ${db.message} (SQLSTATE ${db.code}). Check the server's limits and settings for this user (statement_timeout, max_connections), then run the command again.`,
      { cause: error },
    );
  }
  return error;
}

/**
 * The same object with every method's rejection (and nested objects', such as a store's `readingList`) passed
 * through `translate`: the store objects of an engine speak Paperboy's errors only.
 */
export function translatingErrors<T extends object>(target: T, translate: (error: unknown) => unknown): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target)) {
    if (typeof value === 'function') {
      const method = value as (...args: unknown[]) => unknown;
      out[key] = (...args: unknown[]) => {
        let result: unknown;
        try {
          result = method.apply(target, args);
        } catch (error) {
          throw translate(error);
        }
        return result instanceof Promise
          ? result.catch((error: unknown) => {
              throw translate(error);
            })
          : result;
      };
    } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      out[key] = translatingErrors(value, translate);
    } else out[key] = value;
  }
  return out as T;
}
