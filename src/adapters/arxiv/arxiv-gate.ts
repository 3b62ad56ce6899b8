/**
 * arXiv's terms of use: at most one request every 3 seconds and one connection at a time. A gate queues every
 * request of a process through one slot: a request starts only when the previous one has finished and at least
 * `minIntervalMs` after the previous one started.
 *
 * Two lanes: the daily sync, which digests wait for, goes before every pasted-link lookup still waiting (in
 * order within a lane), so however many lookups are queued the sync waits at most for the one in flight.
 */
export interface ArxivGate {
  /**
   * Runs `request` when its turn comes; requests run one at a time, `sync` before `lookup`, in order within a
   * lane. When `signal` is aborted before its turn, it rejects with the signal's reason and never runs.
   */
  run<T>(request: () => Promise<T>, signal?: AbortSignal, lane?: ArxivLane): Promise<T>;
  /** Requests waiting for their turn (not the one running), by lane. */
  waiting(): Record<ArxivLane, number>;
}

/** `sync`: listings, backfill, `arxiv add` (the default); `lookup`: papers pasted as links while someone waits. */
export type ArxivLane = 'sync' | 'lookup';

export interface GateOptions {
  /** Milliseconds since the epoch (a fake in tests). */
  clock?: () => number;
  /** Waits that many milliseconds (a fake in tests advances the fake clock). */
  sleep?: (ms: number) => Promise<void>;
  minIntervalMs?: number;
}

export const ARXIV_MIN_INTERVAL_MS = 3_000;

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Waiting {
  start(): Promise<void>;
  signal: AbortSignal | undefined;
}

/** A gate of its own (tests, or a client that must not share the process's). */
export function createArxivGate({
  clock = Date.now,
  sleep = realSleep,
  minIntervalMs = ARXIV_MIN_INTERVAL_MS,
}: GateOptions = {}): ArxivGate {
  const lanes: Record<ArxivLane, Waiting[]> = { sync: [], lookup: [] };
  let lastStart = Number.NEGATIVE_INFINITY;
  let pumping = false;
  const next = () => lanes.sync.shift() ?? lanes.lookup.shift();
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (lanes.sync.length || lanes.lookup.length) {
        const wait = lastStart + minIntervalMs - clock();
        if (wait > 0) await sleep(wait);
        // Chosen after the wait: a sync that arrived meanwhile goes before the lookups already waiting.
        const job = next();
        if (!job) break;
        if (job.signal?.aborted) continue;
        lastStart = clock();
        // The next request waits for this one to end, whether it succeeded or not.
        await job.start();
      }
    } finally {
      pumping = false;
    }
  };
  return {
    run<T>(request: () => Promise<T>, signal?: AbortSignal, lane: ArxivLane = 'sync'): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const job: Waiting = {
          signal,
          start: async () => {
            signal?.removeEventListener('abort', onAbort);
            try {
              resolve(await request());
            } catch (error) {
              reject(error);
            }
          },
        };
        const onAbort = () => {
          const queue = lanes[lane];
          const at = queue.indexOf(job);
          if (at !== -1) queue.splice(at, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        lanes[lane].push(job);
        void pump();
      });
    },
    waiting: () => ({ sync: lanes.sync.length, lookup: lanes.lookup.length }),
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
