import { setTimeout as sleep } from 'node:timers/promises';
import { isPaperboyError, PaperboyError } from '../errors.ts';

/**
 * How long one SQLite call of the running bot may wait for another process's write lock before it gives
 * up with `database_busy`. better-sqlite3 waits synchronously, so this is how long the event loop can stall:
 * kept short, and {@link whenNotBusy} waits the rest out on a timer.
 */
export const BOT_BUSY_TIMEOUT_MS = 200;

/** One-shot commands (`ingest`, `digest run`) serve nobody while they wait, so they may wait longer per call. */
export const CLI_BUSY_TIMEOUT_MS = 10_000;

/**
 * True when `error` means another connection holds the lock the store needed: `database_busy`, which the engine
 * adapters make of their own codes where they arise (and {@link whenNotBusy} throws once the retries ran out).
 */
export function isDatabaseBusy(error: unknown): boolean {
  return isPaperboyError(error, 'database_busy');
}

export interface BusyRetryOptions {
  /** Give up after waiting about this long in all (default 60 s), with a `database_busy` error. */
  maxWaitMs?: number;
  /** Stops waiting early (the bot is shutting down); the last busy error is thrown. */
  signal?: AbortSignal;
  /** Told before each wait, e.g. to log once that the database is locked. */
  onWait?: (attempt: number, delayMs: number) => void;
}

const FIRST_DELAY_MS = 50;
const MAX_DELAY_MS = 1000;

/**
 * Runs `work`, and while it fails because another process holds the database's write lock (a long
 * import, another runner), runs it again after a growing pause on a timer: the event loop stays free
 * for chat and heartbeats in between. `work` must be safe to repeat after a busy failure: SQLite rolled
 * its statement (or its BEGIN) back, so a write that failed that way left nothing behind.
 *
 * @throws PaperboyError `database_busy` when the lock is still held after `maxWaitMs`
 * @example
 * await whenNotBusy(() => watcher.loadChanged(now), { maxWaitMs: 45_000 });
 */
export async function whenNotBusy<T>(work: () => T | Promise<T>, options: BusyRetryOptions = {}): Promise<T> {
  const { maxWaitMs = 60_000, signal, onWait } = options;
  const until = Date.now() + maxWaitMs;
  let delay = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseBusy(error) || signal?.aborted) throw error;
      if (Date.now() + delay > until) {
        throw new PaperboyError(
          'database_busy',
          `the database stayed locked by another process for ${Math.round(maxWaitMs / 1000)} s (an import, or another Paperboy writing). Nothing was lost; it is tried again later. If it lasts, look for a stuck process holding the database.`,
          { cause: error },
        );
      }
      onWait?.(attempt, delay);
      // Jitter keeps several waiting processes from knocking at the same instant.
      await sleep(delay * (0.75 + Math.random() / 2), undefined, signal ? { signal } : {}).catch(() => {});
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}
