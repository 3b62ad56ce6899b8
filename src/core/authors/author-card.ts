import type { AuthorCard } from '../commands/reply.ts';
import { toAuthorKey } from '../store/author-index.ts';
import type { StoredPaper, StoredProfile } from '../store/paper-store.ts';

type Tally = { name: string; papers: number }[];

/** Counts each value once per paper; most papers first, then by name. */
function tally(perPaper: Iterable<Iterable<string>>): Tally {
  const counts = new Map<string, number>();
  for (const values of perPaper) for (const value of new Set(values)) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .map(([name, papers]) => ({ name, papers }))
    .sort((a, b) => b.papers - a.papers || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// An arXiv category as sources write it: `cs.CL`, `hep-th`, `math.NT`, `quant-ph`.
const ARXIV_CATEGORY = /^[a-z-]+(?:\.[A-Za-z-]+)?$/;
// A conference record's category: "VENUE YEAR".
const VENUE_YEAR = /^(.*\S)\s+\d{4}$/;

/** The arXiv categories of a paper (its own and those of its other sources); a profile's short one if none. */
export function paperCategories(paper: StoredPaper): string[] {
  const all = [paper.categoryFull, ...paper.alsoCategories].filter((c): c is string => !!c && ARXIV_CATEGORY.test(c));
  if (all.length > 0) return [...new Set(all)];
  const venue = paperVenues(paper).length > 0;
  return paper.category && !venue && !paper.categoryFull ? [paper.category] : [];
}

/** The venues of a paper: its `venue`, and the venue of any "VENUE YEAR" category of its sources. */
export function paperVenues(paper: StoredPaper): string[] {
  const venues = paper.venue ? [paper.venue] : [];
  for (const category of [paper.categoryFull, ...paper.alsoCategories]) {
    const venue = category ? VENUE_YEAR.exec(category)?.[1] : undefined;
    if (venue) venues.push(venue);
  }
  return [...new Set(venues)];
}

/**
 * The h-index of citation counts: the largest h such that h papers have at least h citations each.
 * @example hIndex([10, 8, 5, 4, 3]) // 4
 */
export function hIndex(counts: readonly number[]): number {
  const sorted = [...counts].sort((a, b) => b - a);
  let h = 0;
  while (h < sorted.length && (sorted[h] as number) >= h + 1) h++;
  return h;
}

const yearOf = (paper: StoredPaper): number | null => {
  const year = Number.parseInt(paper.date.slice(0, 4), 10);
  return Number.isFinite(year) ? year : null;
};

/**
 * True when the papers fall into groups that share no co-author and whose arXiv categories do not overlap:
 * the name may cover several people (authors are merged by name). Groups of one paper are not counted.
 */
export function mayBeSeveral(
  selfKey: string,
  papers: readonly StoredPaper[],
  toKey: (name: string) => string = toAuthorKey,
): boolean {
  const parent = papers.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i] as number] as number;
    return i;
  };
  const byCoAuthor = new Map<string, number>();
  papers.forEach((paper, i) => {
    for (const name of paper.authors) {
      const key = toKey(name);
      if (key === selfKey || key === '') continue;
      const first = byCoAuthor.get(key);
      if (first === undefined) byCoAuthor.set(key, i);
      else parent[root(i)] = root(first);
    }
  });
  const groups = new Map<number, { papers: number; categories: Set<string> }>();
  papers.forEach((paper, i) => {
    const group = groups.get(root(i)) ?? { papers: 0, categories: new Set<string>() };
    group.papers++;
    for (const category of paperCategories(paper)) group.categories.add(category);
    groups.set(root(i), group);
  });
  const real = [...groups.values()].filter((g) => g.papers >= 2 && g.categories.size > 0);
  return real.some((a, i) => real.slice(i + 1).some((b) => ![...a.categories].some((c) => b.categories.has(c))));
}

/** The name as the papers spell it most often (first seen on ties). */
function spellings(
  selfKey: string,
  papers: readonly StoredPaper[],
  toKey: (name: string) => string,
): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const paper of papers) {
    for (const name of paper.authors) {
      const key = toKey(name);
      if (key === selfKey || key === '') continue;
      const forms = counts.get(key) ?? new Map<string, number>();
      forms.set(name, (forms.get(name) ?? 0) + 1);
      counts.set(key, forms);
    }
  }
  const out = new Map<string, string>();
  for (const [key, forms] of counts) {
    let best = '';
    let most = 0;
    for (const [form, n] of forms) if (n > most) [best, most] = [form, n];
    out.set(key, best);
  }
  return out;
}

/** Newest first (then the later stored): the order of an author's latest papers. */
export const byNewest = (a: StoredPaper, b: StoredPaper): number =>
  a.date < b.date ? 1 : a.date > b.date ? -1 : b.id - a.id;

/**
 * An author's card: what the index knows, computed over the (merged) papers that list them, and the figures of
 * their profile page when there is one, apart. Citations and the h-index come from the papers' own counts (a
 * merged paper keeps the largest count of its records); both are null when no paper has a count.
 *
 * @param name - the name as it is shown
 * @param papers - the papers listing the author (any order, each once)
 * @param profile - the author's profile page, if any
 * @example buildAuthorCard('Dan Jurafsky', await store.getPapers(ids), null).hIndex // 10
 */
export function buildAuthorCard(name: string, papers: readonly StoredPaper[], profile?: StoredProfile): AuthorCard {
  const selfKey = toAuthorKey(name);
  // Each name folded once: a prolific author's papers list thousands of names, most of them many times.
  const keys = new Map<string, string>();
  const toKey = (n: string) => {
    let key = keys.get(n);
    if (key === undefined) {
      key = toAuthorKey(n);
      keys.set(n, key);
    }
    return key;
  };
  const years = papers.map(yearOf).filter((y): y is number => y !== null);
  const perYear = new Map<number, number>();
  for (const year of years) perYear.set(year, (perYear.get(year) ?? 0) + 1);
  const counts = papers.flatMap((p) => (p.citations === null ? [] : [p.citations]));
  const names = spellings(selfKey, papers, toKey);
  const coAuthors = tally(papers.map((p) => p.authors.map(toKey).filter((k) => k !== selfKey && k !== ''))).map(
    ({ name: key, papers: n }) => ({ name: names.get(key) ?? key, papers: n }),
  );
  return {
    name,
    profile: profile
      ? {
          hIndex: profile.hIndex,
          paperCount: profile.paperCount,
          citationCount: profile.citationCount,
          category: profile.category,
          novelty: profile.novelty,
          aiScore: profile.aiScore,
        }
      : null,
    papers: papers.length,
    firstYear: years.length ? Math.min(...years) : null,
    lastYear: years.length ? Math.max(...years) : null,
    perYear: [...perYear].sort(([a], [b]) => a - b).map(([year, n]) => ({ year, papers: n })),
    categories: tally(papers.map(paperCategories)),
    venues: tally(papers.map(paperVenues)),
    affiliations: tally(papers.map((p) => p.affiliations.filter((a) => a.trim() !== ''))).map((a) => a.name),
    coAuthors,
    withCode: papers.filter((p) => p.hasCode).length,
    citations: counts.length ? counts.reduce((a, b) => a + b, 0) : null,
    papersWithCitations: counts.length,
    hIndex: counts.length ? hIndex(counts) : null,
    mayBeSeveral: mayBeSeveral(selfKey, papers, toKey),
    latest: [...papers]
      .sort(byNewest)
      .slice(0, 3)
      .map((p) => ({ id: p.id, title: p.title, date: p.date })),
  };
}
