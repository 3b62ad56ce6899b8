/**
 * arXiv's terms of use: at most one request every 3 seconds and one connection at a time. A gate queues every
 * request of a process through one slot: a request starts only when the previous one has finished and at least
 * `minIntervalMs` after the previous one started.
 */
export interface ArxivGate {
  /**
   * Runs `request` when its turn comes; requests run one at a time, in order. When `signal` is aborted before
   * its turn, it rejects with the signal's reason and never runs.
   */
  run<T>(request: () => Promise<T>, signal?: AbortSignal): Promise<T>;
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
    run<T>(request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      const turn = tail.then(async () => {
        signal?.throwIfAborted();
        const wait = lastStart + minIntervalMs - clock();
        if (wait > 0) await abortable(sleep(wait), signal);
        signal?.throwIfAborted();
        lastStart = clock();
        return request();
      });
      // The next request waits for this one to end, whether it succeeded or not.
      tail = turn.catch(() => {});
      return turn;
    },
  };
}

/** `promise`, or a rejection with the signal's reason as soon as it is aborted. */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
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
