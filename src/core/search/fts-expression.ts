/** Builds SQLite FTS5 match expressions from normalised words; every word is quoted, so none is syntax. */

/** Words as one FTS5 phrase: `"a b"`. */
export const quote = (words: readonly string[]): string => `"${words.join(' ').replaceAll('"', '""')}"`;

/** A word and its alternative spellings as one FTS5 term: `"word"` or `("a" OR "b")`. */
export const anyOf = (spellings: readonly string[]): string =>
  spellings.length === 1 ? quote(spellings) : `(${spellings.map((s) => quote([s])).join(' OR ')})`;

/** Every word group (each any of its spellings) in the title. */
export const allInTitle = (groups: readonly (readonly string[])[]): string =>
  `title : (${groups.map(anyOf).join(' AND ')})`;

/** A phrase as a query's phrase means it: those words in that order, in the title or in the abstract. */
export const phraseInText = (words: readonly string[]): string => `{title abstract} : ${quote(words)}`;

/** One word anywhere (title, authors, affiliations, abstract); several as a phrase in title or abstract. */
export const excludedExpression = (words: readonly string[]): string =>
  words.length === 1 ? quote(words) : phraseInText(words);

/** Joins positive parts with AND and takes away the negative ones (FTS5 needs a positive part first). */
export function combine(positive: readonly string[], negative: readonly string[]): string {
  const base = positive.length === 1 ? (positive[0] as string) : positive.map((p) => `(${p})`).join(' AND ');
  return negative.reduce((expression, n) => `(${expression}) NOT (${n})`, base);
}
