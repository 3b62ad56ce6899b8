import type { PaperIndex } from './paper-index.ts';
import type { SearchQuery } from './query-parser.ts';
import { formsPrefix, isStemmed, stemOf } from './stem.ts';
import type { HeldWord, TextIndex } from './text-index.ts';

/** A query word with the spellings that satisfy it (docs/search.md, "Accepted spellings"). */
export interface WordPlan {
  word: string;
  /** Empty when no spelling of the word is held by any paper: then no paper matches every word. */
  spellings: string[];
  /**
   * The spellings that rank above the other forms of a stem: the word itself when held, its typo alternatives
   * and completions. The rest of `spellings` are other words with the same English stem.
   */
  exact: string[];
  /** Its typo alternatives (one word of each stem), best first; only for a word none of whose forms is held. */
  typos: string[];
  /** True when no paper holds the word nor any word with its stem (a typo, or an unfinished word). */
  unknown: boolean;
  /** Papers holding each spelling, summed: what reading the word's doclists costs (the relaxed work budget). */
  papers: number;
}

/** How many typo alternatives (distinct stems) a word may stand for. */
const TYPO_STEMS = 3;

/**
 * The words some paper holds with the same English stem, each with its paper count, read from the text index
 * and kept until its rev moves: a word another process ingests counts at the next query.
 */
export class WordForms {
  #rev = -1;
  #byStem = new Map<string, HeldWord[]>();
  constructor(private readonly text: TextIndex) {}

  /** The held words whose stem is `stemOf(word)` (the word itself among them when held). */
  of(word: string): HeldWord[] {
    const rev = this.text.rev();
    if (rev !== this.#rev || this.#byStem.size > 50_000) {
      this.#byStem.clear();
      this.#rev = rev;
    }
    const stem = stemOf(word);
    let forms = this.#byStem.get(stem);
    if (!forms) {
      forms = this.#read(word, stem);
      this.#byStem.set(stem, forms);
    }
    return forms;
  }

  #read(word: string, stem: string): HeldWord[] {
    // A word that is not stemmed (digits, other scripts, over 40 characters) has only itself as a form.
    if (!isStemmed(word)) {
      const papers = this.text.papersHolding(word);
      return papers > 0 ? [{ word, papers }] : [];
    }
    const { prefix, irregular } = formsPrefix(stem);
    const found = this.text.wordsStartingWith(prefix).filter((w) => stemOf(w.word) === stem);
    if (irregular) {
      const papers = this.text.papersHolding(irregular);
      if (papers > 0) found.push({ word: irregular, papers });
    }
    return found;
  }
}

/**
 * The accepted spellings of each query word: the word itself when some paper holds it, and every other word
 * some paper holds with the same English stem; for a word none of whose forms is held, its typo alternatives
 * (the closest title words of up to 3 stems) with their forms; for the last word, when no title holds it, also
 * its completions. Quoted words only as spelled.
 * Looked up afresh whenever the text index moved, so words ingested by another process count at once.
 */
export function planWords(query: SearchQuery, index: PaperIndex, text: TextIndex, forms: WordForms): WordPlan[] {
  return query.terms.map((word, i) => {
    if (query.exact.includes(word)) {
      const papers = text.papersHolding(word);
      const spellings = papers > 0 ? [word] : [];
      // No alternatives are searched for a quoted word, but "did you mean" may still offer one.
      const typos = papers === 0 ? typoStems(index, word) : [];
      return { word, spellings, exact: spellings, typos, unknown: papers === 0, papers };
    }
    const spellings = new Map<string, number>();
    const exact = new Set<string>();
    const own = forms.of(word);
    for (const form of own) spellings.set(form.word, form.papers);
    if (spellings.has(word)) exact.add(word);
    const typos = own.length === 0 ? typoStems(index, word) : [];
    for (const typo of typos) {
      exact.add(typo);
      for (const form of forms.of(typo)) spellings.set(form.word, form.papers);
    }
    // An unfinished last word is one no title holds: "transfo", not "language".
    if (i === query.terms.length - 1 && index.titleCount(word) === 0)
      for (const completion of index.completions(word)) {
        exact.add(completion);
        if (!spellings.has(completion)) spellings.set(completion, text.papersHolding(completion));
      }
    // Exact spellings first, then the other forms in the order the index gave them.
    const ordered = [...exact, ...[...spellings.keys()].filter((s) => !exact.has(s))];
    let papers = 0;
    for (const n of spellings.values()) papers += n;
    return { word, spellings: ordered, exact: [...exact], typos, unknown: own.length === 0, papers };
  });
}

/**
 * A mistyped word's alternatives: the title words at the smallest edit distance (docs/search.md), in their
 * order (most titles first, then alphabetically), the first of each stem, up to {@link TYPO_STEMS} stems.
 */
export function typoStems(index: PaperIndex, word: string): string[] {
  const out: string[] = [];
  const stems = new Set<string>();
  for (const typo of index.typos(word, Number.POSITIVE_INFINITY)) {
    const stem = stemOf(typo);
    if (stems.has(stem)) continue;
    stems.add(stem);
    out.push(typo);
    if (out.length === TYPO_STEMS) break;
  }
  return out;
}
