import type { EnrichRun } from './run-enrichment.ts';

export interface BackgroundEnrichmentOptions {
  /** One enrichment run (at most `limit` papers), stopped by `signal`. */
  run: (signal: AbortSignal) => Promise<EnrichRun>;
  clock: () => Date;
  /** Time between the starts of two runs (default an hour). */
  everyMs?: number;
  log: (line: string) => void;
  warn: (line: string) => void;
}

/**
 * Enrichment in a running bot: started from the bot's tick when the last run started `everyMs` ago or more, and
 * never awaited there, so neither answers nor digests wait on OpenAlex or Semantic Scholar. One run at a time;
 * `stop` aborts the one in flight (what it stored stays) and waits for it.
 */
export function createBackgroundEnrichment({
  run,
  clock,
  everyMs = 60 * 60_000,
  log,
  warn,
}: BackgroundEnrichmentOptions) {
  let lastStart = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | undefined;
  const stopping = new AbortController();
  return {
    /** Starts a run when one is due and none is running; returns at once. */
    poke(): void {
      if (running || stopping.signal.aborted || clock().getTime() - lastStart < everyMs) return;
      lastStart = clock().getTime();
      running = run(stopping.signal)
        .then((result) => {
          if (result.busy && result.papers === 0) return;
          if (result.papers > 0)
            log(
              `paperboy enrich: ${result.papers} papers considered, ${result.updated} updated, ${result.notFound} not known, ${result.failed} failed`,
            );
        })
        .catch((error: unknown) => {
          if (!stopping.signal.aborted)
            warn(`paperboy enrich: the background run stopped: ${(error as Error).message}`);
        })
        .finally(() => {
          running = undefined;
        });
    },
    /** The run in flight, if any (tests wait for it). */
    get running(): Promise<void> | undefined {
      return running;
    },
    async stop(): Promise<void> {
      stopping.abort(new Error('the bot is stopping'));
      await running;
    },
  };
}
