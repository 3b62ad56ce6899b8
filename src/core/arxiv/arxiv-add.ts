import type { PaperStore } from '../store/paper-store.ts';
import type { ArxivLookup } from './arxiv-entry.ts';

/** What `arxiv add --json` prints. */
export interface AddResult {
  /** The arXiv ids asked for, without version, in order. */
  requested: string[];
  /** Each paper found: its id in Paperboy and its arXiv id. */
  papers: { id: number; arxivId: string }[];
  /** Ids arXiv does not know. */
  missing: string[];
  /** Papers stored for the first time (never announced). */
  newPapers: number;
}

/**
 * Looks papers up by arXiv id and stores them, not announced (searchable, never in a digest). One lookup for
 * all the ids (the lookup batches them), one transaction for what it found.
 */
export async function addArxivPapers(
  ids: readonly string[],
  { store, lookup, now }: { store: PaperStore; lookup: ArxivLookup; now: Date },
): Promise<AddResult> {
  const requested = [...new Set(ids)];
  // Only what was asked: an answer holding other papers (a proxy, a misbehaving mirror) stores none of them.
  const asked = new Set(requested);
  const entries = (requested.length ? await lookup(requested) : []).filter((e) => asked.has(e.arxivId));
  const before = (await store.findByArxivIds(entries.map((e) => e.arxivId))).size;
  await store.saveArxivEntries(entries, 'lookup', now);
  const stored = await store.findByArxivIds(entries.map((e) => e.arxivId));
  const found = new Set(entries.map((e) => e.arxivId));
  return {
    requested,
    papers: [...stored].map(([arxivId, id]) => ({ id, arxivId })),
    missing: requested.filter((id) => !found.has(id)),
    newPapers: stored.size - before,
  };
}
