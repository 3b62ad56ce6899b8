/**
 * How many arXiv look-ups of pasted links may be pending at once (README, "Limits"). arXiv takes one request
 * every 3 s from a process, so every pending look-up is at least 3 s of someone else's wait: one person pasting
 * 20 messages of unknown ids kept another person's look-up waiting 60 s. Past a bound, the answer says the paper
 * is not in the index yet and offers the search, at once.
 */
export const LOOKUP_LIMITS = {
  /** Look-ups of one person (on one platform) waiting or running. */
  perPerson: 2,
  /** Look-ups of the whole process waiting or running. */
  total: 6,
} as const;

export interface LookupLimiter {
  /** A release function when `requester` may look up now (call it when done); undefined past a bound. */
  tryStart(requester: string): (() => void) | undefined;
}

/** Counts pending look-ups per requester and in all, refusing past {@link LOOKUP_LIMITS}. */
export function createLookupLimiter(limits: { perPerson: number; total: number } = LOOKUP_LIMITS): LookupLimiter {
  const pending = new Map<string, number>();
  let total = 0;
  return {
    tryStart(requester) {
      const mine = pending.get(requester) ?? 0;
      if (mine >= limits.perPerson || total >= limits.total) return undefined;
      pending.set(requester, mine + 1);
      total++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total--;
        const left = (pending.get(requester) ?? 1) - 1;
        if (left > 0) pending.set(requester, left);
        else pending.delete(requester);
      };
    },
  };
}
