import { describe, expect, it } from 'vitest';
import { lockGate } from '../../src/cli/start-command.ts';
import type { InstanceLocks } from '../../src/core/store/instance-locks.ts';

/** Instance locks whose answers are scripted: true/false, or an Error for a store that cannot be asked. */
function scriptedLocks(answers: (boolean | Error)[]): InstanceLocks {
  return {
    tryHold: async () => {
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return next ?? false;
    },
    release: async () => {},
    close: async () => {},
  } as InstanceLocks;
}

describe('the lock gate of start (watcher and arXiv sync on one instance at a time)', () => {
  it('logs a lock that cannot be asked as that, not as another instance holding it, and logs the hold once back', async () => {
    const logs: string[] = [];
    const warnings: string[] = [];
    const starting = new Error('the database system is starting up');
    const gate = lockGate(
      { kind: 'postgres', locks: scriptedLocks([true, starting, true, false]) },
      'profile-watcher',
      'the profile-folder watcher',
      (line) => logs.push(line),
      (line) => warnings.push(line),
    );
    expect(await gate()).toBe(true);
    expect(await gate()).toBe(false);
    expect(await gate()).toBe(true);
    expect(await gate()).toBe(false);
    expect(warnings).toEqual([
      expect.stringMatching(
        /lock_failed: could not ask for the lock profile-watcher: the database system is starting up/,
      ),
    ]);
    expect(logs).toEqual([
      'paperboy: this instance runs the profile-folder watcher (it holds the lock profile-watcher)',
      'paperboy: another instance runs the profile-folder watcher (it holds the lock profile-watcher); this one takes over when it stops',
    ]);
  });
});
