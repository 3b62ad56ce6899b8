import { z } from 'zod';
import { toShortCategory } from '../categories.ts';
import { recogniseLinks } from '../links/recognise-links.ts';
import { toDoiKey } from '../store/identity.ts';
import type { PaperInput } from '../store/paper-store.ts';
import { squeezeSpaces } from '../text.ts';

const text = z.string().nullish();

/** One line of a corpus file (`small.jsonl.gz`, `large.jsonl.gz`): a paper record. */
export const PaperRecordSchema = z.object({
  arxivId: text,
  /** The paper's DOI in any shape people paste (`10.1038/x`, `https://doi.org/…`, `doi:…`). */
  doi: text,
  title: z.string().refine((t) => t.trim() !== '', 'title is empty'),
  authors: z.array(z.string()),
  affiliations: z.array(z.string().nullable()).nullish(),
  date: z.string().regex(/^\d{4}(-\d{2}-\d{2})?$/, 'date must be YYYY or YYYY-MM-DD'),
  category: z.string().min(1),
  abstract: text,
  codeUrl: text,
  venue: text,
  citations: z.number().int().nonnegative().nullish(),
});
export type PaperRecord = z.infer<typeof PaperRecordSchema>;

/** A record's DOI as links give it (lower case, percent-decoded), or as written when it reads as no DOI. */
function toDoi(raw: string): string {
  const [ref] = recogniseLinks(raw);
  return ref?.kind === 'doi' ? ref.doi : toDoiKey(raw);
}

/** Maps a validated corpus record to the stored paper shape, keeping the date's precision. */
export function toPaperInput(record: PaperRecord): PaperInput {
  const affiliations = [...new Set((record.affiliations ?? []).filter((a): a is string => !!a?.trim()))];
  return {
    title: squeezeSpaces(record.title),
    authors: record.authors.map(squeezeSpaces).filter(Boolean),
    authorsTruncated: false,
    affiliations: affiliations.map(squeezeSpaces),
    abstract: record.abstract?.trim() ? record.abstract.trim() : null,
    date: record.date,
    category: toShortCategory(record.category),
    categoryFull: record.category,
    hasCode: !!record.codeUrl,
    codeUrl: record.codeUrl ?? null,
    arxivId: record.arxivId ?? null,
    doi: record.doi?.trim() ? toDoi(record.doi) : null,
    venue: record.venue ?? null,
    citations: record.citations ?? null,
  };
}
