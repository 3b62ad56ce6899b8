/**
 * Work that runs on one instance at a time however many share the store (the arXiv sync, the profile-folder
 * watcher): an instance that holds a name does the work; when it dies, another one takes the name over.
 */
export interface InstanceLocks {
  /**
   * Takes the lock `name` unless another instance holds it: true when this instance holds it now (also when it
   * held it already: holding twice takes no second lock). Call it before each round of the work, since a lock
   * can be lost (a connection that died) and another instance's can be left behind.
   */
  tryHold(name: string): Promise<boolean>;
  /** Gives `name` up, so another instance may take it at once. */
  release(name: string): Promise<void>;
  /** Gives every lock up. */
  close(): Promise<void>;
}

/**
 * The locks of a single process on SQLite: always held. Nothing more is needed there: the arXiv feed's lease row
 * already lets one process at a time fetch, and the profile watcher's saves are idempotent (an unchanged page is
 * not written again), so two processes watching one folder store each page once.
 */
export function createLocalInstanceLocks(): InstanceLocks {
  return {
    tryHold: async () => true,
    release: async () => {},
    close: async () => {},
  };
}
