import { PaperboyError } from '../core/errors.ts';

/**
 * `PAPERBOY_DIGEST_LEASE_MS` shortens the claim on a digest (2 minutes by default) for tests that kill runners;
 * it must stay well above the time one message takes to post.
 */
export function leaseOf(env: NodeJS.ProcessEnv): { leaseMs?: number; recheckMs?: number } {
  const leaseMs = msOf(env, 'PAPERBOY_DIGEST_LEASE_MS', '2 minutes');
  // Test knob: how long a digest whose post has an unknown outcome is held before the platform is looked at again.
  const recheckMs = msOf(env, 'PAPERBOY_DIGEST_RECHECK_MS', '2 minutes');
  return { ...(leaseMs ? { leaseMs } : {}), ...(recheckMs ? { recheckMs } : {}) };
}

/**
 * Test knob: `PAPERBOY_PLATFORM_TIMEOUT_MS` shortens how long a digest post waits for Slack (30 s) or Discord
 * (15 s), so a test can play a platform that records a post after the client gave up.
 */
export function platformTimeoutOf(env: NodeJS.ProcessEnv): number | undefined {
  return msOf(env, 'PAPERBOY_PLATFORM_TIMEOUT_MS', 'Slack 30 s, Discord 15 s');
}

function msOf(env: NodeJS.ProcessEnv, name: string, unset: string): number | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 100) {
    throw new PaperboyError(
      'invalid_config',
      `${name} "${raw}" is not a number of milliseconds of at least 100. Unset it (${unset}).`,
    );
  }
  return ms;
}
