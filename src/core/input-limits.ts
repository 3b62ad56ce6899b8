import { PaperboyError } from './errors.ts';

/**
 * How much a person may type, wherever they type it (README, "Limits"). Longer input is refused at once with a
 * fix-it message, before any parser or index sees it, so no message can block the bot or grow its memory.
 */
export const INPUT_LIMITS = {
  /** A search query, in the CLI, a slash command, a mention or a digest. */
  query: 1000,
  /** An author's name (`/author`, `who is …`, each side of `A vs B`). */
  name: 200,
  /** A whole mention or command line. */
  message: 4000,
  /** A word longer than this is only matched exactly: typo and prefix matching cost the square of its length. */
  fuzzyWord: 40,
} as const;

const WHAT = { query: 'query', name: 'author name', message: 'message' } as const;

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
    `the ${WHAT[kind]} is too long: ${text.length.toLocaleString('en-US')} characters, at most ${limit.toLocaleString('en-US')}. Shorten it to the words that matter.`,
  );
}

/** True when a word is short enough for typo and prefix matching (longer ones are matched exactly). */
export const allowsFuzzy = (word: string): boolean => word.length <= INPUT_LIMITS.fuzzyWord;
