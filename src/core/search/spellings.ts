import type { PaperIndex } from './paper-index.ts';
import type { SearchQuery } from './query-parser.ts';
import type { TextIndex } from './text-index.ts';

/** A query word with the spellings that satisfy it (docs/search.md, "Accepted spellings"). */
export interface WordPlan {
  word: string;
  /** Empty when no spelling of the word is held by any paper: then no paper matches every word. */
  spellings: string[];
  /** True when the word itself is held by no paper (a typo, or an unfinished word). */
  unknown: boolean;
}

/**
 * The accepted spellings of each query word: the word itself when some paper holds it; for a word no paper
 * holds, its typo alternatives; for the last word, when no title holds it, also its completions. Quoted
 * words only as spelled.
 * Looked up afresh on every query (no cache), so words ingested by another process count at once.
 */
export function planWords(query: SearchQuery, index: PaperIndex, text: TextIndex): WordPlan[] {
  return query.terms.map((word, i) => {
    const held = text.hasTerm(word);
    if (query.exact.includes(word)) return { word, spellings: held ? [word] : [], unknown: !held };
    const spellings = new Set<string>(held ? [word] : []);
    if (!held) for (const typo of index.typos(word)) spellings.add(typo);
    // An unfinished last word is one no title holds: "transfo", not "language".
    if (i === query.terms.length - 1 && index.titleCount(word) === 0)
      for (const completion of index.completions(word)) spellings.add(completion);
    return { word, spellings: [...spellings], unknown: !held };
  });
}
