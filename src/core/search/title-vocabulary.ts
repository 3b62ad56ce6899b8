/**
 * The title vocabulary: every title word with the number of titles holding it, as one sorted array of words (by
 * UTF-16 code unit) and a parallel array of counts. A sorted array answers what search asks of it (a word's
 * count, the words at a prefix, the words within a few edits) by binary search and a walk that shares the
 * edit-distance rows of common prefixes, like a trie walk; unlike a trie it loads from a snapshot as one string
 * split at newlines (a radix tree of the 1M-paper vocabulary took seconds to rebuild at every start).
 */
export class TitleVocabulary {
  #words: string[];
  #counts: Uint32Array;
  /** Counts added since the last {@link TitleVocabulary.commit}: merged into the sorted arrays in one pass. */
  #pending = new Map<string, number>();

  constructor(words: string[] = [], counts: Uint32Array = new Uint32Array(0)) {
    this.#words = words;
    this.#counts = counts;
  }

  get size(): number {
    return this.#words.length;
  }

  /** The sorted words and their counts (the arrays themselves: for the snapshot, not for changing). */
  entries(): { words: readonly string[]; counts: Uint32Array } {
    return { words: this.#words, counts: this.#counts };
  }

  /** Position of the first word not below `word`. */
  #lowerBound(word: string): number {
    let lo = 0;
    let hi = this.#words.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#words[mid] as string) < word) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** How many titles hold `word` (0 when none). */
  count(word: string): number {
    const at = this.#lowerBound(word);
    return this.#words[at] === word ? (this.#counts[at] as number) : 0;
  }

  has(word: string): boolean {
    return this.count(word) > 0;
  }

  /**
   * Counts one more title for `word` (`by` 1), or one fewer (`by` -1: a retitled paper's old word); seen by
   * look-ups after {@link TitleVocabulary.commit}.
   */
  add(word: string, by: 1 | -1 = 1): void {
    this.#pending.set(word, (this.#pending.get(word) ?? 0) + by);
  }

  /**
   * Merges the counted changes into the sorted arrays: one pass over the vocabulary, whatever changed. A word no
   * title holds any more leaves the vocabulary.
   */
  commit(): void {
    if (this.#pending.size === 0) return;
    const fresh: string[] = [];
    let emptied = false;
    for (const [word, n] of this.#pending) {
      const at = this.#lowerBound(word);
      if (this.#words[at] === word) {
        const count = Math.max(0, (this.#counts[at] as number) + n);
        this.#counts[at] = count;
        if (count === 0) emptied = true;
      } else if (n > 0) fresh.push(word);
    }
    if (fresh.length > 0 || emptied) {
      fresh.sort();
      const words: string[] = [];
      const counts: number[] = [];
      let i = 0;
      let j = 0;
      while (i < this.#words.length || j < fresh.length) {
        const old = this.#words[i];
        const add = fresh[j];
        if (add === undefined || (old !== undefined && old < add)) {
          const count = this.#counts[i++] as number;
          if (count > 0) {
            words.push(old as string);
            counts.push(count);
          }
        } else {
          words.push(add);
          counts.push(this.#pending.get(add) as number);
          j++;
        }
      }
      this.#words = words;
      this.#counts = Uint32Array.from(counts);
    }
    this.#pending.clear();
  }

  /** Words that start with `prefix`, with their counts, in alphabetical order. */
  *atPrefix(prefix: string): Generator<[string, number]> {
    for (let at = this.#lowerBound(prefix); at < this.#words.length; at++) {
      const word = this.#words[at] as string;
      if (!word.startsWith(prefix)) return;
      yield [word, this.#counts[at] as number];
    }
  }

  /**
   * Words within `maxEdits` Levenshtein edits of `term` (insert, delete, replace; UTF-16 code units), what
   * MiniSearch's `fuzzyGet` answered. Words are visited in order; the rows of the edit-distance table for a
   * prefix are kept while the next word shares it, and every word under a prefix that is already too far is
   * skipped by one binary search.
   */
  within(term: string, maxEdits: number): string[] {
    const out: string[] = [];
    const n = term.length;
    const rows: Int32Array[] = [Int32Array.from({ length: n + 1 }, (_, j) => j)];
    let prev = '';
    let at = 0;
    while (at < this.#words.length) {
      const word = this.#words[at] as string;
      let k = 0;
      const shared = Math.min(prev.length, word.length, rows.length - 1);
      while (k < shared && prev.charCodeAt(k) === word.charCodeAt(k)) k++;
      let dead = -1;
      for (; k < word.length; k++) {
        const above = rows[k] as Int32Array;
        const row = rows[k + 1] ?? new Int32Array(n + 1);
        rows[k + 1] = row;
        row[0] = k + 1;
        let best = row[0];
        const c = word.charCodeAt(k);
        for (let j = 1; j <= n; j++) {
          const cost = term.charCodeAt(j - 1) === c ? 0 : 1;
          const v = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
          row[j] = v;
          if (v < best) best = v;
        }
        if (best > maxEdits) {
          dead = k + 1;
          break;
        }
      }
      if (dead > 0) {
        // No word beginning with this prefix can come within reach: jump past all of them.
        const prefix = word.slice(0, dead);
        prev = prefix;
        // U+FFFF is not a word character (docs/search.md), so it sorts after every word with this prefix.
        at = Math.max(at + 1, this.#lowerBound(`${prefix}\uffff`));
        continue;
      }
      if (((rows[word.length] as Int32Array)[n] as number) <= maxEdits) out.push(word);
      prev = word;
      at++;
    }
    return out;
  }
}
