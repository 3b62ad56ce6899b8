import { PaperboyError } from './errors.ts';

/**
 * How much a person may type, wherever they type it (docs/limits.md). Longer input is refused at once with a
 * fix-it message, before any parser or index sees it, so no message can block the bot or grow its memory.
 */
export const INPUT_LIMITS = {
  /** A search query, in the CLI, a slash command, a mention or a digest. */
  query: 1000,
  /**
   * Words of a query (free words, phrase words, excluded words): each costs a pass over the text index, and
   * 150 common words took 0.5 s on 4,000 papers.
   */
  words: 32,
  /** An author's name (`/author`, `who is …`, each side of `A vs B`). */
  name: 200,
  /** A whole mention or command line. */
  message: 4000,
  /** A word longer than this is only matched exactly: typo and prefix matching cost the square of its length. */
  fuzzyWord: 40,
} as const;

const WHAT = { query: 'query', name: 'author name', message: 'message' } as const;

// Not toLocaleString: its first call loads locale data (~50 ms), too slow for a refusal that must be instant.
const withCommas = (n: number): string => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

/**
 * Refuses text over its limit with `invalid_query`, saying "too long", the limit and how to fix it.
 * @throws PaperboyError `invalid_query`
 * @example
 * checkLength('name', '/author ' + 'x'.repeat(500)); // throws: the author name is too long …
 */
export function checkLength(kind: keyof typeof WHAT, text: string): void {
  const limit = INPUT_LIMITS[kind];
  if (text.length <= limit) return;
  throw new PaperboyError(
    'invalid_query',
    `the ${WHAT[kind]} is too long: ${withCommas(text.length)} characters, at most ${withCommas(limit)}. Shorten it to the words that matter.`,
  );
}

/**
 * Refuses a query of more than `INPUT_LIMITS.words` words with `invalid_query`.
 * @throws PaperboyError `invalid_query`
 */
export function checkWordCount(count: number): void {
  if (count <= INPUT_LIMITS.words) return;
  throw new PaperboyError(
    'invalid_query',
    `the query has too many words: ${count}, at most ${INPUT_LIMITS.words}. Keep the words that matter.`,
  );
}

/** True when a word is short enough for typo and prefix matching (longer ones are matched exactly). */
export const allowsFuzzy = (word: string): boolean => word.length <= INPUT_LIMITS.fuzzyWord;
