import type { ArxivEntry } from '../arxiv/arxiv-entry.ts';
import { toShortCategory } from '../categories.ts';
import { squeezeSpaces } from '../text.ts';
import { toArxivKey, toDoiKey } from './identity.ts';
import { isSamePaper, mergePaper } from './merge-paper.ts';
import type { PaperInput, StoredPaper } from './paper-store.ts';

/** An arXiv entry as a paper to store, with its categories other than the primary one (short and full). */
export interface ArxivPaper {
  input: PaperInput;
  also: string[];
}

/**
 * Maps an arXiv entry to the stored paper shape: the id without version, the full author list, the primary
 * (first) category as `category`/`categoryFull` (`CL`/`cs.CL`), the others for `alsoCategories`, and the date of
 * the first version (`now`'s day when the entry does not say).
 */
export function toArxivPaper(entry: ArxivEntry, now: Date): ArxivPaper {
  const key = toArxivKey(entry.arxivId);
  const [primary, ...others] = entry.categories.map((c) => c.trim()).filter(Boolean);
  const abstract = squeezeSpaces(entry.abstract);
  const doi = entry.doi ? toDoiKey(entry.doi) : '';
  return {
    input: {
      title: squeezeSpaces(entry.title),
      authors: entry.authors.map(squeezeSpaces).filter(Boolean),
      authorsTruncated: false,
      affiliations: [],
      abstract: abstract || null,
      date: entry.published ?? now.toISOString().slice(0, 10),
      category: primary ? toShortCategory(primary) : null,
      categoryFull: primary ?? null,
      hasCode: false,
      codeUrl: null,
      arxivId: key.id,
      venue: null,
      citations: null,
      arxivVersion: entry.version ?? key.version,
      doi: doi || null,
      journalRef: entry.journalRef ? squeezeSpaces(entry.journalRef) || null : null,
    },
    also: others.flatMap((c) => [toShortCategory(c), c]),
  };
}

/**
 * What a stored paper becomes when arXiv describes it: arXiv's title, abstract, full author list, version, DOI
 * and journal reference replace what was stored (a v2 may retitle a paper), unless the entry is an older version
 * than the one stored, which only fills gaps. What arXiv does not know (affiliations, code, venue, citations)
 * stays; the stored category stays and arXiv's categories are added beside it.
 *
 * @returns the paper and its `alsoCategories`, or undefined when nothing changes
 */
export function applyArxivPaper(
  stored: StoredPaper,
  { input, also }: ArxivPaper,
  published: boolean,
): { paper: PaperInput; alsoCategories: string[] } | undefined {
  const older = stored.arxivVersion !== null && input.arxivVersion != null && input.arxivVersion < stored.arxivVersion;
  const current: PaperInput = { ...stored };
  const paper: PaperInput = older
    ? (mergePaper(current, input) ?? current)
    : {
        ...current,
        title: input.title || stored.title,
        abstract: input.abstract ?? stored.abstract,
        authors: input.authors.length > 0 ? input.authors : stored.authors,
        authorsTruncated: input.authors.length > 0 ? false : stored.authorsTruncated,
        date: published ? input.date : stored.date,
        arxivId: input.arxivId,
        arxivVersion: input.arxivVersion ?? stored.arxivVersion,
        doi: input.doi ?? stored.doi,
        journalRef: input.journalRef ?? stored.journalRef,
      };
  if (stored.category === null || stored.category === input.category) {
    paper.category = stored.category ?? input.category;
    paper.categoryFull = stored.categoryFull ?? input.categoryFull;
  }
  const known = new Set([paper.category, paper.categoryFull, ...stored.alsoCategories]);
  const added = [input.category, input.categoryFull, ...also].filter((c): c is string => {
    if (c === null || known.has(c)) return false;
    known.add(c);
    return true;
  });
  if (added.length === 0 && isSamePaper(current, paper)) return undefined;
  return { paper, alsoCategories: [...stored.alsoCategories, ...added] };
}
