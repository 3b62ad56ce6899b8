import { READING_LIST_CAP } from '../reading/reading-commands.ts';
import type { Reader } from '../reading/reading-list-store.ts';
import { toDoiKey } from '../store/identity.ts';
import type { PaperStore } from '../store/paper-store.ts';
import type { BibLibrary } from './bib-library.ts';
import { titleMatchKey } from './bib-library.ts';
import { userOwner } from './owner-key.ts';
import type { TasteStore } from './taste-store.ts';

/** What `saved import` answers (`--json`): counts, the entries not in the index, the entries that did not parse. */
export interface ImportSummary {
  entries: number;
  matched: number;
  added: number;
  unmatched: { key: string; title: string }[];
  errors: { line: number; message: string }[];
}

/**
 * Imports a parsed library for a person: each entry is found in the index by arXiv id, then DOI, then normalised
 * title; matched papers join the reading list (up to its cap; past it they still count as taste) and count as
 * positives (`import` signals).
 */
export async function importLibrary(
  deps: { store: PaperStore; taste: TasteStore },
  reader: Reader,
  library: BibLibrary,
  now: Date,
): Promise<ImportSummary> {
  const { store, taste } = deps;
  const arxivIds = library.entries.flatMap((e) => (e.arxivId ? [e.arxivId] : []));
  const byArxiv = arxivIds.length ? await store.findByArxivIds(arxivIds) : new Map<string, number>();
  const paperOf = new Map<number, number>();
  const rest: number[] = [];
  for (const [i, entry] of library.entries.entries()) {
    const id = entry.arxivId ? byArxiv.get(entry.arxivId) : undefined;
    if (id !== undefined) paperOf.set(i, id);
    else rest.push(i);
  }
  const byTitle: number[] = [];
  for (const i of rest) {
    const doi = library.entries[i]?.doi;
    const id = doi ? await store.findByDoi(toDoiKey(doi)) : undefined;
    if (id !== undefined) paperOf.set(i, id);
    else byTitle.push(i);
  }
  const keys = byTitle.map((i) => titleMatchKey(library.entries[i]?.title ?? '')).filter((k) => k !== '');
  const titles = keys.length ? await taste.findByTitleKeys(keys) : new Map<string, number>();
  for (const i of byTitle) {
    const id = titles.get(titleMatchKey(library.entries[i]?.title ?? ''));
    if (id !== undefined) paperOf.set(i, id);
  }
  let added = 0;
  const owner = userOwner(reader);
  const done = new Set<number>();
  for (const paperId of paperOf.values()) {
    if (done.has(paperId)) continue;
    done.add(paperId);
    const saved = await store.readingList.save(reader, paperId, now, READING_LIST_CAP);
    if (saved.status === 'saved') added++;
    await taste.removeSignal({ owner, actor: reader.user, paperId, source: 'removed' });
    await taste.addSignal({ owner, actor: reader.user, paperId, source: 'import' }, now);
  }
  return {
    entries: library.entries.length,
    matched: paperOf.size,
    added,
    unmatched: library.entries.flatMap((e, i) => (paperOf.has(i) ? [] : [{ key: e.key, title: e.title }])),
    errors: library.errors,
  };
}
