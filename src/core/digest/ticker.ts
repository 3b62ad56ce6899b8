import { Cron } from 'croner';

/**
 * Runs `work` now and then at the start of every minute, never two at once (croner's `protect`). Each tick
 * catches up with whatever is due, so a bot that was down runs the missed digests at its first tick.
 */
export function startTicker(
  work: (now: Date) => Promise<void>,
  onError: (error: unknown) => void,
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = work(new Date()).catch(onError);
    return running;
  };
  void tick();
  const cron = new Cron('* * * * *', { protect: true }, tick);
  return {
    async stop() {
      cron.stop();
      await running;
    },
  };
}
