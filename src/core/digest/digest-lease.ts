import { PaperboyError } from '../errors.ts';
import { isDatabaseBusy } from '../store/busy.ts';
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
  keep(): Promise<void>;
  /** Ends the heartbeat (the lease itself ends when the row is closed or released). */
  stop(): void;
}

/**
 * Holds the lease on a claimed row while its digest is posted. It is renewed after every message (`keep`, which
 * posters call) and by a heartbeat every quarter of its length, so a slow platform (a long 429 wait, a slow reply)
 * never lets it run out under a live runner: it runs out only when the runner is dead or stalled. A renewal that
 * cannot write (another process holds the database's write lock, as an import does) is tried again at the next
 * beat or message; `keep` goes on while at least half of the last lease it wrote is left, and stops the poster
 * (`lease_lost`) only when the lease may be about to run out.
 *
 * @param claimedUntil - when the claim that made this row ours runs out (wall-clock milliseconds)
 */
export function holdLease(digests: DigestStore, runId: number, runner: Runner, claimedUntil?: number): HeldLease {
  let lost = false;
  let until = claimedUntil ?? runner.clock() + runner.leaseMs;
  const renew = async () => {
    if (lost) return false;
    const now = runner.clock();
    lost = !(await digests.renewLease(runId, { owner: runner.owner, now, ms: runner.leaseMs }));
    if (!lost) until = now + runner.leaseMs;
    return !lost;
  };
  const heartbeat = setInterval(
    () => {
      renew().catch(() => {
        // The database was busy: the lease has time left, and the next beat or `keep` tries again.
      });
    },
    Math.max(runner.leaseMs / 4, 10),
  );
  return {
    async keep() {
      let kept: boolean;
      try {
        kept = await renew();
      } catch (error) {
        // Busy: the row is still ours until `until`, and no other runner can claim it before then.
        if (!isDatabaseBusy(error) || runner.clock() > until - runner.leaseMs / 2) throw error;
        kept = true;
      }
      if (!kept) throw leaseLost(runId, runner);
    },
    stop: () => clearInterval(heartbeat),
  };
}
