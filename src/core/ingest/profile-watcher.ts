import { existsSync, statSync } from 'node:fs';
import type { PaperStore } from '../store/paper-store.ts';
import { collectFiles, ingestPaths } from './ingest-files.ts';
import type { IngestSummary } from './ingest-summary.ts';

/**
 * Keeps a folder of profile pages loaded while the bot runs: each call loads the pages added or changed
 * since the last one. Size and modification time tell, so a large unchanged folder costs a stat per file,
 * not a read and a hash.
 */
export function createProfileWatcher(store: PaperStore, folder: string) {
  const seen = new Map<string, string>();
  return {
    /** Loads new or changed pages; undefined when there were none. */
    async loadChanged(now: Date): Promise<IngestSummary | undefined> {
      if (!existsSync(folder)) return undefined;
      const changed: string[] = [];
      // Pages only: a corpus file streams inside one long transaction, and the bot's own writes (the digest
      // ledger, new subscriptions) must never wait inside, or be rolled back with, someone else's import.
      for (const file of collectFiles([folder]).files.filter((f) => f.toLowerCase().endsWith('.txt'))) {
        let stamp: string;
        try {
          const stat = statSync(file);
          stamp = `${stat.size}:${stat.mtimeMs}`;
        } catch {
          continue;
        }
        if (seen.get(file) !== stamp) {
          seen.set(file, stamp);
          changed.push(file);
        }
      }
      return changed.length ? ingestPaths(changed, { store, clock: () => now }) : undefined;
    },
  };
}
