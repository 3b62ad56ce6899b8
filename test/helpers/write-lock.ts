import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.ts';

const SCRIPT = join(PROJECT_ROOT, 'test', 'helpers', 'hold-write-lock.ts');

export interface HeldLock {
  child: ChildProcess;
  /** Resolves once the other process committed and exited. */
  released: Promise<void>;
  /** True until then. */
  held(): boolean;
}

/**
 * Starts another process that holds the database's write lock (BEGIN IMMEDIATE) for `ms` milliseconds, and
 * resolves once it holds it. The caller awaits `released` (or kills `child`) before the test ends.
 */
export async function holdWriteLock(db: string, ms: number, options: { migrate?: boolean } = {}): Promise<HeldLock> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', SCRIPT, db, String(ms), ...(options.migrate ? ['--migrate'] : [])],
    {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let alive = true;
  const released = new Promise<void>((resolve, reject) =>
    child.once('exit', (code) => {
      alive = false;
      if (code === 0) resolve();
      else reject(new Error(`the lock holder exited with ${code}`));
    }),
  );
  released.catch(() => {});
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('locked')) resolve();
    });
    child.once('exit', () => reject(new Error('the lock holder exited before taking the lock')));
  });
  return { child, released, held: () => alive };
}

/** Records the longest pause between the beats of a 20 ms timer: how long the event loop was blocked. */
export function watchEventLoop() {
  let last = Date.now();
  let longest = 0;
  let beats = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    longest = Math.max(longest, now - last);
    last = now;
    beats++;
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return { longestPauseMs: longest, beats };
    },
  };
}
