/** How text becomes search terms, shared by the in-memory index, the SQLite text index and the query parser. */

// Words so common in titles and abstracts that the title index leaves them out (they only cost time there).
const STOPWORDS = new Set(
  'a an and are as at be by can do does for from has have in into is it its of on or our than that the their these this to via we what when which with'.split(
    ' ',
  ),
);

/**
 * Function words: a query does not require them (unless quoted), so a question or "papers on X by Y" works.
 * A query made only of them searches for them as ordinary words. The list is part of the contract in
 * docs/search.md; keep the two in step.
 */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  ...STOPWORDS,
  ...'about after all also am any been before being but did doing find get give how i if me my paper papers please should show so some there they those was were where whether who why will would you your'.split(
    ' ',
  ),
]);

/**
 * Lower case, accents removed: `Naïve` and `naive` are the same term. Canonical (not compatibility)
 * decomposition, like SQLite's `unicode61 remove_diacritics 2`, so `ﬁ` stays a ligature in both.
 */
export function normalizeTerm(term: string): string {
  return term
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Normalises a term, or drops it when it is a stopword or empty. */
function processTerm(term: string): string | null {
  const normal = normalizeTerm(term);
  return normal === '' || STOPWORDS.has(normal) ? null : normal;
}

// A word is a run of letters, digits, marks and private-use characters; everything else separates words,
// as in SQLite's unicode61 tokenizer (which keeps combining accents inside a word and then removes them).
const SPLIT = /[^\p{L}\p{N}\p{M}\p{Co}]+/u;

/** Splits text into normalised terms, without the title index's stopwords, in order. */
export function toTerms(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(SPLIT)) {
    const term = processTerm(raw);
    if (term !== null) out.push(term);
  }
  return out;
}

/** Splits text into normalised words, every word kept: for phrases, names and the matching contract. */
export function toWords(text: string): string[] {
  return text
    .split(SPLIT)
    .map(normalizeTerm)
    .filter((w) => w !== '');
}

export const isStopword = (term: string): boolean => STOPWORDS.has(normalizeTerm(term));
export const isFunctionWord = (term: string): boolean => FUNCTION_WORDS.has(normalizeTerm(term));
