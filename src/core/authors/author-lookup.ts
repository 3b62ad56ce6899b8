import type { AuthorCard } from '../commands/reply.ts';
import { INPUT_LIMITS } from '../input-limits.ts';
import { type AuthorName, toAuthorKey, toSurnameKey } from '../store/author-index.ts';
import type { PaperStore, StoredPaper } from '../store/paper-store.ts';
import { buildAuthorCard } from './author-card.ts';
import { type createNameIndex, nameLikeness } from './closest-names.ts';

/** The profile owners' names, prepared for closest-name look-ups (owners may be on no paper's list). */
export type ProfileNames = Pick<ReturnType<typeof createNameIndex>, 'closest'>;

/** What a name asked for is: one author, names to choose from (closest first), or nobody alike. */
export type AuthorLookup = { found: AuthorName } | { choices: AuthorName[] } | { none: true };

// How many names each way of finding candidates hands to the likeness score.
const CANDIDATES = 400;
const FLOOR = 0.3;

/**
 * The names most like `query` in the author index, best first: same surname (for a surname alone, the people
 * with it, most papers first), initials (`D. Jurafsky`), typos past the surname's first letters.
 */
export async function closestAuthors(
  store: PaperStore,
  query: string,
  limit = 5,
  profiles?: ProfileNames,
): Promise<AuthorName[]> {
  const key = toAuthorKey(query);
  if (key === '' || query.length > INPUT_LIMITS.name) return [];
  const surname = toSurnameKey(query) || key;
  const oneWord = !key.includes(' ');
  const candidates = await store.authors.candidates(
    {
      surname,
      surnamePrefix: surname.slice(0, 3),
      initial: oneWord ? '' : key.slice(0, 1),
      ...(oneWord ? { keyPrefix: key } : {}),
    },
    CANDIDATES,
  );
  const known = new Set(candidates.map((c) => c.key));
  for (const { name } of profiles?.closest(query, limit, FLOOR) ?? []) {
    const key = toAuthorKey(name);
    if (known.has(key)) continue;
    known.add(key);
    const owner = await store.findProfile(name);
    candidates.push({ name, key, papers: owner?.papers ?? 0 });
  }
  const scored = candidates
    .map((c) => ({ ...c, score: nameLikeness(query, c.name), sameSurname: toSurnameKey(c.name) === surname }))
    .filter((c) => c.score >= FLOOR);
  // A surname alone names the people who have it, most papers first, before any other likeness.
  const rank = (c: (typeof scored)[number]) => (oneWord && c.sameSurname ? 2 : c.score);
  return scored
    .sort((a, b) => rank(b) - rank(a) || b.papers - a.papers || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map(({ name, key: k, papers }) => ({ name, key: k, papers }));
}

/**
 * Finds the author a name means: the listed name itself (case, accents and punctuation aside), or a profile
 * owner; else one clear closest name (a typo, a unique surname) unless `options.guess` is false (the CLI, whose
 * answer scripts rely on); else the closest names to choose from, never a guess between several (an ambiguous
 * surname lists its people).
 */
export async function lookupAuthor(
  store: PaperStore,
  query: string,
  limit = 5,
  profiles?: ProfileNames,
  options: { guess?: boolean } = {},
): Promise<AuthorLookup> {
  const key = toAuthorKey(query);
  if (key === '') return { none: true };
  const exact = await store.authors.find(key);
  if (exact) return { found: exact };
  const profile = await store.findProfile(query);
  if (profile) return { found: { name: profile.name, key: toAuthorKey(profile.name), papers: profile.papers } };
  const close = await closestAuthors(store, query, limit, profiles);
  const [best, second] = close;
  if (best === undefined) return { none: true };
  const score = (name: string) => nameLikeness(query, name);
  if (
    options.guess !== false &&
    score(best.name) >= 0.7 &&
    (second === undefined || score(second.name) < score(best.name) - 0.1)
  ) {
    return { found: best };
  }
  return { choices: close };
}

/**
 * The card of a found author: the papers listing the name, with those their profile page links (a page may
 * list a paper with its author list cut short), merged papers counted once.
 */
export async function authorCardOf(
  store: PaperStore,
  author: AuthorName,
): Promise<{ card: AuthorCard; papers: StoredPaper[] }> {
  const profile = await store.findProfile(author.name);
  const ids = new Set(await store.authors.paperIds(author.key));
  if (profile) for (const id of await store.profilePaperIds(profile.id)) ids.add(id);
  const owners = await store.profileNamesFor([...ids]);
  // A page may cut a paper's author list short ("et al."): the owners of the pages listing it are its authors too.
  // In id order, whatever order the engine gives: every figure, tie and spelling then comes out the same.
  const papers = (await store.getPapers([...ids].sort((a, b) => a - b))).map((paper) => {
    const listed = new Set(paper.authors.map(toAuthorKey));
    const missing = (owners.get(paper.id) ?? []).filter((name) => !listed.has(toAuthorKey(name)));
    return missing.length ? { ...paper, authors: [...paper.authors, ...missing] } : paper;
  });
  return { card: buildAuthorCard(profile?.name ?? author.name, papers, profile), papers };
}
