import MiniSearch from 'minisearch';
import { allowsFuzzy, INPUT_LIMITS } from '../input-limits.ts';
import { editDistance } from '../search/edit-distance.ts';
import { toMatchKey } from '../text.ts';

// How many candidates the name index hands to the finer likeness score.
const CANDIDATES = 300;

interface NameEntry {
  name: string;
  key: string;
  words: string[];
}

const toEntry = (name: string): NameEntry => {
  const key = toMatchKey(name);
  return { name, key, words: key.split(' ') };
};

/**
 * Scores how well a query names a candidate: 1 for the same name (case, accents and punctuation aside),
 * high when every query word starts a word of the name ("hatfield" for "Zac Hatfield-Dodds"), lower
 * for a spelling a few edits away, 0 for no likeness.
 */
function likeness(query: NameEntry, candidate: NameEntry): number {
  const q = query.key;
  const c = candidate.key;
  if (q === '' || c === '') return 0;
  if (q === c) return 1;
  if (query.words.every((w) => candidate.words.some((n) => n.startsWith(w))))
    return 0.9 * (q.length / c.length) ** 0.25;
  const allowed = Math.max(1, Math.floor(q.length / 4));
  const distance = editDistance(q, c, allowed);
  if (distance <= allowed) return 0.8 - distance / (q.length + 4);
  // Word by word: each query word close to some word of the name.
  let close = 0;
  for (const w of query.words) {
    const max = Math.floor(w.length / 4);
    if (candidate.words.some((n) => editDistance(w, n, max) <= max)) close++;
  }
  return close === query.words.length ? 0.5 : (0.3 * close) / query.words.length;
}

/** {@link likeness} of two names. */
export const nameLikeness = (query: string, candidate: string): number => likeness(toEntry(query), toEntry(candidate));

/**
 * The names of a list, prepared once for fast "closest name" look-ups (author cards, autocomplete). A small
 * MiniSearch index over the names' words finds candidates by prefix and by typo (its radix tree does that in a
 * few milliseconds for tens of thousands of names); {@link nameLikeness} then ranks only those.
 */
export function createNameIndex(names: readonly string[]) {
  const entries = names.map(toEntry);
  const search = new MiniSearch<{ id: number; name: string }>({
    fields: ['name'],
    tokenize: (text) => toMatchKey(text).split(' '),
  });
  search.addAll(entries.map((entry, id) => ({ id, name: entry.name })));
  return {
    size: entries.length,
    /**
     * The names most like `query`, best first, at most `limit`, leaving out weak likenesses. A query longer than
     * any name may be (`INPUT_LIMITS.name`) is like none; a word longer than `INPUT_LIMITS.fuzzyWord` is only
     * matched exactly or as a prefix, since typo matching allocates by the square of the word's length.
     */
    closest(query: string, limit = 5, floor = 0.3): { name: string; score: number }[] {
      if (query.length > INPUT_LIMITS.name) return [];
      const wanted = toEntry(query);
      if (wanted.key === '') return [];
      const candidates = search
        .search(wanted.key, { prefix: true, fuzzy: (term) => (allowsFuzzy(term) ? 0.25 : false) })
        .slice(0, CANDIDATES);
      const scored: { name: string; score: number }[] = [];
      for (const candidate of candidates) {
        const entry = entries[candidate.id as number] as NameEntry;
        const score = likeness(wanted, entry);
        if (score >= floor) scored.push({ name: entry.name, score });
      }
      return scored.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name)).slice(0, limit);
    },
  };
}

/** The names most like `query`, best first, at most `limit`, leaving out weak likenesses. */
export function closestNames(query: string, names: readonly string[], limit = 5, floor = 0.3): string[] {
  return createNameIndex(names)
    .closest(query, limit, floor)
    .map((s) => s.name);
}
