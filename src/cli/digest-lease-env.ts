import { PaperboyError } from '../core/errors.ts';

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
