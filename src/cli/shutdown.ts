import type { Platform } from '../core/digest/digest-store.ts';
import type { DigestPoster } from '../core/digest/run-digests.ts';

/** How long a stopping command may take to finish what it started before it exits anyway. */
export const GRACE_MS = 10_000;

const SIGNAL_NUMBER: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

/** The exit code of a command stopped by a signal before it finished: 130 for SIGINT, 143 for SIGTERM. */
export const interruptedExit = (signal: AbortSignal | undefined): number =>
  128 + (SIGNAL_NUMBER[String(signal?.reason)] ?? SIGNAL_NUMBER.SIGTERM ?? 15);

/**
 * The posters, withdrawn once `signal` aborts: a digest run then takes no further subscription (the one in flight,
 * which already holds its poster, finishes and records itself in the ledger); the ones left are due at the next run.
 */
export function stopTakingDigests(
  posters: Partial<Record<Platform, DigestPoster>>,
  signal: AbortSignal,
): Partial<Record<Platform, DigestPoster>> {
  const view: Partial<Record<Platform, DigestPoster>> = {};
  for (const [platform, poster] of Object.entries(posters) as [Platform, DigestPoster][]) {
    Object.defineProperty(view, platform, { enumerable: true, get: () => (signal.aborted ? undefined : poster) });
  }
  return view;
}
