import { PaperboyError } from '../core/errors.ts';

// Test knobs: tests that kill instances or run several cannot wait out 2-minute leases and 1-minute ticks.

/**
 * `PAPERBOY_DIGEST_LEASE_MS` shortens the claim on a digest (2 minutes by default) for tests that kill runners;
 * it must stay well above the time one message takes to post.
 */
export function leaseOf(env: NodeJS.ProcessEnv): { leaseMs?: number } {
  const raw = env.PAPERBOY_DIGEST_LEASE_MS;
  if (!raw) return {};
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 100) {
    throw new PaperboyError(
      'invalid_config',
      `PAPERBOY_DIGEST_LEASE_MS "${raw}" is not a number of milliseconds of at least 100. Unset it (2 minutes).`,
    );
  }
  return { leaseMs: ms };
}

/**
 * `PAPERBOY_TICK_MS`: `start`'s periodic work (the profile-folder watcher, the arXiv sync, due digests) runs that
 * many milliseconds after the previous run ended instead of at the start of every minute. For tests that run
 * several instances and cannot wait a minute per tick; unset in production.
 */
export function tickEveryOf(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.PAPERBOY_TICK_MS;
  if (!raw) return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 50) {
    throw new PaperboyError(
      'invalid_config',
      `PAPERBOY_TICK_MS "${raw}" is not a number of milliseconds of at least 50. Unset it (a tick every minute).`,
    );
  }
  return ms;
}
