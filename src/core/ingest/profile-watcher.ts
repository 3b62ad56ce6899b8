import { existsSync, statSync } from 'node:fs';
import type { BusyRetryOptions } from '../store/busy.ts';
import type { PaperStore } from '../store/paper-store.ts';
import { collectFiles, ingestPaths } from './ingest-files.ts';
import type { IngestSummary } from './ingest-summary.ts';

const PAGE = /\.txt$/i;
const RECORDS = /\.jsonl$/i;

/**
 * Keeps a folder of profile pages loaded while the bot runs: each call loads the pages added or changed
 * since the last one, and the `*.jsonl` paper records beside them (the sample's arXiv ids, so its papers are
 * found by id and by arXiv's DOI offline), pages first ({@link ingestPaths}): a record then fills the gaps of a
 * page's paper (its arXiv id) by title. Size and modification time tell, so a large unchanged folder costs a stat
 * per file, not a read and a hash; a page whose bytes are stored already costs a read, never the write lock.
 * Symbolic links are followed (a Kubernetes ConfigMap mount), each file once.
 */
export function createProfileWatcher(store: PaperStore, folder: string) {
  const seen = new Map<string, string>();
  return {
    /**
     * Loads new or changed pages; undefined when there were none. A page counts as seen only once it is
     * stored: when the database stays locked by another process past `busy.maxWaitMs`, this throws a
     * `database_busy` error and the next call tries the same pages again.
     */
    async loadChanged(now: Date, busy?: BusyRetryOptions): Promise<IngestSummary | undefined> {
      if (!existsSync(folder)) return undefined;
      const changed = new Map<string, string>();
      // Pages and plain `.jsonl` records only: a compressed corpus or arXiv's snapshot streams inside one long
      // transaction, and the bot's own writes (the digest ledger, new subscriptions) must never wait inside, or be
      // rolled back with, someone else's import; `paperboy ingest` loads those. Records keep their announce rule.
      for (const file of collectFiles([folder]).files.filter((f) => PAGE.test(f) || RECORDS.test(f))) {
        let stamp: string;
        try {
          const stat = statSync(file);
          stamp = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
        } catch {
          continue;
        }
        if (seen.get(file) !== stamp) changed.set(file, stamp);
      }
      if (changed.size === 0) return undefined;
      const summary = await ingestPaths([...changed.keys()], { store, clock: () => now, ...(busy ? { busy } : {}) });
      // Committed now (a rejected page too: it is reported once, and again only when it changes).
      for (const [file, stamp] of changed) seen.set(file, stamp);
      return summary;
    },
  };
}
