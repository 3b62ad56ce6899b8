/**
 * Random platform trouble for fault-injection tests. Each request to a faulty route draws at most one fault:
 * a 429 (nothing recorded, as platforms refuse before doing anything), a 500 before the message is recorded,
 * a 500 after it is recorded (the caller cannot tell it went out, as with a real platform's timeouts and 5xx),
 * a slow reply, or (`lateRecord`, message posts only) a post recorded `lateMs` after the request, past the client's
 * timeout, as Slack did 45 s after a request its client gave up on at 30 s. Off until a plan is set.
 */
export interface FaultPlan {
  /** A seeded random source in [0, 1). */
  random: () => number;
  rateLimited: number;
  failBefore: number;
  failAfter: number;
  slow: number;
  /** A slow reply waits between these many milliseconds (`slowMinMs`, default 0) and `slowMs`. */
  slowMs: number;
  slowMinMs?: number;
  /** Seconds, in a 429's Retry-After. */
  retryAfter: number;
  /** How often a message post is recorded late (after `lateMs`, longer than the client's timeout). */
  lateRecord?: number;
  lateMs?: number;
}

export type FaultKind = 'rateLimited' | 'failBefore' | 'failAfter' | 'slow' | 'lateRecord';
export type FaultCounts = Record<FaultKind, number>;

const KINDS: FaultKind[] = ['rateLimited', 'failBefore', 'failAfter', 'slow', 'lateRecord'];

export function createFaults() {
  let plan: FaultPlan | undefined;
  const counts: FaultCounts = { rateLimited: 0, failBefore: 0, failAfter: 0, slow: 0, lateRecord: 0 };
  return {
    counts,
    set(next: FaultPlan | undefined) {
      plan = next;
    },
    get retryAfter() {
      return plan?.retryAfter ?? 1;
    },
    /** The fault for one request, counted, with how long a slow reply waits. */
    draw(): { kind: FaultKind; delayMs: number } | undefined {
      if (!plan) return undefined;
      let r = plan.random();
      for (const kind of KINDS) {
        const p = plan[kind] ?? 0;
        if (r < p) {
          counts[kind]++;
          const min = plan.slowMinMs ?? 0;
          if (kind === 'lateRecord') return { kind, delayMs: plan.lateMs ?? 0 };
          return { kind, delayMs: kind === 'slow' ? Math.round(min + plan.random() * (plan.slowMs - min)) : 0 };
        }
        r -= p;
      }
      return undefined;
    },
  };
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every reply of a faulty route `ms` late, and nothing else. */
export const slowReplies = (ms: number): FaultPlan => ({
  random: () => 0.5,
  rateLimited: 0,
  failBefore: 0,
  failAfter: 0,
  slow: 1,
  slowMs: ms,
  slowMinMs: ms,
  retryAfter: 1,
});
