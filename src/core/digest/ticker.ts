import { Cron } from 'croner';

/**
 * Runs `work` at the start of every minute, never two at once (croner's `protect`). Each run catches up with
 * whatever is due, so nothing depends on a tick landing exactly at a digest's time. `everyMs` (tests: the
 * multi-instance tests cannot wait a minute for each tick) runs it that long after the previous run ended instead.
 */
export function startTicker(
  work: () => Promise<void>,
  onError: (error: unknown) => void,
  everyMs?: number,
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = work().catch(onError);
    return running;
  };
  if (everyMs) {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const schedule = () => {
      timer = setTimeout(() => {
        void tick().then(() => {
          if (!stopped) schedule();
        });
      }, everyMs);
    };
    schedule();
    return {
      async stop() {
        stopped = true;
        clearTimeout(timer);
        await running;
      },
    };
  }
  const cron = new Cron('* * * * *', { protect: true }, tick);
  return {
    async stop() {
      cron.stop();
      await running;
    },
  };
}
