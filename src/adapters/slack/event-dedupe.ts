import type { Logger } from '@slack/bolt';
import type { EventLedger } from '../../core/store/event-ledger.ts';

/** Slack retries an event three times within about five minutes; a key is kept a day, which is plenty. */
export const KEEP_EVENTS_MS = 24 * 60 * 60_000;
/** How often keys older than {@link KEEP_EVENTS_MS} are forgotten: once an hour, on the next event. */
const FORGET_EVERY_MS = 60 * 60_000;
// The in-memory ledger of a process without a shared one keeps at most this many keys.
const MEMORY_KEYS = 5000;

/** An event ledger of one process, for a Slack app given no shared one (tests, a single instance). */
export function createMemoryEventLedger(): EventLedger {
  const seen = new Map<string, number>();
  return {
    async firstSeen(key, now) {
      if (seen.has(key)) return false;
      seen.set(key, now.getTime());
      if (seen.size > MEMORY_KEYS) seen.delete(seen.keys().next().value as string);
      return true;
    },
    async forget(before) {
      for (const [key, at] of seen) if (at < before.getTime()) seen.delete(key);
    },
  };
}

/**
 * `firstTime(key)`: true when no instance sharing `ledger` took this event (or link) before. The ledger is
 * pruned now and then. When the ledger fails (a busy or unreachable database), the event counts as new and
 * the failure is logged: better answered twice than never.
 */
export function createEventDedupe(ledger: EventLedger, logger: Logger, clock: () => Date = () => new Date()) {
  let forgotAt = Number.NEGATIVE_INFINITY;
  return async (key: string): Promise<boolean> => {
    const now = clock();
    if (now.getTime() - forgotAt >= FORGET_EVERY_MS) {
      forgotAt = now.getTime();
      ledger
        .forget(new Date(now.getTime() - KEEP_EVENTS_MS))
        .catch((error) =>
          logger.warn('paperboy event_ledger_failed: old event ids not forgotten (tried again in an hour)', error),
        );
    }
    try {
      return await ledger.firstSeen(key, now);
    } catch (error) {
      logger.warn(`paperboy event_ledger_failed: could not record ${key}; answering it anyway`, error);
      return true;
    }
  };
}
export type EventDedupe = ReturnType<typeof createEventDedupe>;
