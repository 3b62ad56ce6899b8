import type { PaperInput } from './paper-store.ts';

/**
 * Folds what a new source says of a paper into what is stored. The title keeps the spelling first seen;
 * other fields only gain information: gaps are filled (an empty author list too), a full author list replaces
 * one cut short, a day-precise date replaces a bare year, "has code" is never unset.
 *
 * @returns the merged paper, or `undefined` when the source adds nothing
 */
export function mergePaper(stored: PaperInput, incoming: PaperInput): PaperInput | undefined {
  const merged: PaperInput = { ...stored };
  const betterAuthors =
    (stored.authors.length === 0 && incoming.authors.length > 0) ||
    (stored.authorsTruncated && !incoming.authorsTruncated && incoming.authors.length > 0) ||
    (stored.authorsTruncated === incoming.authorsTruncated && incoming.authors.length > stored.authors.length);
  if (betterAuthors) {
    merged.authors = incoming.authors;
    merged.authorsTruncated = incoming.authorsTruncated;
  }
  if (stored.affiliations.length === 0 && incoming.affiliations.length > 0) merged.affiliations = incoming.affiliations;
  if (stored.date.length === 4 && incoming.date.length === 10) merged.date = incoming.date;
  merged.hasCode = stored.hasCode || incoming.hasCode;
  merged.abstract = stored.abstract ?? incoming.abstract;
  merged.category = stored.category ?? incoming.category;
  merged.categoryFull = stored.categoryFull ?? incoming.categoryFull;
  merged.codeUrl = stored.codeUrl ?? incoming.codeUrl;
  merged.arxivId = stored.arxivId ?? incoming.arxivId;
  merged.arxivVersion = stored.arxivVersion ?? incoming.arxivVersion ?? null;
  merged.doi = stored.doi ?? incoming.doi ?? null;
  merged.journalRef = stored.journalRef ?? incoming.journalRef ?? null;
  merged.venue = stored.venue ?? incoming.venue;
  if (incoming.citations !== null && (stored.citations === null || incoming.citations > stored.citations)) {
    merged.citations = incoming.citations;
  }
  return isSamePaper(stored, merged) ? undefined : merged;
}

/** True when both say the same of every field (an absent optional field is the same as null). */
export function isSamePaper(a: PaperInput, b: PaperInput): boolean {
  const sameList = (x: string[], y: string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof PaperInput>;
  return [...keys].every((key) => {
    const [x, y] = [a[key] ?? null, b[key] ?? null];
    return Array.isArray(x) && Array.isArray(y) ? sameList(x, y) : x === y;
  });
}
