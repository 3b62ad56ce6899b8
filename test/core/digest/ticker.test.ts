import { describe, expect, it } from 'vitest';
import { startTicker } from '../../../src/core/digest/ticker.ts';
import { waitFor } from '../../helpers/wait-for.ts';

describe('startTicker with a tick every few milliseconds (PAPERBOY_TICK_MS)', () => {
  it('runs the work again after each run ends, never two at once, and stop waits for the run in flight', async () => {
    let runs = 0;
    let inFlight = 0;
    let most = 0;
    let finished = 0;
    const ticker = startTicker(
      async () => {
        runs++;
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 30));
        inFlight--;
        finished++;
      },
      (error) => {
        throw error;
      },
      10,
    );
    await waitFor(() => runs >= 3);
    await ticker.stop();
    expect(most).toBe(1);
    expect(finished).toBe(runs);
    const after = runs;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(runs).toBe(after);
  });
});
