/** How text becomes search terms, shared by the in-memory index, the SQLite text index and the query parser. */

// Words so common in titles and abstracts that they carry no signal and only cost time.
const STOPWORDS = new Set(
  'a an and are as at be by can do does for from has have in into is it its of on or our than that the their these this to via we what when which with'.split(
    ' ',
  ),
);

/** Lower case, accents removed: `Naïve` and `naive` are the same term. */
export function normalizeTerm(term: string): string {
  return term
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** MiniSearch's `processTerm`: normalises a term, or drops it when it is a stopword or empty. */
export function processTerm(term: string): string | null {
  const normal = normalizeTerm(term);
  return normal === '' || STOPWORDS.has(normal) ? null : normal;
}

const SPLIT = /[\s\p{P}\p{S}]+/u;

/** Splits text into raw words on spaces, punctuation and symbols (MiniSearch's `tokenize`). */
export const splitWords = (text: string): string[] => text.split(SPLIT);

/** Splits text into normalised terms, without stopwords, in order. */
export function toTerms(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(SPLIT)) {
    const term = processTerm(raw);
    if (term !== null) out.push(term);
  }
  return out;
}

/** Splits text into normalised words, stopwords kept: for phrases. */
export function toWords(text: string): string[] {
  return text
    .split(SPLIT)
    .map(normalizeTerm)
    .filter((w) => w !== '');
}

export const isStopword = (term: string): boolean => STOPWORDS.has(normalizeTerm(term));
