import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { snapshotPathFor } from '../core/search/paper-index.ts';

// Paths this process uses already (two stores opened in one process, as tests do, take two files).
const inUse = new Set<string>();

const alive = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, run by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Takes `${path}.lock` (our pid in it): true when taken, false when a live process holds it. */
function tryLock(path: string): boolean {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(lock, 'utf8').trim());
      } catch {}
      if (alive(holder) && holder !== process.pid) return false;
      if (holder === process.pid && inUse.has(path)) return false;
      // Stale: left by a process that died (or an earlier run of this one).
      rmSync(lock, { force: true });
    }
  }
  return false;
}

/**
 * The search cache file (and its title snapshot beside it) is one file per process: two processes sharing it
 * would each rename fills over it. Takes `path` when no other live process on this machine uses it (a lock file
 * with the pid, stale when that pid is dead); else a private `path-PID` copy in the same folder, removed by
 * `release` with its snapshot.
 */
export function takeSearchCache(path: string, log?: (line: string) => void): { path: string; release(): void } {
  mkdirSync(dirname(path), { recursive: true });
  if (tryLock(path)) {
    inUse.add(path);
    return {
      path,
      release: () => {
        inUse.delete(path);
        rmSync(`${path}.lock`, { force: true });
      },
    };
  }
  let n = 0;
  let own = `${path}-${process.pid}`;
  while (inUse.has(own)) own = `${path}-${process.pid}-${++n}`;
  inUse.add(own);
  log?.(
    `paperboy: the search cache ${path} is in use by another process; this one uses its own copy ${own} (removed when it stops). Set PAPERBOY_SEARCH_CACHE per instance to keep one across restarts.`,
  );
  return {
    path: own,
    release: () => {
      inUse.delete(own);
      const snapshot = snapshotPathFor(own);
      for (const file of [own, `${own}-wal`, `${own}-shm`, `${own}-journal`, ...(snapshot ? [snapshot] : [])])
        rmSync(file, { force: true });
    },
  };
}
