import type { AuthorCard } from '../commands/reply.ts';
import { toProfileKey } from '../store/identity.ts';
import type { StoredPaper, StoredProfile } from '../store/paper-store.ts';

const TOP = 5;

function tally(values: Iterable<string>): { name: string; papers: number }[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .map(([name, papers]) => ({ name, papers }))
    .sort((a, b) => b.papers - a.papers || a.name.localeCompare(b.name));
}

/**
 * An author's card: the metrics from their page and what the index adds from the papers linked to them.
 *
 * @param papers - the papers linked to the profile, any order
 */
export function buildAuthorCard(profile: StoredProfile, papers: StoredPaper[]): AuthorCard {
  const self = toProfileKey(profile.name);
  const perYear = tally(papers.map((p) => p.date.slice(0, 4))).sort((a, b) => a.name.localeCompare(b.name));
  const latest = [...papers].sort((a, b) => b.date.localeCompare(a.date) || b.id - a.id).slice(0, 3);
  return {
    name: profile.name,
    category: profile.category,
    hIndex: profile.hIndex,
    paperCount: profile.paperCount,
    citationCount: profile.citationCount,
    novelty: profile.novelty,
    aiScore: profile.aiScore,
    indexed: {
      papers: papers.length,
      perYear: perYear.map(({ name, papers: n }) => ({ year: name, papers: n })),
      topCategories: tally(papers.flatMap((p) => (p.category ? [p.category] : []))).slice(0, TOP),
      coAuthors: tally(papers.flatMap((p) => p.authors.filter((a) => toProfileKey(a) !== self))).slice(0, TOP),
      affiliations: tally(papers.flatMap((p) => [...new Set(p.affiliations)])).slice(0, TOP),
      withCode: papers.length ? papers.filter((p) => p.hasCode).length / papers.length : 0,
      latest: latest.map((p) => ({ id: p.id, title: p.title, date: p.date })),
    },
  };
}
