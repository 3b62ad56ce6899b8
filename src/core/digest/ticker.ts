import { Cron } from 'croner';

/**
 * Runs `work` at the start of every minute, never two at once (croner's `protect`). Each run catches up with
 * whatever is due, so nothing depends on a tick landing exactly at a digest's time.
 */
export function startTicker(
  work: () => Promise<void>,
  onError: (error: unknown) => void,
  /** Every this many seconds instead of every minute (tests of takeover between instances). */
  everySeconds?: number,
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = work().catch(onError);
    return running;
  };
  const pattern = everySeconds ? `*/${everySeconds} * * * * *` : '* * * * *';
  const cron = new Cron(pattern, { protect: true }, tick);
  return {
    async stop() {
      cron.stop();
      await running;
    },
  };
}
