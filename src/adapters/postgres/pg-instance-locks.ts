import pg from 'pg';
import type { InstanceLocks } from '../../core/store/instance-locks.ts';

// The first key of every instance lock (the second is the name's hash). Advisory locks with two int keys never
// meet the single bigint key of the migration lock.
const LOCK_SPACE = 7117;

/**
 * Instance locks on PostgreSQL: session advisory locks (`pg_try_advisory_lock`) held on a connection of their own,
 * so a lock lasts exactly as long as that connection: when the process dies, PostgreSQL ends its session and the
 * lock is free for another instance's next `tryHold`. The connection is opened with the pool's settings but is not
 * one of the pool's clients, so it never takes a slot from queries and `pool.end()` does not wait for it; `close`
 * ends it. A lock already held is checked with a round trip on that connection: a connection that died (the server
 * restarted, an administrator ended it) means the lock is gone, and `tryHold` then tries to take it again on a new one.
 * `tryHold` rejects when PostgreSQL cannot be reached.
 */
export function createPgInstanceLocks(pool: pg.Pool): InstanceLocks {
  let client: pg.Client | undefined;
  const held = new Set<string>();
  // One operation at a time: two overlapping `tryHold`s of one name would otherwise take the lock twice (session
  // advisory locks count), and one `release` would then leave it held.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => {});
    return next;
  };

  const forget = (dead: pg.Client) => {
    if (client !== dead) return;
    client = undefined;
    held.clear();
    dead.end().catch(() => {});
  };
  const connection = async (): Promise<pg.Client> => {
    if (client) return client;
    const fresh = new pg.Client({ ...pool.options, application_name: 'paperboy instance locks' });
    // A connection that fails later (the backend ended) emits 'error'; without a listener that kills the process.
    fresh.on('error', () => forget(fresh));
    fresh.on('end', () => forget(fresh));
    await fresh.connect();
    client = fresh;
    return fresh;
  };

  const stillHeld = async (): Promise<boolean> => {
    const current = client;
    if (!current) return false;
    try {
      await current.query('SELECT 1');
      return true;
    } catch {
      forget(current);
      return false;
    }
  };

  return {
    tryHold: (name) =>
      serial(async () => {
        if (held.has(name) && (await stillHeld())) return true;
        const db = await connection();
        const { rows } = await db.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [
          LOCK_SPACE,
          name,
        ]);
        const ok = rows[0]?.ok === true;
        if (ok) held.add(name);
        return ok;
      }),
    release: (name) =>
      serial(async () => {
        if (!held.has(name) || !client) return;
        held.delete(name);
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_SPACE, name]);
      }),
    close: () =>
      serial(async () => {
        const current = client;
        client = undefined;
        held.clear();
        if (!current) return;
        // Unlocked before the session ends, so another instance can take them the moment this resolves (ending
        // the session frees them too, but only once the server has seen the backend exit).
        await current.query('SELECT pg_advisory_unlock_all()').catch(() => {});
        await current.end();
      }),
  };
}
