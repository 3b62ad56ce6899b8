import { PaperboyError } from '../errors.ts';
import type { DigestStore } from './digest-store.ts';

/** A claim on a ledger row lasts this long unless renewed; a crashed runner's claim runs out after it. */
export const DIGEST_LEASE_MS = 2 * 60_000;

/** Who a runner is in the leases it takes, how long they last, and the wall clock that times them. */
export interface Runner {
  owner: string;
  leaseMs: number;
  clock: () => number;
}

/** The error of a runner that no longer holds the row it was working on. */
export const leaseLost = (runId: number, runner: Runner): PaperboyError =>
  new PaperboyError(
    'lease_lost',
    `digest run ${runId}: ${runner.owner} no longer holds its lease (another runner took it over); stopped posting. ` +
      'The new holder finishes the digest from what is already on the platform.',
  );

/** A lease this runner holds while it posts one digest. */
export interface HeldLease {
  /** Renews the lease; throws `lease_lost` when the row is no longer this runner's, so the poster stops. */
  keep(): void;
  /** Ends the heartbeat (the lease itself ends when the row is closed or released). */
  stop(): void;
}

/**
 * Holds the lease on a claimed row while its digest is posted. It is renewed after every message (`keep`, which
 * posters call) and by a heartbeat every quarter of its length, so a slow platform (a long 429 wait, a slow reply)
 * never lets it run out under a live runner: it runs out only when the runner is dead or stalled. A heartbeat that
 * cannot write (a busy database) tries again at the next beat; `keep` refuses to go on without a renewal.
 */
export function holdLease(digests: DigestStore, runId: number, runner: Runner): HeldLease {
  let lost = false;
  const renew = () => {
    if (!lost) lost = !digests.renewLease(runId, { owner: runner.owner, now: runner.clock(), ms: runner.leaseMs });
    return !lost;
  };
  const heartbeat = setInterval(
    () => {
      try {
        renew();
      } catch {
        // The database was busy: the lease has time left, and the next beat or `keep` tries again.
      }
    },
    Math.max(runner.leaseMs / 4, 10),
  );
  return {
    keep() {
      if (!renew()) throw leaseLost(runId, runner);
    },
    stop: () => clearInterval(heartbeat),
  };
}
