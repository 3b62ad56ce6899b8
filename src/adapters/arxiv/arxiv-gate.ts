/**
 * arXiv's terms of use: at most one request every 3 seconds and one connection at a time. A gate queues every
 * request of a process through one slot: a request starts only when the previous one has finished and at least
 * `minIntervalMs` after the previous one started.
 */
export interface ArxivGate {
  /** Runs `request` when its turn comes; requests run one at a time, in order. */
  run<T>(request: () => Promise<T>): Promise<T>;
}

export interface GateOptions {
  /** Milliseconds since the epoch (a fake in tests). */
  clock?: () => number;
  /** Waits that many milliseconds (a fake in tests advances the fake clock). */
  sleep?: (ms: number) => Promise<void>;
  minIntervalMs?: number;
}

export const ARXIV_MIN_INTERVAL_MS = 3_000;

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A gate of its own (tests, or a client that must not share the process's). */
export function createArxivGate({
  clock = Date.now,
  sleep = realSleep,
  minIntervalMs = ARXIV_MIN_INTERVAL_MS,
}: GateOptions = {}): ArxivGate {
  let tail: Promise<unknown> = Promise.resolve();
  let lastStart = Number.NEGATIVE_INFINITY;
  return {
    run<T>(request: () => Promise<T>): Promise<T> {
      const turn = tail.then(async () => {
        const wait = lastStart + minIntervalMs - clock();
        if (wait > 0) await sleep(wait);
        lastStart = clock();
        return request();
      });
      // The next request waits for this one to end, whether it succeeded or not.
      tail = turn.catch(() => {});
      return turn;
    },
  };
}

let processGate: ArxivGate | undefined;

/**
 * The gate every arXiv client of this process shares by default (the sync, backfill and the link lookup), so
 * the limit holds for the process as a whole, not per client.
 */
export function processArxivGate(): ArxivGate {
  processGate ??= createArxivGate();
  return processGate;
}
